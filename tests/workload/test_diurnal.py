"""Daily profiles: hourly counts follow the multipliers, points interpolate, start_hour, clock."""

from __future__ import annotations

import math

import numpy as np
import pytest

from replsim.rng import stream
from replsim.workload.diurnal import DAY_S, DiurnalArrivals, hourly_curve, points_curve

from .helpers import times_until

HOURLY = [0.2, 0.2, 0.2, 0.2, 0.3, 0.5, 0.8, 1.2, 1.6, 1.8, 1.7, 1.5,
          1.3, 1.4, 1.6, 1.7, 1.5, 1.2, 1.0, 0.9, 0.8, 0.6, 0.4, 0.3]


def test_hourly_counts_follow_the_profile_over_a_day() -> None:
    rate = 2.0  # daily mean: ~172 800 arrivals in a day
    process = DiurnalArrivals(hourly_curve(HOURLY), rate, stream(1, "a"))
    assert process.mean_rate_iops == rate
    times = times_until(process, DAY_S)
    counts = np.bincount((times // 3600).astype(int), minlength=24)
    shape = np.array(HOURLY) / np.mean(HOURLY)
    expected = rate * 3600 * shape
    assert np.all(np.abs(counts - expected) < 4.5 * np.sqrt(expected))
    assert counts.sum() == pytest.approx(rate * DAY_S, rel=4 / math.sqrt(rate * DAY_S))


def test_start_hour_shifts_the_day() -> None:
    curve = hourly_curve([0.0] * 9 + [1.0] + [0.0] * 14, start_hour=8.0)  # busy 09:00-10:00
    times = times_until(DiurnalArrivals(curve, 10.0 / 24, stream(2, "a")), DAY_S)
    assert times.min() >= 3600.0 and times.max() < 7200.0  # 1 h after the 08:00 start


def test_points_are_linear_and_wrap_around_midnight() -> None:
    curve = points_curve([(6 * 3600.0, 0.0), (18 * 3600.0, 2.0)])
    t = np.array([0.0, 6, 12, 18, 21]) * 3600.0
    np.testing.assert_allclose(curve.shape_at(t), [1.0, 0.0, 1.0, 2.0, 1.5], atol=1e-12)
    # Short period for a cheap count check: over 240 s the profile runs 0 → 2 → 0.
    quick = points_curve([(60.0, 0.0), (180.0, 2.0)], period_s=240.0)
    times = times_until(DiurnalArrivals(quick, 100.0, stream(3, "a")), 240.0 * 20)
    phase = np.mod(times, 240.0)
    for lo, hi in ((60.0, 120.0), (120.0, 180.0), (180.0, 240.0)):
        # ∫ of the shape over [lo, hi) by the midpoint rule (exact for linear pieces).
        mid = lo + (np.arange(2000) + 0.5) * (hi - lo) / 2000
        mass = quick.shape_at(mid).mean() * (hi - lo)
        expected = 100.0 * mass * 20
        observed = np.count_nonzero((phase >= lo) & (phase < hi))
        assert abs(observed - expected) < 5 * math.sqrt(expected)


def test_set_rate_keeps_the_shape_and_now_s_keeps_the_time_of_day() -> None:
    curve = hourly_curve([0.0] * 12 + [1.0] + [0.0] * 11)  # only 12:00-13:00
    process = DiurnalArrivals(curve, 1.0, stream(4, "a"))
    process.set_rate(0.0)
    assert process.next_gap_s() == math.inf
    process.set_rate(24.0, now_s=12.5 * 3600)  # resume at 12:30: next arrival before 13:00
    t = 12.5 * 3600 + process.next_gap_s()
    assert 12.5 * 3600 <= t < 13 * 3600
    assert process.mean_rate_iops == 24.0
    assert process.intensity_at(12.7 * 3600)[0] == pytest.approx(24.0 * 24)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: hourly_curve([1.0] * 23), "exactly 24"),
        (lambda: hourly_curve([-1.0] + [1.0] * 23), ">= 0"),
        (lambda: hourly_curve([0.0] * 24), "0 all day"),
        (lambda: hourly_curve([1.0] * 24, start_hour=-1), "start_hour"),
        (lambda: points_curve([]), "at least one"),
        (lambda: points_curve([(DAY_S, 1.0)]), r"\[0, period"),
        (lambda: points_curve([(0.0, 1.0), (0.0, 2.0)]), "strictly increasing"),
        (lambda: hourly_curve([1.0] * 24, period_s=0.0), "period"),
    ],
)
def test_validation(build, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()
