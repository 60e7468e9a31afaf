"""V3 Little's law on the Async backlog and V4 overload slopes of backlog and RPO."""

import numpy as np
import pytest

from replsim import World
from tests.builders import two_sites


def test_v3_littles_law_on_async_backlog():
    """Time-average of the model's live backlog counter = byte rate × mean replication lag."""
    size, rate = 16384, 4000.0
    bandwidth = rate * size / 0.8  # link at rho = 0.8
    world = World.from_dict(two_sites(
        mode="Async", workload={"rate": rate, "io_size": size},
        link={"bandwidth": bandwidth, "rtt": 2e-3},
        commit={"dist": "lognormal", "mean": 0.2e-3, "cv": 0.5},
        duration=31.0, sample_interval=0.001, seed=3))
    world.run()
    results = world.results()
    t0, t1 = 1.0, 30.0
    samples = results.rpo[(results.rpo["t_s"] > t0) & (results.rpo["t_s"] <= t1)]
    backlog_time_avg = samples["backlog_bytes"].mean()
    writes = results.writes
    acked = writes[(writes["t_ack_s"] >= t0) & (writes["t_ack_s"] < t1)]
    byte_rate = acked["size_bytes"].sum() / (t1 - t0)
    mean_lag = (acked["t_durable_remote_s"] - acked["t_ack_s"]).mean()
    assert backlog_time_avg == pytest.approx(byte_rate * mean_lag, rel=0.02)
    # the link really queues: the lag exceeds its zero-load value by about the M/D/1 wait
    service_s = size / bandwidth
    zero_load_s = service_s + 1e-3 + 0.5e-3  # serialisation, one way, remote commit
    assert mean_lag - zero_load_s > 0.5 * (0.8 * service_s / (2 * 0.2))


def test_v4_overload_slopes_of_backlog_and_rpo():
    size, rate = 65536, 2000.0
    offered = size * rate  # 131 MB/s
    bandwidth = 100e6
    world = World.from_dict(two_sites(
        mode="Async", workload={"arrival": "constant", "rate": rate, "io_size": size},
        link={"bandwidth": bandwidth}, duration=21.0, sample_interval=0.25))
    world.run()
    rpo = world.results().rpo
    late = rpo[rpo["t_s"] >= 2.0]
    backlog_slope = np.polyfit(late["t_s"], late["backlog_bytes"], 1)[0]
    rpo_slope = np.polyfit(late["t_s"], late["rpo_s"], 1)[0]
    assert backlog_slope == pytest.approx(offered - bandwidth, rel=0.01)
    assert rpo_slope == pytest.approx(1 - bandwidth / offered, rel=0.01)


def test_rpo_exact_max_bounds_samples_and_is_zero_for_sync():
    world = World.from_dict(two_sites(mode="Async", workload={"rate": 3000, "io_size": 32768},
                                      link={"bandwidth": 120e6}, duration=10.0))
    world.run()
    results = world.results()
    row = results.summary.iloc[0]
    assert row["rpo_max_s"] >= results.rpo["rpo_s"].max() > 0
    assert 0 < row["rpo_mean_s"] <= row["rpo_p99_s"] <= row["rpo_max_s"]
    lag = (results.writes["t_durable_remote_s"] - results.writes["t_ack_s"]).max()
    assert row["rpo_max_s"] == pytest.approx(lag, rel=1e-12)

    sync = World.from_dict(two_sites(mode="Sync", workload={"rate": 3000}, duration=3.0))
    sync.run()
    out = sync.results()
    assert out.summary.iloc[0]["rpo_max_s"] == 0.0
    assert (out.rpo["rpo_s"] == 0).all()
