"""Replication modes as strategies of the write path, switchable live.

Each write takes the strategy of its pair at the moment QoS releases it and keeps it to
the end, so a mode change (ModifyVolumePair) applies to the next write immediately while
writes already in flight finish as they started.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from replsim.model.pair import VolumePair
    from replsim.model.volume import Volume
    from replsim.model.writepath import WritePath


class Mode:
    """How one write of a volume is committed, acknowledged and replicated."""

    name = "None"

    def __init__(self, path: WritePath):
        self.path = path

    def start(self, volume: Volume, pair: VolumePair | None, row: int) -> None:
        volume.path.commit((row, self.path.ack_item))


class AsyncMode(Mode):
    """Ack after the local commit, then stream the write to the target."""

    name = "Async"

    def start(self, volume: Volume, pair: VolumePair | None, row: int) -> None:
        volume.path.commit((row, self._local_done, pair))

    def _local_done(self, item: tuple) -> None:
        row, _, pair = item
        self.path.local_done(row)
        self.path.ack(row)
        pair.after_local_ack(row)


class SyncMode(Mode):
    """Ack only when both the local and the remote commit are done.

    `combine="parallel"`: the write goes to the local slice service and over the link at
    once; latency is the max of the two paths. `"serial"`: remote after local; the sum.
    """

    name = "Sync"

    def __init__(self, path: WritePath, combine: str):
        super().__init__(path)
        if combine not in ("parallel", "serial"):
            raise ValueError(f"sync combine must be 'parallel' or 'serial', got {combine!r}")
        self.combine = combine

    def start(self, volume: Volume, pair: VolumePair | None, row: int) -> None:
        if pair.strict_blocked:
            pair.fail(row)
        elif not pair.forwarding:
            volume.path.commit((row, self._local_only, pair))
        elif self.combine == "parallel":
            self.path.writes["parts_pending"][row] = 2
            volume.path.commit((row, self._part_item))
            pair.ship(row, self._part_done)
        else:
            volume.path.commit((row, self._local_then_remote, pair))

    def _local_only(self, item: tuple) -> None:
        """The pair is paused: ack after the local commit, remember the blocks."""
        row, _, pair = item
        self.path.local_done(row)
        self.path.ack(row)
        pair.track(row)

    def _part_item(self, item: tuple) -> None:
        self.path.local_done(item[0])
        self._part_done(item[0])

    def _part_done(self, row: int) -> None:
        parts = self.path.writes["parts_pending"]
        parts[row] -= 1
        if parts[row] == 0:
            self.path.ack(row)

    def _local_then_remote(self, item: tuple) -> None:
        row, _, pair = item
        self.path.local_done(row)
        if pair.forwarding:
            pair.ship(row, self.path.ack)
        else:
            self.path.ack(row)
            pair.track(row)


class SnapshotsOnlyMode(Mode):
    """Ack after the local commit; only mark the blocks dirty for the next snapshot."""

    name = "SnapshotsOnly"

    def start(self, volume: Volume, pair: VolumePair | None, row: int) -> None:
        volume.path.commit((row, self._local_done, pair))

    def _local_done(self, item: tuple) -> None:
        row, _, pair = item
        self.path.local_done(row)
        self.path.ack(row)
        pair.snapshots.write_acked(row)
