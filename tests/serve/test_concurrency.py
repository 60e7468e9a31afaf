"""Many clients at once: every effect applied exactly once; a slow client stalls no one."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from replsim.serve import Service, default_clusters
from replsim.world import World
from tests.serve.conftest import ADMIN, HOST, TIMEOUT_S, basic, client_context, connect, ok, post

THREADS = 8
PER_THREAD = 25
VOLUME_THREADS = 4
VOLUMES_PER_THREAD = 10


def run_together(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run the jobs on their own threads, released at once by a barrier."""
    barrier = threading.Barrier(len(jobs), timeout=TIMEOUT_S)

    def released(job: Callable[[], Any]) -> Any:
        barrier.wait()
        return job()

    with ThreadPoolExecutor(len(jobs)) as pool:
        futures = [pool.submit(released, job) for job in jobs]
        return [f.result(timeout=60) for f in futures]


def add_accounts(service, thread: int, keep_alive: bool) -> list[dict]:
    """PER_THREAD AddAccount calls on cluster1, one connection or one per request."""
    replies = []
    conn = connect(service, 0)
    try:
        for i in range(PER_THREAD):
            if not keep_alive:
                conn.close()
                conn = connect(service, 0)
            request_id = thread * 1000 + i
            status, _, body = post(conn, json.dumps({
                "method": "AddAccount", "params": {"username": f"t{thread}-u{i}"},
                "id": request_id}))
            assert status == 200
            replies.append(json.loads(body))
    finally:
        conn.close()
    return replies


def create_volumes(service, thread: int) -> list[dict]:
    replies = []
    conn = connect(service, 1)
    try:
        for i in range(VOLUMES_PER_THREAD):
            status, _, body = post(conn, json.dumps({
                "method": "CreateVolume", "id": f"v{thread}-{i}", "params": {
                    "name": f"vol-{thread}-{i}", "accountID": 1, "totalSize": 10**10}}))
            assert status == 200
            replies.append(json.loads(body))
    finally:
        conn.close()
    return replies


def test_many_clients_at_once_lose_and_duplicate_nothing(serve):
    service = serve(speed=10.0)
    world = service.world
    ok(service, "AddAccount", 1, username="owner")
    jobs: list[Callable[[], Any]] = [
        (lambda t=t: add_accounts(service, t, keep_alive=t % 2 == 0)) for t in range(THREADS)]
    jobs += [(lambda t=t: create_volumes(service, t)) for t in range(VOLUME_THREADS)]
    started = time.monotonic()
    results = run_together(jobs)
    elapsed = time.monotonic() - started

    account_replies = [r for batch in results[:THREADS] for r in batch]
    volume_replies = [r for batch in results[THREADS:] for r in batch]
    assert len(account_replies) == THREADS * PER_THREAD
    assert len(volume_replies) == VOLUME_THREADS * VOLUMES_PER_THREAD
    for reply in account_replies + volume_replies:
        assert set(reply) == {"id", "result"}, reply
    # every reply answers its own request
    for t in range(THREADS):
        batch = results[t]
        assert [r["id"] for r in batch] == [t * 1000 + i for i in range(PER_THREAD)]
        assert [r["result"]["account"]["username"] for r in batch] == [
            f"t{t}-u{i}" for i in range(PER_THREAD)]
    # each effect once: IDs 1..N without gaps or repeats, the model holds exactly those
    ids = sorted(r["result"]["accountID"] for r in account_replies)
    assert ids == list(range(1, THREADS * PER_THREAD + 1))
    listed = ok(service, "ListAccounts", 0)["accounts"]
    assert sorted(a["username"] for a in listed) == sorted(
        f"t{t}-u{i}" for t in range(THREADS) for i in range(PER_THREAD))
    assert len(world.model.clusters["cluster1"].accounts) == THREADS * PER_THREAD
    volume_ids = sorted(r["result"]["volumeID"] for r in volume_replies)
    assert volume_ids == list(range(1, VOLUME_THREADS * VOLUMES_PER_THREAD + 1))
    volumes = ok(service, "ListVolumes", 1)["volumes"]
    assert sorted(v["name"] for v in volumes) == sorted(
        f"vol-{t}-{i}" for t in range(VOLUME_THREADS) for i in range(VOLUMES_PER_THREAD))
    assert all(v["accountID"] == 1 for v in volumes)
    assert world.model.clusters["cluster2"].volumes.keys() == set(volume_ids)
    assert world.model.clusters["cluster1"].volumes == {}  # nothing landed on the wrong side
    # the calls table saw each request once, all successful, in simulated-time order
    calls = [c for c in world.api.calls if c.method in ("AddAccount", "CreateVolume")]
    assert len(calls) == 1 + THREADS * PER_THREAD + VOLUME_THREADS * VOLUMES_PER_THREAD
    assert all(c.outcome == "ok" for c in calls)
    assert [c.t_s for c in calls] == sorted(c.t_s for c in calls)
    assert elapsed < 30.0


def test_racing_for_one_username_exactly_one_wins(serve):
    service = serve()

    def claim() -> dict:
        conn = connect(service, 0)
        try:
            status, _, body = post(conn, json.dumps(
                {"method": "AddAccount", "params": {"username": "shared"}, "id": 1}))
        finally:
            conn.close()
        assert status == 200
        return json.loads(body)

    replies = run_together([claim] * THREADS)
    winners = [r for r in replies if "result" in r]
    losers = [r for r in replies if "error" in r]
    assert len(winners) == 1 and winners[0]["result"]["accountID"] == 1
    assert len(losers) == THREADS - 1
    assert {r["error"]["name"] for r in losers} == {"xDuplicateUsername"}
    assert len(service.world.model.clusters["cluster1"].accounts) == 1


