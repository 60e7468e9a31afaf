"""The dispatcher: request/response envelopes, robustness against any request, the
api_calls table with secrets masked, and property-based fuzzing of every method."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replsim.api.registry import METHODS
from replsim.model.clusterpair import MAX_CLUSTER_PAIRS
from replsim.model.pair import STATES
from replsim.results import Results
from tests.api.helpers import (
    assert_envelope,
    call,
    err,
    ok,
    pair_clusters,
    pair_volumes,
    run_for,
    world,
)
from tests.api.shapes import check_cluster_pair, check_volume

DEEP: list = []
for _ in range(20000):
    DEEP = [DEEP]


def raw(w, request, cluster="east"):
    """Send anything as the request; the reply must be a well-formed envelope."""
    reply = w.call(cluster, request)
    expected_id = request.get("id") if isinstance(request, dict) else None
    assert_envelope(reply, expected_id)
    return reply


# ---- envelopes ----------------------------------------------------------------------------
@pytest.mark.parametrize("request_id", [0, 1, 7, "abc", None, 2**70, 1.5])
def test_id_is_echoed(request_id):
    w = world(rate=None)
    reply = raw(w, {"method": "GetLimits", "params": {}, "id": request_id})
    assert reply["id"] == request_id and "error" not in reply
    reply = raw(w, {"method": "Nope", "params": {}, "id": request_id})
    assert reply["id"] == request_id and "result" not in reply


def test_success_has_no_error_key_and_error_has_no_result_key():
    w = world(rate=None)
    good = raw(w, {"method": "GetAPI", "id": 1})
    assert set(good) == {"id", "result"}
    bad = raw(w, {"method": "GetVolumeStats", "params": {}, "id": 2})
    assert set(bad) == {"id", "error"} and bad["error"]["code"] == 500


def test_missing_id_and_params_default():
    w = world(rate=None)
    assert raw(w, {"method": "GetLimits"})["id"] is None
    assert "result" in raw(w, {"method": "GetLimits", "params": None})
    assert "result" in raw(w, {"method": "GetLimits", "params": {}, "jsonrpc": "2.0"})


# ---- malformed requests -------------------------------------------------------------------
@pytest.mark.parametrize("request_", [
    None, [], [{"method": "GetAPI", "id": 1}], "GetAPI", '{"method": "GetAPI"}', 5, 2.5,
    True, b"GetAPI", {"GetAPI"}, ("GetAPI",),
])
def test_a_request_that_is_not_an_object(request_):
    w = world(rate=None)
    reply = raw(w, request_)
    assert reply["error"]["name"] == "xInvalidRequest"
    assert reply["id"] is None


def test_batch_requests_are_refused():
    w = world(rate=None)
    reply = raw(w, [{"method": "StartClusterPairing", "id": 1},
                    {"method": "StartClusterPairing", "id": 2}])
    assert "batch" in reply["error"]["message"]
    assert ok(w, "east", "ListClusterPairs")["clusterPairs"] == []  # nothing ran


@pytest.mark.parametrize("request_,name", [
    ({"params": {}, "id": 1}, "xMissingParameter"),
    ({"method": None, "id": 1}, "xMissingParameter"),
    ({"method": "", "id": 1}, "xMissingParameter"),
    ({"method": 5, "id": 1}, "xInvalidParameterType"),
    ({"method": ["GetAPI"], "id": 1}, "xInvalidParameterType"),
    ({"method": {"a": 1}, "id": 1}, "xInvalidParameterType"),
    ({"method": "GetAPI", "params": [], "id": 1}, "xInvalidParameterType"),
    ({"method": "GetAPI", "params": [1, 2], "id": 1}, "xInvalidParameterType"),
    ({"method": "GetAPI", "params": "x", "id": 1}, "xInvalidParameterType"),
    ({"method": "GetAPI", "params": 3, "id": 1}, "xInvalidParameterType"),
    ({"method": "StartVolumePairing", "params": [1, "Async"], "id": 1},
     "xInvalidParameterType"),
])
def test_malformed_members(request_, name):
    w = world(rate=None)
    reply = raw(w, request_)
    assert reply["error"]["name"] == name
    if name == "xMissingParameter":
        assert "method" in reply["error"]["message"]


@pytest.mark.parametrize("name", ["Bogus", "getapi", "GETAPI", "StartClusterPairing ",
                                  "ListVolume", "x" * 5000, "方法", "__class__", "get"])
def test_unknown_method(name):
    w = world(rate=None)
    reply = raw(w, {"method": name, "params": {}, "id": 3})
    assert reply["error"]["name"] == "xUnknownAPIMethod"
    assert f"method={name}"[:500] in reply["error"]["message"]
    assert len(reply["error"]["message"]) <= 2100


@pytest.mark.parametrize("params", [
    {"volumeID": 2**300}, {"volumeID": -1}, {"volumeID": 0}, {"volumeID": 10**18},
])
def test_huge_or_odd_ids_are_unknown_volumes(params):
    w = world(rate=None)
    err(w, "east", "GetVolumeStats", "xVolumeIDDoesNotExist", **params)
    err(w, "east", "StartVolumePairing", "xVolumeIDDoesNotExist", **params)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 1e308, "1", [], {}, True,
                                   DEEP])
def test_odd_values_for_an_int_member(value):
    w = world(rate=None)
    err(w, "east", "GetVolumeStats", "xInvalidParameterType", volumeID=value)


def test_huge_values_elsewhere():
    w = world(rate=None)
    err(w, "east", "AddAccount", "xInvalidParameter", username="u" * 1_000_000)
    err(w, "east", "ModifyVolume", "xInvalidParameter", volumeID=1, totalSize=10**400)
    err(w, "east", "ListVolumes", "xInvalidParameterType", volumeIDs=[*range(10), None])
    assert ok(w, "east", "ListVolumes", volumeIDs=list(range(100000)))["volumes"]
    err(w, "west", "CompleteClusterPairing", "xInvalidKey", clusterPairingKey="7b" * 500000)
    err(w, "east", "CreateSnapshot", "xInvalidParameter", volumeID=1,
        retention="99999999999999999999:00:00" + "0" * 10000)


def test_params_with_keys_that_are_not_strings():
    w = world(rate=None)
    reply = raw(w, {"method": "GetLimits", "params": {1: 2, None: 3, "a": 4, (1, 2): 5}})
    assert "result" in reply
    reply = raw(w, {"method": "GetVolumeStats", "params": {1: "volumeID"}, "id": 0})
    assert reply["error"]["name"] == "xMissingParameter"
    assert w.results().api_calls["params"].str.len().gt(0).all()


def test_deeply_nested_params_and_non_json_values():
    w = world(rate=None)
    assert "result" in raw(w, {"method": "GetLimits", "params": {"deep": DEEP}})
    assert "result" in raw(w, {"method": "GetLimits", "params": {"odd": {1, 2}, "b": b"x",
                                                                  "f": float("nan")}})
    assert raw(w, {"method": DEEP})["error"]["name"] == "xInvalidParameterType"
    assert len(w.results().api_calls) == 3


def test_unknown_cluster_is_a_programming_error():
    w = world(rate=None)
    with pytest.raises(ValueError, match="unknown cluster"):
        w.call("north", {"method": "GetAPI"})


# ---- the api_calls table ------------------------------------------------------------------
def test_api_calls_table_one_row_per_call():
    w = world(rate=None)
    ok(w, "east", "GetLimits")
    run_for(w, 2.5)
    err(w, "west", "GetVolumeStats", "xMissingParameter")
    raw(w, None)
    raw(w, {"method": "Nope"}, cluster="west")
    calls = w.results().api_calls
    assert list(calls.columns) == ["t_s", "cluster", "method", "params", "outcome", "message",
                                   "result"]
    assert len(calls) == 4
    assert calls["t_s"].tolist() == [0.0, 2.5, 2.5, 2.5]
    assert calls["cluster"].tolist() == ["east", "west", "east", "west"]
    assert calls["method"].tolist() == ["GetLimits", "GetVolumeStats", "None", "Nope"]
    assert calls["outcome"].tolist() == ["ok", "xMissingParameter", "xInvalidRequest",
                                         "xUnknownAPIMethod"]
    assert calls["message"].iloc[0] == "" and "volumeID" in calls["message"].iloc[1]
    assert json.loads(calls["result"].iloc[0])["clusterPairsCountMax"] == 4
    assert calls["result"].iloc[1] == ""


def secrets_of_a_full_run(tmp_path: Path):
    """Pair everything, add accounts with secrets, save; return the secrets and folder."""
    w = world(rate=200)
    start = ok(w, "east", "StartClusterPairing")
    cluster_key = start["clusterPairingKey"]
    fields = json.loads(bytes.fromhex(cluster_key))
    ok(w, "west", "CompleteClusterPairing", clusterPairingKey=cluster_key)
    err(w, "west", "CompleteClusterPairing", "xInvalidKey", clusterPairingKey=cluster_key)
    err(w, "west", "CompleteClusterPairing", "xMissingParameter", clusterpairingkey=cluster_key)
    err(w, "west", "CompleteClusterPairing", "xInvalidParameterType",
        clusterPairingKey=[cluster_key])
    run_for(w, 0.01)
    volume_key = ok(w, "east", "StartVolumePairing", volumeID=1)["volumePairingKey"]
    ok(w, "west", "CompleteVolumePairing", volumeID=1, volumePairingKey=volume_key)
    account = ok(w, "east", "AddAccount", username="tenant", initiatorSecret="InitSecret123",
                 targetSecret="TargSecret456")["account"]
    generated = ok(w, "west", "AddAccount", username="other")["account"]
    ok(w, "east", "ListAccounts")
    ok(w, "east", "GetAccountByName", username="tenant")
    run_for(w, 1.0)
    results = w.results()
    folder = results.save(tmp_path / "run")
    secrets = [cluster_key, volume_key, fields["password"], fields["username"],
               account["initiatorSecret"], account["targetSecret"],
               generated["initiatorSecret"], generated["targetSecret"]]
    return results, folder, secrets


def test_secrets_are_masked_in_the_table_and_the_saved_folder(tmp_path):
    results, folder, secrets = secrets_of_a_full_run(tmp_path)
    calls = results.api_calls
    assert len(calls) == 11
    text = calls.to_csv()
    for secret in secrets:
        assert secret not in text
    assert "***" in text
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, (path, secret)
    for name, table in Results.load(folder).tables().items():
        text = table.to_csv()
        for secret in secrets:
            assert secret not in text, (name, secret)


# ---- property-based fuzzing ---------------------------------------------------------------
NAMES = sorted({p.name for m in METHODS.values() for p in m.params})
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-3, max_value=6),
    st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["Async", "sync", "SNAPSHOTSONLY", "readWrite", "replicationTarget",
                     "locked", "00:00:05", "fifo", "2026-01-01T00:00:03Z", "current"]),
)
JSON = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=8)
RANDOM_KEYS = st.one_of(st.binary(max_size=64).map(bytes.hex), st.text(max_size=40))


def invariants(w) -> None:
    model = w.model
    for cluster in model.clusters:
        assert model.cluster_pair_count(cluster) <= MAX_CLUSTER_PAIRS
        for cp in ok(w, cluster, "ListClusterPairs")["clusterPairs"]:
            check_cluster_pair(cp)
        for v in ok(w, cluster, "ListVolumes")["volumes"]:
            check_volume(v)
            assert len([p for p in v["volumePairs"] if p["clusterPairID"]]) <= 1
    for pair in model.pairs:
        assert pair.state in STATES
        for v in pair.volumes:
            assert v.pairs.count(pair) <= 1
        assert pair.source.cluster is not pair.target.cluster
    for v in model.volumes:
        assert len(v.pairs) <= 1
        for pair in v.pairs:
            assert v in pair.volumes


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_fuzz_any_method_any_params(data):
    w = world(mode="Async", rate=100)  # east/vol → west/vol-dr established
    keys: list[str] = []
    for step in range(data.draw(st.integers(1, 25), label="steps")):
        cluster = data.draw(st.sampled_from(["east", "west"]))
        method = data.draw(st.one_of(st.sampled_from(sorted(METHODS)), st.text(max_size=20)))
        spec = METHODS.get(method)
        names = [p.name for p in spec.params] if spec and spec.params else NAMES
        params = {}
        for name in data.draw(st.lists(st.sampled_from(names), max_size=5, unique=True)):
            if name.endswith("PairingKey") and keys and data.draw(st.booleans()):
                params[name] = data.draw(st.sampled_from(keys))
            elif name.endswith("PairingKey"):
                params[name] = data.draw(RANDOM_KEYS)
            else:
                params[name] = data.draw(JSON)
        shape = data.draw(st.sampled_from(["object", "object", "object", "odd-params",
                                           "not-a-request"]))
        if shape == "object":
            request = {"method": method, "params": params, "id": step}
        elif shape == "odd-params":
            request = {"method": method, "params": data.draw(JSON), "id": step}
        else:
            request = data.draw(JSON)
        reply = raw(w, request, cluster)
        if "result" in reply:
            json.dumps(reply["result"], allow_nan=False)  # plain JSON, no NaN
            for value in reply["result"].values():
                if isinstance(value, str) and len(value) > 100:
                    keys.append(value)  # pairing keys to reuse
        else:
            assert reply["error"]["name"] != "xInternalError", reply
        if data.draw(st.booleans()):
            run_for(w, data.draw(st.sampled_from([0.001, 0.05, 0.6])))
    assert len(w.api.calls) == step + 1  # one row per call, whatever it was
    invariants(w)
    run_for(w, 1.0)
    invariants(w)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key=st.one_of(RANDOM_KEYS, st.binary(max_size=300).map(bytes.hex),
                     st.dictionaries(st.sampled_from(["clusterPairID", "clusterPairUUID",
                                                      "clusterUniqueID", "mvip", "name",
                                                      "password", "rpcConnectionID",
                                                      "username", "volumeID", "volumeName",
                                                      "volumePairUUID"]), JSON)
                     .map(lambda d: json.dumps(d, sort_keys=True).encode().hex())))
def test_fuzz_keys(key):
    w = world(rate=None)
    pair_clusters(w)
    reply = call(w, "west", "CompleteClusterPairing", {"clusterPairingKey": key})
    assert reply["error"]["name"] in {"xInvalidKey", "xPairingAlreadyExists"}
    reply = call(w, "west", "CompleteVolumePairing", {"volumeID": 1, "volumePairingKey": key})
    assert reply["error"]["name"] in {"xInvalidPairingKey", "xMVIPNotPaired"}
    invariants(w)


def test_the_nine_methods_again_and_again_keep_the_model_consistent():
    """A deterministic walk: pairs made, paused, switched, removed, made again."""
    w = world(rate=300)
    steps = 0
    for _ in range(2):
        east_cp, west_cp = pair_clusters(w)
        pair_volumes(w, mode="sync")
        run_for(w, 1.0)
        for pause in (True, False):
            ok(w, "west", "ModifyVolumePair", volumeID=1, pausedManual=pause)
            run_for(w, 0.3)
        ok(w, "east", "ModifyVolumePair", volumeID=1, mode="snapshotsonly")
        run_for(w, 0.3)
        ok(w, "west", "RemoveVolumePair", volumeID=1)
        ok(w, "east", "RemoveVolumePair", volumeID=1)
        ok(w, "west", "RemoveClusterPair", clusterPairID=west_cp)
        ok(w, "east", "RemoveClusterPair", clusterPairID=east_cp)
        invariants(w)
        steps += 1
    assert steps == 2
    assert (w.api.frame()["outcome"] == "ok").all()


def test_results_after_pairing_the_same_volumes_twice():
    w = world(rate=100)
    for _ in range(2):
        east_cp, west_cp = pair_clusters(w)
        pair_volumes(w)
        run_for(w, 0.5)
        for cluster in ("east", "west"):
            ok(w, cluster, "RemoveVolumePair", volumeID=1)
        ok(w, "east", "RemoveClusterPair", clusterPairID=east_cp)
        ok(w, "west", "RemoveClusterPair", clusterPairID=west_cp)
    assert isinstance(w.results().writes, pd.DataFrame)


def test_results_with_two_volumes_of_one_name():
    w = world(rate=100)
    ok(w, "east", "CreateVolume", name="vol", accountID=ok(w, "east", "ListVolumes")[
        "volumes"][0]["accountID"], totalSize=10**9)
    run_for(w, 0.2)
    assert isinstance(w.results().writes, pd.DataFrame)
