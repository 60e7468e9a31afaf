"""Hot-set locality: `hot_fraction` of the blocks receives `hot_share` of the IOs.

The classic "80/20" working-set model. Within the hot and the cold set every block is equally
likely; which blocks are hot is a fixed random permutation of the volume (scattered, like real
hot data), computed in O(1) memory.
"""

from __future__ import annotations

import math

import numpy as np

from replsim.workload.offsets import checked_spans
from replsim.workload.permutation import FeistelPermutation


def _fraction(value: float, name: str, low_open: bool, high_open: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a number, got {value!r}")
    v = float(value)
    low_ok = v > 0.0 if low_open else v >= 0.0
    high_ok = v < 1.0 if high_open else v <= 1.0
    if not (low_ok and high_ok):
        bounds = f"{'(' if low_open else '['}0, 1{')' if high_open else ']'}"
        raise ValueError(f"{name} must be in {bounds}, got {value!r}")
    return v


class HotSetBlocks:
    """Start blocks: hot with probability `hot_share`, then uniform within the chosen set."""

    def __init__(
        self,
        volume_blocks: int,
        rng: np.random.Generator,
        hot_fraction: float = 0.2,
        hot_share: float = 0.8,
    ) -> None:
        if isinstance(volume_blocks, bool) or int(volume_blocks) != volume_blocks:
            raise ValueError(f"volume_blocks must be an integer, got {volume_blocks!r}")
        if volume_blocks < 2:
            raise ValueError(f"a hot set needs a volume of >= 2 blocks, got {volume_blocks!r}")
        self._volume_blocks = int(volume_blocks)
        self.hot_fraction = _fraction(hot_fraction, "hot_fraction", True, True)
        self.hot_share = _fraction(hot_share, "hot_share", False, False)
        self.hot_blocks = min(
            max(1, round(self.hot_fraction * self._volume_blocks)), self._volume_blocks - 1
        )
        self._permutation = FeistelPermutation(self._volume_blocks, rng)
        self._rng = rng

    @property
    def volume_blocks(self) -> int:
        """Addressable 4 KiB blocks."""
        return self._volume_blocks

    def block_probabilities(self) -> np.ndarray:
        """Per-block probability of being an IO's start block (for tests; O(volume) memory)."""
        p = np.full(self._volume_blocks, (1.0 - self.hot_share) / self.cold_blocks)
        p[self.block_of_rank(np.arange(self.hot_blocks))] = self.hot_share / self.hot_blocks
        return p

    @property
    def cold_blocks(self) -> int:
        """Blocks outside the hot set."""
        return self._volume_blocks - self.hot_blocks

    def block_of_rank(self, rank: np.ndarray) -> np.ndarray:
        """Rank 0 .. hot_blocks-1 are the hot blocks, the rest cold (0-based)."""
        return self._permutation(np.asarray(rank, dtype=np.int64))

    def draw(self, n: int, size_bytes: np.ndarray) -> np.ndarray:
        """`n` start blocks; three draws per IO, always consumed, so streams stay aligned."""
        span = checked_spans(n, size_bytes, self._volume_blocks)
        hot = self._rng.random(n) < self.hot_share
        hot_rank = self._rng.integers(0, self.hot_blocks, size=n, dtype=np.int64)
        cold_rank = self._rng.integers(self.hot_blocks, self._volume_blocks, size=n,
                                       dtype=np.int64)
        blocks = self.block_of_rank(np.where(hot, hot_rank, cold_rank))
        return np.minimum(blocks, self._volume_blocks - span)
