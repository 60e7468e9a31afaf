"""Daily profiles: a non-homogeneous Poisson process whose rate follows the time of day.

The profile is a shape over one period (24 h by default) given either as 24 hourly multipliers
(a step function) or as (time, multiplier) points joined linearly and wrapping from the last
point to the first one a period later. The shape is normalised to mean 1, so the rate at time
`t` is `rate × shape(t)`: `rate` is the daily mean and the busiest hour runs at
`rate × max(shape)`. Simulated time 0 is midnight unless `start_hour` says otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from replsim.workload.arrivals import DEFAULT_BLOCK_LEN
from replsim.workload.intensity import IntensityArrivals, segment_mass

DAY_S = 86_400.0
HOURS = 24


class DailyCurve:
    """One period of linear segments, normalised to mean 1, repeated forever."""

    def __init__(
        self,
        lengths_s: np.ndarray,
        start: np.ndarray,
        slope: np.ndarray,
        period_s: float,
        start_hour: float = 0.0,
    ) -> None:
        mass = float(segment_mass(lengths_s, start, slope).sum())
        if not mass > 0.0:
            raise ValueError("the profile is 0 all day: give some multiplier > 0")
        norm = period_s / mass
        self._lengths = lengths_s
        self._start = start * norm
        self._slope = slope * norm
        self.period_s = period_s
        self._start_s = -start_hour / HOURS * period_s

    @property
    def mean_iops(self) -> float:
        return 1.0

    @property
    def start_s(self) -> float:
        return self._start_s

    def next_segments(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self._lengths, self._start, self._slope

    def shape_at(self, t_s: np.ndarray) -> np.ndarray:
        """The normalised multiplier at simulated times `t_s` (for tests and plots)."""
        knots = np.concatenate([[0.0], np.cumsum(self._lengths)])
        day = np.mod(np.asarray(t_s, dtype=float) - self._start_s, self.period_s)
        j = np.clip(np.searchsorted(knots, day, side="right") - 1, 0, len(self._lengths) - 1)
        return self._start[j] + self._slope[j] * (day - knots[j])


def _check_common(period_s: float, start_hour: float) -> None:
    if not math.isfinite(period_s) or period_s <= 0:
        raise ValueError(f"period must be a positive duration, got {period_s!r}")
    if not math.isfinite(start_hour) or not 0.0 <= start_hour < HOURS:
        raise ValueError(f"start_hour must be in [0, 24), got {start_hour!r}")


def hourly_curve(
    multipliers: Sequence[float], period_s: float = DAY_S, start_hour: float = 0.0
) -> DailyCurve:
    """24 hourly multipliers (>= 0) as a step function over the period."""
    _check_common(period_s, start_hour)
    values = np.array(multipliers, dtype=float)
    if values.shape != (HOURS,):
        raise ValueError(f"hourly needs exactly 24 multipliers, got {len(values)}")
    if not np.isfinite(values).all() or (values < 0).any():
        raise ValueError("hourly multipliers must be finite numbers >= 0")
    lengths = np.full(HOURS, period_s / HOURS)
    return DailyCurve(lengths, values, np.zeros(HOURS), period_s, start_hour)


def points_curve(
    points: Sequence[tuple[float, float]], period_s: float = DAY_S, start_hour: float = 0.0
) -> DailyCurve:
    """(time of day in s, multiplier) points joined linearly, wrapping around the period."""
    _check_common(period_s, start_hour)
    if not points:
        raise ValueError("points needs at least one (time, multiplier) pair")
    times = np.array([p[0] for p in points], dtype=float)
    values = np.array([p[1] for p in points], dtype=float)
    if not np.isfinite(times).all() or (times < 0).any() or (times >= period_s).any():
        raise ValueError(f"point times must be in [0, period = {period_s:g} s)")
    if (np.diff(times) <= 0).any():
        raise ValueError("point times must be strictly increasing")
    if not np.isfinite(values).all() or (values < 0).any():
        raise ValueError("point multipliers must be finite numbers >= 0")
    # Knots over one period starting at 0: the wrap segment crosses midnight.
    ext_t = np.concatenate([[times[-1] - period_s], times, [times[0] + period_s]])
    ext_v = np.concatenate([[values[-1]], values, [values[0]]])
    knots = np.unique(np.clip(np.concatenate([[0.0], times, [period_s]]), 0.0, period_s))
    at = np.interp(knots, ext_t, ext_v)
    lengths = np.diff(knots)
    slope = np.diff(at) / lengths
    return DailyCurve(lengths, at[:-1], slope, period_s, start_hour)


class DiurnalArrivals(IntensityArrivals):
    """Poisson arrivals whose rate is `rate × shape(time of day)`; `rate` is the daily mean."""

    def __init__(
        self,
        curve: DailyCurve,
        rate_iops: float,
        rng: np.random.Generator,
        block_len: int = DEFAULT_BLOCK_LEN,
    ) -> None:
        self.curve = curve
        super().__init__(curve, rng, rate_iops, block_len)
