"""replsim.world.World: reproducible runs, seed overrides, common random numbers."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from replsim.results import TABLES
from replsim.scenario.loader import ScenarioError
from replsim.world import World, run_scenario
from tests.builders import two_sites

QUICKSTART = Path(__file__).resolve().parent.parent / "scenarios" / "quickstart.yaml"
MIXED_SIZES = {"rate": 400, "io_size": {"4KiB": 0.5, "64KiB": 0.3, "256KiB": 0.2}}


def scenario(**kwargs) -> dict:
    kwargs.setdefault("duration", 1.0)
    kwargs.setdefault("workload", MIXED_SIZES)
    # random commit times too, so every random component of the run is exercised
    kwargs.setdefault("commit", {"dist": "lognormal", "mean": 0.2e-3, "cv": 0.5})
    return copy.deepcopy(two_sites(**kwargs))


def run(data, **kwargs):
    world = World.from_dict(data, **kwargs)
    world.run()
    return world.results()


def test_same_seed_gives_bit_identical_results():
    a, b = run(scenario(seed=3)), run(scenario(seed=3))
    assert len(a.writes) > 100
    assert {"writes", "rpo", "links", "summary"} <= set(TABLES)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)


def test_different_seed_gives_different_writes():
    a, b = run(scenario(seed=1)), run(scenario(seed=2))
    n = min(len(a.writes), len(b.writes))
    assert not np.array_equal(a.writes["t_issue_s"].to_numpy()[:n],
                              b.writes["t_issue_s"].to_numpy()[:n])
    assert not np.array_equal(a.writes["size_bytes"].to_numpy()[:n],
                              b.writes["size_bytes"].to_numpy()[:n])


def test_seed_argument_overrides_run_seed_and_is_recorded():
    data = scenario(seed=1)
    before = copy.deepcopy(data)
    world = World.from_dict(data, seed=7)
    assert world.seed == 7
    world.run()
    results = world.results()
    assert results.manifest["seed"] == 7
    assert results.manifest["scenario"]["run"]["seed"] == 7
    assert data == before  # the caller's dict is left alone
    same = run(scenario(seed=7))
    pd.testing.assert_frame_equal(results.writes, same.writes, check_exact=True)
    assert not results.writes["t_issue_s"].equals(run(scenario(seed=1)).writes["t_issue_s"])


def test_bandwidth_variants_share_workload_random_numbers():
    fast = run(scenario(link={"bandwidth": "1Gbps"}))
    slow = run(scenario(link={"bandwidth": "100Mbps"}))
    for column in ("t_issue_s", "size_bytes", "first_block"):
        pd.testing.assert_series_equal(fast.writes[column], slow.writes[column],
                                       check_exact=True)
    # ... while the variant did change what happened on the link
    assert (slow.writes["link_s"].mean() > fast.writes["link_s"].mean())


def test_adding_a_volume_does_not_shift_another_volumes_workload():
    base = run(scenario())
    data = scenario()
    data["volumes"].append({"cluster": "east", "name": "other", "qos": {"maxIOPS": 100000,
                                                                       "burstIOPS": 100000}})
    data["workloads"].append({"volume": "east/other", "rate": 300})
    more = run(data)
    mine = more.writes[more.writes["volume"] == "east.vol"].reset_index(drop=True)
    for column in ("t_issue_s", "size_bytes"):
        pd.testing.assert_series_equal(base.writes[column], mine[column], check_exact=True)


def test_run_until_and_results_mid_run():
    world = World.from_dict(scenario(duration=2.0))
    assert world.now == 0.0
    world.run(0.5)
    assert world.now == 0.5
    early = world.results()
    assert early.manifest["simulated_s"] == 0.5
    assert (early.writes["t_issue_s"] <= 0.5).all()
    world.run()
    assert world.now == 2.0
    late = world.results()
    assert len(late.writes) > len(early.writes)
    assert world.wall_time_s > 0


def test_manifest_contents():
    data = scenario()
    data["run"]["warmup"] = 0.25
    results = run(data)
    m = results.manifest
    assert m["origin"] == "<dict>"
    assert m["simulated_s"] == 1.0
    assert m["warmup_s"] == 0.25
    assert m["scenario"]["run"]["warmup"] == 0.25
    assert {"python", "replsim", "numpy", "pandas", "simpy"} <= set(m["versions"])
    assert m["assumptions"]["sync_combine"] == "parallel"


def test_from_scenario_records_the_file_and_overrides():
    world = World.from_scenario(QUICKSTART, overrides={"run.duration": "1s", "run.warmup": 0})
    assert world.origin == str(QUICKSTART)
    assert world.scenario.run.duration == 1.0
    world.run()
    results = world.results()
    assert results.manifest["origin"] == str(QUICKSTART)
    assert results.manifest["scenario"]["run"]["duration"] == "1s"
    assert set(results.summary["volume"]) == {"east.db", "east.share"}


def test_run_scenario_is_load_run_results():
    results = run_scenario(scenario(seed=5))
    pd.testing.assert_frame_equal(results.writes, run(scenario(seed=5)).writes, check_exact=True)
    assert results.manifest["simulated_s"] == 1.0


def test_bad_scenarios_raise_scenario_error():
    data = scenario()
    data["workloads"][0]["volume"] = "west/vol-dr"
    with pytest.raises(ScenarioError, match=r"workloads\[0\]"):
        World.from_dict(data)
    with pytest.raises(ScenarioError, match=r"nope\.yaml"):
        World.from_scenario("nope.yaml")
