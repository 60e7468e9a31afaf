"""Checks of Element objects against the documented fields and types (element-api.md §4,
SPEC §3: what the SolidFire SDK asserts on)."""

from __future__ import annotations

import re
import uuid
from typing import Any

ACCESS = {"locked", "readOnly", "readWrite", "replicationTarget", "snapMirrorTarget"}
SCHEMES = {"singleHelix", "doubleHelix", "tripleHelix"}
MODES = {"Async", "Sync", "SnapshotsOnly"}
PAIR_STATES = {
    "Active", "Idle", "PausedDisconnected", "ResumingConnected", "ResumingRRSync",
    "ResumingLocalSync", "ResumingDataTransfer", "PausedManual", "PausedManualRemote",
    "PausedMisconfigured", "PausedClusterFull", "PausedExceededMaxSnapshotCount", "PausedQoS",
    "PausedSlowLink", "PausedVolumeSizeMismatch", "PausedXCopy", "StoppedMisconfigured",
}
CLUSTER_PAIR_STATUSES = {"Unconfigured", "Connected", "Misconfigured", "Disconnected"}
REMOTE_STATUSES = {"Present", "Not Present", "Syncing", "Deleted", "Unknown"}
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_uuid(value: Any) -> None:
    assert isinstance(value, str) and value, value
    assert str(uuid.UUID(value)) == value  # valid and in canonical (lowercase) form


def check_date(value: Any, empty: tuple = ()) -> None:
    if value in empty:
        return
    assert isinstance(value, str) and ISO.match(value), value


def check_fields(obj: dict[str, Any], types: dict[str, Any]) -> None:
    missing = set(types) - set(obj)
    assert not missing, f"missing fields {sorted(missing)}"
    for name, kind in types.items():
        value = obj[name]
        if kind == "int":
            assert is_int(value), (name, value)
        elif kind == "uuid":
            check_uuid(value)
        elif kind is None:
            assert value is None, (name, value)
        elif isinstance(kind, tuple):
            assert isinstance(value, kind), (name, value)
        else:
            assert isinstance(value, kind) and not (kind is int and isinstance(value, bool)), (
                name, value)


def check_qos(qos: dict[str, Any]) -> None:
    check_fields(qos, {"minIOPS": "int", "maxIOPS": "int", "burstIOPS": "int",
                       "burstTime": "int", "curve": dict})
    assert qos["curve"], "curve is an object with points"
    for size, cost in qos["curve"].items():
        assert isinstance(size, str) and size.isdigit()
        assert isinstance(cost, int | float)
    assert qos["curve"]["4096"] == 100
    assert 50 <= qos["minIOPS"] <= qos["maxIOPS"] <= qos["burstIOPS"]


def check_remote_replication(rr: dict[str, Any]) -> None:
    check_fields(rr, {"mode": str, "pauseLimit": "int", "remoteServiceID": "int",
                      "resumeDetails": str, "snapshotReplication": dict, "state": str,
                      "stateDetails": str})
    assert rr["mode"] in MODES
    assert rr["state"] in PAIR_STATES, rr["state"]
    check_fields(rr["snapshotReplication"], {"state": str, "stateDetails": str})


def check_volume_pair(vp: dict[str, Any]) -> None:
    check_fields(vp, {"clusterPairID": "int", "remoteReplication": dict, "remoteSliceID": "int",
                      "remoteVolumeID": "int", "remoteVolumeName": str,
                      "volumePairUUID": "uuid"})
    check_remote_replication(vp["remoteReplication"])


