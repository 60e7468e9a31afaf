"""V7: QoS through the whole write path: sustained IOPS per IO size and burst length."""

import numpy as np
import pytest

from replsim import World
from tests.builders import two_sites


def _release_times(qos, rate, size, duration):
    world = World.from_dict(two_sites(
        mode=None, qos=qos, duration=duration,
        workload={"arrival": "constant", "rate": rate, "io_size": size}))
    world.run()
    return world.results().writes["t_release_s"].dropna().to_numpy()


@pytest.mark.parametrize(("size", "cost"), [(4096, 1.0), (65536, 10.0), (1048576, 150.0)])
def test_sustained_rate_is_max_iops_over_cost(size, cost):
    max_iops = 15000.0
    qos = {"minIOPS": 1000, "maxIOPS": max_iops, "burstIOPS": max_iops, "burstTime": 1}
    offered = 2.0 * max_iops / cost
    released = _release_times(qos, offered, size, duration=6.0)
    late = released[(released >= 2.0) & (released < 6.0)]
    assert len(late) / 4.0 == pytest.approx(max_iops / cost, rel=0.01)


def test_burst_then_sustained_and_burst_length():
    max_iops, burst_iops, burst_time = 1000.0, 2000.0, 5.0
    qos = {"minIOPS": 100, "maxIOPS": max_iops, "burstIOPS": burst_iops,
           "burstTime": burst_time}
    released = _release_times(qos, 3000.0, 4096, duration=20.0)
    early = released[(released >= 0.5) & (released < 4.0)]
    assert len(early) / 3.5 == pytest.approx(burst_iops, rel=0.01)
    late = released[released >= 8.0]
    slope, intercept = np.polyfit(late, np.arange(len(late)) + (released < 8.0).sum(), 1)
    assert slope == pytest.approx(max_iops, rel=0.005)
    # N(t) = burst·T + max·(t − T) afterwards, so the intercept gives the burst length T
    burst_length_s = intercept / (burst_iops - max_iops)
    credits = (burst_iops - max_iops) * burst_time
    assert burst_length_s == pytest.approx(credits / (burst_iops - max_iops), rel=0.01)


def test_below_max_iops_writes_are_not_delayed_on_average():
    qos = {"minIOPS": 100, "maxIOPS": 5000, "burstIOPS": 5000, "burstTime": 1}
    world = World.from_dict(two_sites(mode=None, qos=qos, duration=5.0,
                                      workload={"rate": 1000}))
    world.run()
    writes = world.results().writes
    assert writes["qos_wait_s"].mean() < 1e-4
