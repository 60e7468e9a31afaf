"""Bulk transfers over a link: resync data, snapshot deltas, metadata copies.

A transfer ships chunks with a bounded window of bytes in flight (like the TCP
connections Element replicates over), so live replication traffic on the same link
interleaves with it instead of queueing behind the whole transfer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from replsim.model.link import LinkDirection


class BulkTransfer:
    """Ships `chunks` (an iterator of chunk sizes in bytes) and calls `done()` at the end."""

    def __init__(self, direction: LinkDirection, chunks: Iterator[float], window_bytes: float,
                 done: Callable[[], None], owner: object = None):
        self.direction = direction
        self.chunks = chunks
        self.window_bytes = window_bytes
        self.done = done
        self.owner = owner
        self.in_flight_bytes = 0.0
        self.bytes_sent = 0.0
        self.cancelled = False
        self._exhausted = False

    def start(self) -> None:
        self._fill()

    def cancel(self) -> None:
        """Stop: chunks still on the way are ignored when they arrive."""
        self.cancelled = True

    def _fill(self) -> None:
        while not self._exhausted and (self.in_flight_bytes < self.window_bytes
                                       or self.in_flight_bytes == 0):
            nbytes = next(self.chunks, None)
            if nbytes is None:
                self._exhausted = True
                break
            self.in_flight_bytes += nbytes
            self.bytes_sent += nbytes
            self.direction.send(nbytes, self._delivered, nbytes, self.owner)
        if self._exhausted and self.in_flight_bytes == 0 and not self.cancelled:
            self.cancelled = True  # finished: never call done twice
            self.done()

    def _delivered(self, nbytes: float) -> None:
        if self.cancelled:
            return
        self.in_flight_bytes -= nbytes
        self._fill()
