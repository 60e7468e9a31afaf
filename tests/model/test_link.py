"""WanLink: FIFO serialisation, propagation, in-order delivery, run-time changes."""

import numpy as np
import pytest
import simpy

from replsim.model.distributions import Exponential, Sampler
from replsim.model.link import LinkDirection


def _direction(env, bw=1000.0, delay=0.5, eff=1.0, jitter=None):
    return LinkDirection(env, "l.a->b", bw, delay, eff, jitter)


def test_serialisation_then_propagation_fifo():
    env = simpy.Environment()
    link = _direction(env)
    got = []
    for i in range(3):
        link.send(500.0, lambda i: got.append((i, env.now)), i)  # 0.5 s each on the wire
    env.run()
    assert got == [(0, 1.0), (1, 1.5), (2, 2.0)]
    assert link.bytes_sent == 1500
    assert link.busy_time_s() == pytest.approx(1.5)


def test_efficiency_reduces_goodput():
    env = simpy.Environment()
    link = _direction(env, bw=1000.0, delay=0.0, eff=0.5)
    got = []
    link.send(1000.0, lambda _: got.append(env.now), None)
    env.run()
    assert got == [pytest.approx(2.0)]


def test_down_holds_queue_and_up_resumes():
    env = simpy.Environment()
    link = _direction(env, delay=0.0)
    got = []
    link.set_up(False)
    link.send(100.0, lambda _: got.append(env.now), None)
    env.run(until=5)
    assert got == [] and link.queued_bytes == 100
    link.set_up(True)
    env.run()
    assert got == [pytest.approx(5.1)]
    assert link.queued_bytes == 0


def test_bandwidth_change_applies_to_next_message():
    env = simpy.Environment()
    link = _direction(env, bw=100.0, delay=0.0)
    got = []
    link.send(100.0, lambda _: got.append(env.now), 0)
    link.send(100.0, lambda _: got.append(env.now), 1)
    env.run(until=0.5)
    link.set_bandwidth(200.0)
    env.run()
    assert got == [pytest.approx(1.0), pytest.approx(1.5)]


def test_jitter_never_reorders_delivery():
    env = simpy.Environment()
    jitter = Sampler(Exponential(0.2), np.random.default_rng(2))
    link = _direction(env, bw=1e6, delay=0.01, jitter=jitter)
    order = []
    for i in range(500):
        link.send(10.0, order.append, i)
    env.run()
    assert order == list(range(500))


def test_invalid_changes_are_refused():
    env = simpy.Environment()
    link = _direction(env)
    with pytest.raises(ValueError, match="bandwidth"):
        link.set_bandwidth(0)
    with pytest.raises(ValueError, match="delay"):
        link.set_one_way_delay(-1)
