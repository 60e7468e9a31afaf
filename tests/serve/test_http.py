"""The HTTP layer of `replsim serve`: auth, paths, methods, bodies, transport errors, TLS.

Every bad request gets Element's envelope (or a 4xx for transport problems); after each
one the server still answers a good request and nothing in the model has changed.
"""

from __future__ import annotations

import json
import socket
import ssl
import time
from typing import Any

import pytest
import requests
from cryptography import x509

from replsim.api.server import MAX_BODY_BYTES
from replsim.serve import Service, default_clusters
from replsim.world import World
from tests.serve.conftest import (
    ADMIN,
    HOST,
    TIMEOUT_S,
    basic,
    client_context,
    connect,
    ok,
    post,
    rpc,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore::urllib3.exceptions.InsecureRequestWarning")

GOOD = json.dumps({"method": "ListClusterPairs", "params": {}, "id": 1})


def fingerprint(world: World) -> tuple:
    """What a request could change: pairs, accounts, volumes, ID counters."""
    return (len(world.model.cluster_pairs),
            tuple((len(c.accounts), len(c.volumes), c.next_volume_id, c.next_account_id,
                   c.next_cluster_pair_id, c.next_snapshot_id)
                  for c in world.model.clusters.values()))


def assert_serves(service: Service) -> None:
    """A good request on a fresh connection gets a success reply (no `error` key)."""
    reply = rpc(service, "ListClusterPairs")
    assert reply == {"id": 1, "result": {"clusterPairs": []}}


def assert_error_envelope(data: bytes, request_id: Any = None, name: str | None = None) -> dict:
    reply = json.loads(data)
    assert set(reply) == {"id", "error"}, reply  # no `result`
    assert reply["id"] == request_id
    error = reply["error"]
    assert set(error) == {"code", "name", "message"}
    assert error["code"] == 500
    assert isinstance(error["name"], str) and error["name"].startswith("x")
    assert isinstance(error["message"], str) and error["message"]
    if name is not None:
        assert error["name"] == name, error
    return error


@pytest.fixture
def service(serve) -> Service:
    return serve()


# -- authentication ---------------------------------------------------------------------

@pytest.mark.parametrize("auth", [
    "",                                 # no Authorization header
    basic("root", "admin"),             # wrong user
    basic("admin", "wrong"),            # wrong password
    basic("admin", ""),                 # empty password
    basic("", ""),
    "Basic " + "YWRtaW4=",              # "admin", no colon
    "Basic !!!not-base64!!!",
    "Bearer admin",
    "basic YWRtaW46YWRtaW4=",           # lowercase scheme word: not what Element takes
])
def test_bad_credentials_get_401_html(service, auth):
    before = fingerprint(service.world)
    conn = connect(service)
    status, headers, body = post(conn, json.dumps(
        {"method": "StartClusterPairing", "params": {}, "id": 1}), auth=auth)
    conn.close()
    assert status == 401
    assert headers["Content-Type"].startswith("text/html")
    assert b"401 Unauthorized" in body and b"<html" in body
    assert headers["WWW-Authenticate"].startswith("Basic ")
    assert fingerprint(service.world) == before
    assert_serves(service)


def test_right_credentials_get_json(service):
    conn = connect(service)
    status, headers, body = post(conn, GOOD, auth=basic(*ADMIN))
    conn.close()
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"id": 1, "result": {"clusterPairs": []}}


def test_scenario_credentials_replace_the_default(serve):
    data = default_clusters(2)
    data["clusters"][0].update(username="ops", password="s3cret pass:word")
    service = serve(World.from_dict(data))
    conn = connect(service, 0)
    assert post(conn, GOOD)[0] == 401  # admin/admin is not valid there any more
    assert post(conn, GOOD, auth=basic("ops", "s3cret pass:word"))[0] == 200
    conn.close()
    assert rpc(service, "ListClusterPairs", index=1)["result"] == {"clusterPairs": []}


def test_keep_alive_connection_survives_a_401(service):
    """A 401 closes the connection (its body is unread); the client reconnects cleanly."""
    conn = connect(service)
    assert post(conn, GOOD, auth=basic("admin", "nope"))[0] == 401
    status, _, body = post(conn, GOOD)
    assert status == 200 and json.loads(body)["result"] == {"clusterPairs": []}
    conn.close()


# -- paths and HTTP methods --------------------------------------------------------------

@pytest.mark.parametrize("path", ["/json-rpc/12.3", "/json-rpc/7.0", "/json-rpc/8.0/",
                                  "/json-rpc/12.5", "/json-rpc/1.0"])
