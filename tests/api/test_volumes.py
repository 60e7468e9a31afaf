"""Volumes: CreateVolume, ModifyVolume (access, QoS, grow), DeleteVolume and friends,
ListVolumes, ListActiveVolumes, ListVolumesForAccount."""

from __future__ import annotations

import pytest

from tests.api.helpers import (
    account_id,
    bare_world,
    create_volume,
    err,
    ok,
    paired_world,
    run_for,
    state,
    volume,
    world,
    writes_between,
)
from tests.api.shapes import check_qos, check_volume

GIB = 2**30


# ---- CreateVolume -------------------------------------------------------------------------
def test_create_volume_result():
    w = bare_world()
    owner = account_id(w)
    result = ok(w, "east", "CreateVolume", name="data", accountID=owner, totalSize=10**12,
                enable512e=True, attributes={"app": "db"})
    assert set(result) == {"volumeID", "volume", "curve"}
    assert isinstance(result["curve"], dict) and result["curve"]["4096"] == 100
    v = result["volume"]
    check_volume(v)
    assert v["volumeID"] == result["volumeID"] == 1
    assert v["access"] == "readWrite" and v["status"] == "active"
    assert v["totalSize"] == 1000000716800  # rounded up to a whole MiB, as Element does
    assert v["enable512e"] is True and v["attributes"] == {"app": "db"}
    assert v["accountID"] == owner and v["volumePairs"] == []
    assert v["createTime"] == "2026-01-01T00:00:00Z"
    model = w.model.volume("east", "data")
    assert model.size_bytes == 10**12 and model.volume_id == 1
    assert create_volume(w, "east", "data2") == 2


def test_create_volume_create_time_is_simulated_time():
    w = bare_world()
    run_for(w, 65.0)
    v = ok(w, "east", "CreateVolume", name="late", accountID=account_id(w),
           totalSize=10**9)["volume"]
    assert v["createTime"] == "2026-01-01T00:01:05Z"


def test_create_volume_qos_is_applied():
    w = bare_world()
    v = ok(w, "east", "CreateVolume", name="q", accountID=account_id(w), totalSize=10**9,
           qos={"minIOPS": 100, "maxIOPS": 1000, "burstIOPS": 2000})["volume"]
    check_qos(v["qos"])
    assert (v["qos"]["minIOPS"], v["qos"]["maxIOPS"], v["qos"]["burstIOPS"]) == (100, 1000, 2000)
    settings = w.model.volume("east", "q").qos.settings
    assert (settings.min_iops, settings.max_iops, settings.burst_iops) == (100, 1000, 2000)


def test_create_volume_snap_mirror_target_access():
    w = bare_world()
    v = ok(w, "east", "CreateVolume", name="sm", accountID=account_id(w), totalSize=10**9,
           access="snapMirrorTarget")["volume"]
    assert v["access"] == "snapMirrorTarget"


@pytest.mark.parametrize("params,name", [
    ({"accountID": 99}, "xAccountIDDoesNotExist"),
    ({"totalSize": 10**9 - 1}, "xInvalidParameter"),
    ({"totalSize": 2**44 + 1}, "xInvalidParameter"),
    ({"totalSize": 2**200}, "xInvalidParameter"),
    ({"name": ""}, "xInvalidParameter"),
    ({"name": "n" * 65}, "xInvalidParameter"),
    ({"access": "replicationTarget"}, "xInvalidParameter"),  # set it with ModifyVolume
    ({"access": "sideways"}, "xUnrecognizedEnumString"),
    ({"qos": {"minIOPS": 10}}, "xInvalidParameter"),
    ({"qos": {"minIOPS": 1000, "maxIOPS": 100}}, "xInvalidParameter"),
    ({"qos": {"curve": 5}}, "xInvalidParameter"),
    ({"qos": {"minIOPS": 100}, "qosPolicyID": 1}, "xInvalidParameter"),
    ({"qosPolicyID": 1}, "xQoSPolicyDoesNotExist"),
    ({"totalSize": "1GB"}, "xInvalidParameterType"),
    ({"totalSize": 1.5e9}, "xInvalidParameterType"),
    ({"enable512e": 1}, "xInvalidParameterType"),
    ({"qos": [100]}, "xInvalidParameterType"),
])
def test_create_volume_errors_create_nothing(params, name):
    w = bare_world()
    owner = account_id(w)
    request = {"name": "v", "accountID": owner, "totalSize": 10**9, **params}
    err(w, "east", "CreateVolume", name, **request)
    assert ok(w, "east", "ListVolumes")["volumes"] == []
    assert create_volume(w, "east", "v") == 1


