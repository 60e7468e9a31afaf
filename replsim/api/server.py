"""Element's HTTPS endpoint: `POST /json-rpc/<version>` with HTTP Basic auth.

One server per simulated cluster, each on its own port. Requests are handled on their
own threads; the world is touched only through `call`, which serialises access. Transport
problems get a 4xx; everything that reaches JSON-RPC gets Element's envelope.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import re
import ssl
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LOG = logging.getLogger("replsim.serve")
PATH = re.compile(r"^/json-rpc/[^/?#]+/?$")
MAX_BODY_BYTES = 1 << 20
# The SolidFire SDK recognises Element's 401 page by "401 Unauthorized." (with the period)
# and its 404 page by "404 Not Found": it then raises ApiConnectionError, not a JSON error.
HTML_401 = (b"<html><head><title>401 Unauthorized.</title></head>"
            b"<body><h1>401 Unauthorized.</h1></body></html>")

Call = Callable[[str, Any], dict]


class ClusterServer(ThreadingHTTPServer):
    """The endpoint of one cluster."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # socketserver's 5 drops SYNs when a few clients connect at once

    def __init__(self, address: tuple[str, int], cluster: str, call: Call,
                 credentials: tuple[str, str], tls: ssl.SSLContext | None):
        super().__init__(address, ElementHandler)
        self.cluster = cluster
        self.call = call
        self.credentials = credentials
        if tls is not None:  # handshake on the handler's thread, not in accept()
            self.socket = tls.wrap_socket(self.socket, server_side=True,
                                          do_handshake_on_connect=False)
        self.thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.server_address[1]

    def start(self) -> None:
        # a short poll interval: stop() (shutdown) returns in ~50 ms, not 0.5 s per server
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                                       name=f"serve-{self.cluster}", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.thread is not None:  # shutdown() waits forever for a loop never started
            self.shutdown()
            self.thread.join(timeout=5)
            self.thread = None
        self.server_close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that breaks off (or speaks no TLS) is logged, not a traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, ssl.SSLError | ConnectionError | TimeoutError):
            LOG.debug("%s: connection from %s ended: %s", self.cluster, client_address, exc)
            return
        LOG.exception("%s: error serving %s", self.cluster, client_address)


class ElementHandler(BaseHTTPRequestHandler):
    server: ClusterServer
    protocol_version = "HTTP/1.1"
    timeout = 30
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms ACK wait

    def setup(self) -> None:
        super().setup()
        if isinstance(self.connection, ssl.SSLSocket):
            try:
                self.connection.do_handshake()
            except (ssl.SSLError, OSError) as exc:
                LOG.debug("TLS handshake failed: %s", exc)
                self.close_connection = True
                raise

    def log_message(self, format: str, *args: Any) -> None:
        LOG.debug("%s %s", self.server.cluster, format % args)

    def _send(self, status: int, body: bytes, content_type: str,
              extra: dict[str, str] | None = None) -> None:
        if status != HTTPStatus.OK:  # the body may be unread: never reuse this connection
            self.close_connection = True
            extra = {**(extra or {}), "Connection": "close"}
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _reply(self, payload: dict) -> None:
        self._send(HTTPStatus.OK, json.dumps(payload).encode(), "application/json")

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:], validate=True).decode().partition(
                ":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        want_user, want_password = self.server.credentials
        return hmac.compare_digest(user, want_user) and hmac.compare_digest(password,
                                                                            want_password)

    def _not_allowed(self) -> None:
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"use POST /json-rpc/<version>\n",
                   "text/plain", {"Allow": "POST"})

    do_GET = do_PUT = do_DELETE = do_PATCH = _not_allowed  # noqa: N815

    def do_POST(self) -> None:
        if not PATH.match(self.path):
            self._send(HTTPStatus.NOT_FOUND, b"404 Not Found: use POST /json-rpc/<version>\n",
                       "text/plain")
            return
        if not self._authorised():
            self._send(HTTPStatus.UNAUTHORIZED, HTML_401, "text/html",
                       {"WWW-Authenticate": 'Basic realm="SolidFire"'})
            return
        length_header = self.headers.get("Content-Length")
        if length_header is None or not length_header.isdigit():
            self._send(HTTPStatus.LENGTH_REQUIRED, b"Content-Length required\n", "text/plain")
            return
        length = int(length_header)
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                       f"request body over {MAX_BODY_BYTES} bytes\n".encode(), "text/plain")
            return
        body = self.rfile.read(length)
        try:
            request = json.loads(body.decode("utf-8"))
        except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, nested too deep
            self._reply({"id": None, "error": {"code": 500, "name": "xInvalidRequest",
                                               "message": f"request body is not JSON: {exc}"}})
            return
        self._reply(self.server.call(self.server.cluster, request))
