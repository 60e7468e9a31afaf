"""Pairing keys: Element's format (hex of compact sorted-key JSON), the seed document's two
example keys, and their acceptance where their contents make sense."""

from __future__ import annotations

import copy
import json
import re
import string
import uuid
from pathlib import Path

import pytest

from replsim.api.keys import CLUSTER_KEY_FIELDS, VOLUME_KEY_FIELDS, decode_key, encode_key
from replsim.world import World
from tests.api.helpers import (
    SEED_CLUSTER_FIELDS,
    SEED_CLUSTER_KEY,
    SEED_MVIP,
    SEED_VOLUME_FIELDS,
    SEED_VOLUME_KEY,
    cluster_pairs,
    err,
    ok,
    pair_clusters,
    run_for,
    scenario,
    world,
)

SEED_DOCUMENT = Path("/work/shared/seeds/element-replication-api.zh.txt")
ORIGIN = SEED_CLUSTER_FIELDS["name"]


def element_format(fields: dict) -> str:
    return json.dumps(fields, separators=(",", ":"), sort_keys=True).encode().hex()


# ---- the format ---------------------------------------------------------------------------
def test_encode_is_lowercase_hex_of_compact_sorted_json():
    fields = {"b": 1, "a": "x y", "c": [1, 2]}
    key = encode_key(fields)
    assert key == element_format(fields)
    assert re.fullmatch(r"[0-9a-f]+", key)
    assert bytes.fromhex(key).decode() == '{"a":"x y","b":1,"c":[1,2]}'


def test_seed_example_keys_decode_to_the_documented_fields():
    assert len(SEED_CLUSTER_KEY) == 496 and len(SEED_VOLUME_KEY) == 230
    assert decode_key(SEED_CLUSTER_KEY, CLUSTER_KEY_FIELDS) == SEED_CLUSTER_FIELDS
    assert decode_key(SEED_VOLUME_KEY, VOLUME_KEY_FIELDS) == SEED_VOLUME_FIELDS
    assert set(SEED_CLUSTER_FIELDS) == set(CLUSTER_KEY_FIELDS)
    assert set(SEED_VOLUME_FIELDS) == set(VOLUME_KEY_FIELDS)


def test_seed_example_keys_are_reproduced_byte_for_byte():
    assert encode_key(SEED_CLUSTER_FIELDS) == SEED_CLUSTER_KEY
    assert encode_key(SEED_VOLUME_FIELDS) == SEED_VOLUME_KEY


@pytest.mark.skipif(not SEED_DOCUMENT.is_file(), reason="seed document not available")
def test_the_keys_are_those_of_the_seed_document():
    text = SEED_DOCUMENT.read_text(encoding="utf-8")
    blobs = {re.sub(r"\s", "", b) for b in re.findall(r'"(7b22[0-9a-f\s]+)"', text)}
    assert SEED_CLUSTER_KEY in blobs
    assert SEED_VOLUME_KEY in blobs
    # the document's other copies of the cluster key carry a typo (497 hex digits)
    for typo in blobs - {SEED_CLUSTER_KEY, SEED_VOLUME_KEY}:
        assert decode_key(typo, CLUSTER_KEY_FIELDS) is None


@pytest.mark.parametrize("bad", [
    None, 12, b"7b7d", ["7b7d"], "", "7", "zz", "7b7", "7b 7d", " 7b7d", "7b7d\n",
    "7b7d",                                   # {} lacks the fields
    "5b5d",                                   # [] is not an object
    "ffff",                                   # not UTF-8
    "6e756c6c",                               # null
    SEED_CLUSTER_KEY[:-2],                    # truncated JSON
    SEED_CLUSTER_KEY[:100] + "5" + SEED_CLUSTER_KEY[100:],  # the docs' typo: odd length
])
def test_decode_refuses_what_is_not_a_key(bad):
    assert decode_key(bad, CLUSTER_KEY_FIELDS) is None
    assert decode_key(bad, VOLUME_KEY_FIELDS) is None


