"""Snapshots, their replication to the paired target, and snapshot schedules.

A snapshot created with `enableRemoteReplication` on a paired source volume is
replicated in every mode. In SnapshotsOnly mode it carries the distinct 4 KiB blocks
changed since the previous replicated snapshot (live writes are not shipped); in Async
and Sync mode the data is already streaming, so only the snapshot's metadata follows
the stream. Remote status: `Not Present` → `Syncing` → `Present`.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import simpy

from replsim.model.bulk import BulkTransfer
from replsim.model.volume import BLOCK_BYTES

if TYPE_CHECKING:
    from replsim.model.pair import VolumePair
    from replsim.model.statelog import StateLog
    from replsim.model.volume import Volume

MAX_SNAPSHOTS_PER_VOLUME = 32


class SnapshotError(ValueError):
    """A snapshot operation Element refuses; `name` is the Element error name."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


@dataclass
class Snapshot:
    snapshot_id: int
    volume: Volume
    name: str
    create_s: float
    enable_remote: bool
    uuid: str
    retention_s: float | None = None
    remote_status: str | None = None  # None when not replicated
    pair_uuid: str | None = None
    delta_blocks: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    rows: list[int] = field(default_factory=list)
    t_syncing_s: float = math.nan
    t_present_s: float = math.nan
    bytes_shipped: float = 0.0
    delete_requested: bool = False
    deleted: bool = False
    group_id: int = 0
    source_snapshot: Snapshot | None = None  # for a target copy: the snapshot it copies


