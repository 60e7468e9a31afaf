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
from replsim.model.clusterpair import MAX_CLUSTER_PAIRS, ClusterPair, ClusterPairSide
from replsim.model.distributions import Distribution, Sampler
from replsim.model.faults import LinkOutages
from replsim.model.host import ClosedLoopHost, OpenLoopHost
from replsim.model.link import FIBRE_S_PER_KM, LinkDirection, WanLink
from replsim.model.pair import VolumePair, normalise_mode
from replsim.model.params import ModelParams
from replsim.model.qos import QosSettings, QosShaper
from replsim.model.sampling import Sampler as LevelSampler
from replsim.model.schedule import call_later
from replsim.model.snapshots import (
    MAX_SNAPSHOTS_PER_VOLUME,
    Snapshot,
    SnapshotError,
    SnapshotSchedule,
    SnapshotShipper,
)
from replsim.model.statelog import StateLog
from replsim.model.volume import ACCESS_VALUES, CommitPath, Volume
from replsim.model.writepath import WritePath
from replsim.workload.spec import Workload


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

    # ---- cluster pairs ----------------------------------------------------------------
    def cluster_pair_count(self, cluster: str) -> int:
        """Pairs a cluster holds, pending ones included (the limit is 4)."""
        return sum(1 for cp in self.cluster_pairs
                   if cluster in cp.sides and not cp.sides[cluster].removed)

    def start_cluster_pairing(self, cluster: str) -> ClusterPair:
        """A pending pairing record on `cluster` (Unconfigured until completed)."""
        c = self.clusters[cluster]
        if self.cluster_pair_count(cluster) >= MAX_CLUSTER_PAIRS:
            raise ValueError(f"cluster {cluster} already has {MAX_CLUSTER_PAIRS} cluster pairs")
        c.next_cluster_pair_id += 1
        scope = f"{cluster}.clusterpair{c.next_cluster_pair_id}"
        uuid = stable_uuid(rngmod.stream(self.seed, scope))
        cp = ClusterPair(uuid, None, created_s=self.env.now)
        cp.sides[cluster] = ClusterPairSide(c, c.next_cluster_pair_id)
        self.cluster_pairs.append(cp)
        self._refresh_cluster_pair(cp, "pairing started")
        return cp

    def complete_cluster_pairing(self, cp: ClusterPair, cluster: str,
                                 connect_delay_s: float = 0.0) -> ClusterPairSide:
        """The second cluster completes a pending pairing over their link; both sides
        are Connected after `connect_delay_s` (the API uses one RTT)."""
        first = next(iter(cp.sides))
        if cluster in cp.sides:
            raise ValueError(f"cluster {cluster} cannot pair with itself")
        if self.cluster_pair_count(cluster) >= MAX_CLUSTER_PAIRS:
            raise ValueError(f"cluster {cluster} already has {MAX_CLUSTER_PAIRS} cluster pairs")
        cp.link = self.link_between(first, cluster)
        c = self.clusters[cluster]
        c.next_cluster_pair_id += 1
        cp.sides[cluster] = ClusterPairSide(c, c.next_cluster_pair_id)
        cp.connected_at_s = self.env.now + connect_delay_s
        self._refresh_cluster_pair(cp, "pairing completed")
        if connect_delay_s > 0:
            call_later(self.env, connect_delay_s,
                       lambda _: self._refresh_cluster_pair(cp, "pairing connected"), None)
        return cp.sides[cluster]

    def pair_clusters(self, a: str, b: str) -> ClusterPair:
        """Both steps at once (the documented order of operations)."""
        cp = self.start_cluster_pairing(a)
        self.complete_cluster_pairing(cp, b)
        return cp

    def cluster_pair_between(self, a: str, b: str) -> ClusterPair | None:
        for cp in self.cluster_pairs:
            if {a, b} == set(cp.sides) and cp.established:
                return cp
        return None

    def remove_cluster_pair_side(self, cp: ClusterPair, cluster: str) -> None:
        """RemoveClusterPair acts on the local side only; the peer shows Misconfigured."""
        cp.sides[cluster].removed = True
        self._refresh_cluster_pair(cp, f"removed on {cluster}")

    def _refresh_cluster_pair(self, cp: ClusterPair, cause: str) -> None:
        for name, side in cp.sides.items():
            new = "Removed" if side.removed else cp.derived_status(name)
            if new != side.status:
                self.log.record(self.env.now, "cluster_pair", cp.uuid, name, side.status, new,
                                cause)
                side.status = new

    # ---- volume pairs -------------------------------------------------------------------
    def pair_volumes(self, source: Volume, target: Volume, mode: str = "Async",
                     in_sync: bool = False, uuid: str | None = None) -> VolumePair:
        """Pair two volumes on two paired clusters; replication runs readWrite → target.

        A new pair goes through the Resuming* phases (initial sync of the source's used
        blocks) before it is Active; `in_sync=True` starts it Active, as a pair that was
        established before the run (steady-state what-if studies).
        """
        if source.cluster is target.cluster:
            raise ValueError("a volume pair joins volumes on two different clusters")
        for v in (source, target):
            if v.pairs:
                raise ValueError(f"volume {v.scope} is already paired")
        cp = self.cluster_pair_between(source.cluster.name, target.cluster.name)
        if cp is None:
            raise ValueError(f"clusters {source.cluster.name} and {target.cluster.name} "
                             "are not paired")
        if uuid is None:
            scope = f"{source.scope}.volumepair{len(self.pairs)}"
            uuid = stable_uuid(rngmod.stream(self.seed, scope))
        pair = VolumePair(len(self.pairs), source, target, cp, normalise_mode(mode),
                          self.path.writes, self.params, self.log, self.env.now, uuid,
                          self.path.fail)
        pair.snapshots = SnapshotShipper(pair)
        pair.snapshots.on_present.append(self._snapshot_present)
        self.pairs.append(pair)
        source.pairs.append(pair)
        target.pairs.append(pair)
        if not cp.link.up:
            pair.link_lost = True
        if in_sync:
            pair.initial_sync_pending = False
            pair.start_in_sync()
        pair.refresh("volumes paired")
        return pair

    def set_mode(self, pair: VolumePair, mode: str) -> None:
        """Switch a pair's mode now; in-flight writes finish in the mode they started."""
        new = normalise_mode(mode)
        old, pair.mode = pair.mode, new
        pair.modes_seen.add(new)
        if old == new:
            return
        if new == "SnapshotsOnly":
            pair.snapshots.recovery_base_s = self.env.now
        elif old == "SnapshotsOnly":
            pair.snapshots.hand_over_to_resync()
            if pair.state in ("Active", "Idle"):
                pair.begin_resume(f"mode {old} -> {new}: resync the changed blocks")
                return
        pair.refresh(f"mode {old} -> {new}")

    def set_paused(self, pair: VolumePair, cluster: str, paused: bool) -> None:
        """ModifyVolumePair pausedManual on one side."""
        if paused:
            pair.paused_by.add(cluster)
        else:
            pair.paused_by.discard(cluster)
        pair.refresh(f"pausedManual={str(paused).lower()} on {cluster}")

    def set_access(self, volume: Volume, access: str) -> None:
        if access not in ACCESS_VALUES:
            raise ValueError(f"access must be one of {ACCESS_VALUES}")
        volume.access = access
        for pair in volume.pairs:
            pair.refresh(f"access of {volume.scope} set to {access}")

    def resize_volume(self, volume: Volume, size_bytes: int) -> None:
        if size_bytes < volume.size_bytes:
            raise ValueError("volumes can only grow")
        volume.size_bytes = int(size_bytes)
        for pair in volume.pairs:
            pair.refresh(f"{volume.scope} resized")

    def remove_volume_pair_side(self, volume: Volume) -> None:
        """RemoveVolumePair on one side: the peer pauses misconfigured."""
        for pair in list(volume.pairs):
            pair.removed_by.add(volume.cluster.name)
            volume.pairs.remove(pair)
            if volume.source_pair is pair:
                volume.source_pair = None
            pair.refresh(f"pair removed on {volume.cluster.name}")

    def delete_volume(self, volume: Volume) -> None:
        """DeleteVolume: its pairs pause misconfigured; its host stops sending IO."""
        volume.deleted = True
        volume.delete_time_s = self.env.now
        host = self.hosts.get(volume.index)
        if host is not None:
            host.stop()
        for pair in volume.pairs:
            pair.refresh(f"{volume.scope} deleted")

    def restore_volume(self, volume: Volume) -> None:
        if volume.purged:
            raise ValueError(f"volume {volume.scope} was purged")
        volume.deleted = False
        volume.delete_time_s = None
        host = self.hosts.get(volume.index)
        if host is not None:
            host.resume()
        for pair in volume.pairs:
            pair.refresh(f"{volume.scope} restored")

    def purge_volume(self, volume: Volume) -> None:
        """PurgeDeletedVolume: gone for good; the peer's pair stops (StoppedMisconfigured)."""
        volume.purged = True
        for pair in list(volume.pairs):
            volume.pairs.remove(pair)
            pair.removed_by.add(volume.cluster.name)
            pair.refresh(f"{volume.scope} purged")
        del volume.cluster.volumes[volume.volume_id]

    # ---- snapshots ------------------------------------------------------------------------
    def create_snapshot(self, volume: Volume, name: str | None = None,
                        enable_remote: bool = False, retention_s: float | None = None,
                        ensure_serial: bool = False) -> Snapshot:
        """CreateSnapshot; refused past 32 per volume or, with ensureSerialCreation, while
        a previous snapshot of the volume is still replicating."""
        live = [s for s in volume.snapshots if not s.deleted]
        if len(live) >= MAX_SNAPSHOTS_PER_VOLUME:
            raise SnapshotError("xMaxSnapshotsPerVolumeExceeded",
                                f"volume {volume.volume_id} already has "
                                f"{MAX_SNAPSHOTS_PER_VOLUME} snapshots")
        pair = volume.source_pair
        if ensure_serial and pair is not None and pair.snapshots.in_progress():
            raise SnapshotError("xSnapshotReplicationInProgress",
                                "a previous snapshot of this volume is still replicating")
        cluster = volume.cluster
        cluster.next_snapshot_id += 1
        sid = cluster.next_snapshot_id
        snapshot = Snapshot(sid, volume, name or f"snap{sid}", self.env.now, enable_remote,
                            stable_uuid(rngmod.stream(self.seed, f"{volume.scope}.snap{sid}")),
                            retention_s)
        volume.snapshots.append(snapshot)
        self.snapshots.append(snapshot)
        if enable_remote and pair is not None:
            pair.snapshots.snapshot_created(snapshot)
        if retention_s is not None:
            call_later(self.env, retention_s, self._expire, snapshot)
        return snapshot

    def _expire(self, snapshot: Snapshot) -> None:
        if snapshot.retention_s is None or snapshot.deleted:
            return
        due_s = snapshot.create_s + snapshot.retention_s
        if due_s > self.env.now + 1e-9:  # postponed by ModifySnapshot
            call_later(self.env, due_s - self.env.now, self._expire, snapshot)
            return
        self.delete_snapshot(snapshot)

    def delete_snapshot(self, snapshot: Snapshot) -> None:
        """Delete on the source; one still replicating is deleted once it has landed.
        Deleting a target copy shows as `Deleted` in the source's remote status."""
        if snapshot.remote_status in ("Not Present", "Syncing"):
            snapshot.delete_requested = True
            return
        snapshot.deleted = True
        if snapshot.source_snapshot is not None and not snapshot.source_snapshot.deleted:
            snapshot.source_snapshot.remote_status = "Deleted"

    def _snapshot_present(self, snapshot: Snapshot) -> None:
        """The target now holds a copy with the same snapshot UUID."""
        pair = snapshot.volume.source_pair
        if pair is not None:
            target = pair.target
            target.cluster.next_snapshot_id += 1
            copy = Snapshot(target.cluster.next_snapshot_id, target, snapshot.name,
                            snapshot.create_s, False, snapshot.uuid)
            copy.source_snapshot = snapshot
            target.snapshots.append(copy)
            self.snapshots.append(copy)
        if snapshot.delete_requested:
            snapshot.deleted = True

    def add_snapshot_schedule(self, volume: Volume, name: str, interval_s: float,
                              enable_remote: bool = True, retention_s: float | None = None,
                              ensure_serial: bool = False, start_s: float = 0.0,
                              ) -> SnapshotSchedule:
        schedule = SnapshotSchedule(self.env, self.create_snapshot, volume, name, interval_s,
                                    enable_remote, retention_s, ensure_serial, start_s,
                                    self.log)
        self.schedules.append(schedule)
        return schedule

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
