"""RPO, backlog and outstanding-quantity metrics against brute-force references."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from replsim.metrics.rpo import (
    RpoSegments,
    backlog_bytes_at,
    data_at_risk_bytes_at,
    outstanding_at,
    rpo_at,
    rpo_max_s,
    rpo_segments,
    rpo_time_mean_s,
    rpo_time_quantile_s,
    time_average_outstanding,
)

# -- brute-force references, straight from the definitions ---------------------------------


def _clean(a, d, t_end):
    """(ack, durable) pairs of acknowledged writes, NaN durable → never, clipped at t_end."""
    pairs = []
    for ai, di in zip(a, d, strict=True):
        if not math.isfinite(ai):
            continue
        di = math.inf if math.isnan(di) else di
        pairs.append((ai, min(di, t_end)))
    return pairs


def ref_rpo(pairs, t):
    """RPO(t) = t − min{a : a ≤ t < d}, 0 when empty."""
    missing = [a for a, d in pairs if a <= t < d]
    return t - min(missing) if missing else 0.0


def ref_pieces(pairs, t0, t1):
    """[(u, v, c)] covering [t0, t1): RPO(t) = t − c on [u, v), c None when RPO is 0."""
    points = {t0, t1}
    for a, d in pairs:
        points.update(x for x in (a, d) if t0 < x < t1)
    points = sorted(points)
    pieces = []
    for u, v in itertools.pairwise(points):
        mid = (u + v) / 2
        missing = [a for a, d in pairs if a <= mid < d]
        pieces.append((u, v, min(missing) if missing else None))
    return pieces


def ref_max(pairs, t0, t1, pieces):
    best = ref_rpo(pairs, t1)
    for _u, v, c in pieces:
        if c is not None:
            best = max(best, v - c)
    return best


def ref_mean(t0, t1, pieces):
    total = 0.0
    for u, v, c in pieces:
        if c is not None:
            total += (v - u) * ((u - c) + (v - c)) / 2
    return total / (t1 - t0)


def ref_fraction_below(t0, t1, x, pieces):
    """Fraction of [t0, t1] with RPO ≤ x."""
    total = 0.0
    for u, v, c in pieces:
        if c is None:
            total += v - u
        else:
            total += min(max(x - (u - c), 0.0), v - u)
    return total / (t1 - t0)


def ref_outstanding(start, end, weight, t):
    total = 0.0
    for s, e, w in zip(start, end, weight, strict=True):
        e = math.inf if math.isnan(e) else e
        if s <= t < e:
            total += w
    return total


# -- strategies ----------------------------------------------------------------------------

grid_time = st.integers(0, 20).map(float)  # equal times are common on a coarse grid
any_time = st.floats(0.0, 30.0, allow_nan=False)
durable_time = st.one_of(st.integers(-2, 25).map(float), st.just(math.nan), st.just(math.inf))


@st.composite
def writes(draw, max_size=12):
    grid = draw(st.booleans())
    n = draw(st.integers(0, max_size))
    ack_s = draw(st.lists(grid_time if grid else any_time, min_size=n, max_size=n))
    if not grid:  # durable = ack + delay, delay possibly negative (sync) or zero
        delays = st.one_of(st.floats(-1.0, 10.0, allow_nan=False), st.just(math.nan))
        durable_s = [a + draw(delays) for a in ack_s]
    else:
        durable_s = draw(st.lists(durable_time, min_size=n, max_size=n))
    # occasionally a write that was never acknowledged within the run
    ack_s = [math.nan if draw(st.integers(0, 9)) == 0 else a for a in ack_s]
    return np.array(ack_s, dtype=float), np.array(durable_s, dtype=float)


t_end_values = st.sampled_from([10.0, 15.5, 30.0, math.inf])


@st.composite
def window(draw, t_end=math.inf):
    """[t0, t1] with t1 > t0, inside the run (t1 <= t_end), often on the grid."""
    hi = min(t_end, 32.0)
    t0 = draw(st.one_of(st.integers(-2, math.floor(hi) - 1).map(float), st.floats(-2.0, hi - 0.5)))
    options = [st.floats(t0, hi)]
    if math.floor(t0) + 1 <= math.floor(hi):  # an integer end exists inside the window
        options.append(st.integers(math.floor(t0) + 1, math.floor(hi)).map(float))
    t1 = draw(st.one_of(*options))
    assume(t1 > t0)
    return t0, t1


@st.composite
def run_and_window(draw):
    a, d = draw(writes())
    t_end = draw(t_end_values)
    return a, d, t_end, draw(window(t_end))


# -- RPO properties against the references -------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(writes(), t_end_values)
def test_rpo_at_matches_definition(data, t_end):
    a, d = data
    seg = rpo_segments(a, d, t_end)
    pairs = _clean(a, d, t_end)
    probes = {-1.0, 0.0, 40.0}
    for x in np.concatenate([a, d]):
        if math.isfinite(x):
            probes.update({x, x - 1e-9, x + 1e-9, x + 0.5})
    probes = np.array(sorted(p for p in probes if p < t_end))
    expected = np.array([ref_rpo(pairs, t) for t in probes])
    np.testing.assert_allclose(rpo_at(seg, probes), expected, rtol=0, atol=1e-12)


@settings(max_examples=120, deadline=None)
@given(run_and_window(), st.floats(0.0, 1.0))
def test_window_statistics_match_definition(data, q):
    a, d, t_end, (t0, t1) = data
    seg = rpo_segments(a, d, t_end)
    pairs = _clean(a, d, t_end)
    pieces = ref_pieces(pairs, t0, t1)
    peak = rpo_max_s(seg, t0, t1)
    assert peak == pytest.approx(ref_max(pairs, t0, t1, pieces), abs=1e-9)
    assert rpo_time_mean_s(seg, t0, t1) == pytest.approx(ref_mean(t0, t1, pieces), abs=1e-9)
    # the time quantile x is the smallest value with fraction(RPO <= x) >= q
    x = rpo_time_quantile_s(seg, t0, t1, q)
    assert 0.0 <= x <= peak + 1e-12
    tol = 1e-9
    assert ref_fraction_below(t0, t1, x, pieces) >= q - tol
    if x > 0:
        assert ref_fraction_below(t0, t1, x - 1e-6, pieces) <= q + tol


@settings(max_examples=100, deadline=None)
@given(writes(), t_end_values)
def test_segments_are_ordered_and_disjoint(data, t_end):
    a, d = data
    seg = rpo_segments(a, d, t_end)  # RpoSegments validates its invariants itself
    assert np.all(seg.end_s <= t_end)
    assert np.all(np.diff(seg.ack_s) > 0)  # writes acked together share one segment
    # order of the input does not matter
    perm = np.random.default_rng(0).permutation(a.size)
    other = rpo_segments(a[perm], d[perm], t_end)
    np.testing.assert_array_equal(seg.start_s, other.start_s)
    np.testing.assert_array_equal(seg.end_s, other.end_s)
    np.testing.assert_array_equal(seg.ack_s, other.ack_s)


# -- hand examples -------------------------------------------------------------------------


def test_sync_like_durable_at_ack_has_zero_rpo():
    a = np.arange(10.0)
    seg = rpo_segments(a, a, t_end_s=20.0)
    assert len(seg) == 0
    np.testing.assert_array_equal(rpo_at(seg, np.linspace(-1, 21, 50)), 0.0)
    assert rpo_max_s(seg, 0.0, 20.0) == 0.0
    assert rpo_time_mean_s(seg, 0.0, 20.0) == 0.0
    assert rpo_time_quantile_s(seg, 0.0, 20.0, 0.99) == 0.0
    # durable before ack (synchronous replication) is also zero
    seg = rpo_segments(a, a - 0.001, t_end_s=20.0)
    assert len(seg) == 0


def test_single_write():
    seg = rpo_segments(np.array([1.0]), np.array([3.0]), t_end_s=5.0)
    np.testing.assert_array_equal(seg.start_s, [1.0])
    np.testing.assert_array_equal(seg.end_s, [3.0])
    np.testing.assert_allclose(
        rpo_at(seg, [0.0, 1.0, 2.0, 2.999, 3.0, 4.0]), [0, 0, 1, 1.999, 0, 0]
    )
    assert rpo_max_s(seg, 0.0, 5.0) == pytest.approx(2.0)
    assert rpo_max_s(seg, 0.0, 2.5) == pytest.approx(1.5)
    assert rpo_max_s(seg, 2.0, 2.0) == pytest.approx(1.0)  # a point window
    assert rpo_max_s(seg, 3.0, 5.0) == 0.0
    assert rpo_time_mean_s(seg, 0.0, 5.0) == pytest.approx(2 * 2 / 2 / 5)
    # RPO is 0 for 3 s of 5 and uniform on [0, 2) for the other 2 s
    assert rpo_time_quantile_s(seg, 0.0, 5.0, 0.6) == 0.0
    assert rpo_time_quantile_s(seg, 0.0, 5.0, 0.8) == pytest.approx(1.0)
    assert rpo_time_quantile_s(seg, 0.0, 5.0, 1.0) == pytest.approx(2.0)


def test_out_of_order_durability():
    # write 0 is durable late; write 1 early: RPO is driven by write 0 throughout
    seg = rpo_segments(np.array([0.0, 1.0]), np.array([5.0, 2.0]), t_end_s=10.0)
    assert len(seg) == 1
    np.testing.assert_allclose(rpo_at(seg, [0.5, 1.5, 4.5, 5.0]), [0.5, 1.5, 4.5, 0.0])
    # reversed: write 1 durable last keeps RPO = t - 1 once write 0 is durable
    seg = rpo_segments(np.array([0.0, 1.0]), np.array([2.0, 5.0]), t_end_s=10.0)
    np.testing.assert_allclose(rpo_at(seg, [0.5, 1.5, 2.0, 4.5, 5.0]), [0.5, 1.5, 1.0, 3.5, 0.0])


def test_never_durable_is_clipped_at_run_end():
    seg = rpo_segments(np.array([2.0, np.nan]), np.array([np.nan, 1.0]), t_end_s=10.0)
    np.testing.assert_array_equal(seg.end_s, [10.0])
    assert rpo_max_s(seg, 0.0, 10.0) == pytest.approx(8.0)
    assert rpo_time_mean_s(seg, 0.0, 10.0) == pytest.approx(8 * 8 / 2 / 10)


def test_fifo_stream_steady_state():
    # acks every 1 s, each durable 3.5 s later: RPO sweeps [2.5, 3.5) once the pipe is full
    a = np.arange(100.0)
    seg = rpo_segments(a, a + 3.5, t_end_s=200.0)
    assert rpo_max_s(seg, 10.0, 50.0) == pytest.approx(3.5)
    assert rpo_time_mean_s(seg, 10.0, 50.0) == pytest.approx(3.0)
    assert rpo_time_quantile_s(seg, 10.0, 50.0, 0.5) == pytest.approx(3.0)
    assert rpo_time_quantile_s(seg, 10.0, 50.0, 0.9) == pytest.approx(3.4)
    t = np.linspace(10, 50, 1001)
    assert np.all((rpo_at(seg, t) >= 2.5) & (rpo_at(seg, t) < 3.5))


def test_empty_input():
    seg = rpo_segments(np.array([]), np.array([]), t_end_s=1.0)
    assert len(seg) == 0
    np.testing.assert_array_equal(rpo_at(seg, np.array([0.0, 0.5])), [0.0, 0.0])
    assert rpo_max_s(seg, 0.0, 1.0) == 0.0
    assert rpo_time_mean_s(seg, 0.0, 1.0) == 0.0
    assert rpo_time_quantile_s(seg, 0.0, 1.0, 0.5) == 0.0
    np.testing.assert_array_equal(outstanding_at([], [], None, [0.0, 1.0]), [0.0, 0.0])
    assert time_average_outstanding([], [], [], 0.0, 1.0) == 0.0


def test_scalar_and_nan_sample_times():
    seg = rpo_segments(np.array([1.0]), np.array([3.0]), t_end_s=5.0)
    assert float(rpo_at(seg, 2.0)) == pytest.approx(1.0)
    assert np.isnan(rpo_at(seg, np.array([np.nan]))[0])


def test_argument_validation():
    seg = rpo_segments(np.array([1.0]), np.array([3.0]), t_end_s=5.0)
    with pytest.raises(ValueError):
        rpo_segments(np.array([1.0, 2.0]), np.array([3.0]), 5.0)
    with pytest.raises(ValueError):
        rpo_segments(np.array([1.0]), np.array([3.0]), math.nan)
    with pytest.raises(ValueError):
        rpo_max_s(seg, 2.0, 1.0)
    with pytest.raises(ValueError):
        rpo_time_mean_s(seg, 1.0, 1.0)
    with pytest.raises(ValueError):
        rpo_time_quantile_s(seg, 0.0, 1.0, 1.5)
    with pytest.raises(ValueError):
        RpoSegments(np.array([0.0, 1.0]), np.array([2.0, 3.0]), np.array([0.0, 0.0]))
    with pytest.raises(ValueError):
        seg.start_s[0] = 0.0  # read-only


def test_large_input_is_vectorised():
    rng = np.random.default_rng(1)
    a = np.cumsum(rng.exponential(1e-3, 200_000))
    d = a + rng.exponential(5e-3, a.size)
    seg = rpo_segments(a, d, t_end_s=float(a[-1]))
    t1 = float(a[-1])
    mean = rpo_time_mean_s(seg, 0.0, t1)
    assert 0.0 < rpo_time_quantile_s(seg, 0.0, t1, 0.5) <= rpo_max_s(seg, 0.0, t1)
    samples = rpo_at(seg, np.linspace(0.0, t1, 100_001))
    assert mean == pytest.approx(samples.mean(), rel=0.02)


# -- outstanding quantities ----------------------------------------------------------------


@st.composite
def intervals(draw):
    n = draw(st.integers(0, 12))
    start = draw(
        st.lists(st.one_of(grid_time, any_time, st.just(math.nan)), min_size=n, max_size=n)
    )
    end = draw(st.lists(st.one_of(durable_time, any_time), min_size=n, max_size=n))
    weight = draw(st.lists(st.integers(0, 2**20), min_size=n, max_size=n))
    return np.array(start), np.array(end), np.array(weight, dtype=np.int64)


@settings(max_examples=150, deadline=None)
@given(intervals())
def test_outstanding_at_matches_definition(data):
    start, end, weight = data
    probes = {-1.0, 50.0}
    for x in np.concatenate([start, end]):
        if math.isfinite(x):
            probes.update({x, x - 1e-9, x + 0.25})
    probes = np.array(sorted(probes))
    expected = [ref_outstanding(start, end, weight, t) for t in probes]
    np.testing.assert_array_equal(outstanding_at(start, end, weight, probes), expected)
    counts = [ref_outstanding(start, end, np.ones(start.size), t) for t in probes]
    np.testing.assert_array_equal(outstanding_at(start, end, None, probes), counts)
    np.testing.assert_array_equal(backlog_bytes_at(start, end, weight, probes), expected)
    np.testing.assert_array_equal(data_at_risk_bytes_at(start, end, weight, probes), expected)


@settings(max_examples=100, deadline=None)
@given(intervals(), window())
def test_time_average_outstanding_matches_integral(data, win):
    start, end, weight = data
    t0, t1 = win
    points = {t0, t1}
    points.update(x for x in np.concatenate([start, end]) if t0 < x < t1)
    points = sorted(points)
    integral = sum(
        (v - u) * ref_outstanding(start, end, weight, (u + v) / 2)
        for u, v in itertools.pairwise(points)
    )
    got = time_average_outstanding(start, end, weight, t0, t1)
    assert got == pytest.approx(integral / (t1 - t0), rel=1e-9, abs=1e-9)


def test_littles_law():
    rng = np.random.default_rng(7)
    rate_per_s = 200.0
    arrive_s = np.cumsum(rng.exponential(1 / rate_per_s, 20_000))
    depart_s = arrive_s + rng.exponential(0.05, arrive_s.size)
    horizon_s = float(depart_s.max())
    in_flight = time_average_outstanding(arrive_s, depart_s, None, 0.0, horizon_s)
    # over a window containing every interval, L·T = Σ sojourn exactly
    assert in_flight * horizon_s == pytest.approx(np.sum(depart_s - arrive_s), rel=1e-12)
    assert in_flight == pytest.approx(rate_per_s * 0.05, rel=0.05)


def test_backlog_with_float_sizes_and_never_durable():
    ack = np.array([0.0, 1.0, 2.0])
    durable = np.array([3.0, np.nan, 2.5])
    size = np.array([4096.0, 8192.0, 512.0])
    got = backlog_bytes_at(ack, durable, size, np.array([0.5, 1.5, 2.2, 2.7, 3.0, 100.0]))
    np.testing.assert_allclose(got, [4096, 12288, 12800, 12288, 8192, 8192])
