"""Snapshots: create (single and group), list with remote statuses, modify, delete."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from replsim import rng as rngmod
from replsim.api import lookup
from replsim.api.clock import EPOCH
from replsim.api.errors import ApiError
from replsim.api.objects import ZERO_UUID, snapshot_object
from replsim.api.params import Param
from replsim.api.registry import method
from replsim.model.cluster import stable_uuid
from replsim.model.snapshots import Snapshot, SnapshotError

MAX_GROUP_VOLUMES = 32
COMMON = (Param("name", "str"), Param("enableRemoteReplication", "bool", default=False),
          Param("ensureSerialCreation", "bool", default=False), Param("retention", "str"),
          Param("expirationTime", "str"), Param("attributes", "dict"),
          Param("snapMirrorLabel", "str"))


def _retention_s(ctx, params: dict[str, Any]) -> float | None:
    retention, expiration = params["retention"], params["expirationTime"]
    if retention is not None and expiration is not None:
        raise ApiError("xInvalidParameter", "retention and expirationTime cannot be combined")
    if retention is not None:
        match = re.fullmatch(r"(\d+):([0-5]\d):([0-5]\d)", retention)
        if match is None:
            raise ApiError("xInvalidParameter",
                           f"Invalid value for member=[retention]: {retention!r}; use HH:mm:ss")
        hours, minutes, seconds = (int(g) for g in match.groups())
        return float(hours * 3600 + minutes * 60 + seconds)
    if expiration is None or expiration == "fifo":
        return None
    try:
        when = datetime.fromisoformat(expiration.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError("xInvalidParameter",
                       f"Invalid value for member=[expirationTime]: {expiration!r}") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=EPOCH.tzinfo)
    return max(0.0, (when - EPOCH).total_seconds() - ctx.now)


def _create(ctx, volume_id: int, params: dict[str, Any]) -> Snapshot:
    volume = lookup.volume(ctx.cluster, volume_id)
    try:
        snapshot = ctx.model.create_snapshot(
            volume, params["name"], params["enableRemoteReplication"],
            _retention_s(ctx, params), params["ensureSerialCreation"])
    except SnapshotError as err:
        raise ApiError(err.name, str(err)) from None
    return snapshot


def _find(ctx, snapshot_id: int) -> Snapshot:
    for snapshot in ctx.model.snapshots:
        if (snapshot.snapshot_id == snapshot_id and not snapshot.deleted
                and snapshot.volume.cluster is ctx.cluster):
            return snapshot
    raise ApiError("xSnapshotIDDoesNotExist", f"SnapshotID {snapshot_id} does not exist.")


@method("CreateSnapshot", Param("volumeID", "int", required=True), Param("snapshotID", "int"),
        *COMMON)
def create_snapshot(ctx, params: dict[str, Any]) -> dict[str, Any]:
    if params["snapshotID"] is not None:
        _find(ctx, params["snapshotID"])
    snapshot = _create(ctx, params["volumeID"], params)
    return {"snapshotID": snapshot.snapshot_id, "checksum": "0x0",
            "snapshot": snapshot_object(snapshot)}


@method("CreateGroupSnapshot", Param("volumes", "list[int]", required=True), *COMMON)
def create_group_snapshot(ctx, params: dict[str, Any]) -> dict[str, Any]:
    volume_ids = params["volumes"]
    if not 1 <= len(volume_ids) <= MAX_GROUP_VOLUMES:
        raise ApiError("xInvalidParameter",
                       f"a group snapshot takes 1-{MAX_GROUP_VOLUMES} volumes")
    for volume_id in volume_ids:
        lookup.volume(ctx.cluster, volume_id)
    ctx.cluster.next_group_snapshot_id += 1
    group_id = ctx.cluster.next_group_snapshot_id
    group_uuid = stable_uuid(rngmod.stream(ctx.model.seed,
                                           f"{ctx.cluster.name}.group{group_id}"))
    members = []
    for volume_id in volume_ids:
        snapshot = _create(ctx, volume_id, params)
        snapshot.group_id = group_id
        members.append(snapshot)
    name = params["name"] or members[0].name
    member_objects = [snapshot_object(s) for s in members]
    for obj in member_objects:
        obj["groupSnapshotUUID"] = group_uuid
    group = {
        "attributes": dict(params["attributes"] or {}), "createTime": member_objects[0][
            "createTime"], "enableRemoteReplication": params["enableRemoteReplication"],
        "groupSnapshotID": group_id, "groupSnapshotUUID": group_uuid, "members": member_objects,
        "name": name, "remoteStatuses": member_objects[0]["remoteStatuses"], "status": "done",
    }
    return {"groupSnapshotID": group_id, "groupSnapshotUUID": group_uuid,
            "groupSnapshot": group,
            "members": [{"checksum": "0x0", "snapshotID": s.snapshot_id,
                         "snapshotUUID": s.uuid, "volumeID": s.volume.volume_id}
                        for s in members]}


@method("ListSnapshots", Param("volumeID", "int"), Param("snapshotID", "int"))
def list_snapshots(ctx, params: dict[str, Any]) -> dict[str, Any]:
    if params["volumeID"] is not None:
        lookup.volume(ctx.cluster, params["volumeID"])
    found = [s for s in ctx.model.snapshots
             if s.volume.cluster is ctx.cluster and not s.deleted
             and (params["volumeID"] is None or s.volume.volume_id == params["volumeID"])
             and (params["snapshotID"] is None or s.snapshot_id == params["snapshotID"])]
    objects = [snapshot_object(s) for s in found]
    for obj in objects:
        obj["groupSnapshotUUID"] = obj["groupSnapshotUUID"] or ZERO_UUID
    return {"snapshots": objects}


@method("ModifySnapshot", Param("snapshotID", "int", required=True),
        Param("enableRemoteReplication", "bool"), Param("expirationTime", "str"),
        Param("name", "str"), Param("snapMirrorLabel", "str"))
def modify_snapshot(ctx, params: dict[str, Any]) -> dict[str, Any]:
    snapshot = _find(ctx, params["snapshotID"])
    if params["name"] is not None:
        snapshot.name = params["name"]
    if params["expirationTime"] is not None:
        snapshot.retention_s = _retention_s(ctx, {"retention": None,
                                                  "expirationTime": params["expirationTime"]})
        if snapshot.retention_s is not None:
            snapshot.retention_s += ctx.now - snapshot.create_s
    if params["enableRemoteReplication"] and not snapshot.enable_remote:
        snapshot.enable_remote = True
        pair = snapshot.volume.source_pair
        if pair is not None:
            pair.snapshots.snapshot_created(snapshot)
    elif params["enableRemoteReplication"] is False:
        snapshot.enable_remote = False
    return {"snapshot": snapshot_object(snapshot)}


@method("DeleteSnapshot", Param("snapshotID", "int", required=True),
        Param("overrideSnapMirrorHold", "bool", default=False))
def delete_snapshot(ctx, params: dict[str, Any]) -> dict[str, Any]:
    ctx.model.delete_snapshot(_find(ctx, params["snapshotID"]))
    return {}
