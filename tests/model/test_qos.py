"""Element QoS: cost curve, settings and the dual-token-bucket shaper.

Shaper consequences are checked by driving `QosShaper.release_time` and measuring the
release times it returns, never by recomputing its formula.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from replsim.model.qos import DEFAULT_CURVE, QosSettings, QosShaper, cost_4k_units

KIB = 1024
MIB = 1024 * 1024


def drive(shaper: QosShaper, t_arrival_s: np.ndarray, size_bytes: np.ndarray | float) -> np.ndarray:
    """Release times of the given IOs fed in order."""
    sizes = np.broadcast_to(np.asarray(size_bytes, dtype=float), t_arrival_s.shape)
    return np.array(
        [shaper.release_time(float(t), float(s)) for t, s in zip(t_arrival_s, sizes, strict=True)]
    )


def flood_arrivals(n: int, rate_per_s: float, seed: int, t0_s: float = 0.0) -> np.ndarray:
    """Poisson arrivals at `rate_per_s`, far above any limit under test."""
    rng = np.random.default_rng(seed)
    return t0_s + np.cumsum(rng.exponential(1.0 / rate_per_s, size=n))


def rate_4k_per_s(release_s: np.ndarray, cost_4k: float) -> float:
    """Released 4K units per second between the first and last of `release_s`."""
    return (len(release_s) - 1) * cost_4k / (release_s[-1] - release_s[0])


BURSTY = QosSettings(min_iops=50, max_iops=1000, burst_iops=2000, burst_time_s=2.0)


# --------------------------------------------------------------------------- cost curve


@pytest.mark.parametrize(("size", "cost"), sorted(DEFAULT_CURVE.items()))
def test_cost_at_curve_points(size: int, cost: int) -> None:
    assert cost_4k_units(size) == pytest.approx(cost / 100)


def test_cost_named_examples() -> None:
    assert cost_4k_units(8 * KIB) == pytest.approx(1.6)
    assert cost_4k_units(64 * KIB) == pytest.approx(10.0)
    assert cost_4k_units(MIB) == pytest.approx(150.0)


def test_cost_midpoints_are_linear() -> None:
    assert cost_4k_units(6 * KIB) == pytest.approx(1.3)
    assert cost_4k_units(48 * KIB) == pytest.approx(7.5)
    assert cost_4k_units(768 * KIB) == pytest.approx((76 + 150) / 2)
    assert cost_4k_units(4096 + 1024) == pytest.approx(1.0 + 0.6 / 4)


def test_cost_below_4k_is_one() -> None:
    for size in (0, 1, 512, 4095, 4096.0):
        assert cost_4k_units(size) == pytest.approx(1.0)


def test_cost_above_1mib_extrapolates_last_slope() -> None:
    slope = (150 - 76) / (MIB - 512 * KIB)
    assert cost_4k_units(2 * MIB) == pytest.approx(150 + slope * MIB)
    assert cost_4k_units(1.5 * MIB) == pytest.approx(150 + slope * MIB / 2)


def test_cost_scalar_types_give_float() -> None:
    for size in (8192, 8192.0, np.int64(8192), np.float64(8192)):
        value = cost_4k_units(size)
        assert isinstance(value, float)
        assert value == pytest.approx(1.6)


def test_cost_vectorised_matches_scalar_and_keeps_shape() -> None:
    rng = np.random.default_rng(1)
    sizes = rng.uniform(0, 3 * MIB, size=(7, 11))
    sizes[0, :4] = [512, 4096, 65536, MIB]
    out = cost_4k_units(sizes)
    assert isinstance(out, np.ndarray)
    assert out.shape == sizes.shape
    expected = np.vectorize(lambda s: cost_4k_units(float(s)))(sizes)
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    np.testing.assert_allclose(out[0, :4], [1.0, 1.0, 10.0, 150.0])
    assert cost_4k_units([4096, 8192]).tolist() == pytest.approx([1.0, 1.6])


def test_cost_custom_curve() -> None:
    curve = {4096: 100, 65536: 400}
    assert cost_4k_units(4096 * 2, curve) == pytest.approx(1.0 + 3.0 * 4096 / 61440)
    assert cost_4k_units(np.array([1.0, 131072.0]), curve).tolist() == pytest.approx(
        [1.0, 4.0 + 3.0 * 65536 / 61440]
    )


def test_cost_rejects_negative_size_and_bad_curve() -> None:
    with pytest.raises(ValueError, match="size_bytes"):
        cost_4k_units(-1)
    with pytest.raises(ValueError, match="size_bytes"):
        cost_4k_units(np.array([4096, np.nan]))
    with pytest.raises(ValueError, match="increase"):
        cost_4k_units(4096, {4096: 100, 8192: 90})


# --------------------------------------------------------------------------- settings


def test_settings_defaults() -> None:
    s = QosSettings()
    assert (s.min_iops, s.max_iops, s.burst_iops, s.burst_time_s) == (50, 15000, 15000, 60)
    assert dict(s.curve) == DEFAULT_CURVE
    assert s.credit_capacity_4k == 0
    assert hash(s) == hash(QosSettings())
    assert s == QosSettings()


def test_settings_default_curve_not_shared() -> None:
    a, b = QosSettings(), QosSettings()
    assert a.curve is not b.curve
    assert a.curve is not DEFAULT_CURVE


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"min_iops": 49}, r"min_iops \(minIOPS\) must be in \[50, 15000\]"),
        ({"min_iops": 15001, "max_iops": 20000, "burst_iops": 20000}, r"min_iops.*\[50, 15000\]"),
        ({"max_iops": 99}, r"max_iops \(maxIOPS\) must be in \[100, 200000\]"),
        ({"max_iops": 200001}, r"max_iops.*\[100, 200000\]"),
        ({"burst_iops": 200001}, r"burst_iops \(burstIOPS\) must be in \[100, 200000\]"),
        ({"burst_iops": float("nan")}, r"burst_iops"),
        ({"max_iops": 1000, "burst_iops": 999}, r"burst_iops \(burstIOPS\) must be >= max_iops"),
        ({"min_iops": 500, "max_iops": 400, "burst_iops": 400}, r"max_iops.*>= min_iops"),
        ({"burst_time_s": -1}, r"burst_time_s \(burstTime\)"),
        ({"max_iops": "1000"}, r"max_iops.*number"),
        ({"curve": {4096: 100}}, r"curve.*at least 2"),
        ({"curve": {4096: 100, 8192: 100}}, r"curve.*increase"),
        ({"curve": {0: 100, 8192: 200}}, r"curve.*sizes"),
        ({"curve": {4096: -1, 8192: 200}}, r"curve.*costs"),
    ],
)
def test_settings_validation(kwargs: dict, pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        QosSettings(**kwargs)


def test_settings_limits_inclusive() -> None:
    assert QosSettings(min_iops=50, max_iops=100, burst_iops=100).max_iops == 100
    assert QosSettings(min_iops=15000, max_iops=200000, burst_iops=200000).min_iops == 15000
    no_credit = QosSettings(min_iops=100, max_iops=100, burst_iops=100, burst_time_s=0)
    assert no_credit.credit_capacity_4k == 0


def test_settings_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        QosSettings().max_iops = 5  # type: ignore[misc]


def test_to_element_shape() -> None:
    s = QosSettings(min_iops=100, max_iops=1000, burst_iops=2000, burst_time_s=30)
    e = s.to_element()
    assert e["minIOPS"] == 100 and isinstance(e["minIOPS"], int)
    assert e["maxIOPS"] == 1000 and isinstance(e["maxIOPS"], int)
    assert e["burstIOPS"] == 2000 and isinstance(e["burstIOPS"], int)
    assert e["burstTime"] == 30 and isinstance(e["burstTime"], int)
    assert e["curve"] == {str(k): v for k, v in DEFAULT_CURVE.items()}


def test_element_round_trip() -> None:
    s = QosSettings(
        min_iops=200, max_iops=5000, burst_iops=8000, burst_time_s=10, curve={4096: 100, 8192: 170}
    )
    assert QosSettings.from_element(s.to_element()) == s
    e = QosSettings().to_element()
    assert QosSettings.from_element(e).to_element() == e


def test_from_element_missing_keys_keep_defaults() -> None:
    s = QosSettings.from_element({"maxIOPS": 1000, "burstIOPS": 1500, "unknownKey": 1})
    assert (s.min_iops, s.max_iops, s.burst_iops, s.burst_time_s) == (50, 1000, 1500, 60)
    assert dict(s.curve) == DEFAULT_CURVE
    assert QosSettings.from_element({}) == QosSettings()


def test_from_element_invalid() -> None:
    with pytest.raises(ValueError, match="burst_iops"):
        QosSettings.from_element({"maxIOPS": 3000, "burstIOPS": 2000})
    with pytest.raises(ValueError, match="minIOPS"):
        QosSettings.from_element({"minIOPS": "lots"})


# --------------------------------------------------------------------------- shaper rates


@pytest.mark.parametrize(("size", "cost"), [(4 * KIB, 1.0), (64 * KIB, 10.0), (MIB, 150.0)])
def test_sustained_rate_after_burst(size: int, cost: float) -> None:
    """Far above max, after the credit is spent the IO rate is maxIOPS / cost."""
    n_sustained = 6000
    burst_ios = int(BURSTY.credit_capacity_4k * 2 / cost) + 10
    arrivals = flood_arrivals(burst_ios + n_sustained, 20 * BURSTY.burst_iops / cost, seed=2)
    release = drive(QosShaper(BURSTY), arrivals, size)
    tail = release[-n_sustained:]
    io_rate = (len(tail) - 1) / (tail[-1] - tail[0])
    assert io_rate == pytest.approx(BURSTY.max_iops / cost, rel=0.01)


def test_no_bursting_when_max_equals_burst() -> None:
    s = QosSettings(max_iops=2000, burst_iops=2000, burst_time_s=60)
    arrivals = flood_arrivals(6000, 50_000, seed=3)
    release = drive(QosShaper(s), arrivals, 4 * KIB)
    # every window from the first release: at most one IO more than max allows
    assert np.all(np.arange(len(release)) <= s.max_iops * (release - release[0]) + 1 + 1e-9)
    assert rate_4k_per_s(release[:100], 1.0) == pytest.approx(2000, rel=0.01)
    assert rate_4k_per_s(release, 1.0) == pytest.approx(2000, rel=0.01)


@pytest.mark.parametrize("size", [4 * KIB, 8 * KIB])
def test_burst_duration_and_rate(size: int) -> None:
    """Full credit, driven at >= burst: burstIOPS for capacity/(burst-max) s, then maxIOPS."""
    qos = QosSettings(max_iops=1000, burst_iops=2000, burst_time_s=5.0)  # a 5 s burst
    cost = cost_4k_units(size)
    arrivals = np.zeros(int(11000 / cost) + 5000)  # all queued at once: the strongest drive
    release = drive(QosShaper(qos), arrivals, size)
    spacing_burst = cost / qos.burst_iops
    gaps = np.diff(release)
    end = int(np.argmax(gaps > spacing_burst * (1 + 1e-6)))  # last release of the burst
    assert end >= 5000
    burst_duration = release[end] - release[0]
    expected = qos.credit_capacity_4k / (qos.burst_iops - qos.max_iops)
    assert abs(burst_duration - expected) <= spacing_burst * (1 + 1e-6)
    assert rate_4k_per_s(release[: end + 1], cost) == pytest.approx(qos.burst_iops, rel=0.01)
    tail = release[end + 1 :]
    assert len(tail) >= 5000
    assert rate_4k_per_s(tail, cost) == pytest.approx(qos.max_iops, rel=0.01)


def test_burst_with_poisson_drive_above_burst() -> None:
    qos = QosSettings(max_iops=1000, burst_iops=2000, burst_time_s=5.0)
    arrivals = flood_arrivals(17000, 3 * qos.burst_iops, seed=4)
    release = drive(QosShaper(qos), arrivals, 4 * KIB)
    expected = qos.credit_capacity_4k / (qos.burst_iops - qos.max_iops)
    in_burst = release[release <= release[0] + expected * 0.95]
    assert len(in_burst) >= 5000
    assert rate_4k_per_s(in_burst, 1.0) == pytest.approx(qos.burst_iops, rel=0.01)
    late = release[release >= release[0] + expected * 1.05]
    assert len(late) >= 5000
    assert rate_4k_per_s(late, 1.0) == pytest.approx(qos.max_iops, rel=0.01)


def test_below_max_never_delayed_and_credit_stays_full() -> None:
    shaper = QosShaper(BURSTY)
    arrivals = np.arange(1, 6001) / (0.5 * BURSTY.max_iops)  # evenly at half of max
    release = drive(shaper, arrivals, 4 * KIB)
    np.testing.assert_array_equal(release, arrivals)
    assert shaper.credit_4k_units(arrivals[-1] + 1.0) == pytest.approx(BURSTY.credit_capacity_4k)


@pytest.mark.parametrize("idle_s", [0.1, 0.75, 1.5, 5.0])
def test_credit_regained_after_idle(idle_s: float) -> None:
    """Spend all credit, idle T seconds, flood again: the extra work done is min(cap, T*max)."""
    shaper = QosShaper(BURSTY)
    release = drive(shaper, np.zeros(8000), 4 * KIB)  # exhausts the credit
    t_empty = release[-1] + 1.0 / BURSTY.max_iops  # the last IO's cost has been refilled
    assert shaper.credit_4k_units(t_empty) == pytest.approx(0.0, abs=1e-9)
    t1 = t_empty + idle_s
    expected = min(BURSTY.credit_capacity_4k, idle_s * BURSTY.max_iops)
    assert shaper.credit_4k_units(t1) == pytest.approx(expected, rel=1e-9)

    n = 6000
    release2 = drive(shaper, np.full(n, t1), 4 * KIB)
    # 4K units released by the last release beyond what max alone allows since t1
    extra = n - BURSTY.max_iops * (release2[-1] - t1)
    assert abs(extra - expected) <= 1.0 + 1e-6  # within one IO
    assert release2[-1] - t1 > expected / (BURSTY.burst_iops - BURSTY.max_iops)  # in sustained


def test_credit_is_read_only_and_clipped() -> None:
    shaper = QosShaper(BURSTY)
    cap = BURSTY.credit_capacity_4k
    assert shaper.credit_4k_units(0.0) == cap
    assert shaper.credit_4k_units(100.0) == cap
    t = shaper.release_time(0.0, MIB)
    assert t == 0.0
    assert shaper.credit_4k_units(0.0) == pytest.approx(cap - 150)
    assert shaper.credit_4k_units(0.05) == pytest.approx(cap - 150 + 50)
    assert shaper.credit_4k_units(0.0) == pytest.approx(cap - 150)  # not mutated
    assert shaper.release_time(0.0, 4 * KIB) == pytest.approx(150 / BURSTY.burst_iops)


def test_large_io_passes_with_no_credit() -> None:
    """Depth includes one IO's cost: a 2 MiB IO passes even with max == burst."""
    s = QosSettings(max_iops=100, burst_iops=100, burst_time_s=60)
    shaper = QosShaper(s)
    cost = cost_4k_units(2 * MIB)
    assert shaper.release_time(0.0, 2 * MIB) == 0.0
    assert shaper.release_time(0.0, 2 * MIB) == pytest.approx(cost / 100)
    assert shaper.release_time(0.0, 4 * KIB) == pytest.approx(2 * cost / 100)


