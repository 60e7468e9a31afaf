"""The time-rescaling NHPP engine: exact rates on known curves, rate changes, the clock."""

from __future__ import annotations

import math

import numpy as np
import pytest

from replsim.rng import stream
from replsim.workload.arrivals import PoissonArrivals
from replsim.workload.intensity import IntensityArrivals

from .helpers import gaps, times_until, window_counts


class Const:
    """m(t) = level, in 100 s segments."""

    def __init__(self, level: float) -> None:
        self.level = level

    mean_iops = property(lambda self: self.level)
    start_s = property(lambda self: 0.0)

    def next_segments(self):
        return np.array([100.0]), np.array([self.level]), np.array([0.0])


class Sawtooth:
    """Period 10 s: 0 → 2000 IOPS linearly, then a 10 s gap at 0 (mean 500)."""

    mean_iops = 500.0
    start_s = 0.0

    def next_segments(self):
        return np.array([10.0, 10.0]), np.array([0.0, 0.0]), np.array([200.0, 0.0])


def test_constant_curve_is_poisson_with_the_same_draws() -> None:
    """With m constant, the gaps are exactly the unit exponentials / rate (as Poisson)."""
    engine = gaps(IntensityArrivals(Const(250.0), stream(1, "a")), 10_000)
    poisson = gaps(PoissonArrivals(250.0, stream(1, "a")), 10_000)
    np.testing.assert_allclose(engine, poisson, rtol=1e-9, atol=1e-12)


def test_linear_segments_give_the_integrated_counts() -> None:
    times = times_until(IntensityArrivals(Sawtooth(), stream(2, "a")), 400.0)
    assert len(times) == pytest.approx(500 * 400, rel=5 / math.sqrt(500 * 400))
    phase = np.mod(times, 20.0)
    assert (phase[phase >= 10.0].size) == 0  # nothing while m = 0
    # Within the ramp, counts per 1 s bin grow like ∫ 200 t dt = 100 (2k+1) per period.
    counts = np.bincount(np.floor(phase).astype(int), minlength=10)[:10]
    expected = 100.0 * (2 * np.arange(10) + 1) * 20  # 20 periods
    assert np.all(np.abs(counts - expected) < 5 * np.sqrt(expected))


def test_set_rate_scales_and_keeps_draws() -> None:
    reference = gaps(IntensityArrivals(Const(1.0), stream(3, "a")), 3000)
    process = IntensityArrivals(Const(1.0), stream(3, "a"))
    rates = np.repeat([1.0, 50.0, 7.0, 0.5, 3.0, 80.0], 500)
    seen = []
    for i, rate in enumerate(rates):
        if i % 100 == 0:
            process.set_rate(rate)
        seen.append(process.next_gap_s())
    # Times are absolute, so a gap carries the rounding of the clock (~1e-16 × t).
    np.testing.assert_allclose(np.array(seen), reference / rates, rtol=1e-9, atol=1e-11)


def test_mean_rate_and_initial_rate() -> None:
    process = IntensityArrivals(Sawtooth(), stream(4, "a"), rate_iops=1500.0)
    assert process.mean_rate_iops == 1500.0
    assert process.intensity_at(5.0)[0] == pytest.approx(3 * 1000.0)
    assert process.intensity_at(15.0)[0] == 0.0


def test_rate_zero_idles_and_now_s_moves_the_clock() -> None:
    process = IntensityArrivals(Sawtooth(), stream(5, "a"))
    process.set_rate(0.0)
    assert process.next_gap_s() == math.inf
    assert process.clock_s == 0.0
    process.set_rate(500.0, now_s=12.0)  # inside the silent half: nothing until t = 20
    first = process.next_gap_s()
    assert process.clock_s == pytest.approx(12.0 + first)
    assert 12.0 + first >= 20.0


def test_long_runs_trim_old_segments() -> None:
    process = IntensityArrivals(Const(1e4), stream(6, "a"))
    times = times_until(process, 60.0)
    assert len(process._knots) < 5000
    assert window_counts(times, 1.0, 60.0).mean() == pytest.approx(1e4, rel=0.01)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan])
def test_curve_must_have_positive_mean(bad: float) -> None:
    with pytest.raises(ValueError, match="positive mean"):
        IntensityArrivals(Const(bad), stream(0, "a"))
