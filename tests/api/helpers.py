"""Worlds, calls and pairing shortcuts for the API tests (all through `World.call`)."""

from __future__ import annotations

import copy
import math
import re
from typing import Any

import numpy as np

from replsim.world import World
from tests.builders import two_sites

# The two example keys of the seed document (NetApp's docs), byte for byte.
SEED_CLUSTER_KEY = (
    "7b22636c7573746572506169724944223a312c22636c75737465725061697255554944223"
    "a2231636561313336322d346338662d343631612d626537322d37343536366139353364326"
    "6222c22636c7573746572556e697175654944223a2278736d36222c226d766970223a22313"
    "9322e3136382e3133392e313232222c226e616d65223a224175746f54657374322d6330755"
    "2222c2270617373776f7264223a22695e59686f20492d64774d7d4c67614b222c227270634"
    "36f6e6e656374696f6e4944223a3931333134323634392c22757365726e616d65223a225f5"
    "f53465f706169725f50597a796647704c7246564432444a42227d"
)
SEED_CLUSTER_FIELDS = {
    "clusterPairID": 1,
    "clusterPairUUID": "1cea1362-4c8f-461a-be72-74566a953d2f",
    "clusterUniqueID": "xsm6",
    "mvip": "192.168.139.122",
    "name": "AutoTest2-c0uR",
    "password": "i^Yho I-dwM}LgaK",
    "rpcConnectionID": 913142649,
    "username": "__SF_pair_PYzyfGpLrFVD2DJB",
}
SEED_VOLUME_KEY = (
    "7b226d766970223a223139322e3136382e3133392e313232222c22766f6c756d654944223"
    "a312c22766f6c756d654e616d65223a2254657374222c22766f6c756d65506169725555494"
    "4223a2236393632346663622d323032652d343332352d613536392d6563396336353563376"
    "23561227d"
)
SEED_VOLUME_FIELDS = {
    "mvip": "192.168.139.122",
    "volumeID": 1,
    "volumeName": "Test",
    "volumePairUUID": "69624fcb-202e-4325-a569-ec9c655c7b5a",
}
SEED_MVIP = "192.168.139.122"

RTT_S = 1e-3  # two_sites' link
HMS = re.compile(r"^(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{6})$")


def scenario(mode: str | None = None, rate: float | None = 500.0, target_access: str =
             "replicationTarget", **kwargs: Any) -> dict[str, Any]:
    """two_sites (east/vol, west/vol-dr), by default unpaired, with a light workload."""
    data = copy.deepcopy(two_sites(mode=mode, duration=kwargs.pop("duration", 30.0),
                                   workload={"rate": rate} if rate else None, **kwargs))
    if not rate:
        data["workloads"] = []
    data["volumes"][1]["access"] = target_access
    return data


def world(mode: str | None = None, **kwargs: Any) -> World:
    return World.from_dict(scenario(mode, **kwargs))


def assert_envelope(reply: Any, request_id: Any = None) -> None:
    """A well-formed Element reply: exactly one of result / error, code 500 errors."""
    assert isinstance(reply, dict)
    assert set(reply) in ({"id", "result"}, {"id", "error"}), reply
    assert reply["id"] == request_id or (request_id != request_id)  # NaN ids
    if "error" in reply:
        error = reply["error"]
        assert set(error) == {"code", "name", "message"}
        assert error["code"] == 500
        assert isinstance(error["name"], str) and error["name"].startswith("x")
        assert isinstance(error["message"], str) and error["message"]
    else:
        assert isinstance(reply["result"], dict)


def call(w: World, cluster: str, method: str, params: Any = None, request_id: Any = 1,
         ) -> dict[str, Any]:
    request = {"method": method, "params": {} if params is None else params, "id": request_id}
    reply = w.call(cluster, request)
    assert_envelope(reply, request_id)
    return reply


def ok(w: World, cluster: str, method: str, /, **params: Any) -> dict[str, Any]:
    reply = call(w, cluster, method, params)
    assert "error" not in reply, reply
    return reply["result"]


def err(w: World, cluster: str, method: str, expected: str, /, **params: Any) -> str:
    """Call, expect Element error `expected`, return its message."""
    reply = call(w, cluster, method, params)
    assert "result" not in reply, reply
    assert reply["error"]["name"] == expected, reply
    return reply["error"]["message"]


