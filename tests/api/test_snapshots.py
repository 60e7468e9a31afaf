"""Snapshots: CreateSnapshot, CreateGroupSnapshot, ListSnapshots (remoteStatuses),
ModifySnapshot, DeleteSnapshot, and ListSyncJobs."""

from __future__ import annotations

import pytest

from tests.api.helpers import (
    create_volume,
    err,
    model_pair,
    ok,
    paired_world,
    run_for,
    state,
    world,
)
from tests.api.shapes import check_snapshot, check_uuid, is_int


def snapshots(w, cluster="east", **params):
    return ok(w, cluster, "ListSnapshots", **params)["snapshots"]


def remote_status(w, snapshot_id, cluster="east"):
    (snap,) = snapshots(w, cluster, snapshotID=snapshot_id)
    return [s["remoteStatus"] for s in snap["remoteStatuses"]]


# ---- CreateSnapshot -----------------------------------------------------------------------
def test_create_snapshot_result():
    w = world(rate=None)
    run_for(w, 30.0)
    result = ok(w, "east", "CreateSnapshot", volumeID=1, name="first")
    assert set(result) == {"snapshotID", "checksum", "snapshot"}
    snap = result["snapshot"]
    check_snapshot(snap)
    assert result["snapshotID"] == snap["snapshotID"] == 1
    assert (snap["volumeID"], snap["volumeName"], snap["name"]) == (1, "vol", "first")
    assert snap["createTime"] == "2026-01-01T00:00:30Z"
    assert snap["enableRemoteReplication"] is False and snap["remoteStatuses"] == []
    assert (snap["groupID"], snap["expirationTime"], snap["expirationReason"]) == (
        0, None, "None")
    assert snap["totalSize"] == ok(w, "east", "ListVolumes")["volumes"][0]["totalSize"]
    second = ok(w, "east", "CreateSnapshot", volumeID=1)["snapshot"]
    assert second["snapshotID"] == 2 and second["name"]  # a default name
    assert second["snapshotUUID"] != snap["snapshotUUID"]


def test_replicated_snapshot_remote_status_goes_to_present():
    w = paired_world(rate=500)
    snap = ok(w, "east", "CreateSnapshot", volumeID=1, enableRemoteReplication=True)
    sid = snap["snapshotID"]
    (status,) = snap["snapshot"]["remoteStatuses"]
    assert status["volumePairUUID"] == ok(w, "east", "ListActivePairedVolumes")["volumes"][0][
        "volumePairs"][0]["volumePairUUID"]
    assert status["remoteStatus"] in ("Not Present", "Syncing")
    run_for(w, 1.0)
    assert remote_status(w, sid) == ["Present"]
    check_snapshot(snapshots(w)[0])
    # not replicated: no remote statuses
    plain = ok(w, "east", "CreateSnapshot", volumeID=1)["snapshotID"]
    run_for(w, 1.0)
    assert remote_status(w, plain) == []


def test_replicated_snapshot_is_listed_on_the_target_with_the_same_uuid():
    w = paired_world(rate=500)
    snap = ok(w, "east", "CreateSnapshot", volumeID=1, enableRemoteReplication=True)
    run_for(w, 1.0)
    assert [s["snapshotUUID"] for s in snapshots(w, "west")] == [
        snap["snapshot"]["snapshotUUID"]]