def test_any_json_rpc_version_path_works(service, path):
    conn = connect(service)
    status, _, body = post(conn, GOOD, path=path)
    conn.close()
    assert status == 200
    assert json.loads(body) == {"id": 1, "result": {"clusterPairs": []}}


@pytest.mark.parametrize("path", ["/", "/api", "/json-rpc", "/json-rpc/", "/json-rpc/12.3/x",
                                  "/jsonrpc/12.3", "/json-rpc/12.3/volumes"])
def test_other_paths_get_404(service, path):
    conn = connect(service)
    status, _, body = post(conn, GOOD, path=path)
    conn.close()
    assert status == 404
    assert b"404 Not Found" in body
    assert_serves(service)


@pytest.mark.parametrize("verb", ["GET", "PUT", "DELETE", "PATCH"])
def test_other_http_methods_get_405(service, verb):
    conn = connect(service)
    conn.request(verb, "/json-rpc/12.3", headers={"Authorization": basic(*ADMIN)})
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 405
    assert response.getheader("Allow") == "POST"
    assert_serves(service)


# -- bodies that reach JSON-RPC: Element's envelope -------------------------------------

BAD_BODIES = {
    "malformed JSON": (b'{"method": "StartClusterPairing", "params": {', None, "xInvalidRequest"),
    "empty body": (b"", None, "xInvalidRequest"),
    "not UTF-8": (b'{"method": "\xff\xfe"}', None, "xInvalidRequest"),
    "nested too deep": (b"[" * 200_000, None, "xInvalidRequest"),
    "JSON number": (b"42", None, "xInvalidRequest"),
    "JSON string": (b'"StartClusterPairing"', None, "xInvalidRequest"),
    "JSON null": (b"null", None, "xInvalidRequest"),
    "batch array": (json.dumps([{"method": "StartClusterPairing", "params": {}, "id": 1},
                                {"method": "AddAccount", "params": {"username": "u"},
                                 "id": 2}]).encode(), None, "xInvalidRequest"),
    "empty batch": (b"[]", None, "xInvalidRequest"),
    "no method": (b'{"params": {}, "id": 3}', 3, "xMissingParameter"),
    "method not a string": (b'{"method": 5, "params": {}, "id": 4}', 4,
                            "xInvalidParameterType"),
    "unknown method": (b'{"method": "StartClusterPairingNow", "params": {}, "id": 5}', 5,
                       "xUnknownAPIMethod"),
    "params an array": (b'{"method": "StartClusterPairing", "params": [], "id": 6}', 6,
                        "xInvalidParameterType"),
    "params a string": (b'{"method": "AddAccount", "params": "username=u", "id": 7}', 7,
                        "xInvalidParameterType"),
    "wrong param type": (json.dumps({"method": "CreateVolume", "id": 8, "params": {
        "name": "v", "accountID": "one", "totalSize": 10**9}}).encode(), 8,
        "xInvalidParameterType"),
    "wrong param type (name)": (json.dumps({"method": "AddAccount", "id": 9, "params": {
        "username": 12}}).encode(), 9, "xInvalidParameterType"),
    "missing param": (json.dumps({"method": "CompleteClusterPairing", "id": "ten",
                                  "params": {}}).encode(), "ten", "xMissingParameter"),
    "bad pairing key": (json.dumps({"method": "CompleteClusterPairing", "id": 11, "params": {
        "clusterPairingKey": "zz-not-a-key"}}).encode(), 11, "xInvalidKey"),
}


@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_bad_bodies_get_the_element_envelope(service, case):
    body, request_id, name = BAD_BODIES[case]
    before = fingerprint(service.world)
    conn = connect(service)
    status, headers, data = post(conn, body)
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    error = assert_error_envelope(data, request_id, name)
    if case == "unknown method":
        assert "method=StartClusterPairingNow" in error["message"]
    # the same keep-alive connection still serves, and nothing changed
    status, _, data = post(conn, GOOD)
    conn.close()
    assert status == 200 and json.loads(data) == {"id": 1, "result": {"clusterPairs": []}}
    assert fingerprint(service.world) == before
    assert service.world.model.cluster_pairs == []
    assert_serves(service)


def test_success_replies_have_no_error_key(service):
    for method, params in [("GetAPI", {}), ("GetClusterInfo", {}), ("ListClusterPairs", {}),
                           ("AddAccount", {"username": "tenant"}), ("ListAccounts", {}),
                           ("StartClusterPairing", {})]:
        reply = rpc(service, method, params, request_id=0)
        assert set(reply) == {"id", "result"}, reply
        assert reply["id"] == 0
        assert isinstance(reply["result"], dict)