def test_racing_to_complete_one_pairing_key(serve):
    """Eight clients complete the same key at once: one cluster pair, seven refusals."""
    service = serve(speed=10.0)
    key = ok(service, "StartClusterPairing", 0)["clusterPairingKey"]
    replies = run_together([lambda: complete_raw(service, key)] * THREADS)
    winners = [r for r in replies if "result" in r]
    assert len(winners) == 1 and winners[0]["result"]["clusterPairID"] == 1
    assert all(r["error"]["name"] in ("xInvalidKey", "xPairingAlreadyExists")
               for r in replies if "error" in r)
    assert len(service.world.model.cluster_pairs) == 1
    for index in (0, 1):
        assert [p["clusterPairID"] for p in ok(service, "ListClusterPairs", index)[
            "clusterPairs"]] == [1]


def complete_raw(service, key: str) -> dict:
    conn = connect(service, 1)
    try:
        status, _, body = post(conn, json.dumps({
            "method": "CompleteClusterPairing", "params": {"clusterPairingKey": key}, "id": 2}))
    finally:
        conn.close()
    assert status == 200
    return json.loads(body)


GET_API = b'{"method": "GetAPI", "params": {}, "id": 1}'
HALF_BODY = b'{"method": "AddAccount", "params": {"use'
PROMISED = 400


def _head(headers: list[str]) -> bytes:
    lines = ["POST /json-rpc/12.3 HTTP/1.1", f"Host: {HOST}",
             f"Authorization: {basic(*ADMIN)}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _stalled_client(service, index: int, tls: bool) -> socket.socket:
    """A client that sends half a request (headers promise 400 bytes, 40 arrive) and stops."""
    raw = socket.create_connection((HOST, service.servers[index].port), timeout=TIMEOUT_S)
    sock = client_context().wrap_socket(raw, server_hostname=HOST) if tls else raw
    sock.sendall(_head([f"Content-Length: {PROMISED}"]) + HALF_BODY)
    return sock


def test_a_slow_client_stalls_neither_other_clients_nor_the_clock(serve):
    speed = 20.0
    service = serve(speed=speed)
    world, clock = service.world, service.clock
    stalled = [_stalled_client(service, 0, tls=True), _stalled_client(service, 1, tls=True)]
    # and one that connected but never started its TLS handshake
    stalled.append(socket.create_connection((HOST, service.servers[0].port),
                                            timeout=TIMEOUT_S))
    try:
        latencies, brackets = [], []
        for i in range(20):
            started, before = time.monotonic(), clock.target_s()
            ok(service, "AddAccount", i % 2, username=f"while-stalled-{i}")
            brackets.append((before, world.api.calls[-1].t_s, clock.target_s()))
            latencies.append(time.monotonic() - started)
            time.sleep(0.01)
        # with no requests at all, the clock thread alone keeps the world moving
        idle_from, wall_from = world.now, time.monotonic()
        time.sleep(0.3)
        idle_advance, idle_wall = world.now - idle_from, time.monotonic() - wall_from
    finally:
        for sock in stalled:
            sock.close()
    # a stalled client would hold others for the handler's 30 s timeout, not a second
    assert max(latencies) < 5.0, latencies
    # each request was applied at the simulated now: speed × the wall time since start
    for before, applied, after in brackets:
        assert before <= applied <= after
    assert idle_advance >= 0.5 * idle_wall * speed, (idle_advance, idle_wall)
    # the half-sent requests had no effect; the others all did
    names = {a.username for c in world.model.clusters.values() for a in c.accounts.values()}
    assert names == {f"while-stalled-{i}" for i in range(20)}


def test_a_client_that_stalls_after_connecting_over_plain_http(serve):
    service = serve(tls=False, speed=10.0)
    sock = _stalled_client(service, 0, tls=False)
    try:
        started = time.monotonic()
        assert ok(service, "ListClusterPairs", 0) == {"clusterPairs": []}
        assert time.monotonic() - started < 1.0
        # when the stalled client finally finishes, its request is served normally
        rest = b'rname": "late"}, "id": 5}'
        sock.sendall(rest + b" " * (PROMISED - len(HALF_BODY) - len(rest)))
        reply = b""
        while not reply.endswith(b"}}"):
            chunk = sock.recv(65536)
            assert chunk
            reply += chunk
    finally:
        sock.close()
    body = json.loads(reply.split(b"\r\n\r\n", 1)[1])
    assert body["id"] == 5 and body["result"]["account"]["username"] == "late"


def test_a_burst_of_connections_waits_in_the_listen_queue():
    """Connections that arrive faster than they are accepted queue in the kernel: with
    socketserver's default backlog of 5 the rest were dropped (the client resends its SYN
    only after 1 s). Checked with the acceptor not yet running: all 32 must connect."""
    service = Service(World.from_dict(default_clusters(1)), host=HOST, port_base=0)
    sockets: list[socket.socket] = []
    try:
        for _ in range(32):
            sockets.append(socket.create_connection((HOST, service.servers[0].port),
                                                    timeout=2.0))
        service.start()
        # and once accepted, each is a working connection
        for sock in sockets[:4]:
            with client_context().wrap_socket(sock, server_hostname=HOST) as tls:
                tls.sendall(_head([f"Content-Length: {len(GET_API)}"]) + GET_API)
                assert tls.recv(65536).startswith(b"HTTP/1.1 200")
    finally:
        for sock in sockets:
            sock.close()
        service.stop()