def test_t_start_and_queueing_behind_previous() -> None:
    s = QosSettings(max_iops=100, burst_iops=100)
    shaper = QosShaper(s, t_start_s=10.0)
    assert shaper.credit_4k_units(10.0) == 0.0
    assert shaper.release_time(5.0, 4 * KIB) == 10.0
    assert shaper.release_time(10.0, 64 * KIB) == pytest.approx(10.01)
    # a small IO arriving right after waits behind the 64 KiB one (FIFO)
    assert shaper.release_time(10.011, 4 * KIB) == pytest.approx(10.11)
    assert shaper.release_time(20.0, 4 * KIB) == 20.0


# --------------------------------------------------------------------------- update


def test_update_changes_sustained_rate() -> None:
    shaper = QosShaper(QosSettings(max_iops=1000, burst_iops=1000))
    first = drive(shaper, np.zeros(5001), 4 * KIB)
    assert rate_4k_per_s(first, 1.0) == pytest.approx(1000, rel=0.01)
    t_change = first[-1]
    shaper.update(QosSettings(max_iops=400, burst_iops=400), t_change)
    second = drive(shaper, np.full(5001, t_change), 4 * KIB)
    assert second[0] >= t_change
    assert rate_4k_per_s(second, 1.0) == pytest.approx(400, rel=0.01)