def test_snapshots_only_pair_ships_snapshots_and_ensure_serial_creation():
    w = paired_world(mode="SnapshotsOnly", rate=500, link={"bandwidth": "100Mbps"},
                     settle=4.0)
    assert state(w, "east") in ("Idle", "Active")
    run_for(w, 1.0)
    first = ok(w, "east", "CreateSnapshot", volumeID=1, enableRemoteReplication=True)
    run_for(w, 0.01)
    assert remote_status(w, first["snapshotID"]) == ["Syncing"]
    jobs = ok(w, "east", "ListSyncJobs")["syncJobs"]
    (job,) = [j for j in jobs if j["branchType"] == "snapshot"]
    assert job["type"] == "remote" and job["stage"] == "data"
    assert (job["dstVolumeID"], job["srcVolumeID"]) == (1, 1)
    for field in ("dstServiceID", "elapsedTime", "percentComplete", "sliceID"):
        assert is_int(job[field])
    message = err(w, "east", "CreateSnapshot", "xSnapshotReplicationInProgress", volumeID=1,
                  enableRemoteReplication=True, ensureSerialCreation=True)
    assert "replicating" in message
    assert len(snapshots(w)) == 1
    ok(w, "east", "CreateSnapshot", volumeID=1, enableRemoteReplication=True)  # not serial
    run_for(w, 3.0)
    assert [remote_status(w, s["snapshotID"]) for s in snapshots(w)] == [["Present"]] * 2
    # asyncDelay of a SnapshotsOnly pair: since the newest snapshot present was created
    newest = max(s["snapshotID"] for s in snapshots(w))
    created = next(s for s in w.model.snapshots if s.snapshot_id == newest).create_s
    assert model_pair(w).rpo_s(w.now) == pytest.approx(w.now - created)


def test_max_snapshots_per_volume():
    w = world(rate=None)
    for _ in range(32):
        ok(w, "east", "CreateSnapshot", volumeID=1)
    message = err(w, "east", "CreateSnapshot", "xMaxSnapshotsPerVolumeExceeded", volumeID=1)
    assert "32" in message
    assert len(snapshots(w)) == 32
    ok(w, "east", "DeleteSnapshot", snapshotID=1)
    ok(w, "east", "CreateSnapshot", volumeID=1)


@pytest.mark.parametrize("params,name", [
    ({"volumeID": 5}, "xVolumeIDDoesNotExist"),
    ({"snapshotID": 99}, "xSnapshotIDDoesNotExist"),
    ({"retention": "1h"}, "xInvalidParameter"),
    ({"retention": "00:61:00"}, "xInvalidParameter"),
    ({"retention": "01:00:00", "expirationTime": "2026-01-02T00:00:00Z"}, "xInvalidParameter"),
    ({"expirationTime": "next tuesday"}, "xInvalidParameter"),
    ({"name": "n" * 256}, "xInvalidParameter"),
    ({"name": ""}, "xInvalidParameter"),
    ({"enableRemoteReplication": "yes"}, "xInvalidParameterType"),
    ({"volumeID": "1"}, "xInvalidParameterType"),
])
def test_create_snapshot_errors_create_nothing(params, name):
    w = world(rate=None)
    err(w, "east", "CreateSnapshot", name, **{"volumeID": 1, **params})
    assert snapshots(w) == []


def test_create_snapshot_base_must_be_of_the_same_volume():
    w = world(rate=None)
    create_volume(w, "east", "other")
    base = ok(w, "east", "CreateSnapshot", volumeID=2)["snapshotID"]
    err(w, "east", "CreateSnapshot", "xInvalidParameter", volumeID=1, snapshotID=base)
    ok(w, "east", "CreateSnapshot", volumeID=2, snapshotID=base)


def test_create_snapshot_missing_volume_id():
    w = world(rate=None)
    message = err(w, "east", "CreateSnapshot", "xMissingParameter", volumeId=1)
    assert "volumeID" in message and "volumeId" in message


def test_retention_expires_the_snapshot():
    w = world(rate=None)
    snap = ok(w, "east", "CreateSnapshot", volumeID=1, retention="00:00:10")["snapshot"]
    assert snap["expirationTime"] == "2026-01-01T00:00:10Z"
    assert snap["expirationReason"] == "Api"
    run_for(w, 9.5)
    assert len(snapshots(w)) == 1
    run_for(w, 1.0)
    assert snapshots(w) == []


def test_expiration_time_expires_the_snapshot():
    w = world(rate=None)
    ok(w, "east", "CreateSnapshot", volumeID=1, expirationTime="2026-01-01T00:00:05Z")
    ok(w, "east", "CreateSnapshot", volumeID=1, expirationTime="fifo")  # never, here
    run_for(w, 6.0)
    assert [s["snapshotID"] for s in snapshots(w)] == [2]


