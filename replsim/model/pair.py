"""A volume pair: its replication stream (data plane) and its state (control plane).

Data plane: the pair ships writes over the shared WAN link in FIFO order, has the target
commit them and, for Sync, sends the acknowledgement back. Control plane: the pair's
state follows Element's (`Active`, `Paused*`, `Resuming*` …). While the pair is not
forwarding, acknowledged writes are tracked as dirty 4 KiB blocks; the resync ships each
distinct block once, and every tracked write becomes durable on the target when the
resync completes (the target is consistent only then).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from replsim.model.bulk import BulkTransfer
from replsim.model.link import LinkDirection
from replsim.model.params import ModelParams
from replsim.model.resync import ResyncPhases
from replsim.model.schedule import call_later
from replsim.model.statelog import StateLog
from replsim.model.volume import BLOCK_BYTES, DirtyBlocks

if TYPE_CHECKING:
    from replsim.metrics.columns import Columns
    from replsim.model.clusterpair import ClusterPair
    from replsim.model.volume import Volume

MODES = ("Async", "Sync", "SnapshotsOnly")
STATES = (
    "New", "Active", "Idle", "PausedManual", "PausedManualRemote", "PausedDisconnected",
    "PausedMisconfigured", "PausedVolumeSizeMismatch", "PausedSlowLink", "ResumingConnected",
    "ResumingRRSync", "ResumingLocalSync", "ResumingDataTransfer", "StoppedMisconfigured",
)
STATE_CODES = {name: code for code, name in enumerate(STATES)}
RESUMING = ("ResumingConnected", "ResumingRRSync", "ResumingLocalSync", "ResumingDataTransfer")
FORWARDING = ("Active", "Idle", "ResumingDataTransfer")
HEALTHY = ("Active", "Idle")


def normalise_mode(mode: str) -> str:
    """Element accepts modes case-insensitively and always reports the canonical spelling."""
    for canonical in MODES:
        if isinstance(mode, str) and mode.lower() == canonical.lower():
            return canonical
    raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")


class VolumePair(ResyncPhases):
    """Replication between two volumes on two clusters, oriented readWrite → target."""

    def __init__(self, index: int, a: Volume, b: Volume, cluster_pair: ClusterPair,
                 mode: str, writes: Columns, params: ModelParams, log: StateLog,
                 created_s: float, uuid: str, fail_write: Callable[[int], None]):
        self.index = index
        self.volumes = (a, b)
        self.cluster_pair = cluster_pair
        self.mode = normalise_mode(mode)
        self.modes_seen = {self.mode}
        self.writes = writes
        self.params = params
        self.log = log
        self.created_s = created_s
        self.uuid = uuid
        self._fail_write = fail_write
        self.env = cluster_pair.env
        self.source: Volume = a
        self.target: Volume = b
        self.forward: LinkDirection
        self.reverse: LinkDirection
        self._orient(a, b)
        self.state = "New"
        self.paused_by: set[str] = set()  # cluster names whose side set pausedManual
        self.removed_by: set[str] = set()
        self.link_lost = False
        self.pause_limit_bytes = params.pause_limit_bytes
        self.slow_link_until_s = -math.inf
        self.epoch = 0
        self.backlog_bytes = 0.0
        self.bytes_shipped = 0.0
        self._pending: deque[int] = deque()  # live-shipped acked writes, ack order
        self._live_blocks: dict[int, int] = {}  # block -> live writes not yet durable
        self._sync_waiting: dict[int, Callable[[int], None]] = {}
        self.resync_dirty = DirtyBlocks()
        self.tracked_rows: list[int] = []
        self.resync: BulkTransfer | None = None
        self._resync_remaining: set[int] = set()
        self._resync_started_s = math.nan
        self._metadata_bytes = 0.0
        self.resyncs: list[dict] = []
        self.pause_count = 0
        self.failed_writes = 0
        self.initial_sync_pending = True
        self.snapshots = None  # set by the snapshot shipper

    # ---- identity -------------------------------------------------------------------
    @property
    def scope(self) -> str:
        return f"{self.source.scope}->{self.target.scope}"

    def _orient(self, source: Volume, target: Volume) -> None:
        self.source, self.target = source, target
        link = self.cluster_pair.link
        self.forward = link.direction(source.cluster.name, target.cluster.name)
        self.reverse = link.direction(target.cluster.name, source.cluster.name)
        target.source_pair = None
        source.source_pair = self

    # ---- state --------------------------------------------------------------------------
    def _set_state(self, new: str, cause: str) -> None:
        if new == self.state:
            return
        if new.startswith("Paused") and not self.state.startswith("Paused"):
            self.pause_count += 1
        self.log.record(self.env.now, "volume_pair", self.scope, self.source.cluster.name,
                        self.state, new, cause)
        self.state = new

    def side_state(self, cluster: str) -> str:
        """The state as one side shows it (PausedManual here, PausedManualRemote there)."""
        if self.state == "PausedManual" and cluster not in self.paused_by:
            return "PausedManualRemote"
        return self.state

    @property
    def forwarding(self) -> bool:
        return self.state in FORWARDING

    @property
    def strict_blocked(self) -> bool:
        """StrictSync comparison variant: Sync writes fail while the pair is not in sync."""
        return self.params.sync_strict and self.mode == "Sync" and not self.forwarding

    def _healthy_state(self) -> str:
        if self.mode == "SnapshotsOnly" and not (self.snapshots and self.snapshots.busy):
            return "Idle"
        return "Active"

    def start_in_sync(self) -> None:
        """Mark the pair as established and in sync before the run started."""
        if self._desired_pause() is None:
            self._set_state(self._healthy_state(), "established in sync")

    def _desired_pause(self) -> str | None:
        if any(v.purged for v in self.volumes):
            return "StoppedMisconfigured"
        if self.removed_by or any(v.deleted for v in self.volumes):
            return "PausedMisconfigured"
        accesses = sorted(v.access for v in self.volumes)
        if accesses != ["readWrite", "replicationTarget"]:
            return "PausedMisconfigured"
        if self.target.size_bytes < self.source.size_bytes:
            return "PausedVolumeSizeMismatch"
        if self.paused_by:
            return "PausedManual"
        if self.link_lost:
            return "PausedDisconnected"
        if self.env.now < self.slow_link_until_s:
            return "PausedSlowLink"
        return None

    def refresh(self, cause: str) -> None:
        """Re-derive the state from configuration, link and limits; act on a change."""
        a, b = self.volumes
        if a.access == "replicationTarget" and b.access == "readWrite" and self.source is a:
            self._orient(b, a)
        elif a.access == "readWrite" and b.access == "replicationTarget" and self.source is b:
            self._orient(a, b)
        desired = self._desired_pause()
        if desired is not None:
            if self.state.startswith(("Paused", "Stopped")):
                self._set_state(desired, cause)
            else:
                self._stop_forwarding(desired, cause)
        elif self.state in HEALTHY:
            self._set_state(self._healthy_state(), cause)
        elif self.state not in RESUMING:
            self.begin_resume(cause)

    # ---- data plane -------------------------------------------------------------------
    def after_local_ack(self, row: int) -> None:
        """An Async write was acked: stream it, or track it while not forwarding."""
        if self.forwarding:
            self.ship(row, None)
        else:
            self.track(row)

    def ship(self, row: int, on_remote_ack: Callable[[int], None] | None) -> None:
        """Send write `row` to the target; with `on_remote_ack`, the target acks back."""
        w = self.writes
        size = float(w["size_bytes"][row])
        w["t_sent_s"][row] = self.env.now
        if self._resync_remaining:
            self._skip_forwarded(int(w["first_block"][row]), int(size))
        if on_remote_ack is None:
            self.backlog_bytes += size
            self._pending.append(row)
            live = self._live_blocks
            first = int(w["first_block"][row])
            for block in range(first, first - (-int(size) // BLOCK_BYTES)):
                live[block] = live.get(block, 0) + 1
        else:
            self._sync_waiting[row] = on_remote_ack
        wire = size * self.source.wire_bytes_factor
        self.bytes_shipped += wire
        self.forward.send(wire, self._arrived, (row, self._durable, self.epoch), self)
        if self.backlog_bytes > self.pause_limit_bytes:
            self.slow_link_until_s = self.env.now + self.params.slow_link_retry_s
            self._stop_forwarding("PausedSlowLink", "backlog above pauseLimit")
            call_later(self.env, self.params.slow_link_retry_s, self._slow_link_retry,
                       self.epoch)

    def track(self, row: int) -> None:
        """Remember an acked write the target lacks; the next resync covers its blocks."""
        w = self.writes
        self.resync_dirty.mark(int(w["first_block"][row]), int(w["size_bytes"][row]))
        self.tracked_rows.append(row)

    def _arrived(self, item: tuple) -> None:
        if item[2] != self.epoch:
            return
        self.writes["t_remote_arrival_s"][item[0]] = self.env.now
        self.target.path.commit(item)

    def _durable(self, item: tuple) -> None:
        row, _, epoch = item
        if epoch != self.epoch:
            return
        w = self.writes
        w["t_durable_remote_s"][row] = self.env.now
        on_remote_ack = self._sync_waiting.get(row)
        if on_remote_ack is None:
            size = int(w["size_bytes"][row])
            self.backlog_bytes -= size
            live = self._live_blocks
            first = int(w["first_block"][row])
            for block in range(first, first - (-size // BLOCK_BYTES)):
                count = live[block] - 1
                if count:
                    live[block] = count
                else:
                    del live[block]
        else:
            self.reverse.send(self.params.ack_bytes, self._acked, (row, epoch), self)

    def _acked(self, item: tuple[int, int]) -> None:
        row, epoch = item
        if epoch != self.epoch:
            return
        self.writes["t_remote_ack_s"][row] = self.env.now
        self._sync_waiting.pop(row)(row)

    # ---- pausing and resuming --------------------------------------------------------
    def _stop_forwarding(self, state: str, cause: str) -> None:
        """Enter a paused state: drop queued traffic, fall back to dirty-block tracking."""
        self._set_state(state, cause)
        self.epoch += 1
        self.forward.purge(self)
        self.reverse.purge(self)
        durable = self.writes["t_durable_remote_s"]
        for row in self._pending:
            if durable[row] != durable[row]:  # NaN: not durable yet
                self.track(row)
        self._pending.clear()
        self._live_blocks.clear()
        self.backlog_bytes = 0.0
        waiting, self._sync_waiting = self._sync_waiting, {}
        for row, on_remote_ack in waiting.items():
            if self.params.sync_strict:
                self.fail(row)
            else:
                self.track(row)
                on_remote_ack(row)
        if self.resync is not None:
            self.resync.cancel()
            self.resync = None
            for block in self._resync_remaining:
                self.resync_dirty.mark(block, BLOCK_BYTES)
            self._resync_remaining = set()
        if self.snapshots is not None:
            self.snapshots.interrupt()

    def fail(self, row: int) -> None:
        """StrictSync variant: the host write fails instead of being acknowledged."""
        self.failed_writes += 1
        self._fail_write(row)

    def _slow_link_retry(self, epoch: int) -> None:
        if self.state == "PausedSlowLink":
            self.refresh("slow-link retry")

    # ---- link events ---------------------------------------------------------------------
    def link_down(self) -> None:
        """The link dropped: RPCs time out after `sync_timeout`, then the pair pauses."""
        call_later(self.env, self.params.sync_timeout_s, self._rpc_timeout, None)

    def _rpc_timeout(self, _: object) -> None:
        if not self.cluster_pair.link.up and not self.link_lost:
            self.link_lost = True
            self.refresh("replication RPCs timed out")

    def link_up(self) -> None:
        if self.link_lost:
            self.link_lost = False
            self.refresh("link restored")

    # ---- measurements ----------------------------------------------------------------------
    def oldest_unreplicated_ack_s(self) -> float:
        """Ack time of the oldest acknowledged write the target lacks (inf if none)."""
        pending = self._pending
        w = self.writes
        durable = w["t_durable_remote_s"]
        while pending and durable[pending[0]] == durable[pending[0]]:  # not NaN: durable
            pending.popleft()
        oldest = float(w["t_ack_s"][pending[0]]) if pending else math.inf
        if self.tracked_rows:
            acks = w["t_ack_s"][np.asarray(self.tracked_rows, dtype=np.int64)]
            if not np.isnan(acks).all():
                oldest = min(oldest, float(np.nanmin(acks)))
        return oldest

    def rpo_s(self, now_s: float) -> float:
        """Live RPO (Element's asyncDelay)."""
        if self.mode == "SnapshotsOnly" and self.snapshots is not None:
            return now_s - self.snapshots.recovery_point_s()
        oldest = self.oldest_unreplicated_ack_s()
        return 0.0 if math.isinf(oldest) else now_s - oldest

    def data_at_risk_blocks(self) -> int:
        """Distinct 4 KiB blocks acknowledged but not on the target (overwrites once).

        The holders are disjoint by construction: tracked blocks (paused), blocks the
        resync still has to ship (a forwarded write removes its blocks from these), the
        live stream, and for SnapshotsOnly the blocks on no snapshot present yet.
        """
        if self.mode == "SnapshotsOnly" and self.snapshots is not None:
            return self.snapshots.unreplicated_block_count()
        live = len(self._live_blocks)
        return len(self.resync_dirty) + len(self._resync_remaining) + live
