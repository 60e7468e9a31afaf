"""A scenario replaying a trace runs end to end; the bundled scenario and trace are sound."""

from __future__ import annotations

import hashlib
import runpy
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

import replsim
from replsim.workload.trace.reader import TraceOptions
from replsim.workload.trace.replay import TraceSource
from tests.builders import two_sites

from .fixtures import write

ROOT = Path(__file__).resolve().parents[3]
SCENARIO = ROOT / "scenarios" / "trace-replay.yaml"
TRACE = ROOT / "scenarios" / "traces" / "msr-synthetic.csv.gz"


def test_trace_replay_through_the_world(tmp_path) -> None:
    lines = [f"{i * 0.01!r},vol,{(i * 7919 % 5000) * 4096},{4096 * (1 + i % 3)},"
             f"{'R' if i % 5 == 0 else 'W'}" for i in range(400)]
    path = write(tmp_path, "t.csv", "\n".join(lines) + "\n")
    scenario = two_sites(workload={"trace": {"path": str(path), "format": "csv",
                                             "time_scale": 2.0}}, duration=10.0)
    world = replsim.World.from_dict(scenario)
    world.run()
    writes = world.results().writes
    expected = [i * 0.02 for i in range(400) if i % 5]
    assert len(writes) == len(expected)
    np.testing.assert_allclose(np.sort(writes["t_issue_s"].to_numpy()), expected, atol=1e-9)
    assert writes["t_durable_remote_s"].notna().all()


def test_bundled_scenario_runs(tmp_path) -> None:
    data = yaml.safe_load(SCENARIO.read_text())
    trace = data["workloads"][0]["trace"]
    assert trace["path"] == "traces/msr-synthetic.csv.gz"  # relative to the scenario file
    trace["path"] = str(TRACE)
    world = replsim.World.from_dict(data)
    world.run()
    results = world.results()
    source = TraceSource(TraceOptions(path=TRACE, format="msr", devices=frozenset({"synth_0"})),
                         2**30)
    assert len(results.writes) == source.stats.writes
    assert results.summary["rpo_max_s"].iloc[0] > 1.0  # the bursts outrun the link


def test_bundled_trace_is_small_and_reproducible(tmp_path) -> None:
    assert TRACE.stat().st_size < 200_000
    script = ROOT / "scenarios" / "traces" / "make_msr_trace.py"
    copy = tmp_path / "make_msr_trace.py"
    shutil.copy(script, copy)
    runpy.run_path(str(copy), run_name="__main__")
    made = tmp_path / "msr-synthetic.csv.gz"
    assert hashlib.sha256(made.read_bytes()).digest() == hashlib.sha256(
        TRACE.read_bytes()).digest()


@pytest.mark.parametrize("device", ["synth_0", "synth_1"])
def test_bundled_trace_devices(device: str) -> None:
    src = TraceSource(TraceOptions(path=TRACE, format="msr", devices=frozenset({device})),
                      2**30)
    assert src.stats.records > 100 and src.stats.malformed_lines == 0


def test_timeline_rate_change_on_a_trace_loses_no_record(tmp_path) -> None:
    """A set_rate step interrupts the waiting host; the record it waited for is re-issued."""
    lines = [f"{i * 0.1!r},vol,{i * 4096},4096,W" for i in range(100)]  # 10 IOPS for 10 s
    path = write(tmp_path, "r.csv", "\n".join(lines) + "\n")
    scenario = two_sites(workload={"trace": {"path": str(path), "format": "csv"}},
                         duration=20.0)
    scenario["timeline"] = [{"at": 2.05, "set_rate": {"volume": "east/vol", "rate": 20.2}}]
    world = replsim.World.from_dict(scenario)
    world.run()
    writes = world.results().writes.sort_values("t_issue_s")
    assert len(writes) == 100
    assert (writes["first_block"].to_numpy() == np.arange(100)).all()
    gaps = np.diff(writes["t_issue_s"].to_numpy())
    assert gaps[:20] == pytest.approx(0.1)
    # Mean rate of the trace: 100 records / 9.9 s; 20.2 IOPS is ~2x: gaps of ~0.05 s.
    assert gaps[-50:] == pytest.approx(0.1 * (100 / 9.9) / 20.2)