# ---- CreateGroupSnapshot ------------------------------------------------------------------
def test_create_group_snapshot_result():
    w = world(rate=None)
    create_volume(w, "east", "second")
    result = ok(w, "east", "CreateGroupSnapshot", volumes=[1, 2], name="g",
                enableRemoteReplication=False)
    assert {"groupSnapshotID", "groupSnapshot", "members"} <= set(result)
    group = result["groupSnapshot"]
    check_uuid(group["groupSnapshotUUID"])
    assert group["groupSnapshotID"] == result["groupSnapshotID"] == 1
    assert group["name"] == "g" and isinstance(group["attributes"], dict)
    assert isinstance(group["remoteStatuses"], list)
    for member in group["members"]:
        check_snapshot(member)
        assert member["groupSnapshotUUID"] == group["groupSnapshotUUID"]
        assert member["groupID"] == 1
    assert [m["volumeID"] for m in result["members"]] == [1, 2]
    for member in result["members"]:
        assert set(member) == {"checksum", "snapshotID", "snapshotUUID", "volumeID"}
        check_uuid(member["snapshotUUID"])
    listed = snapshots(w)
    assert len(listed) == 2
    assert {s["groupSnapshotUUID"] for s in listed} == {group["groupSnapshotUUID"]}


def test_group_snapshot_is_all_or_nothing():
    w = world(rate=None)
    create_volume(w, "east", "second")
    for _ in range(32):
        ok(w, "east", "CreateSnapshot", volumeID=2)
    err(w, "east", "CreateGroupSnapshot", "xMaxSnapshotsPerVolumeExceeded", volumes=[1, 2])
    assert snapshots(w, volumeID=1) == []
    err(w, "east", "CreateGroupSnapshot", "xVolumeIDDoesNotExist", volumes=[1, 7])
    err(w, "east", "CreateGroupSnapshot", "xInvalidParameter", volumes=[1, 1])
    err(w, "east", "CreateGroupSnapshot", "xInvalidParameter", volumes=[])
    err(w, "east", "CreateGroupSnapshot", "xInvalidParameter", volumes=[1], retention="x")
    err(w, "east", "CreateGroupSnapshot", "xInvalidParameter", volumes=list(range(1, 34)))
    err(w, "east", "CreateGroupSnapshot", "xMissingParameter")
    err(w, "east", "CreateGroupSnapshot", "xInvalidParameterType", volumes=[1.0])
    assert snapshots(w, volumeID=1) == []
    assert ok(w, "east", "CreateGroupSnapshot", volumes=[1])["groupSnapshotID"] == 1


# ---- ListSnapshots ------------------------------------------------------------------------
def test_list_snapshots_filters():
    w = world(rate=None)
    create_volume(w, "east", "second")
    ok(w, "east", "CreateSnapshot", volumeID=1)
    ok(w, "east", "CreateSnapshot", volumeID=2)
    ok(w, "east", "CreateSnapshot", volumeID=1)
    assert [s["snapshotID"] for s in snapshots(w)] == [1, 2, 3]
    assert [s["snapshotID"] for s in snapshots(w, volumeID=1)] == [1, 3]
    assert [s["snapshotID"] for s in snapshots(w, snapshotID=2)] == [2]
    assert snapshots(w, "west") == []
    err(w, "east", "ListSnapshots", "xVolumeIDDoesNotExist", volumeID=9)


def test_snapshots_of_a_purged_volume_are_gone():
    w = world(rate=None)
    sid = ok(w, "east", "CreateSnapshot", volumeID=1)["snapshotID"]
    ok(w, "east", "DeleteVolume", volumeID=1)
    ok(w, "east", "PurgeDeletedVolume", volumeID=1)
    assert snapshots(w) == []
    err(w, "east", "DeleteSnapshot", "xSnapshotIDDoesNotExist", snapshotID=sid)


# ---- ModifySnapshot -----------------------------------------------------------------------
def test_modify_snapshot_name_and_replication():
    w = paired_world(rate=500)
    sid = ok(w, "east", "CreateSnapshot", volumeID=1)["snapshotID"]
    snap = ok(w, "east", "ModifySnapshot", snapshotID=sid, name="renamed",
              enableRemoteReplication=True)["snapshot"]
    check_snapshot(snap)
    assert snap["name"] == "renamed" and snap["enableRemoteReplication"] is True
    run_for(w, 1.0)
    assert remote_status(w, sid) == ["Present"]


