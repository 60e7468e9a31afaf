"""Snapshots: create (single and group), list with remote statuses, modify, delete."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from replsim import rng as rngmod
from replsim.api import lookup
from replsim.api.clock import EPOCH
from replsim.api.errors import ApiError
from replsim.api.objects import snapshot_object
from replsim.api.params import Param
from replsim.api.registry import method
from replsim.model.cluster import stable_uuid
from replsim.model.schedule import call_later
from replsim.model.snapshots import MAX_SNAPSHOTS_PER_VOLUME, Snapshot, SnapshotError
from replsim.model.volume import Volume

MAX_GROUP_VOLUMES = 32
MAX_NAME = 255
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


def _name(params: dict[str, Any]) -> None:
    name = params["name"]
    if name is not None and not 1 <= len(name) <= MAX_NAME:
        raise ApiError("xInvalidParameter",
                       f"Invalid value for member=[name]: 1-{MAX_NAME} characters")


def _refusal(ctx, volume: Volume, params: dict[str, Any]) -> ApiError | None:
    """Why the model would refuse a snapshot of `volume` (checked before a group starts)."""
    if sum(1 for s in volume.snapshots if not s.deleted) >= MAX_SNAPSHOTS_PER_VOLUME:
        return ApiError("xMaxSnapshotsPerVolumeExceeded",
                        f"volume {volume.volume_id} already has {MAX_SNAPSHOTS_PER_VOLUME} "
                        "snapshots")
    pair = volume.source_pair
    if (params["ensureSerialCreation"] and pair is not None and pair.snapshots is not None
            and pair.snapshots.in_progress()):
        return ApiError("xSnapshotReplicationInProgress",
                        f"a previous snapshot of volume {volume.volume_id} is still replicating")
    return None


def _create(ctx, volume_id: int, params: dict[str, Any]) -> Snapshot:
    volume = lookup.volume(ctx.cluster, volume_id)
    try:
        snapshot = ctx.model.create_snapshot(
            volume, params["name"], params["enableRemoteReplication"],
            _retention_s(ctx, params), params["ensureSerialCreation"])
    except SnapshotError as err:
        raise ApiError(err.name, str(err)) from None
    return snapshot


def _group_uuid(ctx, group_id: int) -> str:
    """A group snapshot's UUID (drawn from its own stream: the same on every call)."""
    return stable_uuid(rngmod.stream(ctx.model.seed, f"{ctx.cluster.name}.group{group_id}"))


def _snapshot(ctx, snapshot: Snapshot) -> dict[str, Any]:
    obj = snapshot_object(snapshot)
    if snapshot.group_id:
        obj["groupSnapshotUUID"] = _group_uuid(ctx, snapshot.group_id)
    return obj


def _find(ctx, snapshot_id: int) -> Snapshot:
    for snapshot in ctx.model.snapshots:
        if (snapshot.snapshot_id == snapshot_id and not snapshot.deleted
                and snapshot.volume.cluster is ctx.cluster and not snapshot.volume.purged):
            return snapshot
    raise ApiError("xSnapshotIDDoesNotExist", f"SnapshotID {snapshot_id} does not exist.")


@method("CreateSnapshot", Param("volumeID", "int", required=True), Param("snapshotID", "int"),
        *COMMON)
def create_snapshot(ctx, params: dict[str, Any]) -> dict[str, Any]:
    _name(params)
    if params["snapshotID"] is not None:
        base = _find(ctx, params["snapshotID"])
        if base.volume.volume_id != params["volumeID"]:
            raise ApiError("xInvalidParameter",
                           f"Snapshot {base.snapshot_id} is not a snapshot of volume "
                           f"{params['volumeID']}.")
    snapshot = _create(ctx, params["volumeID"], params)
    return {"snapshotID": snapshot.snapshot_id, "checksum": "0x0",
            "snapshot": _snapshot(ctx, snapshot)}


@method("CreateGroupSnapshot", Param("volumes", "list[int]", required=True), *COMMON)
def create_group_snapshot(ctx, params: dict[str, Any]) -> dict[str, Any]:
    volume_ids = params["volumes"]
    if not 1 <= len(volume_ids) <= MAX_GROUP_VOLUMES:
        raise ApiError("xInvalidParameter",
                       f"a group snapshot takes 1-{MAX_GROUP_VOLUMES} volumes")
    if len(set(volume_ids)) != len(volume_ids):
        raise ApiError("xInvalidParameter", "Invalid value for member=[volumes]: duplicates")
    _name(params)
    _retention_s(ctx, params)  # refuse bad retention before any member is created
    for volume_id in volume_ids:
        refusal = _refusal(ctx, lookup.volume(ctx.cluster, volume_id), params)
        if refusal is not None:
            raise refusal  # all members or none
    ctx.cluster.next_group_snapshot_id += 1
    group_id = ctx.cluster.next_group_snapshot_id
    group_uuid = _group_uuid(ctx, group_id)
    members = []
    for volume_id in volume_ids:
        snapshot = _create(ctx, volume_id, params)
        snapshot.group_id = group_id
        members.append(snapshot)
    name = params["name"] or members[0].name
    member_objects = [_snapshot(ctx, s) for s in members]
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
             if s.volume.cluster is ctx.cluster and not s.deleted and not s.volume.purged
             and (params["volumeID"] is None or s.volume.volume_id == params["volumeID"])
             and (params["snapshotID"] is None or s.snapshot_id == params["snapshotID"])]
    return {"snapshots": [_snapshot(ctx, s) for s in found]}


def _expire_if_due(item: tuple) -> None:
    """A ModifySnapshot expiry: delete unless the expiration was changed again since."""
    model, snapshot = item
    due = snapshot.retention_s is not None and (
        snapshot.create_s + snapshot.retention_s <= model.now_s + 1e-9)
    if due and not snapshot.deleted:
        model.delete_snapshot(snapshot)


@method("ModifySnapshot", Param("snapshotID", "int", required=True),
        Param("enableRemoteReplication", "bool"), Param("expirationTime", "str"),
        Param("name", "str"), Param("snapMirrorLabel", "str"))
def modify_snapshot(ctx, params: dict[str, Any]) -> dict[str, Any]:
    snapshot = _find(ctx, params["snapshotID"])
    _name(params)
    if params["expirationTime"] is not None:  # validated before anything changes
        delay_s = _retention_s(ctx, {"retention": None,
                                     "expirationTime": params["expirationTime"]})
        snapshot.retention_s = None if delay_s is None else ctx.now + delay_s - snapshot.create_s
        if delay_s is not None:
            call_later(ctx.model.env, delay_s, _expire_if_due, (ctx.model, snapshot))
    if params["name"] is not None:
        snapshot.name = params["name"]
    if params["enableRemoteReplication"] and not snapshot.enable_remote:
        snapshot.enable_remote = True
        pair = snapshot.volume.source_pair
        if pair is not None:
            pair.snapshots.snapshot_created(snapshot)
    elif params["enableRemoteReplication"] is False:
        snapshot.enable_remote = False
    return {"snapshot": _snapshot(ctx, snapshot)}


@method("DeleteSnapshot", Param("snapshotID", "int", required=True),
        Param("overrideSnapMirrorHold", "bool", default=False))
def delete_snapshot(ctx, params: dict[str, Any]) -> dict[str, Any]:
    ctx.model.delete_snapshot(_find(ctx, params["snapshotID"]))
    return {}
