"""The nine Element replication methods: cluster pairing and volume pairing.

Each call acts on the model: pairings change what data flows, pauses stop it, mode
changes apply to the next write. Simulator-defined error names (Element's are not
public) are marked in docs/api.md.
"""

from __future__ import annotations

from typing import Any

from replsim import rng as rngmod
from replsim.api import lookup
from replsim.api.errors import ApiError
from replsim.api.keys import CLUSTER_KEY_FIELDS, VOLUME_KEY_FIELDS, decode_key, encode_key
from replsim.api.objects import cluster_pair_object, volume_object
from replsim.api.params import Param
from replsim.api.registry import method
from replsim.model.cluster import stable_uuid
from replsim.model.clusterpair import MAX_CLUSTER_PAIRS
from replsim.model.pair import normalise_mode


def _mode(value: str) -> str:
    try:
        return normalise_mode(value)
    except ValueError:
        raise ApiError("xInvalidParameter",
                       f"Invalid value for member=[mode]: {value!r}; allowed values: Async, "
                       "Sync, SnapshotsOnly") from None


def _too_many(ctx, cluster: str) -> None:
    if ctx.model.cluster_pair_count(cluster) >= MAX_CLUSTER_PAIRS:
        raise ApiError("xMaxClusterPairsExceeded",
                       f"Cluster {cluster} already has {MAX_CLUSTER_PAIRS} cluster pairs "
                       "(pending pairings count).")


@method("StartClusterPairing")
def start_cluster_pairing(ctx, params: dict[str, Any]) -> dict[str, Any]:
    me = ctx.cluster.name
    _too_many(ctx, me)
    cp = ctx.model.start_cluster_pairing(me)
    side = cp.sides[me]
    gen = rngmod.stream(ctx.model.seed, f"{me}.clusterpair{side.pair_id}.secret")
    cp.secret = {
        "username": "__SF_pair_" + lookup.random_text(gen, lookup.ALNUM, 16),
        "password": lookup.random_text(gen, lookup.PRINTABLE, 16),
        "rpcConnectionID": int(gen.integers(1, 2**31)),
    }
    ident = ctx.cluster.identity
    key = encode_key({
        "clusterPairID": side.pair_id, "clusterPairUUID": cp.uuid,
        "clusterUniqueID": ident.unique_id, "mvip": ident.mvip, "name": ident.name,
        **cp.secret,
    })
    return {"clusterPairingKey": key, "clusterPairID": side.pair_id}


@method("CompleteClusterPairing", Param("clusterPairingKey", "str", required=True))
def complete_cluster_pairing(ctx, params: dict[str, Any]) -> dict[str, Any]:
    me = ctx.cluster.identity
    key = decode_key(params["clusterPairingKey"], CLUSTER_KEY_FIELDS)
    if key is None:
        raise ApiError("xInvalidKey", "The cluster pairing key is not valid.")
    if key["clusterUniqueID"] == me.unique_id or key["mvip"] == me.mvip:
        raise ApiError("xInvalidKey", "Pairing a cluster with itself is not permitted.")
    origin = next((c for c in ctx.model.clusters.values()
                   if c.identity.mvip == key["mvip"]
                   and c.identity.unique_id == key["clusterUniqueID"]), None)
    if origin is None:
        raise ApiError("xInvalidKey", f"No cluster answers at MVIP {key['mvip']}.")
    link = ctx.model.links.get(frozenset((origin.name, me.name)))
    if link is None or not link.up:
        raise ApiError("xRecvTimeout",
                       f"Cannot reach cluster {origin.name} at MVIP {key['mvip']}: "
                       "the link between the clusters is down.")
    pending = next((cp for cp in ctx.model.cluster_pairs
                    if origin.name in cp.sides and not cp.complete and not cp.key_used
                    and cp.sides[origin.name].pair_id == key["clusterPairID"]
                    and not cp.sides[origin.name].removed and cp.uuid == key["clusterPairUUID"]
                    and all(cp.secret.get(f) == key[f]
                            for f in ("username", "password", "rpcConnectionID"))), None)
    if pending is None:
        raise ApiError("xInvalidKey", "The cluster pairing key is not valid or was already "
                                      "used (keys are single-use).")
    already = any(set(cp.sides) == {origin.name, me.name} and cp.complete
                  and not any(s.removed for s in cp.sides.values())
                  for cp in ctx.model.cluster_pairs)
    if already:
        raise ApiError("xPairingAlreadyExists",
                       f"Clusters {origin.name} and {me.name} are already paired.")
    _too_many(ctx, me.name)
    side = ctx.model.complete_cluster_pairing(pending, me.name, connect_delay_s=link.rtt_s)
    pending.key_used = True
    return {"clusterPairID": side.pair_id}


@method("ListClusterPairs")
def list_cluster_pairs(ctx, params: dict[str, Any]) -> dict[str, Any]:
    me = ctx.cluster.name
    pairs = []
    for cp in ctx.model.cluster_pairs:
        side = cp.sides.get(me)
        if side is None or side.removed:
            continue
        latency_ms = round(cp.link.rtt_s * 1000) if cp.link is not None else 0
        pairs.append(cluster_pair_object(cp, me, latency_ms))
    pairs.sort(key=lambda p: p["clusterPairID"])
    return {"clusterPairs": pairs}