def test_request_ids_are_echoed_as_sent(service):
    for request_id in [0, 17, "abc", None, 2**40]:
        assert rpc(service, "ListClusterPairs", request_id=request_id)["id"] == request_id


# -- transport-level problems: 4xx, connection closed, server fine ------------------------

def _raw_request(service: Service, head: bytes, body: bytes = b"") -> tuple[int, bytes]:
    """Send bytes as they are; return the status and body of the reply."""
    conn = connect(service)
    conn.connect()
    sock = conn.sock
    try:
        sock.sendall(head + body)
        reply = b""
        deadline = time.monotonic() + TIMEOUT_S
        while b"\r\n\r\n" not in reply and time.monotonic() < deadline:
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
        status = int(reply.split(b" ", 2)[1])
        return status, reply
    finally:
        conn.close()


def _head(headers: list[str]) -> bytes:
    lines = ["POST /json-rpc/12.3 HTTP/1.1", f"Host: {HOST}",
             f"Authorization: {basic(*ADMIN)}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@pytest.mark.parametrize("headers", [[], ["Content-Length: abc"], ["Content-Length: -5"],
                                     ["Transfer-Encoding: chunked"]])
def test_no_usable_content_length_gets_411(service, headers):
    before = fingerprint(service.world)
    body = b"" if not headers or "chunked" not in headers[0] else b"5\r\nhello\r\n0\r\n\r\n"
    status, reply = _raw_request(service, _head(headers), body)
    assert status == 411
    assert b"Connection: close" in reply
    assert fingerprint(service.world) == before
    assert_serves(service)


def test_oversized_body_gets_413_without_being_read(service):
    before = fingerprint(service.world)
    # the server answers from the headers; the client sends only the start of the body
    status, reply = _raw_request(service, _head([f"Content-Length: {MAX_BODY_BYTES + 1}"]),
                                 b'{"method": "StartClusterPairing", "params": {')
    assert status == 413
    assert b"Connection: close" in reply
    assert fingerprint(service.world) == before
    assert_serves(service)


def test_oversized_body_sent_whole_by_requests(service):
    """A client that pushes a 2 MiB body gets the 413 or a reset, never a hung server."""
    big = json.dumps({"method": "AddAccount", "params": {"username": "u" * (2 << 20)},
                      "id": 1})
    url = f"https://{HOST}:{service.servers[0].port}/json-rpc/12.3"
    try:
        response = requests.post(url, data=big, auth=ADMIN, verify=False, timeout=TIMEOUT_S)
        assert response.status_code == 413
    except requests.exceptions.ConnectionError:
        pass  # the server closed while the body was still being sent: also fine
    assert fingerprint(service.world)[1][0][0] == 0
    assert_serves(service)


def test_body_up_to_the_limit_is_read(service):
    padding = " " * (MAX_BODY_BYTES - 200)
    body = json.dumps({"method": "AddAccount", "params": {"username": "big"}, "id": 1})
    body = body[:-1] + padding + "}"
    assert len(body) <= MAX_BODY_BYTES
    conn = connect(service)
    status, _, data = post(conn, body)
    conn.close()
    assert status == 200
    assert json.loads(data)["result"]["accountID"] == 1


# -- clients: requests, plain HTTP, TLS ---------------------------------------------------

def test_requests_client_over_https(service):
    url = f"https://{HOST}:{service.servers[1].port}/json-rpc/12.3"
    response = requests.post(url, data=json.dumps({"method": "GetAPI", "params": {}, "id": 0}),
                             auth=ADMIN, verify=False, timeout=TIMEOUT_S)
    assert response.status_code == 200
    reply = response.json()
    assert "error" not in reply
    assert reply["result"]["currentVersion"] == 12.3
    response = requests.post(url, data=GOOD, auth=("admin", "x"), verify=False,
                             timeout=TIMEOUT_S)
    assert response.status_code == 401


def test_plain_http_on_request(serve):
    service = serve(tls=False)
    assert service.scheme == "http"
    assert all(url.startswith("http://") for url in service.endpoints().values())
    url = f"http://{HOST}:{service.servers[0].port}/json-rpc/12.3"
    response = requests.post(url, data=GOOD, auth=ADMIN, timeout=TIMEOUT_S)
    assert response.status_code == 200
    assert response.json() == {"id": 1, "result": {"clusterPairs": []}}
    assert requests.post(url, data=GOOD, timeout=TIMEOUT_S).status_code == 401
    # a TLS client against the plain port fails cleanly and the server goes on
    with pytest.raises(requests.exceptions.SSLError):
        requests.post(url.replace("http://", "https://"), data=GOOD, auth=ADMIN, verify=False,
                      timeout=TIMEOUT_S)
    assert rpc(service, "ListClusterPairs")["result"] == {"clusterPairs": []}


