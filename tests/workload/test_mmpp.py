"""MMPP and on/off: mean rate, time in states, burstiness (index of dispersion), set_rate."""

from __future__ import annotations

import math

import numpy as np
import pytest

from replsim.rng import stream
from replsim.workload.mmpp import MmppArrivals, OnOffArrivals, mmpp2_index_of_dispersion

from .helpers import times_until, window_counts


def test_on_off_rate_and_index_of_dispersion() -> None:
    """On 50 ms at 5000 IOPS, off 200 ms: mean 1000 IOPS and the MMPP2 IDC formula."""
    process = OnOffArrivals(0.05, 0.2, 5000.0, stream(1, "a"))
    assert process.mean_rate_iops == pytest.approx(1000.0)
    end = 1000.0
    times = times_until(process, end)  # ~1e6 arrivals
    assert len(times) / end == pytest.approx(1000.0, rel=0.03)
    for window in (0.1, 1.0):
        counts = window_counts(times, window, end)
        idc = counts.var() / counts.mean()
        assert idc == pytest.approx(mmpp2_index_of_dispersion(5000, 0, 20, 5, window), rel=0.2)


def test_poisson_limit_has_unit_dispersion() -> None:
    times = times_until(OnOffArrivals(1.0, 1.0, 400.0, stream(2, "a"), off_rate_iops=400.0),
                        300.0)
    counts = window_counts(times, 0.1, 300.0)
    assert counts.var() / counts.mean() == pytest.approx(1.0, abs=0.1)


def test_fixed_durations_are_a_square_wave_starting_on() -> None:
    process = OnOffArrivals(1.0, 3.0, 2000.0, stream(3, "a"), durations="fixed")
    times = times_until(process, 400.0)
    phase = np.mod(times, 4.0)
    assert phase.max() < 1.0  # never during an off period
    assert len(times) == pytest.approx(500.0 * 400, rel=5 / math.sqrt(2e5))
    peaks = window_counts(times, 1.0, 400.0)
    assert peaks.max() / peaks.mean() == pytest.approx(4.0, rel=0.05)


def test_three_state_generator_mean_and_time_shares() -> None:
    q = [[-1.0, 0.5, 0.5], [2.0, -4.0, 2.0], [0.0, 1.0, -1.0]]
    process = MmppArrivals([100.0, 1000.0, 10.0], stream(4, "a"), generator=q)
    # Stationary pi solves pi Q = 0: pi ∝ (4, 3, 5)/... computed independently here.
    a = np.vstack([np.array(q).T, np.ones(3)])
    pi = np.linalg.lstsq(a, np.array([0, 0, 0, 1.0]), rcond=None)[0]
    np.testing.assert_allclose(process.path.time_average, pi, atol=1e-12)
    expected = float(pi @ [100.0, 1000.0, 10.0])
    assert process.mean_rate_iops == pytest.approx(expected)
    end = 2000.0
    times = times_until(process, end)
    # Counts over long windows: sd from the asymptotic variance is hard to bound tightly,
    # so compare with a generous 6 % band (the state mixes every few seconds).
    assert len(times) / end == pytest.approx(expected, rel=0.06)


def test_sojourn_form_matches_generator_form() -> None:
    a = MmppArrivals([10.0, 90.0], stream(5, "a"), sojourn_s=[2.0, 0.5])
    b = MmppArrivals([10.0, 90.0], stream(5, "a"), generator=[[-0.5, 0.5], [2.0, -2.0]])
    assert a.mean_rate_iops == pytest.approx(b.mean_rate_iops)
    np.testing.assert_allclose(a.path.time_average, [0.8, 0.2])


def test_set_rate_rescales_every_state() -> None:
    process = OnOffArrivals(0.1, 0.1, 2000.0, stream(6, "a"), off_rate_iops=0.0)
    process.set_rate(3000.0)
    assert process.mean_rate_iops == pytest.approx(3000.0)
    times = times_until(process, 100.0)
    assert len(times) / 100.0 == pytest.approx(3000.0, rel=0.05)


def test_reproducible_and_independent_streams() -> None:
    def first(seed: int, scope: str) -> list[float]:
        p = MmppArrivals([5.0, 50.0], stream(seed, scope), sojourn_s=[1.0, 1.0])
        return [p.next_gap_s() for _ in range(50)]

    assert first(7, "v1") == first(7, "v1")
    assert first(7, "v1") != first(7, "v2")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"generator": [[-1, 1], [1, -1]], "sojourn_s": [1, 1]}, "either"),
        ({}, "either"),
        ({"sojourn_s": [1, -1]}, "sojourn"),
        ({"sojourn_s": [1, 1], "jump": [[0, 0.5], [1, 0]]}, "sum to 1"),
        ({"generator": [[-1, -1], [1, -1]]}, ">= 0"),
    ],
)
def test_validation(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MmppArrivals([1.0, 2.0], stream(0, "a"), **kwargs)
