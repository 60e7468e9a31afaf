"""A volume pair's data plane: the replication stream from source to target volume.

The pair ships writes over the shared WAN link in FIFO order, has the target commit them
(primary + secondary slice service on the target cluster) and, when asked, sends the
remote acknowledgement back over the reverse direction. It keeps the live counters the
control plane needs: un-replicated Async backlog and the oldest un-replicated write.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from replsim.model.link import LinkDirection

if TYPE_CHECKING:
    from replsim.metrics.columns import Columns
    from replsim.model.volume import Volume

MODES = ("Async", "Sync", "SnapshotsOnly")


def normalise_mode(mode: str) -> str:
    """Element accepts modes case-insensitively and always reports the canonical spelling."""
    for canonical in MODES:
        if mode.lower() == canonical.lower():
            return canonical
    raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")


class VolumePair:
    """Replication from `source` (readWrite) to `target` (replicationTarget)."""

    def __init__(
        self,
        index: int,
        source: Volume,
        target: Volume,
        forward: LinkDirection,
        reverse: LinkDirection,
        mode: str,
        writes: Columns,
        ack_bytes: float,
        created_s: float,
    ):
        self.index = index
        self.source = source
        self.target = target
        self.forward = forward
        self.reverse = reverse
        self.mode = normalise_mode(mode)
        self.writes = writes
        self.ack_bytes = ack_bytes
        self.created_s = created_s
        self.backlog_bytes = 0.0
        self.bytes_shipped = 0.0
        self._pending: deque[int] = deque()

    @property
    def scope(self) -> str:
        return f"{self.source.scope}->{self.target.scope}"

    def ship(self, row: int, on_remote_ack: Callable[[int], None] | None) -> None:
        """Send write `row` to the target; with `on_remote_ack`, the target acks back."""
        w = self.writes
        size = float(w["size_bytes"][row])
        w["t_sent_s"][row] = self.forward.env.now
        if on_remote_ack is None:
            self.backlog_bytes += size
            self._pending.append(row)
        self.bytes_shipped += size
        self.forward.send(size, self._arrived, (row, self._durable, on_remote_ack))

    def _arrived(self, item: tuple) -> None:
        self.writes["t_remote_arrival_s"][item[0]] = self.forward.env.now
        self.target.path.commit(item)

    def _durable(self, item: tuple) -> None:
        row, _, on_remote_ack = item
        w = self.writes
        w["t_durable_remote_s"][row] = self.forward.env.now
        if on_remote_ack is None:
            self.backlog_bytes -= float(w["size_bytes"][row])
        else:
            self.reverse.send(self.ack_bytes, self._acked, (row, on_remote_ack))

    def _acked(self, item: tuple[int, Callable[[int], None]]) -> None:
        row, on_remote_ack = item
        self.writes["t_remote_ack_s"][row] = self.reverse.env.now
        on_remote_ack(row)

    def rpo_s(self, now_s: float) -> float:
        """Live RPO: age of the oldest acknowledged write not yet durable on the target."""
        pending = self._pending
        durable = self.writes["t_durable_remote_s"]
        while pending and durable[pending[0]] == durable[pending[0]]:  # not NaN: durable
            pending.popleft()
        if not pending:
            return 0.0
        return now_s - float(self.writes["t_ack_s"][pending[0]])
