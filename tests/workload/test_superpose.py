"""Superposition: rates add, the merged stream is ordered, set_rate keeps the proportions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from replsim.rng import stream
from replsim.workload.arrivals import ConstantArrivals, PoissonArrivals
from replsim.workload.mmpp import OnOffArrivals
from replsim.workload.superpose import SuperposedArrivals

from .helpers import gaps, times_until, window_counts


def make(seed: int = 1) -> SuperposedArrivals:
    rngs = stream(seed, "a").spawn(2)
    return SuperposedArrivals([PoissonArrivals(600.0, rngs[0]),
                               OnOffArrivals(0.05, 0.15, 1600.0, rngs[1])])


def test_rates_add_and_gaps_are_non_negative() -> None:
    process = make()
    assert process.mean_rate_iops == pytest.approx(1000.0)
    g = gaps(process, 200_000)
    assert (g >= 0).all()
    # The on/off part has IDC(∞) ≈ 91, so 200 s of counts has sd ≈ 1.4 %.
    assert len(g) / g.sum() == pytest.approx(1000.0, rel=0.05)


def test_merge_of_two_constants_interleaves_exactly() -> None:
    process = SuperposedArrivals([ConstantArrivals(2.0), ConstantArrivals(3.0)])
    times = np.cumsum(gaps(process, 10))
    expected = np.sort(np.concatenate([np.arange(1, 10) / 2.0, np.arange(1, 10) / 3.0]))[:10]
    np.testing.assert_allclose(times, expected)


def test_burst_component_raises_dispersion() -> None:
    times = times_until(make(2), 400.0)
    counts = window_counts(times, 1.0, 400.0)
    assert counts.var() / counts.mean() > 20


def test_set_rate_scales_components_in_proportion() -> None:
    process = make(3)
    process.set_rate(2000.0)
    assert [c.mean_rate_iops for c in process.components] == pytest.approx([1200.0, 800.0])
    g = gaps(process, 200_000)
    assert len(g) / g.sum() == pytest.approx(2000.0, rel=0.05)


def test_rate_zero_then_resume_with_now_s() -> None:
    process = make(4)
    gaps(process, 10)
    process.set_rate(0.0)
    assert process.next_gap_s() == math.inf
    process.set_rate(1000.0, now_s=50.0)
    assert process.clock_s == 50.0
    gap = process.next_gap_s()
    assert 0.0 <= gap < 1.0 and process.clock_s == pytest.approx(50.0 + gap)


def test_needs_components() -> None:
    with pytest.raises(ValueError, match="at least one"):
        SuperposedArrivals([])
