"""Cluster-level methods: API discovery, identity, versions, limits, faults."""

from __future__ import annotations

from typing import Any

from replsim.api.clock import iso
from replsim.api.errors import ApiError
from replsim.api.objects import cluster_info_object
from replsim.api.params import Param
from replsim.api.registry import METHODS, method
from replsim.model.clusterpair import MAX_CLUSTER_PAIRS
from replsim.model.snapshots import MAX_SNAPSHOTS_PER_VOLUME

API_VERSION = "12.3"
SUPPORTED_VERSIONS = ["8.0", "9.0", "9.6", "10.0", "11.0", "12.0", "12.2", "12.3"]

LIMITS = {
    "accountCountMax": 5000, "accountNameLengthMax": 64, "accountNameLengthMin": 1,
    "bulkVolumeJobsPerNodeMax": 8, "bulkVolumeJobsPerVolumeMax": 2, "cloneJobsPerVolumeMax": 2,
    "clusterPairsCountMax": MAX_CLUSTER_PAIRS, "initiatorNameLengthMax": 224,
    "initiatorCountMax": 10000, "initiatorsPerVolumeAccessGroupCountMax": 128,
    "iscsiSessionsFromFibreChannelNodesMax": 4096, "secretLengthMax": 16,
    "secretLengthMin": 12, "snapshotNameLengthMax": 255,
    "snapshotsPerVolumeMax": MAX_SNAPSHOTS_PER_VOLUME, "volumeAccessGroupCountMax": 1000,
    "volumeAccessGroupLunMax": 16383, "volumeAccessGroupNameLengthMax": 64,
    "volumeAccessGroupNameLengthMin": 1, "volumeAccessGroupsPerInitiatorCountMax": 1,
    "volumeAccessGroupsPerVolumeCountMax": 4, "volumeBurstIOPSMax": 200000,
    "volumeBurstIOPSMin": 100, "volumeCountMax": 4000, "volumeMaxIOPSMax": 200000,
    "volumeMaxIOPSMin": 100, "volumeMinIOPSMax": 15000, "volumeMinIOPSMin": 50,
    "volumeNameLengthMax": 64, "volumeNameLengthMin": 1, "volumeSizeMax": 17592186044416,
    "volumeSizeMin": 1000000000, "volumesPerAccountCountMax": 2000,
    "volumesPerGroupSnapshotMax": 32, "volumesPerVolumeAccessGroupCountMax": 2000,
    "nodesPerClusterCountMax": 100, "nodesPerClusterCountMin": 3,
    # required members of the SDK's GetLimitsResult (values from Element's documented example)
    "initiatorAliasLengthMax": 224, "qosPolicyCountMax": 500, "scheduleNameLengthMax": 244,
}


@method("GetAPI")
def get_api(ctx, params: dict[str, Any]) -> dict[str, Any]:
    names = sorted(METHODS)
    return {API_VERSION: names, "currentVersion": float(API_VERSION),
            "supportedVersions": SUPPORTED_VERSIONS}


@method("GetClusterInfo")
def get_cluster_info(ctx, params: dict[str, Any]) -> dict[str, Any]:
    return {"clusterInfo": cluster_info_object(ctx.cluster)}


@method("GetClusterVersionInfo")
def get_cluster_version_info(ctx, params: dict[str, Any]) -> dict[str, Any]:
    version = ctx.cluster.identity.version
    return {
        "clusterAPIVersion": API_VERSION,
        "clusterVersion": version,
        "clusterVersionInfo": [
            {"nodeID": n.node_id, "nodeInternalRevision": version, "nodeVersion": version}
            for n in ctx.cluster.nodes],
        "pendingClusterVersion": None,
        "softwareVersionInfo": {"currentVersion": version, "nodeID": 0, "packageName": "",
                                "pendingVersion": version, "startTime": ""},
    }


@method("GetLimits")
def get_limits(ctx, params: dict[str, Any]) -> dict[str, Any]:
    return dict(LIMITS)


def _fault(fault_id: int, code: str, details: str, severity: str, t_s: float,
           resolved_s: float | None) -> dict[str, Any]:
    return {
        "clusterFaultID": fault_id, "code": code, "data": None, "date": iso(t_s),
        "details": details, "driveID": 0, "driveIDs": [], "externalSource": "",
        "networkInterface": "", "nodeHardwareFaultID": 0, "nodeID": 0, "nodeIDs": [],
        "resolved": resolved_s is not None, "resolvedDate": iso(resolved_s) or "",
        "serviceID": 0, "severity": severity, "type": "cluster", "blockUpgrade": False,
    }


def replication_faults(ctx) -> list[dict[str, Any]]:
    """disconnectedClusterPair faults, current and resolved, from the state history."""
    me = ctx.cluster.name
    faults: list[dict[str, Any]] = []
    open_since: dict[str, float] = {}
    for t_s, kind, obj, side, _old, new, _cause in ctx.model.log.rows:
        if kind != "cluster_pair" or side != me:
            continue
        if new == "Disconnected":
            open_since[obj] = t_s
        elif obj in open_since:
            start = open_since.pop(obj)
            faults.append(_fault(len(faults) + 1, "disconnectedClusterPair",
                                 f"Cluster pair {obj} is disconnected.", "warning", start, t_s))
    for obj, start in open_since.items():
        faults.append(_fault(len(faults) + 1, "disconnectedClusterPair",
                             f"Cluster pair {obj} is disconnected.", "warning", start, None))
    threshold = ctx.model.params.async_delay_warning_s
    if threshold > 0:
        for volume in ctx.cluster.volumes.values():
            pair = volume.source_pair
            if pair is not None and pair.rpo_s(ctx.now) > threshold:
                faults.append(_fault(len(faults) + 1, "remoteRepAsyncDelayExceeded",
                                     f"Volume {volume.volume_id}: async delay above "
                                     f"{threshold:g} s.", "warning", ctx.now, None))
    return faults


@method("ListClusterFaults", Param("bestPractices", "bool", default=False),
        Param("faultTypes", "str", default="current"))
def list_cluster_faults(ctx, params: dict[str, Any]) -> dict[str, Any]:
    kind = params["faultTypes"]
    if kind not in ("current", "resolved", "all"):
        raise ApiError("xInvalidParameter",
                       "Invalid value for member=[faultTypes]: use current, resolved or all")
    faults = replication_faults(ctx)
    if kind == "current":
        faults = [f for f in faults if not f["resolved"]]
    elif kind == "resolved":
        faults = [f for f in faults if f["resolved"]]
    return {"faults": faults}