def run_for(w: World, seconds: float) -> None:
    if seconds > 0:
        w.run(until=w.now + seconds)


def pair_clusters(w: World, a: str = "east", b: str = "west") -> tuple[int, int]:
    """StartClusterPairing on `a`, CompleteClusterPairing on `b`, wait until Connected."""
    started = ok(w, a, "StartClusterPairing")
    completed = ok(w, b, "CompleteClusterPairing",
                   clusterPairingKey=started["clusterPairingKey"])
    run_for(w, w.model.link_between(a, b).rtt_s + 1e-6)
    return started["clusterPairID"], completed["clusterPairID"]


def pair_volumes(w: World, source: tuple[str, int] = ("east", 1),
                 target: tuple[str, int] = ("west", 1), mode: str | None = None) -> None:
    params: dict[str, Any] = {"volumeID": source[1]}
    if mode is not None:
        params["mode"] = mode
    key = ok(w, source[0], "StartVolumePairing", **params)["volumePairingKey"]
    ok(w, target[0], "CompleteVolumePairing", volumeID=target[1], volumePairingKey=key)


def paired_world(mode: str | None = None, settle: float = 2.0, **kwargs: Any) -> World:
    """east/vol → west/vol-dr paired through the API and, after `settle` s, Active."""
    w = world(**kwargs)
    pair_clusters(w)
    pair_volumes(w, mode=mode)
    run_for(w, settle)
    return w


def volume(w: World, cluster: str, volume_id: int) -> dict[str, Any]:
    found = ok(w, cluster, "ListVolumes", volumeIDs=[volume_id])["volumes"]
    assert len(found) == 1
    return found[0]


def volume_pair(w: World, cluster: str, volume_id: int = 1) -> dict[str, Any]:
    pairs = volume(w, cluster, volume_id)["volumePairs"]
    assert len(pairs) == 1, pairs
    return pairs[0]


def state(w: World, cluster: str, volume_id: int = 1) -> str:
    return volume_pair(w, cluster, volume_id)["remoteReplication"]["state"]


def cluster_pairs(w: World, cluster: str) -> list[dict[str, Any]]:
    return ok(w, cluster, "ListClusterPairs")["clusterPairs"]


def model_pair(w: World):
    assert len(w.model.pairs) >= 1
    return w.model.pairs[-1]


def hms_seconds(text: str) -> float:
    match = HMS.match(text)
    assert match, text
    hours, minutes, seconds, micros = (int(g) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds + micros / 1e6


def forward_bytes(w: World, a: str = "east", b: str = "west") -> float:
    return w.model.link_between(a, b).direction(a, b).bytes_sent


def writes_between(w: World, t0: float, t1: float, cluster: str = "east",
                   volume_name: str = "vol") -> dict[str, np.ndarray]:
    """The host writes of one volume issued in [t0, t1) (numpy columns)."""
    cols = w.model.path.writes.view()
    index = w.model.volume(cluster, volume_name).index
    mask = (cols["volume"] == index) & cols["is_write"] & (cols["t_issue_s"] >= t0) & (
        cols["t_issue_s"] < t1)
    return {k: v[mask] for k, v in cols.items()}


def finite(values: np.ndarray) -> bool:
    return bool(len(values)) and all(math.isfinite(float(v)) for v in values)


def account_id(w: World, cluster: str = "east") -> int:
    """An account to own new volumes: the first one, or a new one if there is none."""
    accounts = ok(w, cluster, "ListAccounts")["accounts"]
    if accounts:
        return accounts[0]["accountID"]
    return ok(w, cluster, "AddAccount", username=f"tenant-{cluster}")["accountID"]


def create_volume(w: World, cluster: str, name: str, size: int = 2 * 10**9, /,
                  **params: Any) -> int:
    return ok(w, cluster, "CreateVolume", name=name, accountID=account_id(w, cluster),
              totalSize=size, **params)["volumeID"]


def bare_world(**kwargs: Any) -> World:
    """east and west linked, no volumes, no accounts, no workload."""
    data = scenario(rate=None, **kwargs)
    data["volumes"] = []
    return World.from_dict(data)
