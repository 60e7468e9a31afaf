"""The simulated world: one SimPy environment with clusters, links, volumes, pairs, hosts.

This is the model layer's single entry point. It knows nothing of JSON, YAML or files:
the scenario layer builds it from parameters, the API layer calls its methods.
"""

from __future__ import annotations

import math

import simpy

from replsim import rng as rngmod
from replsim.model.cluster import (
    ELEMENT_VERSION,
    Cluster,
    SliceServiceParams,
    build_cluster,
    stable_uuid,
)
from replsim.model.clusterpair import ClusterPair
from replsim.model.distributions import Distribution, Sampler
from replsim.model.faults import LinkOutages
from replsim.model.host import ClosedLoopHost, OpenLoopHost
from replsim.model.link import FIBRE_S_PER_KM, LinkDirection, WanLink
from replsim.model.pair import VolumePair
from replsim.model.params import ModelParams
from replsim.model.qos import QosSettings, QosShaper
from replsim.model.sampling import Sampler as LevelSampler
from replsim.model.snapshots import (
    Snapshot,
    SnapshotSchedule,
)
from replsim.model.statelog import StateLog
from replsim.model.volume import ACCESS_VALUES, CommitPath, Volume
from replsim.model.world_pairs import ReplicationOps
from replsim.model.world_snapshots import SnapshotOps
from replsim.model.writepath import WritePath
from replsim.workload.spec import Workload


class ModelWorld(ReplicationOps, SnapshotOps):
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
        self.cluster_pairs: list[ClusterPair] = []
        self.hosts: dict[int, OpenLoopHost | ClosedLoopHost] = {}
        self.log = StateLog()
        self.outages: list[LinkOutages] = []
        self.schedules: list[SnapshotSchedule] = []
        self.snapshots: list[Snapshot] = []
        self._link_up: dict[str, bool] = {}
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
        self._link_up[link.scope] = True
        for direction in directions:
            direction.on_state_change.append(lambda _d, link=link: self._link_changed(link))
        return link

    def _link_changed(self, link: WanLink) -> None:
        """Both directions report; act once per change of the link as a whole."""
        up = link.up
        if self._link_up[link.scope] == up:
            return
        self._link_up[link.scope] = up
        now = self.env.now
        self.log.record(now, "link", link.scope, "", "Up" if not up else "Down",
                        "Up" if up else "Down", "link state change")
        for cp in self.cluster_pairs:
            if cp.link is link:
                self._refresh_cluster_pair(cp, "link " + ("up" if up else "down"))
        for pair in self.pairs:
            if pair.cluster_pair.link is link:
                if up:
                    pair.link_up()
                else:
                    pair.link_down()

    def add_link_outages(self, a: str, b: str, windows: list[tuple[float, float]],
                         mtbf=None, mttr=None) -> LinkOutages:
        """Scheduled (start, duration) windows and/or random failure/repair on a link."""
        link = self.link_between(a, b)
        scope = f"{link.scope}.failures"
        outages = LinkOutages(self.env, link, windows, mtbf, mttr,
                              rngmod.stream(self.seed, scope))
        self.outages.append(outages)
        return outages

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
        volume = Volume(
            index=len(self.path.volumes), cluster=c, volume_id=volume_id, name=name,
            account_id=account_id, size_bytes=int(size_bytes), access=access,
            qos=QosShaper(qos or QosSettings(), self.env.now, self.params.qos_window_s),
            path=CommitPath(self.env, primary, secondary, c.mirror_hop_s),
            uuid=stable_uuid(rngmod.stream(self.seed, f"{cluster}.volume{volume_id}.uuid")),
            create_time_s=self.env.now,
        )
        volume.consistency_group_uuid = stable_uuid(
            rngmod.stream(self.seed, f"{cluster}.volume{volume_id}.group"))
        c.volumes[volume_id] = volume
        self.path.register(volume)
        return volume

    def volume(self, cluster: str, name: str) -> Volume:
        for v in self.clusters[cluster].volumes.values():
            if v.name == name:
                return v
        raise ValueError(f"no volume {name!r} on cluster {cluster!r}")

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
        if until_s > self.env.now:
            self.env.run(until=until_s)
