"""End to end with the official SolidFire Python SDK (`solidfire-sdk-python` 12.3.0.203)
against two served clusters over HTTPS: the whole replication runbook, asserting each step.

Every reply the SDK receives is also checked against the SDK's own model of the result
(`ShapeChecked`): each required member present, each value of the declared type. The SDK
itself turns a missing member into None silently, so this is what catches it.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

solidfire = pytest.importorskip("solidfire")

from solidfire.common import ApiConnectionError, ApiServerError  # noqa: E402
from solidfire.common.model import DataObject  # noqa: E402
from solidfire.factory import ElementFactory  # noqa: E402

from replsim.serve import Service, default_clusters  # noqa: E402
from replsim.world import World  # noqa: E402
from tests.serve.conftest import HOST  # noqa: E402

pytestmark = pytest.mark.filterwarnings(
    "ignore::urllib3.exceptions.InsecureRequestWarning")

SPEED = 10.0
SIZE = 2 * 10**12  # 2 TB: the metadata phase of a resync lasts a few simulated seconds
HMS = r"^\d{2,}:[0-5]\d:[0-5]\d\.\d{6}$"
SIMPLE: dict[type, Any] = {int: int, str: str, bool: bool, float: (int, float), dict: dict}
# Element sends supportedVersions as strings ("12.3"), as SPEC §3 requires; the SDK's model
# says float, but the SDK itself only ever calls float() on them.
KNOWN_DIFFERENCES = {"GetAPI.supportedVersions"}


# -- checking every reply against the SDK's models ----------------------------------------

def _value_problems(typ: Any, value: Any, path: str) -> list[str]:
    if value is None:
        return []
    if typ is uuid.UUID:
        try:
            uuid.UUID(value)
        except (TypeError, ValueError, AttributeError):
            return [f"{path}: not a UUID: {value!r}"]
        return []
    if isinstance(typ, type) and issubclass(typ, DataObject):
        if hasattr(typ, "custom_extract") or not typ._properties:  # CHAP secret, enum
            return [] if isinstance(value, str) else [f"{path}: expected a string: {value!r}"]
        return shape_problems(typ, value, path)
    want = SIMPLE.get(typ)
    if want is None:
        return []
    if isinstance(value, bool) and typ is not bool:
        return [f"{path}: expected {typ.__name__}, got a bool"]
    if not isinstance(value, want):
        return [f"{path}: expected {typ.__name__}, got {type(value).__name__} {value!r}"]
    return []


def shape_problems(cls: type, data: Any, path: str) -> list[str]:
    """Members the SDK model `cls` requires that `data` lacks, and values of the wrong type."""
    if not isinstance(data, dict):
        return [f"{path}: expected an object, got {type(data).__name__}"]
    problems = []
    for prop in cls._properties.values():
        name = prop.member_name()
        where = f"{path}.{name}"
        if where in KNOWN_DIFFERENCES:
            continue
        if name not in data:
            if not prop.optional():
                problems.append(f"{where}: missing")
            continue
        value = data[name]
        if prop.array() and value is not None:
            if not isinstance(value, list):
                problems.append(f"{where}: expected an array, got {value!r}")
                continue
            for i, item in enumerate(value):
                problems += _value_problems(prop.member_type(), item, f"{where}[{i}]")
        elif not prop.array():
            problems += _value_problems(prop.member_type(), value, where)
    return problems


class ShapeChecked:
    """Wraps an SDK `Element`: the SDK behaves as ever; each raw reply is also checked."""

    def __init__(self, element: Any):
        self.element = element
        self.problems: list[str] = []
        self.methods: list[str] = []
        post, send, last = element._dispatcher.post, element.send_request, {}

        def recording_post(data: Any) -> Any:
            last["text"] = post(data)
            return last["text"]

        def checking_send(method_name: str, result_type: type, *args: Any, **kwargs: Any):
            result = send(method_name, result_type, *args, **kwargs)
            reply = json.loads(last["text"])
            assert set(reply) == {"id", "result"}, reply  # no `error` key on success
            if isinstance(result_type, type) and issubclass(result_type, DataObject):
                self.problems += shape_problems(result_type, reply["result"], method_name)
            self.methods.append(method_name)
            return result

        element._dispatcher.post = recording_post
        element.send_request = checking_send

    def __getattr__(self, name: str) -> Any:
        return getattr(self.element, name)


def connect_sdk(service: Service, index: int, **kwargs: Any) -> ShapeChecked:
    element = ElementFactory.create(HOST, "admin", "admin", port=service.servers[index].port,
                                    verify_ssl=False, print_ascii_art=False, **kwargs)
    return ShapeChecked(element)


def wait_for(probe: Callable[[], Any], done: Callable[[Any], bool], timeout_s: float = 10.0,
             ) -> list[Any]:
    """Call `probe` until `done(value)`; every value seen, in order (bounded in time)."""
    seen = [probe()]
    deadline = time.monotonic() + timeout_s
    while not done(seen[-1]):
        assert time.monotonic() < deadline, f"gave up waiting; last values: {seen[-5:]}"
        time.sleep(0.02)
        seen.append(probe())
    return seen


def pair_of(element: ShapeChecked) -> Any:
    """The one volume pair a cluster lists, from ListActivePairedVolumes."""
    (volume,) = element.list_active_paired_volumes().volumes
    (pair,) = volume.volume_pairs
    return pair


def state_of(element: ShapeChecked) -> str:
    return pair_of(element).remote_replication.state


def is_uuid(value: Any) -> bool:
    return isinstance(value, uuid.UUID) or str(uuid.UUID(str(value))) == str(value)


@pytest.fixture
def service(serve) -> Service:
    return serve(World.from_dict(default_clusters(2)), speed=SPEED)


# -- the runbook ----------------------------------------------------------------------------

def test_replication_runbook_with_the_solidfire_sdk(service):
    a, b = connect_sdk(service, 0), connect_sdk(service, 1)
    # the factory asked GetAPI at /json-rpc/7.0 and reconnected at the current version
    assert a.api_version == 12.3 and b.api_version == 12.3
    assert a._dispatcher._endpoint == (
        f"https://{HOST}:{service.servers[0].port}/json-rpc/12.3")

    # the clusters
    info_a, info_b = a.get_cluster_info().cluster_info, b.get_cluster_info().cluster_info
    assert (info_a.name, info_b.name) == ("cluster1", "cluster2")
    assert info_a.mvip == "10.117.1.10" and info_b.mvip == "10.117.2.10"
    assert is_uuid(info_a.uuid) and str(info_a.uuid) != str(info_b.uuid)
    limits = a.get_limits()
    assert limits.cluster_pairs_count_max == 4
    assert limits.volume_size_min == 1_000_000_000 and limits.snapshots_per_volume_max == 32

    # accounts and volumes; the target becomes a replicationTarget
    acc_a, acc_b = a.add_account(username="tenant"), b.add_account(username="tenant")
    assert acc_a.account_id == 1 and acc_b.account_id == 1
    assert acc_a.account.username == "tenant"
    assert 12 <= len(acc_a.account.initiator_secret.secret) <= 16
    created = a.create_volume(name="db", account_id=1, total_size=SIZE, enable512e=False)
    va = created.volume_id
    assert va == 1 and created.volume.name == "db" and str(created.volume.access) == "readWrite"
    assert is_uuid(created.volume.volume_uuid) and isinstance(created.curve, dict)
    assert created.volume.qos.curve and created.volume.volume_pairs == []
    vb = b.create_volume(name="db-dr", account_id=1, total_size=SIZE, enable512e=False).volume_id
    spare = a.create_volume(name="scratch", account_id=1, total_size=10**10,
                            enable512e=False).volume_id
    assert (vb, spare) == (1, 2)
    modified = b.modify_volume(volume_id=vb, access="replicationTarget")
    assert str(modified.volume.access) == "replicationTarget"

    # cluster pairing: the key from A, completed on B; each side numbers its own pair
    started = a.start_cluster_pairing()
    assert started.cluster_pair_id == 1
    assert isinstance(started.cluster_pairing_key, str)
    int(started.cluster_pairing_key, 16)  # a hex-encoded key
    (pending,) = a.list_cluster_pairs().cluster_pairs
    assert pending.status != "Connected"
    completed = b.complete_cluster_pairing(cluster_pairing_key=started.cluster_pairing_key)
    assert completed.cluster_pair_id == 1
    pairs_a = wait_for(lambda: a.list_cluster_pairs().cluster_pairs,
                       lambda ps: [p.status for p in ps] == ["Connected"])[-1]
    pairs_b = wait_for(lambda: b.list_cluster_pairs().cluster_pairs,
                       lambda ps: [p.status for p in ps] == ["Connected"])[-1]
    (cp_a,), (cp_b,) = pairs_a, pairs_b
    assert is_uuid(cp_a.cluster_pair_uuid)
    assert str(cp_a.cluster_pair_uuid) == str(cp_b.cluster_pair_uuid)
    assert (cp_a.cluster_name, cp_b.cluster_name) == ("cluster2", "cluster1")
    assert (cp_a.mvip, cp_b.mvip) == ("10.117.2.10", "10.117.1.10")
    assert isinstance(cp_a.latency, int) and cp_a.latency >= 0
    assert cp_a.cluster_pair_id == 1 and cp_b.cluster_pair_id == 1

    # volume pairing in Async: started on the source, completed on the target
    key = a.start_volume_pairing(volume_id=va, mode="Async").volume_pairing_key
    assert isinstance(key, str)
    int(key, 16)
    b.complete_volume_pairing(volume_id=vb, volume_pairing_key=key)
    jobs: list[Any] = []

    def progress() -> str:
        jobs.extend(a.list_sync_jobs().sync_jobs)
        return state_of(a)

    states = wait_for(progress, lambda s: s == "Active")
    assert all(s.startswith("Resuming") for s in states[:-1]), states  # the initial sync
    assert jobs, f"no sync job seen while the pair synced: {states}"
    assert all(j.type == "remote" and j.src_volume_id == va and j.dst_volume_id == vb
               for j in jobs)
    assert {j.stage for j in jobs} <= {"metadata", "data"}
    wait_for(lambda: state_of(b), lambda s: s == "Active")

    # both sides list full Volume objects with their volumePairs entries
    (vol_a,) = a.list_active_paired_volumes().volumes
    (vol_b,) = b.list_active_paired_volumes().volumes
    assert (vol_a.volume_id, vol_a.name, str(vol_a.access)) == (va, "db", "readWrite")
    assert (vol_b.volume_id, vol_b.name, str(vol_b.access)) == (vb, "db-dr",
                                                          "replicationTarget")
    assert vol_a.total_size >= SIZE and vol_a.qos.min_iops == 50
    assert is_uuid(vol_a.volume_uuid) and vol_a.account_id == 1
    (pa,), (pb,) = vol_a.volume_pairs, vol_b.volume_pairs
    assert str(pa.volume_pair_uuid) == str(pb.volume_pair_uuid) and is_uuid(pa.volume_pair_uuid)
    assert (pa.cluster_pair_id, pa.remote_volume_id, pa.remote_volume_name) == (1, vb, "db-dr")
    assert (pb.cluster_pair_id, pb.remote_volume_id, pb.remote_volume_name) == (1, va, "db")
    for pair in (pa, pb):
        assert pair.remote_replication.mode == "Async"
        assert pair.remote_replication.state == "Active"
        assert pair.remote_replication.pause_limit == 3_145_728_000
        assert pair.remote_replication.snapshot_replication.state in ("Idle", "Active")
    # ListVolumes(isPaired=true) filters out the unpaired volume
    assert [v.volume_id for v in a.list_volumes(is_paired=True).volumes] == [va]
    assert sorted(v.volume_id for v in a.list_volumes().volumes) == [va, spare]
    assert [v.volume_id for v in a.list_volumes(is_paired=False).volumes] == [spare]

    # statistics: asyncDelay is an Element duration string while paired
    stats = a.get_volume_stats(volume_id=va).volume_stats
    assert stats.volume_id == va
    assert isinstance(stats.async_delay, str)
    assert re.match(HMS, stats.async_delay), stats.async_delay
    assert a.list_cluster_faults().faults == []
    assert a.list_sync_jobs().sync_jobs == []  # Active: nothing left to sync

    # a snapshot replicated to the target: its remote status becomes Present
    snap = a.create_snapshot(volume_id=va, name="before-change", enable_remote_replication=True)
    assert snap.snapshot_id == 1 and snap.snapshot.enable_remote_replication is True
    assert is_uuid(snap.snapshot.snapshot_uuid)

    def remote_statuses() -> list[tuple[str, str]]:
        (s,) = a.list_snapshots(volume_id=va).snapshots
        return [(str(r.remote_status), str(r.volume_pair_uuid)) for r in s.remote_statuses]

    statuses = wait_for(remote_statuses, lambda rs: rs and rs[0][0] == "Present")
    assert statuses[-1] == [("Present", str(pa.volume_pair_uuid))]
    replicas = b.list_snapshots(volume_id=vb).snapshots  # the copy on the target
    assert [s.name for s in replicas] == ["before-change"]
    unreplicated = a.create_snapshot(volume_id=va, name="local-only",
                                     enable_remote_replication=False)
    listed = {s.snapshot_id: s for s in a.list_snapshots(volume_id=va).snapshots}
    assert listed[unreplicated.snapshot_id].enable_remote_replication is False

    # pause on the source: PausedManual here, PausedManualRemote on the peer
    a.modify_volume_pair(volume_id=va, paused_manual=True)
    assert state_of(a) == "PausedManual"
    assert state_of(b) == "PausedManualRemote"
    # resume: back through the Resuming* states to Active
    a.modify_volume_pair(volume_id=va, paused_manual=False)
    states = wait_for(lambda: state_of(a), lambda s: s == "Active")
    assert all(s.startswith("Resuming") for s in states[:-1]), states
    wait_for(lambda: state_of(b), lambda s: s == "Active")

    # switch to Sync: both sides report the mode
    a.modify_volume_pair(volume_id=va, mode="Sync")
    assert pair_of(a).remote_replication.mode == "Sync"
    assert pair_of(b).remote_replication.mode == "Sync"
    assert [v.volume_id for v in a.list_volumes(is_paired=True).volumes] == [va]

    # the cluster pair cannot go while a volume pair uses it, and nothing changes
    with pytest.raises(ApiServerError) as refused:
        a.remove_cluster_pair(cluster_pair_id=1)
    assert refused.value.error_name == "xClusterPairInUse"
    assert refused.value.error_code == 500
    assert [p.status for p in a.list_cluster_pairs().cluster_pairs] == ["Connected"]

    # removal, each side on its own: the peer notices until it removes its side too
    a.remove_volume_pair(volume_id=va)
    assert a.list_active_paired_volumes().volumes == []
    assert state_of(b) in ("PausedMisconfigured", "StoppedMisconfigured")
    b.remove_volume_pair(volume_id=vb)
    assert b.list_active_paired_volumes().volumes == []
    assert a.list_volumes(is_paired=True).volumes == []
    a.remove_cluster_pair(cluster_pair_id=1)
    assert a.list_cluster_pairs().cluster_pairs == []
    (left,) = b.list_cluster_pairs().cluster_pairs
    assert left.status == "Misconfigured"
    b.remove_cluster_pair(cluster_pair_id=1)
    assert b.list_cluster_pairs().cluster_pairs == []

    # after the pair: no async delay, volumes still there
    assert a.get_volume_stats(volume_id=va).volume_stats.async_delay is None
    assert [v.name for v in b.list_volumes().volumes] == ["db-dr"]

    # every reply matched the SDK's models, and the SDK met no error it should not have
    assert a.problems == [] and b.problems == [], a.problems + b.problems
    assert len(a.methods) + len(b.methods) > 40


def test_sdk_with_an_explicit_api_version(service):
    a = connect_sdk(service, 0, version="12.3")
    assert a.api_version == 12.3
    assert a.get_cluster_version_info().cluster_apiversion == "12.3"
    old = connect_sdk(service, 0, version="9.6")  # older endpoints work the same
    assert old.api_version == 9.6
    assert old.get_cluster_info().cluster_info.name == "cluster1"
    assert a.problems == [] and old.problems == []


def test_sdk_sees_bad_credentials_as_bad_credentials(service):
    with pytest.raises(ApiConnectionError, match="Bad Credentials"):
        ElementFactory.create(HOST, "admin", "wrong", port=service.servers[0].port,
                              verify_ssl=False, print_ascii_art=False)


def test_sdk_gets_element_errors_as_api_server_errors(service):
    a = connect_sdk(service, 0)
    with pytest.raises(ApiServerError) as unknown:
        a.invoke_sfapi(method="NoSuchMethod", parameters={})
    assert unknown.value.error_name == "xUnknownAPIMethod"
    assert "method=NoSuchMethod" in unknown.value.message
    with pytest.raises(ApiServerError) as missing:
        a.get_volume_stats(volume_id=99)
    assert missing.value.error_name == "xVolumeIDDoesNotExist"
    with pytest.raises(ApiServerError) as bad_key:
        a.complete_cluster_pairing(cluster_pairing_key="not-a-key")
    assert bad_key.value.error_name == "xInvalidKey"
    # invoke_sfapi reaches any method, with the raw result
    raw = a.invoke_sfapi(method="ListClusterPairs", parameters={})
    assert raw == {"clusterPairs": []}
    assert service.world.model.cluster_pairs == []


def test_host_port_target_as_ansible_modules_pass_it(service):
    """netapp.elementsw modules have no port option; `hostname: 127.0.0.1:8443` reaches
    ElementFactory.create unchanged (port left at 443), and the SDK connects there."""
    port = service.servers[1].port
    element = ShapeChecked(ElementFactory.create(f"{HOST}:{port}", "admin", "admin",
                                                 print_ascii_art=False))
    assert element.api_version == 12.3
    assert element.get_cluster_info().cluster_info.name == "cluster2"
    assert element.list_cluster_pairs().cluster_pairs == []
    assert element.problems == []