class SnapshotShipper:
    """One pair's queue of snapshots to replicate, shipped one at a time in order."""

    def __init__(self, pair: VolumePair):
        self.pair = pair
        self.queue: deque[Snapshot] = deque()
        self.busy = False
        self._transfer: BulkTransfer | None = None
        self.rows_since_last: list[int] = []
        self.present: list[tuple[float, float]] = []  # (created, present) per snapshot
        self.recovery_base_s = pair.created_s
        self.on_present: list = []
        self.queued_blocks: set[int] = set()  # union of the queued snapshots' deltas
        pair.source.dirty.shadow = self.queued_blocks
        pair.source.dirty.recount()

    # called by the SnapshotsOnly write path
    def write_acked(self, row: int) -> None:
        w = self.pair.writes
        self.pair.source.dirty.mark(int(w["first_block"][row]), int(w["size_bytes"][row]))
        self.rows_since_last.append(row)

    def snapshot_created(self, snapshot: Snapshot) -> None:
        """Queue a remote-enabled snapshot; in SnapshotsOnly it takes the changed blocks."""
        snapshot.remote_status = "Not Present"
        snapshot.pair_uuid = self.pair.uuid
        if self.pair.mode == "SnapshotsOnly":
            snapshot.delta_blocks = self.pair.source.dirty.drain()
            snapshot.rows, self.rows_since_last = self.rows_since_last, []
            self.queued_blocks.update(snapshot.delta_blocks.tolist())
        self.queue.append(snapshot)
        self.kick()

    def in_progress(self) -> bool:
        return bool(self.queue)

    def kick(self) -> None:
        """Start the next transfer if the pair is healthy and nothing is moving."""
        pair = self.pair
        if self.busy or not self.queue or pair.state not in ("Active", "Idle"):
            return
        snapshot = self.queue[0]
        self.busy = True
        snapshot.remote_status = "Syncing"
        snapshot.t_syncing_s = pair.env.now
        pair.refresh(f"snapshot {snapshot.name} syncing")
        epoch = pair.epoch
        self._transfer = BulkTransfer(
            pair.forward, self._chunks(snapshot), pair.params.transfer_window_bytes,
            lambda: self._done(snapshot, epoch), owner=pair)
        self._transfer.start()

    def _chunks(self, snapshot: Snapshot):
        per_chunk = max(1, self.pair.params.transfer_chunk_bytes // BLOCK_BYTES)
        wire_per_block = BLOCK_BYTES * self.pair.source.wire_bytes_factor
        blocks = len(snapshot.delta_blocks)
        for start in range(0, blocks, per_chunk):
            yield min(per_chunk, blocks - start) * wire_per_block
        yield float(self.pair.params.snapshot_metadata_bytes)

    def _done(self, snapshot: Snapshot, epoch: int) -> None:
        pair = self.pair
        if epoch != pair.epoch:
            return
        now = pair.env.now
        snapshot.bytes_shipped = self._transfer.bytes_sent if self._transfer else 0.0
        snapshot.remote_status = "Present"
        snapshot.t_present_s = now
        if snapshot.rows:
            durable = pair.writes["t_durable_remote_s"]
            rows = np.asarray(snapshot.rows, dtype=np.int64)
            durable[rows] = np.where(np.isnan(durable[rows]), now, durable[rows])
        self.present.append((snapshot.create_s, now))
        self.queue.popleft()
        self._rebuild_queued_blocks()
        self.busy = False
        self._transfer = None
        for callback in self.on_present:
            callback(snapshot)
        pair.refresh(f"snapshot {snapshot.name} present on the target")
        self.kick()

    def interrupt(self) -> None:
        """The pair paused: the snapshot in flight starts over when it resumes."""
        if self._transfer is not None:
            self._transfer.cancel()
            self._transfer = None
        if self.busy:
            self.queue[0].remote_status = "Not Present"
            self.busy = False

    def recovery_point_s(self) -> float:
        """Creation time of the newest snapshot present on the target (SnapshotsOnly RPO)."""
        return self.present[-1][0] if self.present else self.recovery_base_s

    def _rebuild_queued_blocks(self) -> None:
        self.queued_blocks.clear()
        for queued in self.queue:
            self.queued_blocks.update(queued.delta_blocks.tolist())
        self.pair.source.dirty.recount()

    def unreplicated_block_count(self) -> int:
        """Distinct blocks written but on no snapshot present on the target."""
        return len(self.queued_blocks) + self.pair.source.dirty.outside_shadow

    def unreplicated_blocks(self) -> set[int]:
        """The blocks themselves (for hand-over to a resync)."""
        return self.pair.source.dirty.as_set() | self.queued_blocks

    def hand_over_to_resync(self) -> None:
        """Leaving SnapshotsOnly: everything not on the target joins the live resync."""
        pair = self.pair
        for block in self.unreplicated_blocks():
            pair.resync_dirty.mark(block, BLOCK_BYTES)
        pair.source.dirty.drain()
        for snapshot in self.queue:
            snapshot.delta_blocks = np.empty(0, dtype=np.int64)  # now in the resync
        self._rebuild_queued_blocks()
        pair.tracked_rows.extend(self.rows_since_last)
        for snapshot in self.queue:
            pair.tracked_rows.extend(snapshot.rows)
        self.rows_since_last = []


class SnapshotSchedule:
    """Creates a snapshot every `interval_s`; a refused creation counts as skipped."""

    def __init__(self, env: simpy.Environment, create, volume: Volume, name: str,
                 interval_s: float, enable_remote: bool, retention_s: float | None,
                 ensure_serial: bool, start_s: float, log: StateLog):
        if interval_s <= 0:
            raise ValueError(f"snapshot schedule {name}: interval must be > 0")
        self.env = env
        self.create = create
        self.volume = volume
        self.name = name
        self.interval_s = interval_s
        self.enable_remote = enable_remote
        self.retention_s = retention_s
        self.ensure_serial = ensure_serial
        self.start_s = start_s
        self.log = log
        self.created = 0
        self.skipped = 0
        env.process(self._run())

    def _run(self):
        yield self.env.timeout(max(0.0, self.start_s - self.env.now) + self.interval_s)
        while True:
            label = f"{self.name}-{self.created + self.skipped + 1}"
            try:
                self.create(self.volume, label, self.enable_remote, self.retention_s,
                            self.ensure_serial)
                self.created += 1
            except SnapshotError as exc:
                self.skipped += 1
                self.log.record(self.env.now, "snapshot_schedule", self.name,
                                self.volume.cluster.name, "scheduled", "skipped", exc.name)
            yield self.env.timeout(self.interval_s)
