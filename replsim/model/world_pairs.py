"""The replication side of the world: cluster pairings and volume pairs, driven by the
API layer (and scenario shortcuts) exactly as Element's pairing methods act."""

from __future__ import annotations

from typing import TYPE_CHECKING

from replsim import rng as rngmod
from replsim.model.cluster import stable_uuid
from replsim.model.clusterpair import MAX_CLUSTER_PAIRS, ClusterPair, ClusterPairSide
from replsim.model.pair import VolumePair, normalise_mode
from replsim.model.schedule import call_later
from replsim.model.snapshots import SnapshotShipper
from replsim.model.volume import ACCESS_VALUES, Volume

if TYPE_CHECKING:
    pass


class ReplicationOps:
    """Cluster pairs and volume pairs of a `ModelWorld` (mixed into it)."""

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
        cp = ClusterPair(self.env, uuid, None, created_s=self.env.now)
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
