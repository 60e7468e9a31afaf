"""A scenario's link outage, served at `speed`, as a polling client sees it: Active, then
PausedDisconnected, then the Resuming* states in order, then Active again."""

from __future__ import annotations

import json
import time
from itertools import pairwise
from typing import Any

from replsim.world import World
from tests.serve.conftest import connect, post

SPEED = 50.0
OUTAGE_START_S = 20.0
OUTAGE_S = 20.0
RPC_TIMEOUT_S = 5.0  # a pair goes PausedDisconnected once its RPCs time out
WALL_LIMIT_S = 10.0
RESUMING = ["ResumingConnected", "ResumingRRSync", "ResumingLocalSync", "ResumingDataTransfer"]

SCENARIO: dict[str, Any] = {
    "run": {"name": "serve-outage", "duration": "1h"},
    "clusters": [{"name": "hq"}, {"name": "dr"}],
    "links": [{"between": ["hq", "dr"], "rtt": "10ms", "bandwidth": "10Mbps",
               "outages": [{"start": f"{OUTAGE_START_S:g}s", "duration": f"{OUTAGE_S:g}s"}]}],
    "volumes": [{"cluster": "hq", "name": "db", "size": "10GiB"},
                {"cluster": "dr", "name": "db", "size": "10GiB", "access": "replicationTarget"}],
    "workloads": [{"volume": "hq/db", "rate": "100iops", "io_size": "4KiB"}],
    "timeline": [
        {"at": 0, "pair_clusters": ["hq", "dr"]},
        {"at": 0, "pair_volumes": {"source": "hq/db", "target": "dr/db", "mode": "Async"}},
    ],
}


def call(conn, method: str, params: dict | None = None) -> dict:
    status, _, body = post(conn, json.dumps({"method": method, "params": params or {}, "id": 1}))
    assert status == 200
    reply = json.loads(body)
    assert "error" not in reply, reply
    return reply["result"]


def pair_state(conn) -> str | None:
    volumes = call(conn, "ListActivePairedVolumes")["volumes"]
    if not volumes:
        return None
    (volume,) = volumes
    (pair,) = volume["volumePairs"]
    return pair["remoteReplication"]["state"]


def applied_at(world: World, cluster: str) -> float:
    """The simulated time at which this client's last request was applied."""
    last = world.api.calls[-1]
    assert last.cluster == cluster
    return last.t_s


def changes(samples: list[tuple[float, Any]]) -> list[tuple[float, float, Any]]:
    """Each new value with the interval it appeared in: (last time the old value was seen,
    first time the new one was seen, the new value)."""
    found = [(samples[0][0], samples[0][0], samples[0][1])]
    for (t0, old), (t1, new) in pairwise(samples):
        if new != old:
            found.append((t0, t1, new))
    return found


def switched_near(change: tuple[float, float, Any], expected_s: float, slack_s: float = 0.0,
                  ) -> bool:
    """The change happened at `expected_s` (+ up to `slack_s`): its interval contains it."""
    before, after, _ = change
    return before - 1e-6 <= expected_s + slack_s and expected_s - 1e-6 <= after


def test_outage_shows_up_as_paused_then_resuming_then_active(serve):
    service = serve(World.from_dict(SCENARIO), speed=SPEED)
    world = service.world
    hq, dr = connect(service, 0), connect(service, 1)
    source: list[tuple[float, str | None]] = []
    target: list[tuple[float, str | None]] = []
    links: list[tuple[float, str]] = []
    started = time.monotonic()
    try:
        while time.monotonic() - started < WALL_LIMIT_S:
            state = pair_state(hq)
            source.append((applied_at(world, "hq"), state))
            state = pair_state(dr)
            target.append((applied_at(world, "dr"), state))
            (cluster_pair,) = call(hq, "ListClusterPairs")["clusterPairs"]
            links.append((applied_at(world, "hq"), cluster_pair["status"]))
            if links[-1][0] > OUTAGE_START_S + OUTAGE_S and source[-1][1] == "Active" \
                    and target[-1][1] == "Active":
                break
            time.sleep(0.01)
    finally:
        hq.close()
        dr.close()
    wall = time.monotonic() - started
    seen = changes(source)
    names = [state for _, _, state in seen]
    assert wall < WALL_LIMIT_S, f"not Active again after {wall:.1f} s: {seen}"
    assert len(source) > 20  # the client really polled through it

    # before the outage the pair reaches Active; after it, the states in order
    first_paused = names.index("PausedDisconnected")
    assert "Active" in names[:first_paused], seen
    after = names[first_paused + 1:]
    resuming = [s for s in after if s.startswith("Resuming")]
    assert resuming, f"no Resuming* state seen after the outage: {seen}"
    assert resuming == [s for s in RESUMING if s in resuming], seen  # documented order
    assert after[-1] == "Active"
    assert set(after) <= {*RESUMING, "Active"}, seen  # nothing else in between
    assert names.count("PausedDisconnected") == 1

    # ...at the simulated times the scenario implies
    paused = seen[first_paused]
    assert switched_near(paused, OUTAGE_START_S, slack_s=RPC_TIMEOUT_S), seen
    assert paused[1] >= OUTAGE_START_S
    resumed = seen[first_paused + 1]
    assert switched_near(resumed, OUTAGE_START_S + OUTAGE_S), seen
    active_again = seen[-1]
    # the resync lasts as long as it takes (metadata, then the distinct changed blocks):
    # several polls see a Resuming* state, not one flicker
    assert active_again[0] - resumed[1] > 1.0, seen
    assert sum(1 for _, s in source if s and s.startswith("Resuming")) >= 3

    # the target side sees the same outage
    target_names = [state for _, _, state in changes(target)]
    assert "PausedDisconnected" in target_names and target_names[-1] == "Active"
    # the cluster pair: Connected, Disconnected for the outage, Connected again
    link_seen = changes(links)
    assert [s for _, _, s in link_seen] == ["Connected", "Disconnected", "Connected"], link_seen
    assert switched_near(link_seen[1], OUTAGE_START_S), link_seen
    assert switched_near(link_seen[2], OUTAGE_START_S + OUTAGE_S), link_seen
