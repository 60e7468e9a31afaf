"""The validation scenario: two sites, one link, one pair, deterministic by default.

Analytical checks need a model whose only randomness is the part under test, so the
defaults make everything else deterministic (0.2 ms commits, ample slice-service
servers, uncapped QoS, efficiency 1).
"""

from __future__ import annotations

import copy
from typing import Any

UNCAPPED_QOS = {"minIOPS": 15000, "maxIOPS": 200000, "burstIOPS": 200000, "burstTime": 1}


def two_sites(
    *,
    mode: str | None = "Async",
    workload: dict[str, Any] | None = None,
    commit: dict[str, Any] | None = None,
    servers: int | None = 64,
    mirror_hop: float = 50e-6,
    link: dict[str, Any] | None = None,
    qos: dict[str, Any] | None = None,
    duration: float = 10.0,
    seed: int = 1,
    model: dict[str, Any] | None = None,
    sample_interval: float = 0.5,
) -> dict[str, Any]:
    """east/vol → west/vol-dr over one link; deterministic 0.2 ms commits by default."""
    commit = commit or {"dist": "deterministic", "mean": 0.2e-3}
    slice_service = {"commit_time": commit, "servers": servers}
    scenario: dict[str, Any] = {
        "run": {"name": "test", "seed": seed, "duration": duration,
                "sample_interval": sample_interval},
        "model": model or {},
        "clusters": [
            {"name": "east", "nodes": 4, "mirror_hop": mirror_hop,
             "slice_service": slice_service},
            {"name": "west", "nodes": 4, "mirror_hop": mirror_hop,
             "slice_service": copy.deepcopy(slice_service)},
        ],
        "links": [{"between": ["east", "west"], "rtt": 1e-3, "bandwidth": "1Gbps",
                   "efficiency": 1.0, **(link or {})}],
        "volumes": [
            {"cluster": "east", "name": "vol", "size": "100GiB",
             "qos": copy.deepcopy(qos or UNCAPPED_QOS)},
            {"cluster": "west", "name": "vol-dr", "size": "100GiB",
             "access": "replicationTarget", "qos": copy.deepcopy(UNCAPPED_QOS)},
        ],
        "workloads": [{"volume": "east/vol", **(workload or {"rate": 1000})}],
        "pairs": [] if mode is None else [
            {"source": "east/vol", "target": "west/vol-dr", "mode": mode}],
    }
    return scenario
