"""The simulation clock of `replsim serve`: wall time × speed, requests at the simulated now,
a timeline failure freezes the clock but not the server."""

from __future__ import annotations

import time
from itertools import pairwise

import pytest

from replsim.scenario.executor import TimelineError
from replsim.serve import TICK_S, Service, SimulationClock, default_clusters
from replsim.world import World
from tests.serve.conftest import HOST, ok, rpc


def wait_until(predicate, timeout_s: float = 5.0, step_s: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step_s)
    return predicate()


def test_speed_must_be_positive():
    world = World.from_dict(default_clusters(1))
    for speed in (0, -1.0):
        with pytest.raises(ValueError, match="speed"):
            SimulationClock(world, speed)


@pytest.mark.parametrize("speed", [1.0, 25.0])
def test_simulated_time_follows_wall_time_times_speed(speed):
    world = World.from_dict(default_clusters(2))
    clock = SimulationClock(world, speed)
    time.sleep(0.1)  # made, not started: nothing moves, and this wait is not counted
    assert world.now == 0.0
    wall0 = time.monotonic()
    clock.start()
    try:
        samples = []
        for _ in range(4):
            time.sleep(0.15)
            samples.append((time.monotonic() - wall0, world.now))
    finally:
        clock.stop()
    # never ahead of speed × wall time; behind it by at most a tick (plus a busy machine's
    # scheduling delay)
    lag_s = (TICK_S + 0.25) * speed
    for elapsed, now in samples:
        assert elapsed * speed - lag_s <= now <= elapsed * speed + 1e-6, (elapsed, now)
    assert [now for _, now in samples] == sorted(now for _, now in samples)
    assert samples[-1][1] > samples[0][1]
    frozen = world.now
    time.sleep(0.1)
    assert world.now == frozen  # stopped: the world stays where it is


def test_a_call_brings_the_world_to_the_simulated_now_first():
    world = World.from_dict(default_clusters(2))
    clock = SimulationClock(world, speed=1000.0)  # the tick thread is not started
    time.sleep(0.05)
    before = clock.target_s()
    reply = clock.call("cluster1", {"method": "ListClusterPairs", "params": {}, "id": 1})
    after = clock.target_s()
    assert reply == {"id": 1, "result": {"clusterPairs": []}}
    assert before <= world.now <= after
    assert world.api.calls[-1].t_s == world.now


def test_requests_are_applied_at_the_simulated_now(serve):
    speed = 20.0
    service = serve(speed=speed)
    world, clock = service.world, service.clock
    brackets = []
    for i in range(4):
        before = clock.target_s()
        ok(service, "AddAccount", i % 2, username=f"user{i}")
        brackets.append((before, clock.target_s()))
        time.sleep(0.1)
    calls = [c for c in world.api.calls if c.method == "AddAccount"]
    assert [c.outcome for c in calls] == ["ok"] * 4
    assert [c.cluster for c in calls] == ["cluster1", "cluster2"] * 2
    times = [c.t_s for c in calls]
    assert times == sorted(times) and len(set(times)) == 4
    for (before, after), applied in zip(brackets, times, strict=True):
        # applied at speed × the wall time since start, some instant during the request
        assert before <= applied <= after
    # 0.1 s of wall time between requests is about 2 simulated seconds
    for t0, t1 in pairwise(times):
        assert t1 - t0 >= 0.1 * speed
    assert world.now >= times[-1]


def test_pairing_progresses_while_the_client_waits(serve):
    """States move between requests: a pair created now is Connected a link RTT later."""
    service = serve(speed=10.0)
    key = ok(service, "StartClusterPairing", 0)["clusterPairingKey"]
    ok(service, "CompleteClusterPairing", 1, clusterPairingKey=key)
    assert wait_until(lambda: [p["status"] for p in ok(service, "ListClusterPairs", 0)[
        "clusterPairs"]] == ["Connected"], timeout_s=5.0)
    assert service.world.now > 0


def timeline_world(at_s: float = 1.0) -> World:
    data = default_clusters(2)
    data["timeline"] = [{"at": at_s, "cluster": "cluster1", "method": "RemoveClusterPair",
                         "params": {"clusterPairID": 99}}]
    return World.from_dict(data)


def test_a_timeline_failure_freezes_the_clock_and_the_server_keeps_answering(serve):
    service = serve(timeline_world(at_s=1.0), speed=20.0)
    clock = service.clock
    assert wait_until(lambda: clock.error is not None, timeout_s=5.0)
    assert isinstance(clock.error, TimelineError)
    assert "RemoveClusterPair" in str(clock.error)
    frozen = service.world.now
    assert frozen == pytest.approx(1.0)
    time.sleep(0.15)  # three seconds of simulated time at this speed: none pass
    assert service.world.now == frozen
    # requests are still answered, at the frozen time
    assert rpc(service, "ListClusterPairs", index=1) == {"id": 1, "result": {"clusterPairs": []}}
    reply = rpc(service, "AddAccount", {"username": "after"}, index=0)
    assert reply["result"]["accountID"] == 1
    assert service.world.api.calls[-1].t_s == frozen
    assert service.world.now == frozen


def test_service_does_not_start_the_clock_until_started():
    world = World.from_dict(default_clusters(2))
    service = Service(world, host=HOST, port_base=0, speed=100.0)
    try:
        time.sleep(0.4)
        assert world.now == 0.0
        started = time.monotonic()
        service.start()
        assert wait_until(lambda: world.now > 0.0)
        # counted from start(), not from when the service was made (0.4 s = 40 s earlier)
        assert world.now <= (time.monotonic() - started) * 100.0 + 1e-6
    finally:
        service.stop()
