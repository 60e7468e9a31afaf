"""Non-homogeneous Poisson arrivals by exact time rescaling of a piecewise-linear intensity.

The intensity is `scale × m(t)`, where `m` is a curve of linear segments supplied lazily by an
`IntensityCurve` (a daily profile repeated forever, or the random state path of a modulated
process). With `M(t) = ∫₀ᵗ m`, arrival `k+1` after time `t` is `M⁻¹(M(t) + E / scale)` for a
unit exponential `E`: exact (no discretisation), and vectorised over a block of `E`s since `M`
is piecewise quadratic with a closed-form inverse.

The unit exponentials are drawn in blocks and each is used by exactly one arrival, so
`set_rate` (a new `scale`) re-times the remaining draws without discarding any: what-if
variants that differ only in rate keep common random numbers.
"""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np

from replsim.workload.arrivals import DEFAULT_BLOCK_LEN, check_rate_iops

# Segments entirely before the clock are dropped once this many have accumulated.
TRIM_SEGMENTS = 4096


class IntensityCurve(Protocol):
    """A base intensity `m(t)` (IOPS) as consecutive linear segments, produced on demand."""

    @property
    def mean_iops(self) -> float:
        """Long-run mean of `m(t)`: the rate the process has at scale 1."""
        ...

    @property
    def start_s(self) -> float:
        """Time of the first segment's start (<= 0)."""
        ...

    def next_segments(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The following segments: (lengths_s > 0, start values >= 0, slopes per second)."""
        ...


def segment_mass(length_s: np.ndarray, start: np.ndarray, slope: np.ndarray) -> np.ndarray:
    """∫ of a linear segment over its length."""
    return start * length_s + 0.5 * slope * length_s * length_s


class IntensityArrivals:
    """Exact NHPP arrivals for a piecewise-linear intensity curve (see module docstring).

    The process keeps its own clock (the sum of the gaps it returned). `set_rate(r, now_s)`
    rescales the curve so its long-run mean is `r`; with `now_s` the clock moves to `now_s`
    first (a host that abandoned its pending gap, or idled at rate 0, tells the process
    where it really is), so time-of-day and modulation phases stay aligned with the simulation.
    """

    def __init__(
        self,
        curve: IntensityCurve,
        rng: np.random.Generator,
        rate_iops: float | None = None,
        block_len: int = DEFAULT_BLOCK_LEN,
    ) -> None:
        mean = float(curve.mean_iops)
        if not math.isfinite(mean) or mean <= 0.0:
            raise ValueError(f"the intensity curve must have a positive mean rate, got {mean!r}")
        if block_len < 1:
            raise ValueError(f"block_len must be >= 1, got {block_len}")
        self._curve = curve
        self._curve_mean = mean
        self._rng = rng
        self._block_len = int(block_len)
        self._clock_s = 0.0
        self._knots = np.array([float(curve.start_s)])
        self._cum = np.array([0.0])
        self._start = np.empty(0)
        self._slope = np.empty(0)
        self._exps = np.empty(0)
        self._gaps: list[float] = []
        self._pos = 0
        self._scale = 1.0
        self.set_rate(mean if rate_iops is None else rate_iops)

    @property
    def clock_s(self) -> float:
        """Time of the last arrival returned (or of the last `set_rate` with `now_s`)."""
        return self._clock_s

    @property
    def mean_rate_iops(self) -> float:
        """The current long-run mean rate."""
        return self._scale * self._curve_mean

    @property
    def rate_iops(self) -> float:
        """Alias of `mean_rate_iops` (the same attribute name as the renewal kinds)."""
        return self.mean_rate_iops

    def set_rate(self, rate_iops: float, now_s: float | None = None) -> None:
        """Scale the intensity so its long-run mean is `rate_iops`, from `now_s` (or the clock)."""
        rate = check_rate_iops(rate_iops)
        if now_s is not None:
            now = float(now_s)
            if not math.isfinite(now):
                raise ValueError(f"now_s must be a finite time, got {now_s!r}")
            self._clock_s = now
        self._scale = rate / self._curve_mean
        self._exps = self._exps[self._pos :]
        self._gaps = []
        self._pos = 0

    def intensity_at(self, t_s: np.ndarray | float) -> np.ndarray:
        """The current intensity `scale × m(t)` in IOPS (for tests and plots)."""
        t = np.atleast_1d(np.asarray(t_s, dtype=float))
        self._cover_time(float(t.max()))
        j = np.clip(np.searchsorted(self._knots, t, side="right") - 1, 0, len(self._start) - 1)
        return self._scale * (self._start[j] + self._slope[j] * (t - self._knots[j]))

    def next_gap_s(self) -> float:
        """Seconds to the next arrival; `math.inf` (consuming nothing) while the rate is 0."""
        pos = self._pos
        if pos >= len(self._gaps):
            if self._scale == 0.0:
                return math.inf
            self._refill()
            pos = 0
        self._pos = pos + 1
        gap = self._gaps[pos]
        self._clock_s += gap
        return gap

    # ---- internals -------------------------------------------------------------------
    def _refill(self) -> None:
        exps = self._exps[self._pos :]
        if exps.size == 0:
            exps = self._rng.standard_exponential(self._block_len)
        self._exps = exps
        self._pos = 0
        clock = self._clock_s
        self._trim(clock)
        targets = self._mass_at(clock) + np.cumsum(exps) / self._scale
        self._cover_mass(float(targets[-1]))
        times = self._time_of_mass(targets)
        gaps = np.diff(times, prepend=clock)
        np.maximum(gaps, 0.0, out=gaps)
        self._gaps = gaps.tolist()

    def _extend(self, time_s: float = -math.inf, mass: float = -math.inf) -> None:
        """Append curve segments until they reach past `time_s` and cover `mass`.

        New segments are gathered first and joined once, so a fast-switching state path
        (many short segments per block of arrivals) costs linear, not quadratic, time.
        """
        end_s, total = float(self._knots[-1]), float(self._cum[-1])
        parts: list[tuple[np.ndarray, ...]] = []
        while end_s <= time_s or total < mass:
            lengths, start, slope = (np.asarray(a, dtype=float)
                                     for a in self._curve.next_segments())
            if lengths.size == 0 or (lengths <= 0).any():
                raise ValueError("intensity curve produced an empty or non-positive segment")
            knots = end_s + np.cumsum(lengths)
            cum = total + np.cumsum(segment_mass(lengths, start, slope))
            parts.append((knots, cum, start, slope))
            end_s, total = float(knots[-1]), float(cum[-1])
        if parts:
            self._knots = np.concatenate([self._knots, *(p[0] for p in parts)])
            self._cum = np.concatenate([self._cum, *(p[1] for p in parts)])
            self._start = np.concatenate([self._start, *(p[2] for p in parts)])
            self._slope = np.concatenate([self._slope, *(p[3] for p in parts)])

    def _cover_time(self, t_s: float) -> None:
        self._extend(time_s=t_s)

    def _cover_mass(self, mass: float) -> None:
        self._extend(mass=mass)

    def _trim(self, clock: float) -> None:
        """Drop segments that end before the clock; rebase the cumulative mass to 0."""
        j = int(np.searchsorted(self._knots, clock, side="right")) - 1
        if j >= TRIM_SEGMENTS:
            self._knots = self._knots[j:]
            self._cum = self._cum[j:] - self._cum[j]
            self._start = self._start[j:]
            self._slope = self._slope[j:]

    def _mass_at(self, t_s: float) -> float:
        self._cover_time(t_s)
        j = int(np.searchsorted(self._knots, t_s, side="right")) - 1
        j = min(max(j, 0), len(self._start) - 1)
        x = t_s - self._knots[j]
        return float(self._cum[j] + self._start[j] * x + 0.5 * self._slope[j] * x * x)

    def _time_of_mass(self, mass: np.ndarray) -> np.ndarray:
        """M⁻¹ on an array, solving the segment's quadratic in a cancellation-free form."""
        j = np.clip(np.searchsorted(self._cum, mass, side="right") - 1, 0, len(self._start) - 1)
        y = mass - self._cum[j]
        a = self._start[j]
        k = self._slope[j]
        root = np.sqrt(np.maximum(a * a + 2.0 * k * y, 0.0))
        denominator = a + root
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.where(denominator > 0.0, 2.0 * y / denominator, 0.0)
        length = self._knots[j + 1] - self._knots[j]
        return self._knots[j] + np.clip(x, 0.0, length)
