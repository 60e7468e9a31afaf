"""`replsim serve`: simulated Element clusters that real Element clients can drive.

The world advances in real time (or `speed` times faster) on a clock thread; every
request first brings the world up to the current simulated time, then is applied there.
The world is touched by one thread at a time (a lock held only while the simulation
advances or a call is applied), so a slow client never stalls the clock.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import signal
import threading
import time
from pathlib import Path
from typing import Any

from replsim.api.server import ClusterServer
from replsim.api.tls import file_context, self_signed_context
from replsim.world import World

LOG = logging.getLogger("replsim.serve")
TICK_S = 0.02


class SimulationClock:
    """Maps wall time to simulated time and keeps the world there."""

    def __init__(self, world: World, speed: float = 1.0):
        if speed <= 0:
            raise ValueError("--speed must be > 0")
        self.world = world
        self.speed = speed
        self.lock = threading.Lock()
        self._wall0 = time.monotonic()
        self._sim0 = world.now
        self._stop = threading.Event()
        self.error: Exception | None = None
        self._thread = threading.Thread(target=self._run, name="sim-clock", daemon=True)

    def target_s(self) -> float:
        return self._sim0 + (time.monotonic() - self._wall0) * self.speed

    def _advance(self) -> None:
        if self.error is not None:
            return
        target = self.target_s()
        if target > self.world.now:
            try:
                self.world.run(until=target)
            except Exception as exc:
                self.error = exc
                LOG.error("simulation stopped at %.3f s: %s", self.world.now, exc)

    def _run(self) -> None:
        while not self._stop.wait(TICK_S):
            with self.lock:
                self._advance()

    def start(self) -> None:
        # simulated time starts flowing now, not when the clock was made (TLS setup, binds)
        self._wall0, self._sim0 = time.monotonic(), self.world.now
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():  # a clock never started has nothing to join
            self._thread.join(timeout=5)

    def call(self, cluster: str, request: Any) -> dict:
        """Apply one request at the current simulated time."""
        with self.lock:
            self._advance()
            return self.world.call(cluster, request)


def default_clusters(count: int) -> dict[str, Any]:
    """N fresh clusters `cluster1`…`clusterN`, linked pairwise by default links."""
    if not 1 <= count <= 20:
        raise ValueError("--clusters must be between 1 and 20")
    names = [f"cluster{i}" for i in range(1, count + 1)]
    return {
        "run": {"name": "serve", "duration": "1d"},
        "clusters": [{"name": n, "mvip": f"10.117.{i}.10", "svip": f"10.117.{i}.11"}
                     for i, n in enumerate(names, start=1)],
        "links": [{"between": [a, b], "distance": "50km", "bandwidth": "1Gbps"}
                  for a, b in itertools.combinations(names, 2)],
    }


class Service:
    """The clock plus one server per cluster."""

    def __init__(self, world: World, host: str = "127.0.0.1", port_base: int = 8443,
                 speed: float = 1.0, tls: bool = True, cert: str | None = None,
                 key: str | None = None):
        self.world = world
        count = len(world.model.clusters)
        if port_base != 0 and not 1 <= port_base <= 65536 - count:
            raise ValueError(f"--port-base {port_base}: the {count} ports must lie within "
                             "1..65535 (0: any free port)")
        self.clock = SimulationClock(world, speed)
        context = None
        if tls:
            context = file_context(cert, key) if cert and key else self_signed_context(
                [host, "localhost", "127.0.0.1"])
        self.servers: list[ClusterServer] = []
        try:
            for i, cluster in enumerate(world.model.clusters.values()):
                port = 0 if port_base == 0 else port_base + i
                self.servers.append(ClusterServer(
                    (host, port), cluster.name, self.clock.call,
                    (cluster.admin_user, cluster.admin_password), context))
        except OSError as exc:
            for server in self.servers:
                server.server_close()
            raise OSError(exc.errno, f"cannot listen on {host}:{port} for {cluster.name}: "
                                     f"{exc.strerror or exc}") from None
        self.scheme = "https" if tls else "http"
        self.host = host

    def start(self) -> None:
        self.clock.start()
        for server in self.servers:
            server.start()

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        self.clock.stop()

    def endpoints(self) -> dict[str, str]:
        return {s.cluster: f"{self.scheme}://{self.host}:{s.port}/json-rpc/12.3"
                for s in self.servers}


def cmd_serve(args: argparse.Namespace) -> int:
    if (args.scenario is None) == (args.clusters is None):
        raise ValueError("give a SCENARIO or --clusters N (not both)")
    if bool(args.cert) != bool(args.key):
        raise ValueError("--cert and --key go together")
    if args.scenario is not None:
        world = World.from_scenario(args.scenario)
    else:
        world = World.from_dict(default_clusters(args.clusters))
    service = Service(world, args.host, args.port_base, args.speed, not args.http,
                      args.cert, args.key)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    service.start()
    for cluster, url in service.endpoints().items():
        user = world.model.clusters[cluster].admin_user
        print(f"{cluster:<12} {url}  (user {user})", flush=True)
    print(f"simulated time runs at {args.speed:g}x real time; Ctrl-C stops", flush=True)
    stop.wait()
    service.stop()
    if args.results:
        folder = world.results().save(Path(args.results), overwrite=True)
        print(f"results written to {folder}/")
    print(f"stopped at simulated t = {world.now:.3f} s")
    return 0


def add_subcommand(subparsers: Any) -> None:
    serve = subparsers.add_parser("serve", help="serve simulated clusters over HTTPS")
    serve.add_argument("scenario", nargs="?", help="scenario YAML (or use --clusters)")
    serve.add_argument("--clusters", type=int, help="N fresh clusters cluster1..clusterN")
    serve.add_argument("--port-base", type=int, default=8443,
                       help="first port; cluster i listens on port-base + i (0: any free)")
    serve.add_argument("--speed", type=float, default=1.0, help="simulated s per real s")
    serve.add_argument("--http", action="store_true", help="plain HTTP instead of HTTPS")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (loopback)")
    serve.add_argument("--cert", help="PEM certificate instead of a self-signed one")
    serve.add_argument("--key", help="PEM private key for --cert")
    serve.add_argument("--results", help="write the run's results folder here on shutdown")
    serve.set_defaults(func=cmd_serve)
