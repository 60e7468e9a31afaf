"""Element objects built from model state: every documented field with its type, in every
state a scenario reaches (unpaired, pending, active, paused, deleted, misconfigured)."""

from __future__ import annotations

import json

from replsim.api.objects import SLICE_SERVICE_ID_BASE
from tests.api.helpers import (
    cluster_pairs,
    create_volume,
    ok,
    pair_clusters,
    pair_volumes,
    paired_world,
    run_for,
    volume,
    volume_pair,
    world,
)
from tests.api.shapes import (
    check_account,
    check_cluster_info,
    check_cluster_pair,
    check_qos,
    check_snapshot,
    check_volume,
    check_volume_pair,
)


def every_object(w) -> None:
    """Every object every list method returns, on both clusters, passes its check."""
    for cluster in ("east", "west"):
        for v in ok(w, cluster, "ListVolumes")["volumes"]:
            check_volume(v)
        for v in ok(w, cluster, "ListActivePairedVolumes")["volumes"]:
            check_volume(v)
        for cp in cluster_pairs(w, cluster):
            check_cluster_pair(cp)
        for a in ok(w, cluster, "ListAccounts")["accounts"]:
            check_account(a)
        for s in ok(w, cluster, "ListSnapshots")["snapshots"]:
            check_snapshot(s)
        check_cluster_info(ok(w, cluster, "GetClusterInfo")["clusterInfo"])


def test_objects_through_a_lifecycle():
    w = world(rate=500)
    every_object(w)
    ok(w, "east", "StartClusterPairing")  # pending cluster pair
    every_object(w)
    ok(w, "east", "RemoveClusterPair", clusterPairID=1)
    pair_clusters(w)
    ok(w, "east", "StartVolumePairing", volumeID=1)  # pending volume pair
    every_object(w)
    ok(w, "east", "RemoveVolumePair", volumeID=1)
    pair_volumes(w)
    every_object(w)  # Resuming*
    run_for(w, 2.0)
    ok(w, "east", "CreateSnapshot", volumeID=1, enableRemoteReplication=True,
       retention="01:00:00", attributes={"k": "v"})
    every_object(w)  # Active, snapshot syncing
    ok(w, "east", "ModifyVolumePair", volumeID=1, pausedManual=True)
    every_object(w)  # PausedManual / PausedManualRemote
    w.model.link_between("east", "west").set_up(False)
    run_for(w, 10.0)
    every_object(w)  # Disconnected
    w.model.link_between("east", "west").set_up(True)
    ok(w, "east", "DeleteVolume", volumeID=1)
    every_object(w)  # deleted, peer PausedMisconfigured
    ok(w, "east", "PurgeDeletedVolume", volumeID=1)
    every_object(w)  # peer StoppedMisconfigured
    ok(w, "east", "RemoveClusterPair", clusterPairID=cluster_pairs(w, "east")[0][
        "clusterPairID"])
    every_object(w)  # peer Misconfigured


def test_pending_volume_pair_entry():
    w = world(rate=None)
    ok(w, "east", "StartVolumePairing", volumeID=1, mode="snapshotsonly")
    (entry,) = volume(w, "east", 1)["volumePairs"]
    check_volume_pair(entry)
    assert entry["clusterPairID"] == 0 and entry["remoteVolumeID"] == 0
    assert entry["remoteVolumeName"] == ""
    assert entry["remoteReplication"]["mode"] == "SnapshotsOnly"
    assert entry["remoteReplication"]["state"] == "PausedMisconfigured"


def test_volume_pair_remote_ids_come_from_the_remote_slice_placement():
    w = world(rate=None)
    for name in ("b", "c"):
        create_volume(w, "west", name)
    pair_clusters(w)
    pair_volumes(w, ("east", 1), ("west", 3))
    west_volume = w.model.clusters["west"].volumes[3]
    east_volume = w.model.clusters["east"].volumes[1]
    east_entry = volume_pair(w, "east", 1)
    assert east_entry["remoteVolumeID"] == east_entry["remoteSliceID"] == 3
    assert east_entry["remoteReplication"]["remoteServiceID"] == (
        SLICE_SERVICE_ID_BASE + west_volume.path.primary.node_id)
    west_entry = volume_pair(w, "west", 3)
    assert west_entry["remoteReplication"]["remoteServiceID"] == (
        SLICE_SERVICE_ID_BASE + east_volume.path.primary.node_id)
    assert east_entry["remoteReplication"]["remoteServiceID"] != west_entry[
        "remoteReplication"]["remoteServiceID"]
    stats = ok(w, "east", "GetVolumeStats", volumeID=1)["volumeStats"]
    assert stats["metadataHosts"]["primary"] == SLICE_SERVICE_ID_BASE + 1


def test_volume_derived_identifiers():
    w = world(rate=None)
    unique = ok(w, "east", "GetClusterInfo")["clusterInfo"]["uniqueID"]
    v = volume(w, "east", 1)
    assert v["iqn"] == f"iqn.2010-01.com.solidfire:{unique}.vol.1"
    unique_hex = unique.encode().hex()
    assert v["scsiEUIDeviceID"] == f"{unique_hex}00000001f47acc0100000000"
    assert v["scsiNAADeviceID"] == f"6f47acc100000000{unique_hex}00000001"
    assert v["volumeUUID"] != v["volumeConsistencyGroupUUID"]
    assert v["volumeUUID"] == w.model.volume("east", "vol").uuid


def test_qos_curve_is_an_object():
    w = world(rate=None)
    qos = volume(w, "east", 1)["qos"]
    check_qos(qos)
    assert qos["curve"] == {"4096": 100, "8192": 160, "16384": 270, "32768": 500,
                            "65536": 1000, "131072": 1950, "262144": 3900, "524288": 7600,
                            "1048576": 15000}


def test_objects_are_plain_json():
    w = paired_world(rate=200)
    ok(w, "east", "CreateSnapshot", volumeID=1, enableRemoteReplication=True)
    for method in ("ListVolumes", "ListActivePairedVolumes", "ListClusterPairs",
                   "ListAccounts", "ListSnapshots", "GetClusterInfo", "ListVolumeStats",
                   "ListSyncJobs", "ListClusterFaults", "GetAPI", "GetLimits"):
        result = ok(w, "east", method)
        assert json.loads(json.dumps(result, allow_nan=False)) == result


def test_paused_sides_show_their_own_state():
    w = paired_world()
    ok(w, "west", "ModifyVolumePair", volumeID=1, pausedManual=True)
    east = volume_pair(w, "east")["remoteReplication"]
    west = volume_pair(w, "west")["remoteReplication"]
    assert (east["state"], west["state"]) == ("PausedManualRemote", "PausedManual")
    assert east["snapshotReplication"]["state"] == "PausedManualRemote"
