"""Cluster-level methods: GetAPI, GetClusterInfo, GetClusterVersionInfo, GetLimits,
ListClusterFaults."""

from __future__ import annotations

import re

from replsim.api.registry import METHODS
from tests.api.helpers import err, ok, pair_clusters, run_for, world
from tests.api.shapes import ISO, check_cluster_info, check_date, is_int

NINE = ["StartClusterPairing", "CompleteClusterPairing", "ListClusterPairs", "RemoveClusterPair",
        "StartVolumePairing", "CompleteVolumePairing", "ModifyVolumePair",
        "ListActivePairedVolumes", "RemoveVolumePair"]
SUPPORTING = ["GetAPI", "GetClusterInfo", "GetClusterVersionInfo", "GetLimits", "AddAccount",
              "ListAccounts", "GetAccountByName", "CreateVolume", "ModifyVolume",
              "DeleteVolume", "ListVolumes", "ListActiveVolumes", "ListVolumesForAccount",
              "CreateSnapshot", "CreateGroupSnapshot", "ListSnapshots", "DeleteSnapshot",
              "ModifySnapshot", "ListSyncJobs", "ListVolumeStats", "GetVolumeStats",
              "ListClusterFaults"]


def test_get_api_versions_and_methods():
    w = world()
    result = ok(w, "east", "GetAPI")
    assert result["currentVersion"] == 12.3 and isinstance(result["currentVersion"], float)
    versions = result["supportedVersions"]
    assert isinstance(versions, list) and all(isinstance(v, str) for v in versions)
    assert "12.3" in versions and "8.0" in versions
    methods = result["12.3"]
    assert methods == sorted(methods) == sorted(METHODS)
    assert set(NINE + SUPPORTING) <= set(methods)


def test_get_cluster_info():
    w = world()
    east = ok(w, "east", "GetClusterInfo")["clusterInfo"]
    west = ok(w, "west", "GetClusterInfo")["clusterInfo"]
    check_cluster_info(east)
    check_cluster_info(west)
    assert east["name"] == "east" and west["name"] == "west"
    assert east["mvip"] != west["mvip"] and east["uuid"] != west["uuid"]
    assert re.fullmatch(r"[a-z0-9]{4}", east["uniqueID"])


def test_get_cluster_info_uses_the_scenario_mvip():
    w = world()
    data_mvip = w.model.clusters["east"].identity.mvip
    assert ok(w, "east", "GetClusterInfo")["clusterInfo"]["mvip"] == data_mvip


def test_get_cluster_version_info():
    w = world()
    result = ok(w, "east", "GetClusterVersionInfo")
    assert result["clusterAPIVersion"] == "12.3"
    assert result["clusterVersion"] == "12.3.0.958"
    nodes = result["clusterVersionInfo"]
    assert len(nodes) == 4
    for node in nodes:
        assert is_int(node["nodeID"]) and node["nodeVersion"] == "12.3.0.958"


def test_get_limits():
    w = world()
    limits = ok(w, "east", "GetLimits")
    assert limits["clusterPairsCountMax"] == 4
    assert limits["snapshotsPerVolumeMax"] == 32
    assert limits["volumesPerGroupSnapshotMax"] == 32
    assert (limits["volumeSizeMin"], limits["volumeSizeMax"]) == (1000000000, 17592186044416)
    assert limits["volumeNameLengthMax"] == 64
    assert all(is_int(v) for v in limits.values())


def test_unknown_params_are_ignored():
    w = world()
    assert ok(w, "east", "GetLimits", bogus=1, another={"x": []}) == ok(w, "east", "GetLimits")


def test_list_cluster_faults_disconnected_cluster_pair():
    w = world()
    pair_clusters(w)
    assert ok(w, "east", "ListClusterFaults")["faults"] == []
    link = w.model.link_between("east", "west")
    run_for(w, 1.0)
    link.set_up(False)
    t_down = w.now
    run_for(w, 2.0)
    (fault,) = ok(w, "east", "ListClusterFaults")["faults"]
    assert fault["code"] == "disconnectedClusterPair"
    assert fault["resolved"] is False and fault["resolvedDate"] == ""
    assert fault["severity"] == "warning" and fault["type"] == "cluster"
    check_date(fault["date"])
    assert fault["date"] == "2026-01-01T00:00:01Z" and t_down >= 1.0
    assert is_int(fault["clusterFaultID"])
    assert len(ok(w, "west", "ListClusterFaults")["faults"]) == 1
    link.set_up(True)
    run_for(w, 1.0)
    assert ok(w, "east", "ListClusterFaults")["faults"] == []
    (resolved,) = ok(w, "east", "ListClusterFaults", faultTypes="resolved")["faults"]
    assert resolved["resolved"] is True and ISO.match(resolved["resolvedDate"])
    assert len(ok(w, "east", "ListClusterFaults", faultTypes="all")["faults"]) == 1


def test_list_cluster_faults_bad_type():
    w = world()
    message = err(w, "east", "ListClusterFaults", "xInvalidParameter", faultTypes="some")
    assert "current" in message and "resolved" in message
    err(w, "east", "ListClusterFaults", "xInvalidParameterType", faultTypes=1)
