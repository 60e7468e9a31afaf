"""The simulated world: one SimPy environment with clusters, links, volumes, pairs, hosts.

This is the model layer's single entry point. It knows nothing of JSON, YAML or files:
the scenario layer builds it from parameters, the API layer calls its methods.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import simpy

from replsim import rng as rngmod
from replsim.model.cluster import (
    ELEMENT_VERSION,
    Cluster,
    SliceServiceParams,
    build_cluster,
    stable_uuid,
)
from replsim.model.distributions import Distribution, Sampler
from replsim.model.host import ClosedLoopHost, OpenLoopHost
from replsim.model.link import FIBRE_S_PER_KM, LinkDirection, WanLink
from replsim.model.pair import VolumePair, normalise_mode
from replsim.model.qos import QosSettings, QosShaper
from replsim.model.sampling import Sampler as LevelSampler
from replsim.model.volume import ACCESS_VALUES, CommitPath, Volume
from replsim.model.writepath import WritePath
from replsim.workload.spec import Workload


@dataclass(frozen=True)
class ModelParams:
    """Model-wide parameters; each is an assumption where Element's value is not public."""

    sample_interval_s: float = 0.5
    sync_combine: str = "parallel"
    ack_bytes: float = 0.0
    sync_timeout_s: float = 5.0
    pause_limit_bytes: float = 3_145_728_000.0
    qos_window_s: float = 0.01