def check_volume(v: dict[str, Any]) -> None:
    check_fields(v, {
        "access": str, "accountID": "int", "attributes": dict, "blockSize": "int",
        "createTime": str, "currentProtectionScheme": str, "deleteTime": str,
        "dontMoveForIopsRebalance": bool, "enable512e": bool,
        "enableSnapMirrorReplication": bool, "fifoSize": "int", "minFifoSize": "int",
        "iqn": str, "lastAccessTime": (str, type(None)), "lastAccessTimeIO": (str, type(None)),
        "name": str, "previousProtectionScheme": (str, type(None)), "purgeTime": str,
        "qos": dict, "qosPolicyID": (int, type(None)), "scsiEUIDeviceID": str,
        "scsiNAADeviceID": str, "sliceCount": "int", "status": str, "totalSize": "int",
        "virtualVolumeID": None, "volumeAccessGroups": list,
        "volumeConsistencyGroupUUID": "uuid", "volumeID": "int", "volumePairs": list,
        "volumeUUID": "uuid",
    })
    assert v["access"] in ACCESS
    assert v["currentProtectionScheme"] in SCHEMES
    assert v["blockSize"] == 4096
    assert v["status"] in {"init", "active", "deleted"}
    assert v["totalSize"] % 2**20 == 0
    assert re.fullmatch(r"[0-9a-f]{32}", v["scsiEUIDeviceID"])
    assert re.fullmatch(r"[0-9a-f]{32}", v["scsiNAADeviceID"])
    assert v["iqn"].startswith("iqn.2010-01.com.solidfire:")
    assert v["iqn"].endswith(f".{v['volumeID']}")
    check_date(v["createTime"])
    if v["status"] == "deleted":
        check_date(v["deleteTime"])
        check_date(v["purgeTime"])
    else:
        assert v["deleteTime"] == "" and v["purgeTime"] == ""
    check_qos(v["qos"])
    for vp in v["volumePairs"]:
        check_volume_pair(vp)


def check_account(a: dict[str, Any]) -> None:
    check_fields(a, {"accountID": "int", "username": str, "status": str, "volumes": list,
                     "initiatorSecret": str, "targetSecret": str, "enableChap": bool,
                     "storageContainerID": "uuid", "attributes": dict})
    assert a["status"] in {"active", "locked", "removed"}
    assert all(is_int(v) for v in a["volumes"])
    assert 12 <= len(a["initiatorSecret"]) <= 16 and 12 <= len(a["targetSecret"]) <= 16
    assert a["initiatorSecret"] != a["targetSecret"]


def check_snapshot(s: dict[str, Any]) -> None:
    check_fields(s, {
        "snapshotID": "int", "volumeID": "int", "volumeName": str, "name": str,
        "snapshotUUID": "uuid", "instanceSnapshotUUID": "uuid", "instanceCreateTime": str,
        "enableRemoteReplication": bool, "remoteStatuses": list, "status": str,
        "expirationReason": str, "expirationTime": (str, type(None)), "groupID": "int",
        "groupSnapshotUUID": "uuid", "checksum": str, "totalSize": "int", "createTime": str,
        "attributes": dict, "snapMirrorLabel": str, "virtualVolumeID": None,
    })
    check_date(s["createTime"])
    check_date(s["instanceCreateTime"])
    check_date(s["expirationTime"], empty=(None,))
    assert s["expirationReason"] in {"Api", "None", "Test", "fifo"}
    for rs in s["remoteStatuses"]:
        check_fields(rs, {"remoteStatus": str, "volumePairUUID": "uuid"})
        assert rs["remoteStatus"] in REMOTE_STATUSES


def check_cluster_pair(cp: dict[str, Any]) -> None:
    check_fields(cp, {"clusterName": str, "clusterPairID": "int", "clusterPairUUID": "uuid",
                      "clusterUUID": str, "latency": "int", "mvip": str, "status": str,
                      "version": str})
    assert cp["status"] in CLUSTER_PAIR_STATUSES
    if cp["status"] != "Unconfigured" or cp["clusterName"]:
        assert len(cp["clusterUUID"]) == 4  # the remote cluster's uniqueID


def check_cluster_info(info: dict[str, Any]) -> None:
    check_fields(info, {
        "attributes": dict, "defaultProtectionScheme": str, "enabledProtectionSchemes": list,
        "supportedProtectionSchemes": list, "encryptionAtRestState": str,
        "softwareEncryptionAtRestState": str, "ensemble": list, "mvip": str,
        "mvipInterface": str, "mvipNodeID": "int", "mvipVlanTag": str, "name": str,
        "repCount": "int", "svip": str, "svipInterface": str, "svipNodeID": "int",
        "svipVlanTag": str, "uniqueID": str, "uuid": "uuid",
    })
    assert info["defaultProtectionScheme"] in SCHEMES
    assert set(info["enabledProtectionSchemes"]) <= SCHEMES
    assert set(info["supportedProtectionSchemes"]) <= SCHEMES
    assert len(info["uniqueID"]) == 4
    assert info["repCount"] == 2
