"""Volumes: create, modify (access, QoS, grow), delete/restore/purge, list."""

from __future__ import annotations

from typing import Any

from replsim.api import lookup
from replsim.api.cluster import LIMITS
from replsim.api.errors import ApiError
from replsim.api.objects import qos_object, volume_object
from replsim.api.params import Param
from replsim.api.registry import method
from replsim.model.qos import QosSettings
from replsim.model.volume import ACCESS_VALUES, Volume


def _qos(current: QosSettings, given: dict[str, Any] | None) -> QosSettings:
    if not given:
        return current
    merged = {**current.to_element(), **given}
    try:
        return QosSettings.from_element(merged)
    except (ValueError, TypeError) as exc:
        raise ApiError("xInvalidParameter", f"Invalid value for member=[qos]: {exc}") from None


def _bad_access(access: str) -> ApiError:
    return ApiError("xUnrecognizedEnumString",
                    f"Unrecognized enum string {access[:64]!r} for member=[access]; allowed: "
                    f"{', '.join(ACCESS_VALUES)}")


def _size(total: int) -> int:
    low, high = LIMITS["volumeSizeMin"], LIMITS["volumeSizeMax"]
    if not low <= total <= high:
        raise ApiError("xInvalidParameter",
                       f"Invalid value for member=[totalSize]: {total}; allowed {low}..{high}")
    return total


@method("CreateVolume", Param("name", "str", required=True),
        Param("accountID", "int", required=True), Param("totalSize", "int", required=True),
        Param("enable512e", "bool", default=False), Param("qos", "dict", default=None),
        Param("qosPolicyID", "int"), Param("attributes", "dict", default=None),
        Param("access", "str"), Param("fifoSize", "int"), Param("minFifoSize", "int"))
def create_volume(ctx, params: dict[str, Any]) -> dict[str, Any]:
    name = params["name"]
    if not 1 <= len(name) <= LIMITS["volumeNameLengthMax"]:
        raise ApiError("xInvalidParameter", "Invalid value for member=[name]: 1-64 characters")
    lookup.account(ctx.cluster, params["accountID"])
    if params["qos"] is not None and params["qosPolicyID"] is not None:
        raise ApiError("xInvalidParameter", "qos and qosPolicyID are mutually exclusive")
    if params["qosPolicyID"] is not None:
        raise ApiError("xQoSPolicyDoesNotExist",
                       f"QoSPolicyID {params['qosPolicyID']} does not exist.")
    if params["access"] is not None and params["access"] not in ACCESS_VALUES:
        raise _bad_access(params["access"])
    if params["access"] not in (None, "snapMirrorTarget"):
        raise ApiError("xInvalidParameter",
                       "CreateVolume accepts only access=snapMirrorTarget; set other access "
                       "modes with ModifyVolume")
    volume = ctx.model.create_volume(
        ctx.cluster.name, name, _size(params["totalSize"]),
        _qos(QosSettings(min_iops=50, max_iops=15000, burst_iops=15000), params["qos"]),
        params["access"] or "readWrite", params["accountID"])
    volume.enable512e = params["enable512e"]
    volume.attributes = dict(params["attributes"] or {})
    return {"volumeID": volume.volume_id, "volume": volume_object(volume),
            "curve": qos_object(volume.qos.settings)["curve"]}


@method("ModifyVolume", Param("volumeID", "int", required=True), Param("access", "str"),
        Param("accountID", "int"), Param("qos", "dict"), Param("attributes", "dict"),
        Param("totalSize", "int"), Param("qosPolicyID", "int"), Param("fifoSize", "int"),
        Param("minFifoSize", "int"))
def modify_volume(ctx, params: dict[str, Any]) -> dict[str, Any]:
    volume = lookup.volume(ctx.cluster, params["volumeID"])
    access = params["access"]
    if access is not None and access not in ACCESS_VALUES:
        raise _bad_access(access)
    if params["accountID"] is not None:
        lookup.account(ctx.cluster, params["accountID"])
    if params["qosPolicyID"] is not None:  # replsim has no QoS policies (as in CreateVolume)
        raise ApiError("xQoSPolicyDoesNotExist",
                       f"QoSPolicyID {params['qosPolicyID']} does not exist.")
    if params["totalSize"] is not None and params["totalSize"] < volume.size_bytes:
        raise ApiError("xVolumeShrinkProhibited", "Volumes cannot be shrunk.")
    qos = _qos(volume.qos.settings, params["qos"])
    if params["totalSize"] is not None:
        ctx.model.resize_volume(volume, _size(params["totalSize"]))
    if params["qos"]:
        volume.qos.update(qos, ctx.now)
    if params["accountID"] is not None:
        volume.account_id = params["accountID"]
    if params["attributes"] is not None:
        volume.attributes = dict(params["attributes"])
    if access is not None and access != volume.access:
        ctx.model.set_access(volume, access)
    return {"volume": volume_object(volume)}


