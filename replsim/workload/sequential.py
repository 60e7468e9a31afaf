"""Sequential streams: `streams` cursors each writing consecutive blocks through the volume.

Logs, backups and bulk loads write sequentially; with several interleaved streams (e.g. a
database's redo log plus a backup) each IO picks a stream at random and continues where that
stream's previous IO ended. A stream that would run past the end of the volume wraps to block 0.
Streams start at random blocks.
"""

from __future__ import annotations

import numpy as np

from replsim.workload.offsets import blocks_spanned


class SequentialBlocks:
    """`streams` independent sequential cursors; each IO advances one chosen uniformly."""

    def __init__(self, volume_blocks: int, rng: np.random.Generator, streams: int = 1) -> None:
        if isinstance(volume_blocks, bool) or int(volume_blocks) != volume_blocks:
            raise ValueError(f"volume_blocks must be an integer, got {volume_blocks!r}")
        if volume_blocks < 1:
            raise ValueError(f"volume_blocks must be >= 1, got {volume_blocks!r}")
        if isinstance(streams, bool) or not isinstance(streams, int | np.integer) or streams < 1:
            raise ValueError(f"streams must be an integer >= 1, got {streams!r}")
        self._volume_blocks = int(volume_blocks)
        self.streams = int(streams)
        self._rng = rng
        self._cursor = rng.integers(0, self._volume_blocks, size=self.streams, dtype=np.int64)

    @property
    def volume_blocks(self) -> int:
        """Addressable 4 KiB blocks."""
        return self._volume_blocks

    @property
    def cursors(self) -> np.ndarray:
        """Where each stream's next IO would start (before wrapping)."""
        return self._cursor.copy()

    def draw(self, n: int, size_bytes: np.ndarray) -> np.ndarray:
        """`n` start blocks: per stream a running sum of spans, wrapping at the volume end."""
        span = blocks_spanned(size_bytes)
        if span.shape != (n,):
            raise ValueError(f"expected {n} sizes, got shape {span.shape}")
        nb = self._volume_blocks
        if n and int(span.max()) > nb:
            raise ValueError(
                f"an IO of {int(span.max())} blocks does not fit in a volume of {nb} blocks"
            )
        which = (
            self._rng.integers(0, self.streams, size=n, dtype=np.int64)
            if self.streams > 1
            else np.zeros(n, dtype=np.int64)
        )
        out = np.empty(n, dtype=np.int64)
        for k in range(self.streams):
            index = np.flatnonzero(which == k)
            if index.size == 0:
                continue
            spans = span[index]
            starts = self._cursor[k] + np.cumsum(spans) - spans
            if int(starts[-1] + spans[-1]) <= nb:
                out[index] = starts
                self._cursor[k] = starts[-1] + spans[-1]
                continue
            cursor = int(self._cursor[k])
            for i, s in zip(index.tolist(), spans.tolist(), strict=True):
                if cursor + s > nb:
                    cursor = 0
                out[i] = cursor
                cursor += s
            self._cursor[k] = cursor
        return out