def test_create_volume_missing_params():
    w = bare_world()
    for member in ("name", "accountID", "totalSize"):
        request = {"name": "v", "accountID": 1, "totalSize": 10**9}
        del request[member]
        assert f"[{member}]" in err(w, "east", "CreateVolume", "xMissingParameter", **request)
    message = err(w, "east", "CreateVolume", "xMissingParameter", name="v", accountId=1,
                  totalSize=10**9)
    assert "accountID" in message and "accountId" in message


# ---- ModifyVolume -------------------------------------------------------------------------
@pytest.mark.parametrize("access", ["readOnly", "locked", "replicationTarget",
                                    "snapMirrorTarget", "readWrite"])
def test_modify_volume_access(access):
    w = world(rate=None)
    v = ok(w, "east", "ModifyVolume", volumeID=1, access=access)["volume"]
    check_volume(v)
    assert v["access"] == access == w.model.volume("east", "vol").access
    assert volume(w, "east", 1)["access"] == access  # read back, even unpaired


def test_modify_volume_bad_access():
    w = world(rate=None)
    message = err(w, "east", "ModifyVolume", "xUnrecognizedEnumString", volumeID=1,
                  access="ReadWrite")
    assert "replicationTarget" in message and "access" in message
    assert volume(w, "east", 1)["access"] == "readWrite"


def test_modify_volume_qos_changes_the_shaper():
    w = world(rate=None)
    v = ok(w, "east", "ModifyVolume", volumeID=1,
           qos={"minIOPS": 500, "maxIOPS": 5000, "burstIOPS": 8000})["volume"]
    assert (v["qos"]["minIOPS"], v["qos"]["maxIOPS"], v["qos"]["burstIOPS"]) == (500, 5000, 8000)
    settings = w.model.volume("east", "vol").qos.settings
    assert (settings.max_iops, settings.burst_iops) == (5000, 8000)
    err(w, "east", "ModifyVolume", "xInvalidParameter", volumeID=1, qos={"maxIOPS": 10})
    assert w.model.volume("east", "vol").qos.settings.max_iops == 5000


def test_modify_volume_qos_limits_the_host():
    w = world(rate=2000, qos={"minIOPS": 50, "maxIOPS": 200000, "burstIOPS": 200000,
                              "burstTime": 1})
    ok(w, "east", "ModifyVolume", volumeID=1,
       qos={"minIOPS": 100, "maxIOPS": 500, "burstIOPS": 500})
    run_for(w, 3.0)
    done = writes_between(w, 2.0, 3.0)
    acked = ((done["t_ack_s"] >= 2.0) & (done["t_ack_s"] < 3.0)).sum()
    assert acked < 800  # capped near 500 IOPS instead of 2000


def test_modify_volume_grow_and_shrink():
    w = world(rate=None)
    size = volume(w, "east", 1)["totalSize"]
    v = ok(w, "east", "ModifyVolume", volumeID=1, totalSize=size + GIB)["volume"]
    assert v["totalSize"] == size + GIB == w.model.volume("east", "vol").size_bytes
    assert err(w, "east", "ModifyVolume", "xVolumeShrinkProhibited", volumeID=1,
               totalSize=size)
    assert volume(w, "east", 1)["totalSize"] == size + GIB
    err(w, "east", "ModifyVolume", "xInvalidParameter", volumeID=1, totalSize=2**50)


def test_growing_the_source_first_pauses_with_size_mismatch():
    w = paired_world()
    size = volume(w, "east", 1)["totalSize"]
    ok(w, "east", "ModifyVolume", volumeID=1, totalSize=size + GIB)
    assert state(w, "east") == state(w, "west") == "PausedVolumeSizeMismatch"
    ok(w, "west", "ModifyVolume", volumeID=1, totalSize=size + GIB)
    run_for(w, 2.0)
    assert state(w, "east") == "Active"
    # the documented way: target first, then source — never paused
    ok(w, "west", "ModifyVolume", volumeID=1, totalSize=size + 2 * GIB)
    assert state(w, "east") == "Active"
    ok(w, "east", "ModifyVolume", volumeID=1, totalSize=size + 2 * GIB)
    assert state(w, "east") == "Active"