class ModelWorld:
    """Everything simulated in one run, driven by `run(until)`."""

    def __init__(self, seed: int, params: ModelParams | None = None):
        self.seed = int(seed)
        self.params = params or ModelParams()
        self.env = simpy.Environment()
        self.path = WritePath(self.env, self.params.sync_combine)
        self.clusters: dict[str, Cluster] = {}
        self.links: dict[frozenset[str], WanLink] = {}
        self.link_directions: list[LinkDirection] = []
        self.pairs: list[VolumePair] = []
        self.hosts: dict[int, OpenLoopHost | ClosedLoopHost] = {}
        self.sampler = LevelSampler(self.env, self.params.sample_interval_s, self.pairs,
                                    self.link_directions)

    @property
    def now_s(self) -> float:
        return self.env.now

    @property
    def volumes(self) -> list[Volume]:
        return self.path.volumes

    # ---- topology -------------------------------------------------------------------
    def add_cluster(
        self, name: str, nodes: int, commit_time: Distribution, mirror_hop_s: float,
        node_iops_capacity: float, servers: int | None = None, mvip: str | None = None,
        svip: str | None = None, version: str = ELEMENT_VERSION,
    ) -> Cluster:
        """Add a cluster; slice-service servers default to node IOPS × mean commit time."""
        if name in self.clusters:
            raise ValueError(f"cluster {name!r} already exists")
        if servers is None:
            servers = max(1, round(node_iops_capacity * commit_time.mean_s))
        number = len(self.clusters) + 1
        cluster = build_cluster(
            self.env, self.seed, name, nodes, SliceServiceParams(commit_time, servers),
            mirror_hop_s, node_iops_capacity, mvip or f"10.{number}.0.10",
            svip or f"10.{number}.1.10", version,
        )
        self.clusters[name] = cluster
        return cluster

    def add_link(
        self, a: str, b: str, bandwidth_bytes_per_s: float, rtt_s: float | None = None,
        distance_km: float | None = None, efficiency: float = 1.0,
        jitter: Distribution | None = None,
    ) -> WanLink:
        """Link clusters `a` and `b` (RTT given, or from fibre distance at 5 µs/km)."""
        for end in (a, b):
            if end not in self.clusters:
                raise ValueError(f"link {a}<->{b}: unknown cluster {end!r}")
        if a == b:
            raise ValueError(f"link {a}<->{b}: a link joins two different clusters")
        key = frozenset((a, b))
        if key in self.links:
            raise ValueError(f"link {a}<->{b} already exists")
        if (rtt_s is None) == (distance_km is None):
            raise ValueError(f"link {a}<->{b}: give exactly one of rtt or distance")
        if rtt_s is None:
            rtt_s = 2 * distance_km * FIBRE_S_PER_KM
        if bandwidth_bytes_per_s <= 0 or not 0 < efficiency <= 1 or rtt_s < 0:
            raise ValueError(f"link {a}<->{b}: bandwidth > 0, 0 < efficiency <= 1, rtt >= 0")
        directions = []
        for src, dst in ((a, b), (b, a)):
            scope = f"link.{src}->{dst}"
            sampler = None if jitter is None else Sampler(jitter, rngmod.stream(self.seed, scope))
            direction = LinkDirection(self.env, scope, bandwidth_bytes_per_s, rtt_s / 2,
                                      efficiency, sampler)
            directions.append(direction)
            self.link_directions.append(direction)
        link = WanLink(f"link.{a}<->{b}", a, b, *directions)
        self.links[key] = link
        return link

    def link_between(self, a: str, b: str) -> WanLink:
        try:
            return self.links[frozenset((a, b))]
        except KeyError:
            raise ValueError(f"no link between clusters {a!r} and {b!r}") from None

    def create_volume(
        self, cluster: str, name: str, size_bytes: int, qos: QosSettings | None = None,
        access: str = "readWrite", account_id: int = 1,
    ) -> Volume:
        """Create a volume; its slices go on node (id mod n), the secondary on the next."""
        if cluster not in self.clusters:
            raise ValueError(f"volume {name}: unknown cluster {cluster!r}")
        if access not in ACCESS_VALUES:
            raise ValueError(f"volume {name}: access must be one of {ACCESS_VALUES}")
        c = self.clusters[cluster]
        volume_id = c.next_volume_id
        c.next_volume_id += 1
        primary = c.nodes[(volume_id - 1) % len(c.nodes)]
        secondary = c.nodes[volume_id % len(c.nodes)]
        scope = f"{cluster}.{name}"
        volume = Volume(
            index=len(self.path.volumes), cluster=c, volume_id=volume_id, name=name,
            account_id=account_id, size_bytes=int(size_bytes), access=access,
            qos=QosShaper(qos or QosSettings(), self.env.now, self.params.qos_window_s),
            path=CommitPath(self.env, primary, secondary, c.mirror_hop_s),
            uuid=stable_uuid(rngmod.stream(self.seed, f"{scope}.uuid")), create_time_s=self.env.now,
        )
        c.volumes[volume_id] = volume
        self.path.register(volume)
        return volume

    def volume(self, cluster: str, name: str) -> Volume:
        for v in self.clusters[cluster].volumes.values():
            if v.name == name:
                return v
        raise ValueError(f"no volume {name!r} on cluster {cluster!r}")

    # ---- replication ------------------------------------------------------------------
    def pair_volumes(self, source: Volume, target: Volume, mode: str = "Async") -> VolumePair:
        """Replicate `source` to `target` (on another cluster) in `mode`, starting now."""
        if source.cluster is target.cluster:
            raise ValueError("a volume pair joins volumes on two different clusters")
        for v in (source, target):
            if v.pairs:
                raise ValueError(f"volume {v.scope} is already paired")
        link = self.link_between(source.cluster.name, target.cluster.name)
        pair = VolumePair(
            len(self.pairs), source, target,
            link.direction(source.cluster.name, target.cluster.name),
            link.direction(target.cluster.name, source.cluster.name),
            normalise_mode(mode), self.path.writes, self.params.ack_bytes, self.env.now,
        )
        self.pairs.append(pair)
        source.pairs.append(pair)
        target.pairs.append(pair)
        source.source_pair = pair
        return pair

    def set_mode(self, pair: VolumePair, mode: str) -> None:
        """Switch a pair's mode now; in-flight writes finish in the mode they started."""
        pair.mode = normalise_mode(mode)

    # ---- workload ---------------------------------------------------------------------
    def add_workload(self, volume: Volume, workload: Workload) -> None:
        if volume.access != "readWrite":
            raise ValueError(f"volume {volume.scope}: hosts write only to readWrite volumes")
        if volume.index in self.hosts:
            raise ValueError(f"volume {volume.scope} already has a workload")
        if workload.closed_loop is None:
            host = OpenLoopHost(self.env, self.path, volume, workload.source)
        else:
            host = ClosedLoopHost(self.env, self.path, volume, workload.source,
                                  workload.closed_loop)
        self.hosts[volume.index] = host

    def set_rate(self, volume: Volume, rate_iops: float) -> None:
        host = self.hosts.get(volume.index)
        if not isinstance(host, OpenLoopHost):
            raise ValueError(f"volume {volume.scope} has no open-loop workload")
        host.set_rate(rate_iops)

    # ---- time -------------------------------------------------------------------------
    def run(self, until_s: float) -> None:
        """Advance simulated time to `until_s` (absolute seconds)."""
        if not math.isfinite(until_s) or until_s < self.env.now:
            raise ValueError(f"run until {until_s} s: must be finite and >= now ({self.env.now})")
        self.env.run(until=until_s)
