"""Arrival processes: measured rate, burstiness, rate changes and reproducibility."""

import math

import numpy as np
import pytest

from replsim.rng import stream
from replsim.workload.arrivals import ArrivalProcess, ConstantArrivals, PoissonArrivals

N = 100_000


def gaps(process: ArrivalProcess, n: int) -> np.ndarray:
    return np.array([process.next_gap_s() for _ in range(n)])


def test_poisson_rate_within_confidence_interval() -> None:
    rate_iops = 2000.0
    g = gaps(PoissonArrivals(rate_iops, stream(1, "arrivals")), N)
    # Mean of N exponential gaps has sd (1/rate)/sqrt(N); allow 4 sigma.
    assert abs(g.mean() - 1 / rate_iops) < 4 * (1 / rate_iops) / math.sqrt(N)
    measured_iops = N / g.sum()
    assert measured_iops == pytest.approx(rate_iops, rel=4 / math.sqrt(N))


def test_poisson_gaps_have_unit_cv_and_are_positive() -> None:
    g = gaps(PoissonArrivals(500.0, stream(2, "arrivals")), N)
    assert (g > 0).all()
    assert g.std() / g.mean() == pytest.approx(1.0, abs=0.02)


def test_constant_gaps_are_exact_with_zero_cv() -> None:
    process = ConstantArrivals(3000.0)
    g = gaps(process, 1000)
    assert (g == 1 / 3000.0).all()
    assert g.std() == 0.0


def test_both_satisfy_protocol() -> None:
    assert isinstance(PoissonArrivals(1.0, stream(0, "a")), ArrivalProcess)
    assert isinstance(ConstantArrivals(1.0), ArrivalProcess)


def test_set_rate_mid_stream_changes_measured_rate() -> None:
    process = PoissonArrivals(1000.0, stream(3, "arrivals"))
    before = gaps(process, N // 2)
    process.set_rate(4000.0)
    after = gaps(process, N // 2)
    assert len(before) / before.sum() == pytest.approx(1000.0, rel=0.03)
    assert len(after) / after.sum() == pytest.approx(4000.0, rel=0.03)


def test_set_rate_rescales_the_same_draws() -> None:
    """A rate change neither wastes nor shifts draws: gaps are the same unit gaps rescaled."""
    reference = gaps(PoissonArrivals(1.0, stream(4, "arrivals")), 10_000)
    process = PoissonArrivals(1.0, stream(4, "arrivals"))
    rates = np.repeat([1.0, 250.0, 1e5, 3.0], 2500)  # changes straddle the 4096 block
    seen = []
    for rate in rates:
        process.set_rate(rate)
        seen.append(process.next_gap_s())
    np.testing.assert_allclose(np.array(seen) * rates, reference, rtol=1e-12)


def test_rate_zero_idles_without_consuming_draws() -> None:
    reference = gaps(PoissonArrivals(10.0, stream(5, "arrivals")), 100)
    process = PoissonArrivals(10.0, stream(5, "arrivals"))
    first = gaps(process, 40)
    process.set_rate(0.0)
    assert process.next_gap_s() == math.inf
    assert process.next_gap_s() == math.inf
    process.set_rate(10.0)
    np.testing.assert_array_equal(np.concatenate([first, gaps(process, 60)]), reference)


def test_constant_rate_zero_and_change() -> None:
    process = ConstantArrivals(0)
    assert process.next_gap_s() == math.inf
    process.set_rate(8.0)
    assert process.next_gap_s() == 0.125


def test_reproducible_per_seed_and_scope() -> None:
    a = gaps(PoissonArrivals(100.0, stream(7, "east.vol1.arrivals")), 5000)
    b = gaps(PoissonArrivals(100.0, stream(7, "east.vol1.arrivals")), 5000)
    c = gaps(PoissonArrivals(100.0, stream(7, "east.vol2.arrivals")), 5000)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_block_length_does_not_change_the_sequence() -> None:
    a = gaps(PoissonArrivals(100.0, stream(8, "a"), block_len=4096), 9000)
    b = gaps(PoissonArrivals(100.0, stream(8, "a"), block_len=1000), 9000)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("bad", [-1.0, math.inf, math.nan, "100", True])
def test_bad_rates_rejected(bad: object) -> None:
    with pytest.raises(ValueError, match="rate"):
        PoissonArrivals(bad, stream(0, "a"))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rate"):
        ConstantArrivals(1.0).set_rate(bad)  # type: ignore[arg-type]
