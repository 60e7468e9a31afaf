"""Snapshots of the world's volumes: creation limits, expiry, target copies, schedules."""

from __future__ import annotations

from replsim import rng as rngmod
from replsim.model.cluster import stable_uuid
from replsim.model.schedule import call_later
from replsim.model.snapshots import (
    MAX_SNAPSHOTS_PER_VOLUME,
    Snapshot,
    SnapshotError,
    SnapshotSchedule,
)
from replsim.model.volume import Volume


class SnapshotOps:
    """Snapshot operations of a `ModelWorld` (mixed into it)."""

    def create_snapshot(self, volume: Volume, name: str | None = None,
                        enable_remote: bool = False, retention_s: float | None = None,
                        ensure_serial: bool = False) -> Snapshot:
        """CreateSnapshot; refused past 32 per volume or, with ensureSerialCreation, while
        a previous snapshot of the volume is still replicating."""
        live = [s for s in volume.snapshots if not s.deleted]
        if len(live) >= MAX_SNAPSHOTS_PER_VOLUME:
            raise SnapshotError("xMaxSnapshotsPerVolumeExceeded",
                                f"volume {volume.volume_id} already has "
                                f"{MAX_SNAPSHOTS_PER_VOLUME} snapshots")
        pair = volume.source_pair
        if ensure_serial and pair is not None and pair.snapshots.in_progress():
            raise SnapshotError("xSnapshotReplicationInProgress",
                                "a previous snapshot of this volume is still replicating")
        cluster = volume.cluster
        cluster.next_snapshot_id += 1
        sid = cluster.next_snapshot_id
        snapshot = Snapshot(sid, volume, name or f"snap{sid}", self.env.now, enable_remote,
                            stable_uuid(rngmod.stream(self.seed, f"{volume.scope}.snap{sid}")),
                            retention_s)
        volume.snapshots.append(snapshot)
        self.snapshots.append(snapshot)
        if enable_remote and pair is not None:
            pair.snapshots.snapshot_created(snapshot)
        if retention_s is not None:
            call_later(self.env, retention_s, self._expire, snapshot)
        return snapshot

    def _expire(self, snapshot: Snapshot) -> None:
        if snapshot.retention_s is None or snapshot.deleted:
            return
        due_s = snapshot.create_s + snapshot.retention_s
        if due_s > self.env.now + 1e-9:  # postponed by ModifySnapshot
            call_later(self.env, due_s - self.env.now, self._expire, snapshot)
            return
        self.delete_snapshot(snapshot)

    def delete_snapshot(self, snapshot: Snapshot) -> None:
        """Delete on the source; one still replicating is deleted once it has landed.
        Deleting a target copy shows as `Deleted` in the source's remote status."""
        if snapshot.remote_status in ("Not Present", "Syncing"):
            snapshot.delete_requested = True
            return
        snapshot.deleted = True
        if snapshot.source_snapshot is not None and not snapshot.source_snapshot.deleted:
            snapshot.source_snapshot.remote_status = "Deleted"

    def _snapshot_present(self, snapshot: Snapshot) -> None:
        """The target now holds a copy with the same snapshot UUID."""
        pair = snapshot.volume.source_pair
        if pair is not None:
            target = pair.target
            target.cluster.next_snapshot_id += 1
            copy = Snapshot(target.cluster.next_snapshot_id, target, snapshot.name,
                            snapshot.create_s, False, snapshot.uuid)
            copy.source_snapshot = snapshot
            target.snapshots.append(copy)
            self.snapshots.append(copy)
        if snapshot.delete_requested:
            snapshot.deleted = True

    def add_snapshot_schedule(self, volume: Volume, name: str, interval_s: float,
                              enable_remote: bool = True, retention_s: float | None = None,
                              ensure_serial: bool = False, start_s: float = 0.0,
                              ) -> SnapshotSchedule:
        schedule = SnapshotSchedule(self.env, self.create_snapshot, volume, name, interval_s,
                                    enable_remote, retention_s, ensure_serial, start_s,
                                    self.log)
        self.schedules.append(schedule)
        return schedule
