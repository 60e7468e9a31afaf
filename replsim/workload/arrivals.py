"""Open-loop arrival processes: when the next write of a volume arrives.

`next_gap_s` is called once per write in the simulator's hot path, so each process pre-draws
a numpy block of *unit-mean* gaps and pops plain Python floats from it. The current rate is
applied at pop time (gap = unit gap / rate): a `set_rate` therefore takes effect from the next
gap without discarding or shifting any random draw, which keeps what-if variants on common
random numbers.

Every kind defines `set_rate(r)` the same way: scale the process so that its *long-run mean*
rate becomes `r` (for these renewal kinds the mean rate is simply the rate). `now_s`, when a
caller passes it, is the simulated time of the change; memoryless and regular processes do not
need it, time-of-day and modulated processes (`intensity.py`) restart their clock there.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from typing import Protocol, runtime_checkable

import numpy as np

DEFAULT_BLOCK_LEN = 4096


@runtime_checkable
class ArrivalProcess(Protocol):
    """Anything that yields inter-arrival gaps and accepts a new mean rate."""

    def next_gap_s(self) -> float:
        """Seconds until the next write; `math.inf` while the rate is 0."""
        ...

    @property
    def mean_rate_iops(self) -> float:
        """The current long-run mean rate (what `set_rate` sets)."""
        ...

    def set_rate(self, rate_iops: float, now_s: float | None = None) -> None:
        """Scale the process so its long-run mean rate is `rate_iops` from the next gap on."""
        ...


def check_rate_iops(rate_iops: float) -> float:
    """A validated rate as a float: finite and >= 0 (0 means idle)."""
    if isinstance(rate_iops, bool) or not isinstance(rate_iops, int | float | np.number):
        raise ValueError(f"rate must be a number of IOPS, got {rate_iops!r}")
    rate = float(rate_iops)
    if not math.isfinite(rate) or rate < 0.0:
        raise ValueError(f"rate must be a finite number of IOPS >= 0, got {rate_iops!r}")
    return rate


class BufferedArrivals(ABC):
    """Base for processes whose gaps are i.i.d. unit-mean draws scaled by 1/rate.

    Subclasses implement `_draw_unit_gaps(n)`. Later renewal kinds (e.g. gamma, lognormal)
    only need that method; modulated processes (MMPP, diurnal) can drive `set_rate`.
    """

    def __init__(
        self, rate_iops: float, rng: np.random.Generator, block_len: int = DEFAULT_BLOCK_LEN
    ) -> None:
        if block_len < 1:
            raise ValueError(f"block_len must be >= 1, got {block_len}")
        self._rng = rng
        self._block_len = int(block_len)
        self._unit_gaps: list[float] = []
        self._pos = 0
        self._mean_gap_s = math.inf
        self.set_rate(rate_iops)

    @property
    def rate_iops(self) -> float:
        """The current mean rate."""
        return self._rate_iops

    @property
    def mean_rate_iops(self) -> float:
        """The current long-run mean rate (the same as `rate_iops`)."""
        return self._rate_iops

    def set_rate(self, rate_iops: float, now_s: float | None = None) -> None:
        """Change the mean rate from the next gap on; no random draw is discarded.

        `now_s` is accepted for interface compatibility and ignored: gaps are memoryless.
        """
        rate = check_rate_iops(rate_iops)
        self._rate_iops = rate
        self._mean_gap_s = 1.0 / rate if rate > 0.0 else math.inf

    def next_gap_s(self) -> float:
        """Pop one pre-drawn unit gap and scale it; inf (drawing nothing) at rate 0."""
        mean_gap_s = self._mean_gap_s
        if mean_gap_s == math.inf:
            return math.inf
        pos = self._pos
        if pos >= len(self._unit_gaps):
            self._unit_gaps = self._draw_unit_gaps(self._block_len).tolist()
            pos = 0
        self._pos = pos + 1
        return self._unit_gaps[pos] * mean_gap_s

    @abstractmethod
    def _draw_unit_gaps(self, n: int) -> np.ndarray:
        """`n` positive gaps with mean 1, drawn from `self._rng` only."""


class PoissonArrivals(BufferedArrivals):
    """Poisson arrivals: exponential gaps, the usual model of many independent writers."""

    def _draw_unit_gaps(self, n: int) -> np.ndarray:
        return self._rng.standard_exponential(n)


class ConstantArrivals:
    """Perfectly regular arrivals (gap = 1/rate exactly): a deterministic reference load.

    `rng` is accepted so every arrival kind shares one constructor signature, and ignored.
    """

    def __init__(self, rate_iops: float, rng: np.random.Generator | None = None) -> None:
        self._gap_s = math.inf
        self.set_rate(rate_iops)

    @property
    def rate_iops(self) -> float:
        """The current rate."""
        return self._rate_iops

    @property
    def mean_rate_iops(self) -> float:
        """The current rate (constant gaps: the mean is the rate)."""
        return self._rate_iops

    def set_rate(self, rate_iops: float, now_s: float | None = None) -> None:
        """Change the rate from the next gap on (`now_s` ignored: the next gap is 1/rate)."""
        rate = check_rate_iops(rate_iops)
        self._rate_iops = rate
        self._gap_s = 1.0 / rate if rate > 0.0 else math.inf

    def next_gap_s(self) -> float:
        """Exactly 1/rate; inf at rate 0."""
        return self._gap_s