def test_modify_volume_errors():
    w = world(rate=None)
    err(w, "east", "ModifyVolume", "xVolumeIDDoesNotExist", volumeID=9, access="locked")
    err(w, "east", "ModifyVolume", "xAccountIDDoesNotExist", volumeID=1, accountID=77)
    assert "volumeID" in err(w, "east", "ModifyVolume", "xMissingParameter", volumeId=1)
    err(w, "east", "ModifyVolume", "xInvalidParameterType", volumeID=1, access=True)
    err(w, "east", "ModifyVolume", "xQoSPolicyDoesNotExist", volumeID=1, qosPolicyID=1,
        access="locked")
    assert volume(w, "east", 1)["access"] == "readWrite"


def test_modify_volume_attributes():
    w = world(rate=None)
    v = ok(w, "east", "ModifyVolume", volumeID=1, attributes={"a": {"b": [1]}})["volume"]
    assert v["attributes"] == {"a": {"b": [1]}}


def test_a_locked_volume_takes_no_more_host_writes():
    w = world(rate=1000)
    run_for(w, 0.5)
    ok(w, "east", "ModifyVolume", volumeID=1, access="locked")
    t = w.now
    run_for(w, 0.5)
    after = writes_between(w, t, w.now)
    assert not (after["t_ack_s"] == after["t_ack_s"]).any()  # none acknowledged


# ---- DeleteVolume, RestoreDeletedVolume, PurgeDeletedVolume -------------------------------
def test_delete_volume_result():
    w = world(rate=None)
    run_for(w, 10.0)
    result = ok(w, "east", "DeleteVolume", volumeID=1)
    assert set(result) == {"volumeID", "volume", "curve"} and result["volumeID"] == 1
    v = result["volume"]
    check_volume(v)
    assert v["status"] == "deleted"
    assert v["deleteTime"] == "2026-01-01T00:00:10Z"
    assert v["purgeTime"] == "2026-01-01T08:00:10Z"
    assert isinstance(result["curve"], dict)
    err(w, "east", "DeleteVolume", "xVolumeIDDoesNotExist", volumeID=1)  # already deleted
    err(w, "east", "ModifyVolume", "xVolumeIDDoesNotExist", volumeID=1, access="locked")
    assert [d["volumeID"] for d in ok(w, "east", "ListDeletedVolumes")["volumes"]] == [1]
    assert ok(w, "east", "ListActiveVolumes")["volumes"] == []


def test_deleting_a_paired_volume_pauses_the_peer_then_purge_stops_it():
    w = paired_world()
    ok(w, "east", "DeleteVolume", volumeID=1)
    assert state(w, "west") == "PausedMisconfigured"
    (deleted,) = ok(w, "east", "ListDeletedVolumes")["volumes"]
    check_volume(deleted)
    assert deleted["volumePairs"][0]["remoteReplication"]["state"] == "PausedMisconfigured"
    assert ok(w, "east", "RestoreDeletedVolume", volumeID=1) == {}
    assert volume(w, "east", 1)["status"] == "active"
    assert ok(w, "east", "ListDeletedVolumes")["volumes"] == []
    run_for(w, 2.0)
    assert state(w, "east") == state(w, "west") == "Active"
    ok(w, "east", "DeleteVolume", volumeID=1)
    assert err(w, "east", "PurgeDeletedVolume", "xVolumeIDDoesNotExist", volumeID=5)
    assert ok(w, "east", "PurgeDeletedVolume", volumeID=1) == {}
    assert state(w, "west") == "StoppedMisconfigured"
    assert ok(w, "east", "ListVolumes")["volumes"] == []
    err(w, "east", "RestoreDeletedVolume", "xVolumeIDDoesNotExist", volumeID=1)
    err(w, "east", "ListVolumeStats", "xVolumeIDDoesNotExist", volumeIDs=[1])
    ok(w, "west", "RemoveVolumePair", volumeID=1)
    assert volume(w, "west", 1)["volumePairs"] == []