@pytest.mark.parametrize("field,value", [
    ("clusterPairID", "1"), ("clusterPairID", True), ("clusterPairID", [1]),
    ("rpcConnectionID", 1.5), ("mvip", {"a": 1}), ("clusterPairUUID", None), ("name", 7),
])
def test_decode_refuses_fields_of_the_wrong_type(field, value):
    fields = {**SEED_CLUSTER_FIELDS, field: value}
    assert decode_key(encode_key(fields), CLUSTER_KEY_FIELDS) is None


def test_volume_key_with_unhashable_volume_id_is_refused():
    fields = {**SEED_VOLUME_FIELDS, "volumeID": [1]}
    assert decode_key(encode_key(fields), VOLUME_KEY_FIELDS) is None


# ---- keys replsim makes -------------------------------------------------------------------
def test_cluster_key_from_start_cluster_pairing_has_the_documented_fields():
    w = world()
    result = ok(w, "east", "StartClusterPairing")
    key = result["clusterPairingKey"]
    assert re.fullmatch(r"[0-9a-f]+", key)
    fields = json.loads(bytes.fromhex(key))
    assert element_format(fields) == key  # compact, sorted: exactly Element's encoding
    assert set(fields) == set(CLUSTER_KEY_FIELDS)
    info = ok(w, "east", "GetClusterInfo")["clusterInfo"]
    assert fields["clusterPairID"] == result["clusterPairID"]
    assert fields["clusterUniqueID"] == info["uniqueID"]
    assert fields["mvip"] == info["mvip"] and fields["name"] == info["name"] == "east"
    assert str(uuid.UUID(fields["clusterPairUUID"])) == fields["clusterPairUUID"]
    assert re.fullmatch(r"__SF_pair_[A-Za-z0-9]{16}", fields["username"])
    assert len(fields["password"]) == 16
    assert set(fields["password"]) <= set(string.printable) - set("\t\n\r\x0b\x0c")
    assert isinstance(fields["rpcConnectionID"], int) and 0 < fields["rpcConnectionID"] < 2**31
    pending = cluster_pairs(w, "east")[0]
    assert pending["clusterPairUUID"] == fields["clusterPairUUID"]


def test_each_start_cluster_pairing_makes_a_new_key():
    w = world()
    keys = [ok(w, "east", "StartClusterPairing")["clusterPairingKey"] for _ in range(3)]
    fields = [json.loads(bytes.fromhex(k)) for k in keys]
    assert len(set(keys)) == 3
    assert [f["clusterPairID"] for f in fields] == [1, 2, 3]
    assert len({f["clusterPairUUID"] for f in fields}) == 3
    assert len({f["password"] for f in fields}) == 3


def test_volume_key_has_the_documented_fields_and_no_mode():
    w = world()
    pair_clusters(w)
    key = ok(w, "east", "StartVolumePairing", volumeID=1, mode="Sync")["volumePairingKey"]
    fields = json.loads(bytes.fromhex(key))
    assert element_format(fields) == key
    assert set(fields) == set(VOLUME_KEY_FIELDS)
    assert fields["mvip"] == ok(w, "east", "GetClusterInfo")["clusterInfo"]["mvip"]
    assert fields["volumeID"] == 1 and fields["volumeName"] == "vol"
    assert str(uuid.UUID(fields["volumePairUUID"])) == fields["volumePairUUID"]


# ---- the seed's keys are accepted where their contents make sense -------------------------
def seed_world() -> World:
    """The originator has the seed key's name, MVIP and uniqueID; its volume 1 is "Test"."""
    data = copy.deepcopy(scenario(rate=None))
    data["clusters"][0].update(name=ORIGIN, mvip=SEED_MVIP)
    data["links"][0]["between"] = [ORIGIN, "west"]
    data["volumes"][0].update(cluster=ORIGIN, name="Test")
    w = World.from_dict(data)
    w.model.clusters[ORIGIN].identity.unique_id = "xsm6"
    return w


def start_seed_cluster_pairing(w: World) -> None:
    assert ok(w, ORIGIN, "StartClusterPairing")["clusterPairID"] == 1
    pending = w.model.cluster_pairs[-1]  # test-level setup: the seed's UUID and credentials
    pending.uuid = SEED_CLUSTER_FIELDS["clusterPairUUID"]
    pending.secret = {name: SEED_CLUSTER_FIELDS[name]
                      for name in ("username", "password", "rpcConnectionID")}


