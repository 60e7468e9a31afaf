"""The analytical oracles of SPEC §7, as checks a user can run (`replsim validate`).

Each check runs the simulation and compares what it measured from recorded event times
with queueing theory. The test suite (`tests/validation/`) asserts the same physics in
more depth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from replsim.metrics.stats import batch_means_ci, quantile_ci
from replsim.validation.scenario import two_sites

LOCAL_S = 0.2e-3 + 50e-6 + 0.2e-3 + 50e-6  # primary, hop, secondary, hop (validation defaults)


@dataclass(frozen=True)
class Check:
    name: str
    expected: float
    measured: float
    tolerance: float
    unit: str
    passed: bool


def _world(scenario: dict):
    from replsim.world import World

    world = World.from_dict(scenario)
    world.run()
    return world, world.results()


def _check(name: str, expected: float, measured: float, tolerance: float, unit: str) -> Check:
    return Check(name, expected, measured, tolerance, unit,
                 bool(abs(measured - expected) <= tolerance))


def v1_sync_zero_load() -> list[Check]:
    out = []
    for combine in ("parallel", "serial"):
        _, results = _world(two_sites(mode="Sync", link={"rtt": 1e-3},
                                      workload={"arrival": "constant", "rate": 2},
                                      model={"sync_combine": combine}, duration=3.0))
        remote = 4096 / 125e6 + 1e-3 + LOCAL_S
        expected = max(LOCAL_S, remote) if combine == "parallel" else LOCAL_S + remote
        measured = float(results.writes["ack_latency_s"].max())
        out.append(_check(f"V1 Sync ack at zero load ({combine})", expected * 1e3,
                          measured * 1e3, 1e-9, "ms"))
    return out


def v2_md1_wait(rho: float = 0.8, writes: int = 100_000) -> list[Check]:
    rate, size = 5000.0, 4096
    service = rho / rate
    _, results = _world(two_sites(mode="Async", workload={"rate": rate, "io_size": size},
                                  link={"bandwidth": size / service},
                                  duration=1.5 + writes / rate, seed=11))
    w = results.writes
    w = w[(w["t_issue_s"] >= 1.0) & (w["t_issue_s"] < results.writes["t_issue_s"].max() - 0.5)]
    wait = (w["link_s"] - service - 0.5e-3).to_numpy()
    mean, half = batch_means_ci(wait, confidence=0.99)
    theory = rho * service / (2 * (1 - rho))
    return [_check(f"V2 Async link wait, M/D/1 at rho={rho}", theory * 1e3, mean * 1e3,
                   max(half, 0.02 * theory) * 1e3, "ms")]


def v3_little() -> list[Check]:
    size, rate = 16384, 4000.0
    _, results = _world(two_sites(
        mode="Async", workload={"rate": rate, "io_size": size},
        link={"bandwidth": rate * size / 0.8, "rtt": 2e-3}, duration=21.0,
        sample_interval=0.001, seed=3))
    samples = results.rpo[(results.rpo["t_s"] > 1) & (results.rpo["t_s"] <= 20)]
    w = results.writes
    acked = w[(w["t_ack_s"] >= 1) & (w["t_ack_s"] < 20)]
    expected = acked["size_bytes"].sum() / 19 * (acked["t_durable_remote_s"]
                                                 - acked["t_ack_s"]).mean()
    measured = samples["backlog_bytes"].mean()
    return [_check("V3 Little's law: mean backlog = A x mean lag", expected / 1e3,
                   measured / 1e3, 0.02 * expected / 1e3, "KB")]


def v4_overload() -> list[Check]:
    size, rate, bandwidth = 65536, 2000.0, 100e6
    offered = size * rate
    _, results = _world(two_sites(mode="Async", link={"bandwidth": bandwidth},
                                  workload={"arrival": "constant", "rate": rate,
                                            "io_size": size}, duration=21.0))
    late = results.rpo[results.rpo["t_s"] >= 2]
    backlog_slope = np.polyfit(late["t_s"], late["backlog_bytes"], 1)[0]
    rpo_slope = np.polyfit(late["t_s"], late["rpo_s"], 1)[0]
    return [
        _check("V4 overload backlog slope A - B", (offered - bandwidth) / 1e6,
               backlog_slope / 1e6, 0.01 * (offered - bandwidth) / 1e6, "MB/s"),
        _check("V4 overload RPO slope 1 - B/A", 1 - bandwidth / offered, rpo_slope,
               0.01 * (1 - bandwidth / offered), "s/s"),
    ]


def v5_catch_up() -> list[Check]:
    rate, bandwidth = 2000.0, 20e6
    world, results = _world(two_sites(
        mode="Async", workload={"rate": rate}, duration=60.0, sample_interval=0.02,
        link={"bandwidth": bandwidth, "outages": [{"start": 5, "duration": 10}]}))
    resync = world.model.pairs[0].resyncs[0]
    states = results.states
    t_data = states.loc[states["to_state"] == "ResumingDataTransfer", "t_s"].iloc[0]
    rpo = results.rpo
    caught = rpo[(rpo["t_s"] > resync["t_end_s"]) & (rpo["rpo_s"] < 0.05)]["t_s"].iloc[0]
    theory = resync["blocks"] * 4096 / (bandwidth - rate * 4096)
    return [_check("V5 catch-up after a 10 s outage = Q/(B - A')", theory, caught - t_data,
                   0.05 * theory + 0.1, "s")]


def v6_snapshots_only() -> list[Check]:
    interval = 60.0
    scenario = two_sites(mode="SnapshotsOnly", workload={"rate": 50},
                         link={"bandwidth": 0.5e6}, duration=1200.0)
    scenario["run"]["warmup"] = interval
    scenario["volumes"][0]["snapshot_schedules"] = [{"name": "s", "interval": interval}]
    _, results = _world(scenario)
    x = results.snapshots["completion_lag_s"].dropna()
    row = results.summary.iloc[0]
    return [
        _check("V6 SnapshotsOnly max RPO = I + X", interval + x.max(), row["rpo_max_s"],
               0.01 * (interval + x.max()), "s"),
        _check("V6 SnapshotsOnly mean RPO = I/2 + X", interval / 2 + x.mean(),
               row["rpo_mean_s"], 0.03 * (interval / 2 + x.mean()), "s"),
    ]


def v7_qos() -> list[Check]:
    qos = {"minIOPS": 100, "maxIOPS": 1000, "burstIOPS": 2000, "burstTime": 5}
    _, results = _world(two_sites(mode=None, qos=qos, duration=20.0,
                                  workload={"arrival": "constant", "rate": 3000}))
    released = results.writes["t_release_s"].dropna().to_numpy()
    late = released[released >= 8.0]
    slope, intercept = np.polyfit(late, np.arange(len(late)) + (released < 8.0).sum(), 1)
    sustained = {"minIOPS": 100, "maxIOPS": 15000, "burstIOPS": 15000, "burstTime": 1}
    _, big = _world(two_sites(mode=None, qos=sustained, duration=6.0,
                              workload={"arrival": "constant", "rate": 3000,
                                        "io_size": 65536}))
    rel = big.writes["t_release_s"].dropna().to_numpy()
    rate_64k = ((rel >= 2) & (rel < 6)).sum() / 4.0
    return [
        _check("V7 QoS sustained 4 KiB IOPS = maxIOPS", 1000.0, slope, 5.0, "IOPS"),
        _check("V7 QoS burst length = credits/(burst - max)", 5.0, intercept / 1000.0, 0.05,
               "s"),
        _check("V7 QoS 64 KiB IOPS = maxIOPS/10", 1500.0, rate_64k, 15.0, "IOPS"),
    ]


def v8_closed_loop() -> list[Check]:
    out = []
    _, results = _world(two_sites(mode="Sync", workload={"closed_loop": {"queue_depth": 1}},
                                  duration=2.0))
    r = 4096 / 125e6 + 1e-3 + LOCAL_S
    out.append(_check("V8 closed loop QD=1: IOPS = 1/R", 1 / r,
                      results.writes["t_ack_s"].notna().sum() / 2.0, 1.0, "IOPS"))
    _, results = _world(two_sites(mode="Sync", workload={"closed_loop": {"queue_depth": 8}},
                                  commit={"dist": "lognormal", "mean": 0.2e-3, "cv": 0.6},
                                  servers=4, duration=10.0, seed=8))
    w = results.writes
    w = w[(w["t_issue_s"] >= 1) & w["t_ack_s"].notna() & (w["t_ack_s"] < 10)]
    iops = len(w) / (w["t_ack_s"].max() - w["t_issue_s"].min())
    expected = 8 / w["ack_latency_s"].mean()
    out.append(_check("V8 closed loop QD=8: IOPS = QD/R", expected, iops, 0.01 * expected,
                      "IOPS"))
    return out


def v11_mm1_p99(writes: int = 120_000) -> list[Check]:
    rng = np.random.default_rng(7)
    sizes = np.maximum(512, np.round(rng.exponential(65536, 50_000) / 512) * 512)
    rate, rho = 1000.0, 0.7
    bandwidth = rate * sizes.mean() / rho
    _, results = _world(two_sites(mode="Async", link={"bandwidth": bandwidth},
                                  workload={"rate": rate,
                                            "io_size": {"empirical": sizes.tolist()}},
                                  duration=1.5 + writes / rate, seed=5))
    w = results.writes
    w = w[(w["t_issue_s"] >= 1.0) & (w["t_issue_s"] < results.writes["t_issue_s"].max() - 0.5)]
    estimate, low, high = quantile_ci((w["link_s"] - 0.5e-3).to_numpy(), 0.99, 0.99)
    theory = 4.61 / (bandwidth / sizes.mean() - rate)
    half = max(high - estimate, estimate - low) + 0.03 * theory
    return [_check("V11 M/M/1 sojourn p99 = 4.61/(mu - lambda)", theory * 1e3,
                   estimate * 1e3, half * 1e3, "ms")]


CHECKS: dict[str, Callable[[], list[Check]]] = {
    "V1": v1_sync_zero_load, "V2": v2_md1_wait, "V3": v3_little, "V4": v4_overload,
    "V5": v5_catch_up, "V6": v6_snapshots_only, "V7": v7_qos, "V8": v8_closed_loop,
    "V11": v11_mm1_p99,
}


def run_checks(names: list[str] | None = None) -> list[Check]:
    selected = names or list(CHECKS)
    unknown = [n for n in selected if n not in CHECKS]
    if unknown:
        raise ValueError(f"unknown check(s) {unknown}; available: {', '.join(CHECKS)}")
    return [c for name in selected for c in CHECKS[name]()]


def format_checks(checks: list[Check]) -> str:
    header = ("check", "expected", "measured", "tolerance", "unit", "pass")
    rows = [(c.name, f"{c.expected:.6g}", f"{c.measured:.6g}", f"±{c.tolerance:.3g}", c.unit,
             "PASS" if c.passed else "FAIL") for c in checks]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)