def test_update_clips_credit_to_new_capacity() -> None:
    shaper = QosShaper(BURSTY)  # capacity 2000
    assert shaper.credit_4k_units(1.0) == 2000
    small = QosSettings(max_iops=1000, burst_iops=1500, burst_time_s=1.0)  # capacity 500
    shaper.update(small, 1.0)
    assert shaper.settings == small
    assert shaper.credit_4k_units(1.0) == 500
    assert shaper.credit_4k_units(10.0) == 500
    # a flood now bursts for 500/(1500-1000) = 1 s at 1500/s
    release = drive(shaper, np.full(4000, 1.0), 4 * KIB)
    in_burst = release[release <= 1.0 + 0.95]
    assert rate_4k_per_s(in_burst, 1.0) == pytest.approx(1500, rel=0.01)
    extra = len(release) - 1000 * (release[-1] - 1.0)
    assert abs(extra - 500) <= 1.0 + 1e-6


def test_update_carries_credit_and_refills_at_new_rate() -> None:
    shaper = QosShaper(BURSTY)
    drive(shaper, np.zeros(3000), 4 * KIB)  # part of the credit spent
    t = 2.0
    credit_before = shaper.credit_4k_units(t)
    assert 0 < credit_before < BURSTY.credit_capacity_4k
    bigger = QosSettings(max_iops=2000, burst_iops=4000, burst_time_s=10)  # capacity 20000
    shaper.update(bigger, t)
    assert shaper.credit_4k_units(t) == pytest.approx(credit_before)  # carried, not refilled
    assert shaper.credit_4k_units(t + 1.0) == pytest.approx(credit_before + 2000)
    assert shaper.credit_4k_units(t + 100.0) == pytest.approx(20000)


