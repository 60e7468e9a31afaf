"""FifoServer: a real FIFO queue; departures match the Lindley recurrence on shared samples."""

import numpy as np
import pytest
import simpy

from replsim.model.distributions import Deterministic, Exponential, Sampler
from replsim.model.server import FifoServer


def _run_queue(arrivals, servers, dist, seed=3):
    env = simpy.Environment()
    server = FifoServer(env, "t.slice", Sampler(dist, np.random.default_rng(seed)), servers)
    done = {}

    def source():
        last = 0.0
        for i, t in enumerate(arrivals):
            yield env.timeout(t - last)
            last = t
            server.submit(i, lambda item: done.__setitem__(item, env.now))

    env.process(source())
    env.run()
    return np.array([done[i] for i in range(len(arrivals))]), server


def test_single_server_matches_lindley_recurrence():
    rng = np.random.default_rng(1)
    arrivals = np.cumsum(rng.exponential(1.0, 20_000))
    departures, _ = _run_queue(arrivals, 1, Exponential(0.8))
    services = Sampler(Exponential(0.8), np.random.default_rng(3))
    expected = np.empty_like(arrivals)
    last = 0.0
    for i, a in enumerate(arrivals):
        last = max(a, last) + services.next()
        expected[i] = last
    np.testing.assert_allclose(departures, expected, rtol=1e-12)


def test_k_servers_serve_in_parallel_and_fifo_start_order():
    arrivals = np.zeros(6)
    departures, server = _run_queue(arrivals, 3, Deterministic(1.0))
    np.testing.assert_allclose(departures, [1, 1, 1, 2, 2, 2])
    assert server.completed == 6
    assert server.busy_time_s() == pytest.approx(6.0)


def test_utilisation_accounting_matches_work_done():
    rng = np.random.default_rng(5)
    arrivals = np.cumsum(rng.exponential(2.0, 5_000))
    _departures, server = _run_queue(arrivals, 2, Exponential(1.0), seed=9)
    services = Sampler(Exponential(1.0), np.random.default_rng(9))
    total = sum(services.next() for _ in range(5_000))
    assert server.busy_time_s() == pytest.approx(total, rel=1e-9)
    assert server.busy == 0


def test_rejects_zero_servers():
    with pytest.raises(ValueError, match="servers must be >= 1"):
        FifoServer(simpy.Environment(), "x", Sampler(Deterministic(1), np.random.default_rng()), 0)