def test_the_self_signed_certificate_is_served(service):
    with socket.create_connection((HOST, service.servers[0].port), timeout=TIMEOUT_S) as raw, \
            client_context().wrap_socket(raw, server_hostname=HOST) as tls:
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
        der = tls.getpeercert(binary_form=True)
    assert der
    cert = x509.load_der_x509_certificate(der)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "127.0.0.1" in [str(ip) for ip in names.get_values_for_type(x509.IPAddress)]
    assert "localhost" in names.get_values_for_type(x509.DNSName)
    # both clusters' servers use it (one certificate made at start)
    with socket.create_connection((HOST, service.servers[1].port), timeout=TIMEOUT_S) as raw, \
            client_context().wrap_socket(raw, server_hostname=HOST) as tls:
        assert tls.getpeercert(binary_form=True) == der
    # a verifying client rejects it: it really is self-signed, not a trusted certificate
    with socket.create_connection((HOST, service.servers[0].port), timeout=TIMEOUT_S) as raw, \
            pytest.raises(ssl.SSLCertVerificationError):
        ssl.create_default_context().wrap_socket(raw, server_hostname="localhost")
    assert_serves(service)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_tls_version_below_1_2_is_refused(service):
    legacy = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    legacy.check_hostname = False
    legacy.verify_mode = ssl.CERT_NONE
    try:
        legacy.maximum_version = ssl.TLSVersion.TLSv1_1
        legacy.minimum_version = ssl.TLSVersion.TLSv1
    except (ValueError, ssl.SSLError):
        pytest.skip("this OpenSSL cannot even offer TLS 1.1")
    with socket.create_connection((HOST, service.servers[0].port), timeout=TIMEOUT_S) as raw, \
            pytest.raises((ssl.SSLError, ConnectionError)):
        legacy.wrap_socket(raw, server_hostname=HOST)
    assert_serves(service)


@pytest.mark.parametrize("garbage", [
    b"POST /json-rpc/12.3 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",  # plain HTTP
    b"\x00" * 64,
    b"\x16\x03\x01\x00\x05hello",  # a TLS record header with nonsense inside
    b"",                           # connect and hang up
])
def test_garbage_instead_of_a_tls_handshake(service, garbage, capfd):
    before = fingerprint(service.world)
    with socket.create_connection((HOST, service.servers[0].port), timeout=TIMEOUT_S) as raw:
        raw.sendall(garbage)
        if garbage:
            try:
                reply = raw.recv(4096)  # the server gives up on us: an alert or EOF
            except ConnectionError:
                reply = b""
            assert not reply.startswith(b"HTTP/")
    assert_serves(service)
    assert fingerprint(service.world) == before
    assert "Traceback" not in capfd.readouterr().err


def test_client_hanging_before_the_handshake_blocks_no_one(service):
    with socket.create_connection((HOST, service.servers[0].port), timeout=TIMEOUT_S):
        started = time.monotonic()
        for _ in range(3):
            assert_serves(service)
        assert time.monotonic() - started < 3.0


def test_servers_bind_loopback_ephemeral_ports(service):
    ports = [s.port for s in service.servers]
    assert len(set(ports)) == 2 and all(p > 0 for p in ports)
    assert all(s.server_address[0] == HOST for s in service.servers)
    assert service.endpoints() == {
        "cluster1": f"https://{HOST}:{ports[0]}/json-rpc/12.3",
        "cluster2": f"https://{HOST}:{ports[1]}/json-rpc/12.3"}
    # each port is its own cluster
    assert ok(service, "GetClusterInfo", 0)["clusterInfo"]["name"] == "cluster1"
    assert ok(service, "GetClusterInfo", 1)["clusterInfo"]["name"] == "cluster2"


def test_stop_releases_the_ports(serve):
    service = serve()
    port = service.servers[0].port
    service.stop()
    with pytest.raises(OSError), socket.create_connection((HOST, port), timeout=1.0):
        pass


def test_a_service_never_started_stops_at_once():
    service = Service(World.from_dict(default_clusters(2)), host=HOST, port_base=0)
    port = service.servers[0].port
    started = time.monotonic()
    service.stop()
    service.stop()  # twice is fine too
    assert time.monotonic() - started < 1.0
    with pytest.raises(OSError), socket.create_connection((HOST, port), timeout=1.0):
        pass


def test_busy_port_base_is_an_os_error():
    with socket.socket() as holder:
        holder.bind((HOST, 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(OSError, match=f"cannot listen on {HOST}:{port} for cluster1"):
            Service(World.from_dict(default_clusters(1)), host=HOST, port_base=port)
