"""V2 and V11: Async link waiting time against M/D/1 and M/M/1 queueing theory.

The source side is made transparent (deterministic commits, ample slice-service servers,
uncapped QoS) so the link sees a Poisson stream; its wait is measured per write from the
recorded event times: time on the link minus serialisation minus propagation.
"""

import numpy as np
import pytest

from replsim import World
from replsim.metrics.stats import batch_means_ci, quantile_ci
from tests.builders import two_sites

RATE_IOPS = 5000.0
SIZE_BYTES = 4096
ONE_WAY_S = 0.5e-3


def _link_times(scenario):
    world = World.from_dict(scenario)
    world.run()
    writes = world.results().writes
    issued = writes["t_issue_s"]
    # warm-up, and a tail so every kept write has arrived before the end of the run
    writes = writes[(issued >= 1.0) & (issued < world.now - 0.5)]
    assert writes["link_s"].notna().all()
    return writes


@pytest.mark.parametrize("rho", [0.5, 0.8, 0.9])
def test_v2_async_link_wait_matches_md1(rho):
    service_s = rho / RATE_IOPS
    bandwidth = SIZE_BYTES / service_s
    scenario = two_sites(mode="Async", workload={"rate": RATE_IOPS, "io_size": SIZE_BYTES},
                         link={"rtt": 2 * ONE_WAY_S, "bandwidth": bandwidth},
                         duration=1.5 + 110_000 / RATE_IOPS, seed=11)
    writes = _link_times(scenario)
    assert len(writes) >= 100_000
    wait = writes["link_s"].to_numpy() - service_s - ONE_WAY_S
    assert wait.min() > -1e-12
    theory = rho * service_s / (2 * (1 - rho))
    mean, half = batch_means_ci(wait, batches=20, confidence=0.99)
    assert abs(mean - theory) <= max(half, 0.02 * theory), (mean, half, theory)
    # and the CI is informative (not so wide it would accept anything)
    assert half < 0.15 * theory


def test_v11_mm1_sojourn_p99():
    """Exponential message sizes (rounded to 512-byte sectors) make the link M/M/1."""
    rng = np.random.default_rng(7)
    mean_size = 64 * 1024
    sizes = np.maximum(512, np.round(rng.exponential(mean_size, 50_000) / 512) * 512)
    rate = 1000.0
    rho = 0.7
    bandwidth = rate * sizes.mean() / rho
    scenario = two_sites(mode="Async",
                         workload={"rate": rate, "io_size": {"empirical": sizes.tolist()}},
                         link={"rtt": 2 * ONE_WAY_S, "bandwidth": bandwidth},
                         duration=1.5 + 120_000 / rate, seed=5)
    writes = _link_times(scenario)
    assert len(writes) >= 100_000
    sojourn = writes["link_s"].to_numpy() - ONE_WAY_S
    mu = bandwidth / sizes.mean()
    theory_p99 = 4.61 / (mu - rate)
    estimate, low, high = quantile_ci(sojourn, 0.99, confidence=0.99)
    # sector rounding makes sizes only nearly exponential: allow 3 % beyond the CI
    assert low * 0.97 <= theory_p99 <= high * 1.03, (estimate, low, high, theory_p99)
    mean, half = batch_means_ci(sojourn, confidence=0.99)
    assert abs(mean - 1 / (mu - rate)) <= half + 0.03 / (mu - rate)