def test_seed_cluster_key_is_what_the_originator_would_issue():
    w = seed_world()
    start_seed_cluster_pairing(w)
    info = ok(w, ORIGIN, "GetClusterInfo")["clusterInfo"]
    pending = w.model.cluster_pairs[-1]
    fields = {"clusterPairID": cluster_pairs(w, ORIGIN)[0]["clusterPairID"],
              "clusterPairUUID": pending.uuid, "clusterUniqueID": info["uniqueID"],
              "mvip": info["mvip"], "name": info["name"], **pending.secret}
    assert encode_key(fields) == SEED_CLUSTER_KEY


def test_seed_cluster_key_is_accepted_by_the_other_cluster():
    w = seed_world()
    start_seed_cluster_pairing(w)
    assert ok(w, "west", "CompleteClusterPairing",
              clusterPairingKey=SEED_CLUSTER_KEY) == {"clusterPairID": 1}
    run_for(w, 0.01)
    (west,) = cluster_pairs(w, "west")
    assert west["clusterPairUUID"] == SEED_CLUSTER_FIELDS["clusterPairUUID"]
    assert (west["clusterName"], west["mvip"], west["clusterUUID"]) == (
        ORIGIN, SEED_MVIP, "xsm6")
    assert west["status"] == "Connected"
    assert cluster_pairs(w, ORIGIN)[0]["status"] == "Connected"
    # single-use
    err(w, "west", "CompleteClusterPairing", "xInvalidKey", clusterPairingKey=SEED_CLUSTER_KEY)


def test_seed_cluster_key_is_refused_where_it_makes_no_sense():
    w = world()  # no cluster answers at 192.168.139.122
    err(w, "west", "CompleteClusterPairing", "xInvalidKey", clusterPairingKey=SEED_CLUSTER_KEY)
    w = seed_world()  # the originator exists but never issued it
    err(w, "west", "CompleteClusterPairing", "xInvalidKey", clusterPairingKey=SEED_CLUSTER_KEY)


def test_seed_volume_key_is_accepted_by_the_other_cluster():
    w = seed_world()
    start_seed_cluster_pairing(w)
    ok(w, "west", "CompleteClusterPairing", clusterPairingKey=SEED_CLUSTER_KEY)
    run_for(w, 0.01)
    ok(w, ORIGIN, "StartVolumePairing", volumeID=1)
    test_volume = w.model.clusters[ORIGIN].volumes[1]
    assert test_volume.name == "Test"
    test_volume.pending_pairing = (SEED_VOLUME_FIELDS["volumePairUUID"],
                                   test_volume.pending_pairing[1])
    assert ok(w, "west", "CompleteVolumePairing", volumeID=1,
              volumePairingKey=SEED_VOLUME_KEY) == {}
    for cluster in (ORIGIN, "west"):
        (entry,) = ok(w, cluster, "ListActivePairedVolumes")["volumes"][0]["volumePairs"]
        assert entry["volumePairUUID"] == SEED_VOLUME_FIELDS["volumePairUUID"]
        assert entry["remoteVolumeID"] == 1
    assert ok(w, "west", "ListActivePairedVolumes")["volumes"][0]["volumePairs"][0][
        "remoteVolumeName"] == "Test"


def test_seed_volume_key_is_refused_where_it_makes_no_sense():
    w = world()  # west is not paired with 192.168.139.122
    err(w, "west", "CompleteVolumePairing", "xMVIPNotPaired", volumeID=1,
        volumePairingKey=SEED_VOLUME_KEY)
    w = seed_world()
    start_seed_cluster_pairing(w)
    ok(w, "west", "CompleteClusterPairing", clusterPairingKey=SEED_CLUSTER_KEY)
    run_for(w, 0.01)
    # paired with that MVIP, but its volume 1 has no pending pairing with that UUID
    err(w, "west", "CompleteVolumePairing", "xInvalidPairingKey", volumeID=1,
        volumePairingKey=SEED_VOLUME_KEY)
    ok(w, ORIGIN, "StartVolumePairing", volumeID=1)
    err(w, "west", "CompleteVolumePairing", "xInvalidPairingKey", volumeID=1,
        volumePairingKey=SEED_VOLUME_KEY)