@method("RemoveClusterPair", Param("clusterPairID", "int", required=True))
def remove_cluster_pair(ctx, params: dict[str, Any]) -> dict[str, Any]:
    me = ctx.cluster.name
    cp = next((cp for cp in ctx.model.cluster_pairs if me in cp.sides
               and cp.sides[me].pair_id == params["clusterPairID"]
               and not cp.sides[me].removed), None)
    if cp is None:
        raise ApiError("xPairingDoesNotExist",
                       f"ClusterPairID {params['clusterPairID']} does not exist.")
    in_use = [v.volume_id for v in ctx.cluster.volumes.values()
              for p in v.pairs if p.cluster_pair is cp]
    if in_use:
        raise ApiError("xClusterPairInUse",
                       f"Cluster pair {params['clusterPairID']} is used by paired volumes "
                       f"{sorted(in_use)}; remove the volume pairs first.")
    ctx.model.remove_cluster_pair_side(cp, me)
    return {}


@method("StartVolumePairing", Param("volumeID", "int", required=True),
        Param("mode", "str", default=None))
def start_volume_pairing(ctx, params: dict[str, Any]) -> dict[str, Any]:
    volume = lookup.volume(ctx.cluster, params["volumeID"])
    mode = _mode(params["mode"]) if params["mode"] is not None else "Async"
    if volume.pairs or volume.pending_pairing is not None:
        raise ApiError("xVolumeAlreadyPaired", f"Volume {volume.volume_id} is already paired.")
    if params["mode"] is not None and volume.access == "replicationTarget":
        raise ApiError("xInvalidParameter",
                       "The mode can only be set on the source (readWrite) volume.")
    scope = f"{ctx.cluster.name}.volume{volume.volume_id}.pairing{len(ctx.api.calls)}"
    uuid = stable_uuid(rngmod.stream(ctx.model.seed, scope))
    volume.pending_pairing = (uuid, mode)
    key = encode_key({"mvip": ctx.cluster.identity.mvip, "volumeID": volume.volume_id,
                      "volumeName": volume.name, "volumePairUUID": uuid})
    return {"volumePairingKey": key}


@method("CompleteVolumePairing", Param("volumeID", "int", required=True),
        Param("volumePairingKey", "str", required=True))
def complete_volume_pairing(ctx, params: dict[str, Any]) -> dict[str, Any]:
    local = lookup.volume(ctx.cluster, params["volumeID"])
    key = decode_key(params["volumePairingKey"], VOLUME_KEY_FIELDS)
    if key is None or key["mvip"] == ctx.cluster.identity.mvip:
        raise ApiError("xInvalidPairingKey", "The volume pairing key is not valid.")
    origin = next((c for c in ctx.model.clusters.values() if c.identity.mvip == key["mvip"]),
                  None)
    cp = None if origin is None else ctx.model.cluster_pair_between(origin.name,
                                                                     ctx.cluster.name)
    if cp is None:
        raise ApiError("xMVIPNotPaired", f"This cluster is not paired with MVIP {key['mvip']}.")
    remote = origin.volumes.get(key["volumeID"])
    if (remote is None or remote.deleted or remote.pending_pairing is None
            or remote.pending_pairing[0] != key["volumePairUUID"]):
        raise ApiError("xInvalidPairingKey",
                       "The volume pairing key is not valid or was already used.")
    if local.pairs or local.pending_pairing is not None:
        raise ApiError("xVolumeAlreadyPaired", f"Volume {local.volume_id} is already paired.")
    uuid, mode = remote.pending_pairing
    remote.pending_pairing = None
    ctx.model.pair_volumes(remote, local, mode, uuid=uuid)
    return {}


@method("ModifyVolumePair", Param("volumeID", "int", required=True),
        Param("pausedManual", "bool"), Param("mode", "str"), Param("pauseLimit", "int"))
def modify_volume_pair(ctx, params: dict[str, Any]) -> dict[str, Any]:
    volume = lookup.volume(ctx.cluster, params["volumeID"])
    if not volume.pairs:
        raise ApiError("xVolumeNotPaired", "Volume not paired.")
    pair = volume.pairs[0]
    mode = _mode(params["mode"]) if params["mode"] is not None else None
    if params["pauseLimit"] is not None:
        if params["pauseLimit"] <= 0:
            raise ApiError("xInvalidParameter", "pauseLimit must be a positive integer.")
        pair.pause_limit_bytes = float(params["pauseLimit"])
    if mode is not None:
        ctx.model.set_mode(pair, mode)
    if params["pausedManual"] is not None:
        ctx.model.set_paused(pair, ctx.cluster.name, params["pausedManual"])
    return {}


@method("ListActivePairedVolumes", Param("startVolumeID", "int", default=0, minimum=0),
        Param("limit", "int", default=0, minimum=0))
def list_active_paired_volumes(ctx, params: dict[str, Any]) -> dict[str, Any]:
    found = [v for vid, v in sorted(ctx.cluster.volumes.items())
             if vid >= params["startVolumeID"] and not v.deleted
             and (v.pairs or v.pending_pairing is not None)]
    if params["limit"]:
        found = found[: params["limit"]]
    return {"volumes": [volume_object(v) for v in found]}


@method("RemoveVolumePair", Param("volumeID", "int", required=True))
def remove_volume_pair(ctx, params: dict[str, Any]) -> dict[str, Any]:
    volume = lookup.volume(ctx.cluster, params["volumeID"], allow_deleted=True)
    volume.pending_pairing = None
    if volume.pairs:
        ctx.model.remove_volume_pair_side(volume)
    return {}
