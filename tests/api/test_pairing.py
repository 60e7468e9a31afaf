"""The nine replication methods: results, errors, and what each call does to the model."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from replsim.world import World
from tests.api.helpers import (
    RTT_S,
    call,
    cluster_pairs,
    create_volume,
    err,
    finite,
    forward_bytes,
    model_pair,
    ok,
    pair_clusters,
    pair_volumes,
    paired_world,
    run_for,
    state,
    volume,
    volume_pair,
    world,
    writes_between,
)
from tests.api.shapes import check_cluster_pair, check_volume, check_volume_pair

RESUMING = ["ResumingConnected", "ResumingRRSync", "ResumingLocalSync", "ResumingDataTransfer"]


def many_clusters(n: int, rtt: float = 1e-3) -> World:
    """c1 … cn, every two linked, one small volume each, no workload."""
    names = [f"c{i}" for i in range(1, n + 1)]
    data = {
        "run": {"name": "many", "seed": 3, "duration": 10},
        "clusters": [{"name": c, "nodes": 2} for c in names],
        "links": [{"between": [a, b], "rtt": rtt, "bandwidth": "1Gbps"}
                  for a, b in itertools.combinations(names, 2)],
        "volumes": [{"cluster": c, "name": "v", "size": "10GiB"} for c in names],
    }
    return World.from_dict(data)


def pair_states(w: World) -> list[str]:
    return [row[5] for row in w.model.log.rows if row[1] == "volume_pair"]


# ---- StartClusterPairing ------------------------------------------------------------------
def test_start_cluster_pairing_result_and_pending_pair():
    w = world()
    first = ok(w, "east", "StartClusterPairing")
    assert set(first) == {"clusterPairingKey", "clusterPairID"}
    assert isinstance(first["clusterPairingKey"], str) and first["clusterPairID"] == 1
    second = ok(w, "east", "StartClusterPairing")
    assert second["clusterPairID"] == 2
    assert second["clusterPairingKey"] != first["clusterPairingKey"]
    pending = cluster_pairs(w, "east")
    assert [p["clusterPairID"] for p in pending] == [1, 2]
    for p in pending:
        check_cluster_pair(p)
        assert p["status"] == "Unconfigured"
        assert (p["clusterName"], p["mvip"], p["latency"]) == ("", "", 0)
    assert cluster_pairs(w, "west") == []


def test_fifth_cluster_pair_is_refused_pending_ones_count():
    w = many_clusters(6)
    pair_clusters(w, "c1", "c2")
    pair_clusters(w, "c1", "c3")
    ok(w, "c1", "StartClusterPairing")
    ok(w, "c1", "StartClusterPairing")  # 2 connected + 2 pending = 4
    before = cluster_pairs(w, "c1")
    message = err(w, "c1", "StartClusterPairing", "xMaxClusterPairsExceeded")
    assert "4" in message
    assert cluster_pairs(w, "c1") == before
    # nor can c1 complete another cluster's pairing
    key = ok(w, "c6", "StartClusterPairing")["clusterPairingKey"]
    err(w, "c1", "CompleteClusterPairing", "xMaxClusterPairsExceeded", clusterPairingKey=key)
    assert cluster_pairs(w, "c1") == before
    assert cluster_pairs(w, "c6")[0]["status"] == "Unconfigured"
    # removing a pending pair frees a slot
    ok(w, "c1", "RemoveClusterPair", clusterPairID=before[-1]["clusterPairID"])
    ok(w, "c1", "CompleteClusterPairing", clusterPairingKey=key)


def test_four_pairs_with_five_clusters_then_the_limit():
    w = many_clusters(5)
    for other in ("c2", "c3", "c4", "c5"):
        pair_clusters(w, "c1", other)
    pairs = cluster_pairs(w, "c1")
    assert len(pairs) == 4 and {p["status"] for p in pairs} == {"Connected"}
    assert {p["clusterName"] for p in pairs} == {"c2", "c3", "c4", "c5"}
    assert len({p["clusterPairUUID"] for p in pairs}) == 4
    err(w, "c1", "StartClusterPairing", "xMaxClusterPairsExceeded")
    assert cluster_pairs(w, "c1") == pairs
    key = ok(w, "c2", "StartClusterPairing")["clusterPairingKey"]  # c2 has room
    err(w, "c1", "CompleteClusterPairing", "xPairingAlreadyExists", clusterPairingKey=key)


# ---- CompleteClusterPairing ---------------------------------------------------------------
def test_complete_cluster_pairing_returns_the_local_id_and_shares_the_uuid():
    w = world()
    ok(w, "west", "StartClusterPairing")  # west's own pending pair takes its ID 1
    started = ok(w, "east", "StartClusterPairing")
    completed = ok(w, "west", "CompleteClusterPairing",
                   clusterPairingKey=started["clusterPairingKey"])
    assert completed == {"clusterPairID": 2}
    run_for(w, RTT_S)
    (east,) = cluster_pairs(w, "east")
    west = cluster_pairs(w, "west")[1]
    assert east["clusterPairID"] == 1 and west["clusterPairID"] == 2
    assert east["clusterPairUUID"] == west["clusterPairUUID"]
    east_info = ok(w, "east", "GetClusterInfo")["clusterInfo"]
    west_info = ok(w, "west", "GetClusterInfo")["clusterInfo"]
    assert (east["clusterName"], east["mvip"], east["clusterUUID"]) == (
        "west", west_info["mvip"], west_info["uniqueID"])
    assert (west["clusterName"], west["mvip"], west["clusterUUID"]) == (
        "east", east_info["mvip"], east_info["uniqueID"])
    assert east["version"] == ok(w, "west", "GetClusterVersionInfo")["clusterVersion"]


def test_cluster_pair_is_connected_one_rtt_after_completion():
    w = world(link={"rtt": 0.05})
    run_for(w, 1.0)
    key = ok(w, "east", "StartClusterPairing")["clusterPairingKey"]
    ok(w, "west", "CompleteClusterPairing", clusterPairingKey=key)
    t_done = w.now
    assert {p["status"] for p in cluster_pairs(w, "east") + cluster_pairs(w, "west")} == {
        "Unconfigured"}
    # not established yet: a volume pairing key is refused meanwhile
    vkey = ok(w, "east", "StartVolumePairing", volumeID=1)["volumePairingKey"]
    err(w, "west", "CompleteVolumePairing", "xMVIPNotPaired", volumeID=1,
        volumePairingKey=vkey)
    w.run(until=t_done + 0.049)
    assert cluster_pairs(w, "east")[0]["status"] == "Unconfigured"
    w.run(until=t_done + 0.0501)
    assert cluster_pairs(w, "east")[0]["status"] == "Connected"
    assert cluster_pairs(w, "west")[0]["status"] == "Connected"
    ok(w, "west", "CompleteVolumePairing", volumeID=1, volumePairingKey=vkey)


def test_complete_cluster_pairing_fails_while_the_link_is_down():
    w = world()
    key = ok(w, "east", "StartClusterPairing")["clusterPairingKey"]
    w.model.link_between("east", "west").set_up(False)
    message = err(w, "west", "CompleteClusterPairing", "xRecvTimeout", clusterPairingKey=key)
    assert "east" in message
    assert cluster_pairs(w, "west") == []
    assert cluster_pairs(w, "east")[0]["status"] == "Unconfigured"
    w.model.link_between("east", "west").set_up(True)
    ok(w, "west", "CompleteClusterPairing", clusterPairingKey=key)
    run_for(w, RTT_S)
    assert cluster_pairs(w, "west")[0]["status"] == "Connected"


def test_complete_cluster_pairing_refuses_own_key():
    w = world()
    key = ok(w, "east", "StartClusterPairing")["clusterPairingKey"]
    message = err(w, "east", "CompleteClusterPairing", "xInvalidKey", clusterPairingKey=key)
    assert message == "Pairing a cluster with itself is not permitted."
    assert len(cluster_pairs(w, "east")) == 1


@pytest.mark.parametrize("garbage", [
    "", "0", "zz", "7b7d", "not a key", "7b22" * 10, "00" * 300,
    json.dumps({"mvip": "10.1.0.10"}).encode().hex(),
])
def test_complete_cluster_pairing_refuses_garbage(garbage):
    w = world()
    ok(w, "east", "StartClusterPairing")
    err(w, "west", "CompleteClusterPairing", "xInvalidKey", clusterPairingKey=garbage)
    assert cluster_pairs(w, "west") == []


def test_cluster_keys_are_single_use():
    w = many_clusters(3)
    key = ok(w, "c1", "StartClusterPairing")["clusterPairingKey"]
    ok(w, "c2", "CompleteClusterPairing", clusterPairingKey=key)
    err(w, "c2", "CompleteClusterPairing", "xInvalidKey", clusterPairingKey=key)
    err(w, "c3", "CompleteClusterPairing", "xInvalidKey", clusterPairingKey=key)
    assert cluster_pairs(w, "c3") == []


def test_key_of_a_removed_pending_pair_is_refused():
    w = world()
    started = ok(w, "east", "StartClusterPairing")
    ok(w, "east", "RemoveClusterPair", clusterPairID=started["clusterPairID"])
    err(w, "west", "CompleteClusterPairing", "xInvalidKey",
        clusterPairingKey=started["clusterPairingKey"])


def test_pairing_already_exists_leaves_the_pending_pair():
    w = world()
    pair_clusters(w)
    started = ok(w, "east", "StartClusterPairing")
    err(w, "west", "CompleteClusterPairing", "xPairingAlreadyExists",
        clusterPairingKey=started["clusterPairingKey"])
    east = cluster_pairs(w, "east")
    assert [p["status"] for p in east] == ["Connected", "Unconfigured"]
    assert len(cluster_pairs(w, "west")) == 1
    ok(w, "east", "RemoveClusterPair", clusterPairID=started["clusterPairID"])  # the cleanup
    assert len(cluster_pairs(w, "east")) == 1


def test_complete_cluster_pairing_param_errors():
    w = world()
    assert err(w, "west", "CompleteClusterPairing", "xMissingParameter") == (
        "Missing member=[clusterPairingKey]")
    message = err(w, "west", "CompleteClusterPairing", "xMissingParameter",
                  clusterpairingkey="7b7d")
    assert "clusterPairingKey" in message and "clusterpairingkey" in message
    message = err(w, "west", "CompleteClusterPairing", "xInvalidParameterType",
                  clusterPairingKey=1234)
    assert "clusterPairingKey" in message and "string" in message


# ---- ListClusterPairs ---------------------------------------------------------------------
@pytest.mark.parametrize("rtt_s,latency_ms", [(1e-3, 1), (0.0123, 12), (0.0127, 13),
                                              (0.0004, 0), (0.25, 250)])
def test_latency_is_the_link_rtt_in_whole_ms(rtt_s, latency_ms):
    w = world(link={"rtt": rtt_s})
    pair_clusters(w)
    for cluster in ("east", "west"):
        (pair,) = cluster_pairs(w, cluster)
        check_cluster_pair(pair)
        assert pair["latency"] == latency_ms


def test_latency_follows_a_live_rtt_change():
    w = world()
    pair_clusters(w)
    w.model.link_between("east", "west").set_rtt(0.042)
    assert cluster_pairs(w, "east")[0]["latency"] == 42


def test_cluster_pair_disconnected_while_the_link_is_down():
    w = world()
    pair_clusters(w)
    link = w.model.link_between("east", "west")
    link.set_up(False)
    assert [p["status"] for p in cluster_pairs(w, "east") + cluster_pairs(w, "west")] == [
        "Disconnected", "Disconnected"]
    link.set_up(True)
    assert cluster_pairs(w, "east")[0]["status"] == "Connected"


# ---- RemoveClusterPair --------------------------------------------------------------------
def test_remove_cluster_pair_is_local_peer_shows_misconfigured():
    w = world()
    east_id, west_id = pair_clusters(w)
    assert ok(w, "east", "RemoveClusterPair", clusterPairID=east_id) == {}
    assert cluster_pairs(w, "east") == []
    (west,) = cluster_pairs(w, "west")
    assert west["status"] == "Misconfigured"
    check_cluster_pair(west)
    err(w, "east", "RemoveClusterPair", "xPairingDoesNotExist", clusterPairID=east_id)
    ok(w, "west", "RemoveClusterPair", clusterPairID=west_id)
    assert cluster_pairs(w, "west") == []
    # the clusters can pair again
    pair_clusters(w)
    assert cluster_pairs(w, "east")[0]["status"] == "Connected"


def test_remove_cluster_pair_unknown_id():
    w = world()
    message = err(w, "east", "RemoveClusterPair", "xPairingDoesNotExist", clusterPairID=7)
    assert "7" in message
    err(w, "east", "RemoveClusterPair", "xMissingParameter")
    err(w, "east", "RemoveClusterPair", "xInvalidParameterType", clusterPairID="1")


def test_remove_cluster_pair_in_use_by_volume_pairs():
    w = paired_world()
    east_id = cluster_pairs(w, "east")[0]["clusterPairID"]
    message = err(w, "east", "RemoveClusterPair", "xClusterPairInUse", clusterPairID=east_id)
    assert "[1]" in message
    assert cluster_pairs(w, "east")[0]["status"] == "Connected"
    assert state(w, "east") == "Active"
    ok(w, "east", "RemoveVolumePair", volumeID=1)
    ok(w, "east", "RemoveClusterPair", clusterPairID=east_id)
    # west still has its volume pair on its side of the cluster pair
    west_id = cluster_pairs(w, "west")[0]["clusterPairID"]
    err(w, "west", "RemoveClusterPair", "xClusterPairInUse", clusterPairID=west_id)


# ---- StartVolumePairing -------------------------------------------------------------------
def test_start_volume_pairing_result_and_pending_entry():
    w = world()
    result = ok(w, "east", "StartVolumePairing", volumeID=1)
    assert set(result) == {"volumePairingKey"}
    (listed,) = ok(w, "east", "ListActivePairedVolumes")["volumes"]
    check_volume(listed)
    (entry,) = listed["volumePairs"]
    check_volume_pair(entry)
    assert entry["remoteReplication"]["mode"] == "Async"  # the default
    key = json.loads(bytes.fromhex(result["volumePairingKey"]))
    assert entry["volumePairUUID"] == key["volumePairUUID"]
    assert ok(w, "west", "ListActivePairedVolumes")["volumes"] == []


@pytest.mark.parametrize("given,canonical", [
    ("async", "Async"), ("ASYNC", "Async"), ("Sync", "Sync"), ("sync", "Sync"),
    ("snapshotsonly", "SnapshotsOnly"), ("SnapshotsOnly", "SnapshotsOnly"),
    ("SNAPSHOTSONLY", "SnapshotsOnly"),
])
def test_mode_is_case_insensitive_and_reported_canonically(given, canonical):
    w = world()
    pair_clusters(w)
    pair_volumes(w, mode=given)
    for cluster in ("east", "west"):
        assert volume_pair(w, cluster)["remoteReplication"]["mode"] == canonical
    assert model_pair(w).mode == canonical


@pytest.mark.parametrize("bad", ["", "asynchronous", "Snapshots", "sync ", "None"])
def test_bad_mode_names_the_allowed_values(bad):
    w = world()
    message = err(w, "east", "StartVolumePairing", "xInvalidParameter", volumeID=1, mode=bad)
    assert all(name in message for name in ("Async", "Sync", "SnapshotsOnly"))
    assert volume(w, "east", 1)["volumePairs"] == []


def test_start_volume_pairing_already_paired():
    w = world()
    ok(w, "east", "StartVolumePairing", volumeID=1)
    err(w, "east", "StartVolumePairing", "xVolumeAlreadyPaired", volumeID=1)
    w = paired_world(settle=0.1)
    err(w, "east", "StartVolumePairing", "xVolumeAlreadyPaired", volumeID=1)
    err(w, "west", "StartVolumePairing", "xVolumeAlreadyPaired", volumeID=1)


def test_start_volume_pairing_param_errors():
    w = world()
    message = err(w, "east", "StartVolumePairing", "xMissingParameter", volumeId=1)
    assert "volumeID" in message and "volumeId" in message
    assert "Missing member=[volumeID]" in err(w, "east", "StartVolumePairing",
                                              "xMissingParameter")
    err(w, "east", "StartVolumePairing", "xInvalidParameterType", volumeID="1")
    err(w, "east", "StartVolumePairing", "xInvalidParameterType", volumeID=1, mode=2)
    assert "99" in err(w, "east", "StartVolumePairing", "xVolumeIDDoesNotExist", volumeID=99)
    # the mode can only be set on the source
    err(w, "west", "StartVolumePairing", "xInvalidParameter", volumeID=1, mode="Sync")
    ok(w, "west", "StartVolumePairing", volumeID=1)


# ---- CompleteVolumePairing ----------------------------------------------------------------
def test_complete_volume_pairing_pairs_both_volumes():
    w = world()
    east_id, west_id = pair_clusters(w)
    key = ok(w, "east", "StartVolumePairing", volumeID=1, mode="sync")["volumePairingKey"]
    assert ok(w, "west", "CompleteVolumePairing", volumeID=1, volumePairingKey=key) == {}
    east, west = volume(w, "east", 1), volume(w, "west", 1)
    check_volume(east)
    check_volume(west)
    (e,), (t,) = east["volumePairs"], west["volumePairs"]
    assert e["volumePairUUID"] == t["volumePairUUID"] == json.loads(
        bytes.fromhex(key))["volumePairUUID"]
    assert (e["clusterPairID"], t["clusterPairID"]) == (east_id, west_id)
    assert (e["remoteVolumeID"], e["remoteVolumeName"]) == (1, "vol-dr")
    assert (t["remoteVolumeID"], t["remoteVolumeName"]) == (1, "vol")
    assert e["remoteReplication"]["mode"] == t["remoteReplication"]["mode"] == "Sync"
    assert len(w.model.pairs) == 1
    pair = model_pair(w)
    assert pair.source.scope == "east.vol" and pair.target.scope == "west.vol-dr"


def test_complete_volume_pairing_mvip_not_paired():
    w = world()
    key = ok(w, "east", "StartVolumePairing", volumeID=1)["volumePairingKey"]
    message = err(w, "west", "CompleteVolumePairing", "xMVIPNotPaired", volumeID=1,
                  volumePairingKey=key)
    assert ok(w, "east", "GetClusterInfo")["clusterInfo"]["mvip"] in message
    assert w.model.pairs == []


@pytest.mark.parametrize("garbage", ["", "zz", "7b7d", "abc", "7b22" * 8])
def test_complete_volume_pairing_invalid_key(garbage):
    w = world()
    pair_clusters(w)
    err(w, "west", "CompleteVolumePairing", "xInvalidPairingKey", volumeID=1,
        volumePairingKey=garbage)


def test_volume_keys_are_single_use_and_go_stale():
    w = world()
    pair_clusters(w)
    key = ok(w, "east", "StartVolumePairing", volumeID=1)["volumePairingKey"]
    err(w, "east", "CompleteVolumePairing", "xInvalidPairingKey", volumeID=1,
        volumePairingKey=key)  # own cluster's key
    ok(w, "west", "CompleteVolumePairing", volumeID=1, volumePairingKey=key)
    ok(w, "west", "RemoveVolumePair", volumeID=1)
    err(w, "west", "CompleteVolumePairing", "xInvalidPairingKey", volumeID=1,
        volumePairingKey=key)  # used
    ok(w, "east", "RemoveVolumePair", volumeID=1)
    stale = ok(w, "east", "StartVolumePairing", volumeID=1)["volumePairingKey"]
    ok(w, "east", "RemoveVolumePair", volumeID=1)  # clears the pending pairing
    err(w, "west", "CompleteVolumePairing", "xInvalidPairingKey", volumeID=1,
        volumePairingKey=stale)
    fresh = ok(w, "east", "StartVolumePairing", volumeID=1)["volumePairingKey"]
    err(w, "west", "CompleteVolumePairing", "xInvalidPairingKey", volumeID=1,
        volumePairingKey=stale)  # an older key of the same volume
    ok(w, "west", "CompleteVolumePairing", volumeID=1, volumePairingKey=fresh)


def test_complete_volume_pairing_other_errors():
    w = world()
    pair_clusters(w)
    key = ok(w, "east", "StartVolumePairing", volumeID=1)["volumePairingKey"]
    err(w, "west", "CompleteVolumePairing", "xVolumeIDDoesNotExist", volumeID=5,
        volumePairingKey=key)
    assert "volumePairingKey" in err(w, "west", "CompleteVolumePairing", "xMissingParameter",
                                     volumeID=1)
    err(w, "west", "CompleteVolumePairing", "xInvalidParameterType", volumeID=1,
        volumePairingKey=["x"])
    ok(w, "west", "StartVolumePairing", volumeID=1)
    err(w, "west", "CompleteVolumePairing", "xVolumeAlreadyPaired", volumeID=1,
        volumePairingKey=key)


# ---- the pair then runs: Resuming* → Active, data reaches the target ----------------------
def test_pairing_then_access_set_resumes_to_active_and_data_flows():
    w = world(target_access="readWrite")
    pair_clusters(w)
    pair_volumes(w)
    assert state(w, "east") == state(w, "west") == "PausedMisconfigured"
    run_for(w, 1.0)
    assert state(w, "east") == "PausedMisconfigured"
    assert np.isnan(writes_between(w, 0, w.now)["t_durable_remote_s"]).all()
    ok(w, "west", "ModifyVolume", volumeID=1, access="replicationTarget")
    assert state(w, "east") == "ResumingConnected"
    seen = set()
    t_end = w.now + 3.0
    while w.now < t_end:
        run_for(w, 0.01)
        seen.add(state(w, "east"))
    assert set(RESUMING) <= seen
    assert state(w, "east") == state(w, "west") == "Active"
    states = pair_states(w)
    start = states.index("ResumingConnected")
    assert states[start:start + 5] == [*RESUMING, "Active"]
    t_active = w.now
    run_for(w, 1.0)
    later = writes_between(w, t_active, w.now - 0.1)
    assert len(later["t_ack_s"]) > 100
    assert finite(later["t_durable_remote_s"])  # every write reached the target
    lag = later["t_durable_remote_s"] - later["t_ack_s"]
    assert lag.min() >= RTT_S / 2 - 1e-9
    # the writes made while misconfigured reached it through the resync
    t_paired = next(row[0] for row in w.model.log.rows if row[1] == "volume_pair")
    assert finite(writes_between(w, t_paired, 1.0)["t_durable_remote_s"])


def test_writes_made_before_the_pairing_reach_the_target_with_the_initial_sync():
    w = world()
    run_for(w, 0.5)
    t_paired = w.now
    assert len(writes_between(w, 0.0, t_paired)["t_ack_s"]) > 100
    pair_clusters(w)
    pair_volumes(w)
    run_for(w, 2.0)
    assert state(w, "east") == "Active"
    assert finite(writes_between(w, 0.0, t_paired)["t_durable_remote_s"])


def test_pause_stops_data_and_peer_shows_paused_manual_remote():
    w = paired_world()
    link_before = forward_bytes(w)
    run_for(w, 0.5)
    assert forward_bytes(w) > link_before
    assert ok(w, "east", "ModifyVolumePair", volumeID=1, pausedManual=True) == {}
    assert state(w, "east") == "PausedManual"
    assert state(w, "west") == "PausedManualRemote"
    assert volume_pair(w, "west")["remoteReplication"]["snapshotReplication"]["state"] in (
        "PausedManualRemote", "PausedManual")
    t_pause = w.now
    run_for(w, 0.05)  # messages already on the wire arrive
    frozen = forward_bytes(w)
    run_for(w, 1.0)
    assert forward_bytes(w) == frozen
    during = writes_between(w, t_pause, w.now)
    assert len(during["t_ack_s"]) > 100 and finite(during["t_ack_s"])  # still acknowledged
    assert np.isnan(during["t_durable_remote_s"]).all()
    # resume: Resuming* then Active, the paused writes reach the target
    ok(w, "east", "ModifyVolumePair", volumeID=1, pausedManual=False)
    assert state(w, "east") in RESUMING
    run_for(w, 2.0)
    assert state(w, "east") == state(w, "west") == "Active"
    assert forward_bytes(w) > frozen
    assert finite(writes_between(w, t_pause, t_pause + 1.0)["t_durable_remote_s"])


def test_pause_from_the_target_side():
    w = paired_world()
    ok(w, "west", "ModifyVolumePair", volumeID=1, pausedManual=True)
    assert (state(w, "west"), state(w, "east")) == ("PausedManual", "PausedManualRemote")
    run_for(w, 0.05)
    frozen = forward_bytes(w)
    run_for(w, 0.5)
    assert forward_bytes(w) == frozen
    ok(w, "east", "ModifyVolumePair", volumeID=1, pausedManual=True)  # both sides paused
    assert (state(w, "west"), state(w, "east")) == ("PausedManual", "PausedManual")
    ok(w, "west", "ModifyVolumePair", volumeID=1, pausedManual=False)
    assert (state(w, "west"), state(w, "east")) == ("PausedManualRemote", "PausedManual")
    ok(w, "east", "ModifyVolumePair", volumeID=1, pausedManual=False)
    run_for(w, 2.0)
    assert state(w, "east") == "Active"


def test_omitting_paused_manual_changes_nothing():
    w = paired_world()
    ok(w, "east", "ModifyVolumePair", volumeID=1, pausedManual=True)
    ok(w, "east", "ModifyVolumePair", volumeID=1)
    assert state(w, "east") == "PausedManual"


def test_live_mode_change_to_sync_adds_the_rtt_to_acks():
    w = paired_world(link={"rtt": 0.004})
    t0 = w.now
    run_for(w, 0.5)
    before = writes_between(w, t0, w.now)
    assert (before["t_ack_s"] - before["t_issue_s"]).max() < 0.004
    ok(w, "east", "ModifyVolumePair", volumeID=1, mode="sync")
    assert volume_pair(w, "east")["remoteReplication"]["mode"] == "Sync"
    assert volume_pair(w, "west")["remoteReplication"]["mode"] == "Sync"
    assert state(w, "east") == "Active"
    t1 = w.now
    run_for(w, 0.5)
    after = writes_between(w, t1, w.now - 0.05)
    latency = after["t_ack_s"] - after["t_issue_s"]
    assert len(latency) > 100
    assert latency.min() >= 0.004
    assert (after["t_ack_s"] >= after["t_durable_remote_s"]).all()
    # and back to Async: no RTT in the acks
    ok(w, "east", "ModifyVolumePair", volumeID=1, mode="ASYNC")
    t2 = w.now
    run_for(w, 0.5)
    again = writes_between(w, t2 + 0.01, w.now)
    assert (again["t_ack_s"] - again["t_issue_s"]).max() < 0.004
    assert volume_pair(w, "east")["remoteReplication"]["mode"] == "Async"


def test_modify_volume_pair_bad_mode_changes_nothing():
    w = paired_world(settle=0.1)
    message = err(w, "east", "ModifyVolumePair", "xInvalidParameter", volumeID=1,
                  mode="fast", pausedManual=True, pauseLimit=5)
    assert "Async, Sync, SnapshotsOnly" in message
    rr = volume_pair(w, "east")["remoteReplication"]
    assert rr["mode"] == "Async" and rr["state"] != "PausedManual"
    assert rr["pauseLimit"] == 3145728000


def test_modify_volume_pair_pause_limit():
    w = paired_world(settle=0.1)
    ok(w, "east", "ModifyVolumePair", volumeID=1, pauseLimit=1000000)
    assert volume_pair(w, "east")["remoteReplication"]["pauseLimit"] == 1000000
    assert model_pair(w).pause_limit_bytes == 1000000
    for bad in (0, -1):
        err(w, "east", "ModifyVolumePair", "xInvalidParameter", volumeID=1, pauseLimit=bad)
    err(w, "east", "ModifyVolumePair", "xInvalidParameterType", volumeID=1, pauseLimit=1.5)


def test_small_pause_limit_pauses_on_a_slow_link():
    w = world(mode="Async", link={"bandwidth": "10Mbps"}, rate=1000)  # established in sync
    assert state(w, "east") == "Active"
    ok(w, "east", "ModifyVolumePair", volumeID=1, pauseLimit=200_000)
    run_for(w, 1.0)  # 4 MB/s of writes into a 1.25 MB/s link
    assert state(w, "east") == "PausedSlowLink"


def test_modify_volume_pair_on_unpaired_volume():
    w = world()
    assert err(w, "east", "ModifyVolumePair", "xVolumeNotPaired", volumeID=1,
               pausedManual=True) == "Volume not paired."
    ok(w, "east", "StartVolumePairing", volumeID=1)  # pending only: still not paired
    err(w, "east", "ModifyVolumePair", "xVolumeNotPaired", volumeID=1, mode="Sync")
    err(w, "east", "ModifyVolumePair", "xVolumeIDDoesNotExist", volumeID=3)
    err(w, "east", "ModifyVolumePair", "xInvalidParameterType", volumeID=1,
        pausedManual="true")
    assert "volumeID" in err(w, "east", "ModifyVolumePair", "xMissingParameter",
                             volumeId=1)


# ---- ListActivePairedVolumes --------------------------------------------------------------
def test_list_active_paired_volumes_active_and_pending_paging():
    w = world()
    for i in range(2, 6):
        assert create_volume(w, "east", f"v{i}") == i
    pair_clusters(w)
    pair_volumes(w)  # east 1 active
    ok(w, "east", "StartVolumePairing", volumeID=3)  # pending
    ok(w, "east", "StartVolumePairing", volumeID=5)  # pending
    listed = ok(w, "east", "ListActivePairedVolumes")["volumes"]
    assert [v["volumeID"] for v in listed] == [1, 3, 5]
    for v in listed:
        check_volume(v)
        assert len(v["volumePairs"]) == 1
    assert [v["volumeID"] for v in ok(w, "east", "ListActivePairedVolumes",
                                      startVolumeID=2)["volumes"]] == [3, 5]
    assert [v["volumeID"] for v in ok(w, "east", "ListActivePairedVolumes",
                                      limit=2)["volumes"]] == [1, 3]
    assert [v["volumeID"] for v in ok(w, "west", "ListActivePairedVolumes")["volumes"]] == [1]
    err(w, "east", "ListActivePairedVolumes", "xInvalidParameter", limit=-1)
    err(w, "east", "ListActivePairedVolumes", "xInvalidParameterType", limit="2")


# ---- RemoveVolumePair ---------------------------------------------------------------------
def test_remove_volume_pair_is_local_peer_shows_paused_misconfigured():
    w = paired_world()
    assert ok(w, "east", "RemoveVolumePair", volumeID=1) == {}
    assert volume(w, "east", 1)["volumePairs"] == []
    assert state(w, "west") == "PausedMisconfigured"
    run_for(w, 0.05)
    frozen = forward_bytes(w)
    run_for(w, 0.5)
    assert forward_bytes(w) == frozen
    assert w.model.volume("east", "vol").source_pair is None
    assert ok(w, "east", "ListActivePairedVolumes")["volumes"] == []
    ok(w, "west", "RemoveVolumePair", volumeID=1)
    assert volume(w, "west", 1)["volumePairs"] == []
    assert ok(w, "west", "ListActivePairedVolumes")["volumes"] == []
    # both volumes still exist
    assert volume(w, "east", 1)["status"] == volume(w, "west", 1)["status"] == "active"


def test_remove_volume_pair_on_unpaired_volume_is_a_no_op():
    w = world()
    before = volume(w, "east", 1)
    assert ok(w, "east", "RemoveVolumePair", volumeID=1) == {}
    assert volume(w, "east", 1) == before
    ok(w, "east", "RemoveVolumePair", volumeID=1, mode="Async")  # unknown params ignored
    err(w, "east", "RemoveVolumePair", "xVolumeIDDoesNotExist", volumeID=42)
    err(w, "east", "RemoveVolumePair", "xMissingParameter")


def test_remove_volume_pair_clears_a_pending_pairing():
    w = world()
    ok(w, "east", "StartVolumePairing", volumeID=1)
    ok(w, "east", "RemoveVolumePair", volumeID=1)
    assert volume(w, "east", 1)["volumePairs"] == []
    ok(w, "east", "StartVolumePairing", volumeID=1)  # may start again


# ---- the seed's whole order of operations -------------------------------------------------
def test_seed_order_of_operations():
    w = world(target_access="readWrite", link={"rtt": 0.002})
    # 1. cluster pairing
    east_cp, west_cp = pair_clusters(w)
    assert {p["status"] for p in cluster_pairs(w, "east") + cluster_pairs(w, "west")} == {
        "Connected"}
    # 2. volume pairing, then the target's access
    pair_volumes(w)
    assert state(w, "east") == "PausedMisconfigured"
    ok(w, "west", "ModifyVolume", volumeID=1, access="replicationTarget")
    run_for(w, 2.0)
    assert state(w, "east") == state(w, "west") == "Active"
    t = w.now
    run_for(w, 0.5)
    flowing = writes_between(w, t, w.now - 0.05)
    assert finite(flowing["t_durable_remote_s"])
    # 3. pause: nothing flows
    ok(w, "east", "ModifyVolumePair", volumeID=1, pausedManual=True)
    run_for(w, 0.05)
    frozen = forward_bytes(w)
    run_for(w, 0.5)
    assert forward_bytes(w) == frozen
    assert state(w, "west") == "PausedManualRemote"
    # 4. resume
    ok(w, "east", "ModifyVolumePair", volumeID=1, pausedManual=False)
    run_for(w, 2.0)
    assert state(w, "east") == "Active"
    # 5. live mode change: the write path uses Sync
    ok(w, "east", "ModifyVolumePair", volumeID=1, mode="Sync")
    t = w.now
    run_for(w, 0.3)
    sync = writes_between(w, t, w.now - 0.05)
    assert (sync["mode"] == 2).all()  # MODE_CODES["Sync"]
    assert ((sync["t_ack_s"] - sync["t_issue_s"]) >= 0.002).all()
    # 6. removal of the volume pairs on both sides
    ok(w, "east", "RemoveVolumePair", volumeID=1)
    assert state(w, "west") == "PausedMisconfigured"
    t = w.now
    run_for(w, 0.3)
    alone = writes_between(w, t, w.now)
    assert (alone["t_ack_s"] - alone["t_issue_s"]).max() < 0.002  # no longer Sync
    assert np.isnan(alone["t_durable_remote_s"]).all()
    ok(w, "west", "RemoveVolumePair", volumeID=1)
    # 7. then the cluster pair, on both sides
    ok(w, "east", "RemoveClusterPair", clusterPairID=east_cp)
    assert cluster_pairs(w, "west")[0]["status"] == "Misconfigured"
    ok(w, "west", "RemoveClusterPair", clusterPairID=west_cp)
    assert cluster_pairs(w, "east") == cluster_pairs(w, "west") == []
    outcomes = w.results().api_calls["outcome"]
    assert (outcomes == "ok").all()


def test_a_cluster_cannot_pair_with_itself_even_via_the_other_name():
    w = world()
    key = ok(w, "east", "StartClusterPairing")["clusterPairingKey"]
    reply = call(w, "east", "CompleteClusterPairing", {"clusterPairingKey": key})
    assert reply["error"]["name"] == "xInvalidKey"