def test_modify_snapshot_errors_change_nothing():
    w = world(rate=None)
    sid = ok(w, "east", "CreateSnapshot", volumeID=1, name="keep")["snapshotID"]
    err(w, "east", "ModifySnapshot", "xSnapshotIDDoesNotExist", snapshotID=77, name="x")
    err(w, "east", "ModifySnapshot", "xInvalidParameter", snapshotID=sid, name="new",
        expirationTime="soon")
    assert snapshots(w)[0]["name"] == "keep"
    err(w, "east", "ModifySnapshot", "xMissingParameter", name="x")


def test_modify_snapshot_expiration_time_expires_it():
    w = world(rate=None)
    sid = ok(w, "east", "CreateSnapshot", volumeID=1)["snapshotID"]
    snap = ok(w, "east", "ModifySnapshot", snapshotID=sid,
              expirationTime="2026-01-01T00:00:20Z")["snapshot"]
    assert snap["expirationTime"] == "2026-01-01T00:00:20Z"
    run_for(w, 19.0)
    assert len(snapshots(w)) == 1
    run_for(w, 2.0)
    assert snapshots(w) == []


def test_modify_snapshot_can_extend_a_retention():
    w = world(rate=None)
    sid = ok(w, "east", "CreateSnapshot", volumeID=1, retention="00:00:10")["snapshotID"]
    ok(w, "east", "ModifySnapshot", snapshotID=sid, expirationTime="2026-01-01T01:00:00Z")
    run_for(w, 20.0)
    assert len(snapshots(w)) == 1


# ---- DeleteSnapshot -----------------------------------------------------------------------
def test_delete_snapshot():
    w = world(rate=None)
    sid = ok(w, "east", "CreateSnapshot", volumeID=1)["snapshotID"]
    assert ok(w, "east", "DeleteSnapshot", snapshotID=sid) == {}
    assert snapshots(w) == []
    err(w, "east", "DeleteSnapshot", "xSnapshotIDDoesNotExist", snapshotID=sid)
    err(w, "west", "DeleteSnapshot", "xSnapshotIDDoesNotExist", snapshotID=1)
    err(w, "east", "DeleteSnapshot", "xMissingParameter")


def test_deleting_a_syncing_snapshot_lets_the_sync_finish():
    w = paired_world(mode="SnapshotsOnly", rate=500, link={"bandwidth": "100Mbps"},
                     settle=4.0)
    run_for(w, 1.0)
    sid = ok(w, "east", "CreateSnapshot", volumeID=1, enableRemoteReplication=True)[
        "snapshotID"]
    run_for(w, 0.01)
    assert remote_status(w, sid) == ["Syncing"]
    ok(w, "east", "DeleteSnapshot", snapshotID=sid)
    run_for(w, 3.0)
    model = next(s for s in w.model.snapshots if s.snapshot_id == sid)
    assert model.remote_status == "Present" and model.deleted
    assert snapshots(w) == []


# ---- ListSyncJobs -------------------------------------------------------------------------
def test_list_sync_jobs_during_a_resync():
    w = paired_world(settle=0.6, link={"bandwidth": "100Mbps"})
    assert state(w, "east") == "ResumingRRSync"
    (job,) = ok(w, "east", "ListSyncJobs")["syncJobs"]
    assert job["type"] == "remote" and job["stage"] == "metadata"
    assert job["branchType"] == "volume"
    for field in ("blocksPerSecond", "dstServiceID", "dstVolumeID", "elapsedTime",
                  "percentComplete", "sliceID"):
        assert field in job
    assert 0 <= job["percentComplete"] <= 100
    assert ok(w, "west", "ListSyncJobs")["syncJobs"] == []  # the source runs them
    run_for(w, 30.0)
    assert state(w, "east") == "Active"
    assert ok(w, "east", "ListSyncJobs")["syncJobs"] == []
