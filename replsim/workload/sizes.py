"""IO size distributions: how many bytes each write carries.

Sizes are whole sectors (positive multiples of 512 bytes), as a block device sees them.
Each distribution holds its own generator and draws vectorised blocks of sizes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Protocol, runtime_checkable

import numpy as np

SECTOR_BYTES = 512
PROBABILITY_SUM_TOLERANCE = 1e-6


@runtime_checkable
class SizeDistribution(Protocol):
    """Draws IO sizes in bytes."""

    @property
    def max_size_bytes(self) -> int:
        """The largest size it can draw, so callers can check the IO fits a volume."""
        ...

    def draw(self, n: int) -> np.ndarray:
        """`n` sizes in bytes as an int64 array."""
        ...


def check_size_bytes(size_bytes: float) -> int:
    """A validated IO size as int: a positive whole multiple of 512 bytes."""
    if isinstance(size_bytes, bool) or not isinstance(size_bytes, int | float | np.number):
        raise ValueError(f"IO size must be a number of bytes, got {size_bytes!r}")
    value = float(size_bytes)
    if not math.isfinite(value) or value <= 0 or value != math.floor(value):
        raise ValueError(f"IO size must be a positive whole number of bytes, got {size_bytes!r}")
    size = int(value)
    if size % SECTOR_BYTES:
        raise ValueError(
            f"IO size must be a multiple of {SECTOR_BYTES} bytes (a sector), got {size}"
        )
    return size


class FixedSize:
    """Every IO has the same size (the classic fio `bs=` load)."""

    def __init__(self, size_bytes: float) -> None:
        self._size_bytes = check_size_bytes(size_bytes)

    @property
    def size_bytes(self) -> int:
        """The one size."""
        return self._size_bytes

    @property
    def max_size_bytes(self) -> int:
        """The one size."""
        return self._size_bytes

    def draw(self, n: int) -> np.ndarray:
        """`n` copies of the size; draws nothing random."""
        return np.full(n, self._size_bytes, dtype=np.int64)


class DiscreteSizes:
    """A mix of sizes with given probabilities (e.g. 70 % 4 KiB, 30 % 64 KiB).

    Sizes are kept sorted so the same mix written in any order draws the same sequence.
    """

    def __init__(
        self, probability_by_size_bytes: Mapping[float, float], rng: np.random.Generator
    ) -> None:
        if not probability_by_size_bytes:
            raise ValueError("a size mix needs at least one size")
        pairs: dict[int, float] = {}
        for size, probability in probability_by_size_bytes.items():
            size_bytes = check_size_bytes(size)
            if size_bytes in pairs:
                raise ValueError(f"size {size_bytes} bytes appears more than once in the mix")
            if isinstance(probability, bool) or not isinstance(
                probability, int | float | np.number
            ):
                raise ValueError(f"probability of size {size_bytes} must be a number")
            p = float(probability)
            if not math.isfinite(p) or p < 0.0:
                raise ValueError(f"probability of size {size_bytes} must be >= 0, got {p!r}")
            pairs[size_bytes] = p
        total = math.fsum(pairs.values())
        if abs(total - 1.0) > PROBABILITY_SUM_TOLERANCE:
            raise ValueError(
                f"size probabilities sum to {total:.9g}, expected 1 "
                f"(within {PROBABILITY_SUM_TOLERANCE:g})"
            )
        ordered = sorted(pairs)
        self._rng = rng
        self._sizes_bytes = np.array(ordered, dtype=np.int64)
        self._probabilities = np.array([pairs[s] / total for s in ordered])
        cdf = np.cumsum(self._probabilities)
        cdf[-1] = 1.0
        self._cdf = cdf

    @property
    def sizes_bytes(self) -> np.ndarray:
        """The sizes in the mix, ascending."""
        return self._sizes_bytes.copy()

    @property
    def probabilities(self) -> np.ndarray:
        """Normalised probabilities, aligned with `sizes_bytes`."""
        return self._probabilities.copy()

    @property
    def max_size_bytes(self) -> int:
        """The largest size with non-zero probability."""
        return int(self._sizes_bytes[self._probabilities > 0].max())

    def draw(self, n: int) -> np.ndarray:
        """`n` sizes by inverse CDF on one uniform each (fixed consumption per draw)."""
        u = self._rng.random(n)
        index = np.searchsorted(self._cdf, u, side="right")
        np.minimum(index, len(self._cdf) - 1, out=index)
        return self._sizes_bytes[index]


class EmpiricalSizes:
    """Resample observed sizes (e.g. from a histogram dump or trace) with replacement."""

    def __init__(self, samples_bytes: Iterable[float], rng: np.random.Generator) -> None:
        samples = [check_size_bytes(s) for s in samples_bytes]
        if not samples:
            raise ValueError("empirical sizes need at least one sample")
        self._rng = rng
        self._samples_bytes = np.array(samples, dtype=np.int64)

    @property
    def max_size_bytes(self) -> int:
        """The largest sample."""
        return int(self._samples_bytes.max())

    def draw(self, n: int) -> np.ndarray:
        """`n` samples drawn uniformly with replacement."""
        index = self._rng.integers(0, len(self._samples_bytes), size=n)
        return self._samples_bytes[index]
