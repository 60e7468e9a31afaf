"""V8: a closed loop's throughput equals queue depth over response time."""

import numpy as np
import pytest

from replsim import World
from tests.builders import two_sites

LOCAL_S = 0.2e-3 + 50e-6 + 0.2e-3 + 50e-6


@pytest.mark.parametrize(("mode", "expected_r"), [
    ("Async", LOCAL_S),
    ("Sync", 4096 * 8 / 1e9 + 1e-3 + LOCAL_S),  # parallel: the remote path dominates
])
def test_qd1_iops_is_exactly_one_over_r(mode, expected_r):
    world = World.from_dict(two_sites(mode=mode, workload={"closed_loop": {"queue_depth": 1}},
                                      duration=2.0))
    world.run()
    writes = world.results().writes
    acked = writes.dropna(subset=["t_ack_s"])
    assert acked["ack_latency_s"].to_numpy() == pytest.approx(expected_r, abs=1e-12)
    # back to back: the n-th ack lands at n·R, so IOPS = 1/R
    n = np.arange(1, len(acked) + 1)
    np.testing.assert_allclose(acked["t_ack_s"].to_numpy(), n * expected_r, rtol=1e-9)
    assert abs(len(acked) - 2.0 / expected_r) <= 1


@pytest.mark.parametrize("queue_depth", [1, 4, 16])
def test_response_time_law_with_random_service(queue_depth):
    world = World.from_dict(two_sites(
        mode="Sync", workload={"closed_loop": {"queue_depth": queue_depth}},
        commit={"dist": "lognormal", "mean": 0.2e-3, "cv": 0.6}, servers=4,
        duration=10.0, seed=queue_depth))
    world.run()
    writes = world.results().writes
    window = writes[(writes["t_issue_s"] >= 1.0) & writes["t_ack_s"].notna()]
    window = window[window["t_ack_s"] < 10.0]
    iops = len(window) / (window["t_ack_s"].max() - window["t_issue_s"].min())
    assert iops == pytest.approx(queue_depth / window["ack_latency_s"].mean(), rel=0.01)


def test_think_time_lowers_throughput_per_interactive_law():
    think_s = 2e-3
    world = World.from_dict(two_sites(
        mode="Async", workload={"closed_loop": {"queue_depth": 2, "think_time": think_s}},
        duration=5.0))
    world.run()
    writes = world.results().writes.dropna(subset=["t_ack_s"])
    iops = len(writes) / 5.0
    assert iops == pytest.approx(2 / (LOCAL_S + think_s), rel=0.01)