def test_update_curve_changes_cost() -> None:
    shaper = QosShaper(QosSettings(max_iops=100, burst_iops=100))
    shaper.update(QosSettings(max_iops=100, burst_iops=100, curve={4096: 100, 8192: 400}), 0.0)
    assert shaper.release_time(0.0, 8 * KIB) == 0.0
    assert shaper.release_time(0.0, 8 * KIB) == pytest.approx(0.04)


def test_update_before_last_release_keeps_committed_releases() -> None:
    shaper = QosShaper(QosSettings(max_iops=100, burst_iops=100))
    release = drive(shaper, np.zeros(100), 4 * KIB)  # last release at 0.99
    shaper.update(QosSettings(max_iops=200, burst_iops=200), 0.5)
    nxt = shaper.release_time(0.6, 4 * KIB)
    assert nxt >= release[-1]
    assert nxt == pytest.approx(release[-1] + 1 / 100)  # the last IO's debt repaid at 200/s


def test_update_applies_from_its_time() -> None:
    """An IO arriving before a later QoS change is not released before the change."""
    shaper = QosShaper(QosSettings(max_iops=100, burst_iops=100))
    assert shaper.release_time(0.0, 4 * KIB) == 0.0
    shaper.update(QosSettings(max_iops=200, burst_iops=200), 5.0)
    assert shaper.release_time(4.0, 4 * KIB) == 5.0
    assert shaper.release_time(5.0, 4 * KIB) == pytest.approx(5.005)