def test_purge_needs_a_deleted_volume():
    w = world(rate=None)
    err(w, "east", "PurgeDeletedVolume", "xVolumeNotDeleted", volumeID=1)
    assert volume(w, "east", 1)["status"] == "active"
    assert ok(w, "east", "RestoreDeletedVolume", volumeID=1) == {}  # not deleted: no-op
    err(w, "east", "RestoreDeletedVolume", "xVolumeIDDoesNotExist", volumeID=4)
    err(w, "east", "PurgeDeletedVolume", "xMissingParameter")


def test_a_restored_volume_takes_host_writes_again():
    w = world(rate=1000)
    run_for(w, 0.5)
    ok(w, "east", "DeleteVolume", volumeID=1)
    ok(w, "east", "RestoreDeletedVolume", volumeID=1)
    t = w.now
    run_for(w, 0.5)
    assert len(writes_between(w, t, w.now)["t_ack_s"]) > 100


# ---- listing ------------------------------------------------------------------------------
def test_list_volumes_filters():
    w = paired_world(settle=0.1)
    for name in ("a", "b", "c"):
        create_volume(w, "east", name)
    ok(w, "east", "DeleteVolume", volumeID=3)
    listed = ok(w, "east", "ListVolumes")["volumes"]
    assert [v["volumeID"] for v in listed] == [1, 2, 3, 4]
    for v in listed:
        check_volume(v)
    ids = lambda **p: [v["volumeID"] for v in ok(w, "east", "ListVolumes", **p)["volumes"]]  # noqa: E731
    assert ids(isPaired=True) == [1]
    assert ids(isPaired=False) == [2, 3, 4]
    assert ids(volumeIDs=[4, 2, 99]) == [2, 4]
    assert ids(volumeStatus="deleted") == [3]
    assert ids(volumeStatus="active") == [1, 2, 4]
    assert ids(volumeName="b") == [3]
    assert ids(startVolumeID=2, limit=2) == [2, 3]
    assert ids(accounts=[account_id(w)]) == [1, 2, 3, 4]
    assert ids(accounts=[999]) == []
    err(w, "east", "ListVolumes", "xInvalidParameter", volumeIDs=[1], limit=1)
    err(w, "east", "ListVolumes", "xInvalidParameter", startVolumeID=-1)
    err(w, "east", "ListVolumes", "xInvalidParameterType", volumeIDs=["1"])
    err(w, "east", "ListVolumes", "xInvalidParameterType", isPaired="yes")


def test_list_active_volumes_sorted_paging_no_deleted():
    w = world(rate=None)
    for name in ("a", "b", "c"):
        create_volume(w, "east", name)
    ok(w, "east", "DeleteVolume", volumeID=2)
    listed = ok(w, "east", "ListActiveVolumes")["volumes"]
    assert [v["volumeID"] for v in listed] == [1, 3, 4]
    for v in listed:
        check_volume(v)
    assert [v["volumeID"] for v in ok(w, "east", "ListActiveVolumes", startVolumeID=2,
                                      limit=1)["volumes"]] == [3]
    err(w, "east", "ListActiveVolumes", "xInvalidParameter", limit=-1)


def test_list_volumes_for_account_includes_deleted():
    w = bare_world()
    first = ok(w, "east", "AddAccount", username="one")["accountID"]
    second = ok(w, "east", "AddAccount", username="two")["accountID"]
    for name, owner in (("a", first), ("b", second), ("c", first)):
        ok(w, "east", "CreateVolume", name=name, accountID=owner, totalSize=10**9)
    ok(w, "east", "DeleteVolume", volumeID=3)
    listed = ok(w, "east", "ListVolumesForAccount", accountID=first)["volumes"]
    assert [(v["volumeID"], v["status"]) for v in listed] == [(1, "active"), (3, "deleted")]
    for v in listed:
        check_volume(v)
    err(w, "east", "ListVolumesForAccount", "xAccountIDDoesNotExist", accountID=9)
    err(w, "east", "ListVolumesForAccount", "xMissingParameter")
