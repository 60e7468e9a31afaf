"""Spatial locality: which 4 KiB blocks of a volume each IO touches.

Element dedupes and replicates in 4 KiB blocks, so offsets are chosen in whole blocks: an IO
of `size` bytes starting at block `b` covers blocks [b, b + ceil(size / 4096)).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

BLOCK_BYTES = 4096


@runtime_checkable
class BlockChooser(Protocol):
    """Chooses the first block of each IO so the whole IO fits in the volume."""

    def draw(self, n: int, size_bytes: np.ndarray) -> np.ndarray:
        """`n` first-block indices (int64) for IOs of the given sizes."""
        ...


def blocks_spanned(size_bytes: np.ndarray) -> np.ndarray:
    """Number of 4 KiB blocks each IO touches (ceil(size / 4096))."""
    size = np.asarray(size_bytes, dtype=np.int64)
    return -(-size // BLOCK_BYTES)


def checked_spans(n: int, size_bytes: np.ndarray, volume_blocks: int) -> np.ndarray:
    """Blocks each of `n` IOs spans, refusing an IO that cannot fit in the volume."""
    span = blocks_spanned(size_bytes)
    if span.shape != (n,):
        raise ValueError(f"expected {n} sizes, got shape {span.shape}")
    if n and int(span.max()) > volume_blocks:
        raise ValueError(
            f"an IO of {int(np.max(size_bytes))} bytes ({int(span.max())} blocks) does not "
            f"fit in a volume of {volume_blocks} blocks"
        )
    return span


def volume_blocks_for(volume_size_bytes: float) -> int:
    """Whole 4 KiB blocks in a volume (a partial last block is not addressable)."""
    blocks = int(volume_size_bytes // BLOCK_BYTES)
    if blocks < 1:
        raise ValueError(
            f"volume of {volume_size_bytes!r} bytes is smaller than one {BLOCK_BYTES}-byte block"
        )
    return blocks


class UniformBlocks:
    """Every feasible start block equally likely: no locality (worst case for caching)."""

    def __init__(self, volume_blocks: int, rng: np.random.Generator) -> None:
        if isinstance(volume_blocks, bool) or int(volume_blocks) != volume_blocks:
            raise ValueError(f"volume_blocks must be an integer, got {volume_blocks!r}")
        if volume_blocks < 1:
            raise ValueError(f"volume_blocks must be >= 1, got {volume_blocks!r}")
        self._volume_blocks = int(volume_blocks)
        self._rng = rng

    @property
    def volume_blocks(self) -> int:
        """Addressable 4 KiB blocks."""
        return self._volume_blocks

    def draw(self, n: int, size_bytes: np.ndarray) -> np.ndarray:
        """Start blocks uniform on [0, volume_blocks - span] for each IO's own span."""
        span = checked_spans(n, size_bytes, self._volume_blocks)
        return self._rng.integers(0, self._volume_blocks - span + 1, size=n, dtype=np.int64)
