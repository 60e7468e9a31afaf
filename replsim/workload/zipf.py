"""Zipf locality: block of popularity rank r (1-based) written with probability ∝ r^(−s).

Exact for every s > 0 over a finite set of ranks (the whole volume, or a `working_set` of the
hottest blocks). Up to `TABLE_LIMIT` ranks the sampler inverts the finite harmonic CDF from a
table (O(n) memory); above that it uses Hörmann & Derflinger's rejection-inversion (ACM TOMACS
6(3), 1996), which is also exact and needs O(1) memory, so a 16 TiB volume (4 G blocks) costs
nothing to set up. Ranks map to blocks through a fixed random permutation, so hot blocks are
scattered over the volume rather than packed at its start.
"""

from __future__ import annotations

import math

import numpy as np

from replsim.workload.offsets import checked_spans
from replsim.workload.permutation import FeistelPermutation

TABLE_LIMIT = 1 << 20


def zipf_pmf(n: int, s: float) -> np.ndarray:
    """Exact probabilities of ranks 1..n (for tests and small expectations)."""
    weights = np.arange(1, n + 1, dtype=float) ** -s
    return weights / weights.sum()


def _log1p_over(t: np.ndarray) -> np.ndarray:
    """log1p(t)/t, continuous at t = 0."""
    t = np.asarray(t, dtype=float)
    small = np.abs(t) < 1e-8
    safe = np.where(small, 1.0, t)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.log1p(safe) / safe
    return np.where(small, 1.0 - t * (0.5 - t / 3.0), value)


def _expm1_over(t: np.ndarray) -> np.ndarray:
    """expm1(t)/t, continuous at t = 0."""
    t = np.asarray(t, dtype=float)
    small = np.abs(t) < 1e-8
    safe = np.where(small, 1.0, t)
    value = np.expm1(safe) / safe
    return np.where(small, 1.0 + t * (0.5 + t / 6.0), value)


class RejectionInversionZipf:
    """Exact Zipf(s, n) ranks in O(1) memory by rejection-inversion (any s > 0)."""

    def __init__(self, n: int, s: float, rng: np.random.Generator) -> None:
        self.n, self.s, self._rng = int(n), float(s), rng
        self._h_x1 = float(self._big_h(1.5)) - 1.0
        self._h_n = float(self._big_h(self.n + 0.5))
        self._squeeze = 2.0 - float(self._big_h_inv(self._big_h(2.5) - self._h(2.0)))

    def _h(self, x: np.ndarray | float) -> np.ndarray:
        return np.exp(-self.s * np.log(x))

    def _big_h(self, x: np.ndarray | float) -> np.ndarray:
        """∫₁ˣ t^(−s) dt = (x^(1−s) − 1)/(1−s), written to be exact near s = 1."""
        log_x = np.log(x)
        return _expm1_over((1.0 - self.s) * log_x) * log_x

    def _big_h_inv(self, y: np.ndarray | float) -> np.ndarray:
        t = np.maximum(np.asarray(y, dtype=float) * (1.0 - self.s), -1.0)
        with np.errstate(divide="ignore", over="ignore"):
            return np.exp(_log1p_over(t) * y)

    def draw(self, count: int) -> np.ndarray:
        """`count` ranks in 1..n (int64)."""
        out = np.empty(count, dtype=np.int64)
        todo = np.arange(count)
        while todo.size:
            u = self._h_n + self._rng.random(todo.size) * (self._h_x1 - self._h_n)
            x = self._big_h_inv(u)
            k = np.clip(np.floor(x + 0.5), 1, self.n)
            accept = (k - x <= self._squeeze) | (u >= self._big_h(k + 0.5) - self._h(k))
            out[todo[accept]] = k[accept].astype(np.int64)
            todo = todo[~accept]
        return out


class TableZipf:
    """Exact Zipf(s, n) ranks by inverse CDF on the finite harmonic weights (O(n) memory)."""

    def __init__(self, n: int, s: float, rng: np.random.Generator) -> None:
        cdf = np.cumsum(zipf_pmf(int(n), float(s)))
        cdf[-1] = 1.0
        self._cdf, self._rng = cdf, rng

    def draw(self, count: int) -> np.ndarray:
        """`count` ranks in 1..n (int64)."""
        return np.searchsorted(self._cdf, self._rng.random(count), side="right").astype(
            np.int64
        ) + 1


class ZipfBlocks:
    """Start blocks with Zipf(s) popularity over the `working_set_blocks` hottest blocks.

    The hottest block is rank 1. An IO of several blocks starts at its rank's block, moved
    back if needed so it ends inside the volume.
    """

    def __init__(
        self,
        volume_blocks: int,
        rng: np.random.Generator,
        s: float = 1.0,
        working_set_blocks: int | None = None,
        table_limit: int = TABLE_LIMIT,
    ) -> None:
        if isinstance(volume_blocks, bool) or int(volume_blocks) != volume_blocks:
            raise ValueError(f"volume_blocks must be an integer, got {volume_blocks!r}")
        if volume_blocks < 1:
            raise ValueError(f"volume_blocks must be >= 1, got {volume_blocks!r}")
        if isinstance(s, bool) or not isinstance(s, int | float) or not math.isfinite(s) or s <= 0:
            raise ValueError(f"zipf s must be a finite number > 0, got {s!r}")
        n = volume_blocks if working_set_blocks is None else working_set_blocks
        if isinstance(n, bool) or int(n) != n or not 1 <= n <= volume_blocks:
            raise ValueError(
                f"working set must be between 1 block and the volume ({volume_blocks} "
                f"blocks), got {n!r} blocks"
            )
        self._volume_blocks = int(volume_blocks)
        self.s = float(s)
        self.working_set_blocks = int(n)
        self._permutation = FeistelPermutation(self._volume_blocks, rng)
        sampler = TableZipf if self.working_set_blocks <= table_limit else RejectionInversionZipf
        self._ranks = sampler(self.working_set_blocks, self.s, rng)

    @property
    def volume_blocks(self) -> int:
        """Addressable 4 KiB blocks."""
        return self._volume_blocks

    def block_of_rank(self, rank: np.ndarray) -> np.ndarray:
        """The block holding popularity rank `rank` (1-based)."""
        return self._permutation(np.asarray(rank, dtype=np.int64) - 1)

    def draw(self, n: int, size_bytes: np.ndarray) -> np.ndarray:
        """`n` start blocks: a Zipf rank each, mapped through the permutation."""
        span = checked_spans(n, size_bytes, self._volume_blocks)
        blocks = self.block_of_rank(self._ranks.draw(n))
        return np.minimum(blocks, self._volume_blocks - span)