@method("DeleteVolume", Param("volumeID", "int", required=True))
def delete_volume(ctx, params: dict[str, Any]) -> dict[str, Any]:
    volume = lookup.volume(ctx.cluster, params["volumeID"])
    ctx.model.delete_volume(volume)
    return {"volumeID": volume.volume_id, "volume": volume_object(volume),
            "curve": qos_object(volume.qos.settings)["curve"]}


@method("RestoreDeletedVolume", Param("volumeID", "int", required=True))
def restore_deleted_volume(ctx, params: dict[str, Any]) -> dict[str, Any]:
    volume = lookup.volume(ctx.cluster, params["volumeID"], allow_deleted=True)
    if volume.deleted:
        ctx.model.restore_volume(volume)
    return {}


@method("PurgeDeletedVolume", Param("volumeID", "int", required=True))
def purge_deleted_volume(ctx, params: dict[str, Any]) -> dict[str, Any]:
    volume = lookup.volume(ctx.cluster, params["volumeID"], allow_deleted=True)
    if not volume.deleted:
        raise ApiError("xVolumeNotDeleted",
                       f"Volume {volume.volume_id} must be deleted before it is purged.")
    ctx.model.purge_volume(volume)
    return {}


def _page(volumes: list[Volume], start: int, limit: int) -> list[Volume]:
    found = [v for v in sorted(volumes, key=lambda v: v.volume_id) if v.volume_id >= start]
    return found[:limit] if limit else found


@method("ListVolumes", Param("startVolumeID", "int", minimum=0),
        Param("limit", "int", minimum=0),
        Param("volumeIDs", "list[int]"), Param("accounts", "list[int]"),
        Param("volumeName", "str"), Param("volumeStatus", "str"), Param("isPaired", "bool"),
        Param("includeVirtualVolumes", "bool", default=True))
def list_volumes(ctx, params: dict[str, Any]) -> dict[str, Any]:
    if params["volumeIDs"] is not None and any(
            params[k] is not None for k in ("accounts", "startVolumeID", "limit")):
        raise ApiError("xInvalidParameter",
                       "volumeIDs cannot be combined with accounts, startVolumeID or limit")
    volumes = list(ctx.cluster.volumes.values())
    if params["volumeIDs"] is not None:
        wanted = set(params["volumeIDs"])
        volumes = [v for v in volumes if v.volume_id in wanted]
    if params["accounts"] is not None:
        volumes = [v for v in volumes if v.account_id in set(params["accounts"])]
    if params["volumeName"] is not None:
        volumes = [v for v in volumes if v.name == params["volumeName"]]
    if params["volumeStatus"] is not None:
        status = params["volumeStatus"]
        volumes = [v for v in volumes if ("deleted" if v.deleted else "active") == status]
    if params["isPaired"] is not None:
        volumes = [v for v in volumes if bool(v.pairs) == params["isPaired"]]
    found = _page(volumes, params["startVolumeID"] or 0, params["limit"] or 10000)
    return {"volumes": [volume_object(v) for v in found]}


@method("ListActiveVolumes", Param("startVolumeID", "int", default=0, minimum=0),
        Param("limit", "int", default=0, minimum=0),
        Param("includeVirtualVolumes", "bool", default=True))
def list_active_volumes(ctx, params: dict[str, Any]) -> dict[str, Any]:
    volumes = [v for v in ctx.cluster.volumes.values() if not v.deleted]
    found = _page(volumes, params["startVolumeID"], params["limit"])
    return {"volumes": [volume_object(v) for v in found]}


@method("ListDeletedVolumes", Param("includeVirtualVolumes", "bool", default=True))
def list_deleted_volumes(ctx, params: dict[str, Any]) -> dict[str, Any]:
    found = _page([v for v in ctx.cluster.volumes.values() if v.deleted], 0, 0)
    return {"volumes": [volume_object(v) for v in found]}


@method("ListVolumesForAccount", Param("accountID", "int", required=True),
        Param("startVolumeID", "int", default=0, minimum=0),
        Param("limit", "int", default=0, minimum=0),
        Param("includeVirtualVolumes", "bool", default=True))
def list_volumes_for_account(ctx, params: dict[str, Any]) -> dict[str, Any]:
    lookup.account(ctx.cluster, params["accountID"])
    volumes = [v for v in ctx.cluster.volumes.values() if v.account_id == params["accountID"]]
    found = _page(volumes, params["startVolumeID"], params["limit"])
    return {"volumes": [volume_object(v) for v in found]}
