"""Served worlds for the `replsim serve` tests: in-process, loopback, ephemeral ports."""

from __future__ import annotations

import base64
import functools
import http.client
import json
import ssl
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from replsim.serve import Service, default_clusters
from replsim.world import World

HOST = "127.0.0.1"
TIMEOUT_S = 10.0
ADMIN = ("admin", "admin")


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@functools.cache
def client_context() -> ssl.SSLContext:
    """The client side of the self-signed certificate: no verification (like `curl -k`).

    Made once: loading the system's CA store takes ~20 ms per context."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def connect(service: Service, index: int = 0) -> http.client.HTTPConnection:
    port = service.servers[index].port
    if service.scheme == "https":
        return http.client.HTTPSConnection(HOST, port, timeout=TIMEOUT_S,
                                           context=client_context())
    return http.client.HTTPConnection(HOST, port, timeout=TIMEOUT_S)


def post(conn: http.client.HTTPConnection, body: bytes | str, path: str = "/json-rpc/12.3",
         auth: str | None = None, headers: dict[str, str] | None = None,
         ) -> tuple[int, dict[str, str], bytes]:
    """One POST on `conn` (kept open); returns status, headers, body."""
    sent = {"Authorization": auth if auth is not None else basic(*ADMIN), **(headers or {})}
    if auth == "":
        del sent["Authorization"]
    conn.request("POST", path, body=body.encode() if isinstance(body, str) else body,
                 headers=sent)
    response = conn.getresponse()
    data = response.read()
    return response.status, dict(response.getheaders()), data


def rpc(service: Service, method: str, params: dict[str, Any] | None = None, index: int = 0,
        request_id: Any = 1) -> dict[str, Any]:
    """One JSON-RPC request on a fresh connection; the decoded Element reply."""
    conn = connect(service, index)
    try:
        status, headers, data = post(conn, json.dumps(
            {"method": method, "params": params or {}, "id": request_id}))
    finally:
        conn.close()
    assert status == 200, (status, data)
    assert headers["Content-Type"] == "application/json"
    return json.loads(data)


def ok(service: Service, method: str, index: int = 0, **params: Any) -> dict[str, Any]:
    reply = rpc(service, method, params, index)
    assert "error" not in reply, reply
    return reply["result"]


@pytest.fixture
def serve() -> Iterator[Callable[..., Service]]:
    """Start services on ephemeral loopback ports; every one is stopped after the test."""
    started: list[Service] = []

    def start(world: World | None = None, **kwargs: Any) -> Service:
        world = world if world is not None else World.from_dict(default_clusters(2))
        service = Service(world, host=HOST, port_base=0, **kwargs)
        started.append(service)
        service.start()
        return service

    yield start
    for service in started:
        service.stop()