# --------------------------------------------------------------------------- properties

SIZES = st.one_of(
    st.sampled_from([512, 4 * KIB, 8 * KIB, 64 * KIB, 256 * KIB, MIB, 2 * MIB]),
    st.floats(min_value=0, max_value=3 * MIB),
)


@st.composite
def qos_settings(draw: st.DrawFn) -> QosSettings:
    max_iops = draw(st.floats(min_value=100, max_value=5000))
    burst_iops = draw(st.floats(min_value=max_iops, max_value=min(3 * max_iops, 200000)))
    burst_time_s = draw(st.sampled_from([0.0, 0.01, 0.5, 2.0, 60.0]))
    return QosSettings(max_iops=max_iops, burst_iops=burst_iops, burst_time_s=burst_time_s)


@settings(max_examples=150, deadline=None)
@given(
    qos=qos_settings(),
    t_start_s=st.floats(min_value=0, max_value=1e4),
    ios=st.lists(
        st.tuples(st.floats(min_value=0, max_value=0.05), SIZES), min_size=1, max_size=300
    ),
)
def test_shaper_invariants(
    qos: QosSettings, t_start_s: float, ios: list[tuple[float, float]]
) -> None:
    gaps = np.array([g for g, _ in ios])
    sizes = np.array([s for _, s in ios])
    arrivals = t_start_s + np.cumsum(gaps)
    shaper = QosShaper(qos, t_start_s=t_start_s)
    release = drive(shaper, arrivals, sizes)
    costs = cost_4k_units(sizes)
    eps = 1e-9 * (1.0 + abs(release[-1]))

    # FIFO and causal
    assert np.all(release >= arrivals)
    assert np.all(np.diff(release) >= 0)
    # peak: each IO holds the pipe cost/burst, so no window exceeds burst_iops
    assert np.all(np.diff(release) >= costs[:-1] / qos.burst_iops - eps)
    spent_before = np.concatenate([[0.0], np.cumsum(costs)[:-1]])  # released before IO k
    assert np.all(spent_before - spent_before[0] <= qos.burst_iops * (release - release[0]) + eps)
    # sustained: everything released up to IO k <= capacity + max * elapsed + one IO (IO k)
    spent = np.cumsum(costs)
    bound = qos.credit_capacity_4k + qos.max_iops * (release - t_start_s) + costs
    assert np.all(spent <= bound + 1e-9 * (1.0 + bound))
    assert 0.0 <= shaper.credit_4k_units(release[-1]) <= qos.credit_capacity_4k + eps


@settings(max_examples=50, deadline=None)
@given(
    qos=qos_settings(),
    idle_s=st.floats(min_value=0, max_value=100),
    size=SIZES,
)
def test_idle_credit_property(qos: QosSettings, idle_s: float, size: float) -> None:
    shaper = QosShaper(qos)
    cost = cost_4k_units(size)
    # a flood spends (1 - max/burst) * cost of credit per IO; enough IOs to spend it all
    drain_per_io = cost * (1 - qos.max_iops / qos.burst_iops)
    n = 3 if drain_per_io == 0 else int(qos.credit_capacity_4k / drain_per_io) + 3
    assume(n <= 20000)
    release = drive(shaper, np.zeros(n), size)
    t_empty = release[-1] + cost / qos.max_iops
    credit = shaper.credit_4k_units(t_empty + idle_s)
    expected = min(qos.credit_capacity_4k, idle_s * qos.max_iops)
    assert credit == pytest.approx(expected, rel=1e-9, abs=1e-6 * (1 + cost))
