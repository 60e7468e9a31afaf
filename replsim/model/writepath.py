"""The host write path: issue → QoS release → the pair's mode → acknowledgement.

A write is a row of the `writes` columns; every stage stamps its time into that row.
"""

from __future__ import annotations

from collections.abc import Callable

import simpy

from replsim.metrics.columns import Columns
from replsim.metrics.records import MODE_CODES, WRITE_COLUMNS, WRITE_FILL
from replsim.model.modes import AsyncMode, Mode, SnapshotsOnlyMode, SyncMode
from replsim.model.schedule import call_later
from replsim.model.volume import Volume


class WritePath:
    """Moves host IOs through the model and records their event times."""

    def __init__(self, env: simpy.Environment, sync_combine: str = "parallel"):
        self.env = env
        self.writes = Columns(WRITE_COLUMNS, fill=WRITE_FILL)
        self.volumes: list[Volume] = []
        self.ack_listeners: dict[int, Callable[[int], None]] = {}
        self.local = Mode(self)
        self.modes: dict[str, Mode] = {
            "Async": AsyncMode(self),
            "Sync": SyncMode(self, sync_combine),
            "SnapshotsOnly": SnapshotsOnlyMode(self),
        }

    def register(self, volume: Volume) -> None:
        self.volumes.append(volume)

    def issue(self, volume: Volume, size_bytes: int, first_block: int,
              is_write: bool = True) -> int:
        """A host sends one IO to `volume` now; returns its row."""
        w, now = self.writes, self.env.now
        row = w.new_row()
        w["volume"][row] = volume.index
        w["size_bytes"][row] = size_bytes
        w["first_block"][row] = first_block
        w["is_write"][row] = is_write
        w["t_issue_s"][row] = now
        release_s = volume.qos.release_time(now, size_bytes)
        if release_s > now:
            call_later(self.env, release_s - now, self._released, row)
        else:
            self._released(row)
        return row

    def _released(self, row: int) -> None:
        w = self.writes
        w["t_release_s"][row] = self.env.now
        volume = self.volumes[w["volume"][row]]
        if volume.access != "readWrite" and (
                w["is_write"][row] or volume.access in ("locked", "replicationTarget")):
            self.fail(row)  # Element takes no host IO the volume's access forbids
            return
        if not w["is_write"][row]:
            volume.path.primary.slice_service.submit((row, self.ack_item), self.ack_item)
            return
        pair = volume.source_pair
        if pair is None:
            self.local.start(volume, None, row)
            return
        w["pair"][row] = pair.index
        w["mode"][row] = MODE_CODES[pair.mode]
        self.modes[pair.mode].start(volume, pair, row)

    def fail(self, row: int) -> None:
        """The write fails back to its host (StrictSync comparison variant)."""
        self.writes["t_failed_s"][row] = self.env.now
        listener = self.ack_listeners.get(int(self.writes["volume"][row]))
        if listener is not None:
            listener(row)

    def local_done(self, row: int) -> None:
        """The write is committed on the source (primary and secondary slice service)."""
        self.writes["t_local_s"][row] = self.env.now

    def ack_item(self, item: tuple) -> None:
        self.local_done(item[0])
        self.ack(item[0])

    def ack(self, row: int) -> None:
        """The write is acknowledged to its host now (unless it already failed)."""
        w = self.writes
        if w["t_failed_s"][row] == w["t_failed_s"][row]:  # not NaN: failed earlier
            return
        w["t_ack_s"][row] = self.env.now
        listener = self.ack_listeners.get(int(w["volume"][row]))
        if listener is not None:
            listener(row)
