"""`workload describe`: the tables on workloads with known answers, the figure, the CLI."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

from replsim.rng import stream
from replsim.workload.arrivals import ConstantArrivals
from replsim.workload.describe import (
    add_subcommand,
    describe_figure,
    describe_path,
    describe_source,
    describe_workload,
    expand_blocks,
)
from replsim.workload.sequential import SequentialBlocks
from replsim.workload.sizes import FixedSize
from replsim.workload.source import WriteSource
from replsim.workload.spec import build_workload

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "trace-replay.yaml"


def value(tables, metric: str) -> float:
    return float(tables["summary"].loc[metric, "value"])


def test_constant_sequential_workload_has_known_figures() -> None:
    source = WriteSource(ConstantArrivals(100.0), FixedSize(8192),
                         SequentialBlocks(2**30, stream(1, "o")))
    tables = describe_source(source, 120.0, wire_bytes_factor=0.25)
    assert value(tables, "writes") == pytest.approx(12_000, abs=1)
    assert value(tables, "write IOPS (mean)") == pytest.approx(100.0, abs=0.01)
    assert value(tables, "write MB/s (mean)") == pytest.approx(100 * 8192 / 1e6, rel=1e-3)
    assert value(tables, "wire MB/s (mean, after data reduction)") == pytest.approx(
        0.25 * 100 * 8192 / 1e6, rel=1e-3)
    assert value(tables, "peak/mean writes, 1 s windows") == pytest.approx(1.0, abs=0.02)
    assert value(tables, "index of dispersion, 1 s write counts") < 0.01
    # Sequential 8 KiB writes: every write dirties two new blocks.
    per_minute = value(tables, "distinct blocks written per minute (mean)")
    assert per_minute == pytest.approx(12_000, abs=2)
    assert value(tables, "distinct blocks written per 10 s (mean)") == pytest.approx(2000, abs=2)
    assert value(tables, "distinct blocks written (whole period)") == pytest.approx(24_000, abs=2)
    assert math.isnan(value(tables, "distinct blocks written per hour (mean)"))
    assert tables["sizes"]["size_bytes"].tolist() == [8192]
    assert tables["sizes"]["share"].tolist() == [1.0]
    assert len(tables["per_second"]) == 120


def test_poisson_burstiness_and_uniform_distinct_blocks() -> None:
    workload = build_workload({"rate": 2000, "offsets": "uniform"}, "4GiB", stream(2, "w"))
    tables = describe_workload(workload, 60.0)
    assert value(tables, "index of dispersion, 1 s write counts") == pytest.approx(1.0, abs=0.45)
    n, writes = 2**20, value(tables, "writes")
    expected = n * (1 - (1 - 1 / n) ** writes)
    assert value(tables, "distinct blocks written per minute (mean)") == pytest.approx(
        expected, abs=5 * math.sqrt(expected))


def test_on_off_peak_to_mean() -> None:
    workload = build_workload({"arrival": {"kind": "on_off", "on": 1, "off": 4, "on_rate": 1000,
                                           "durations": "fixed"}}, "1GiB", stream(3, "w"))
    tables = describe_workload(workload, 120.0)
    assert value(tables, "peak/mean writes, 1 s windows") == pytest.approx(5.0, rel=0.1)
    assert value(tables, "peak/mean writes, 1 min windows") == pytest.approx(1.0, rel=0.1)


def test_closed_loop_describes_the_io_mix_only() -> None:
    workload = build_workload({"closed_loop": {"queue_depth": 4},
                               "io_size": {"4KiB": 0.5, "64KiB": 0.5}}, "1GiB", stream(4, "w"))
    tables = describe_workload(workload, 30.0, ios=20_000)
    summary = tables["summary"]["value"]
    assert summary["mode"].startswith("closed loop")
    assert summary["IOs"] == 20_000 and math.isnan(summary["write IOPS (mean)"])
    assert tables["sizes"]["share"].to_numpy() == pytest.approx([0.5, 0.5], abs=0.02)


def test_generated_open_loop_needs_a_duration() -> None:
    workload = build_workload({"rate": 10}, "1GiB", stream(5, "w"))
    with pytest.raises(ValueError, match="finite duration"):
        describe_workload(workload, None)


def test_expand_blocks() -> None:
    ids, owner = expand_blocks(np.array([10, 100]), np.array([8192, 4096 * 3]))
    assert ids.tolist() == [10, 11, 100, 101, 102] and owner.tolist() == [0, 0, 1, 1, 1]


def test_describe_path_of_the_bundled_scenario_and_figure() -> None:
    described = describe_path(SCENARIO, duration_s=20.0)
    tables = described["east/db"]
    assert value(tables, "trace records (after filters)") > 8000
    assert value(tables, "peak/mean writes, 1 s windows") > 3  # the bursts
    fig = describe_figure(described, title="trace-replay")
    assert isinstance(fig, Figure)
    top, bottom = fig.axes
    assert "writes per second" in top.get_title() and "(s)" in top.get_xlabel()
    assert "IOPS" in top.get_ylabel() and "%" in bottom.get_ylabel()


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="replsim")
    sub = root.add_subparsers(dest="command", required=True)
    assert add_subcommand(sub) is None
    return root


def run(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


def test_cli_describes_a_scenario_and_writes_the_figure(tmp_path, capsys) -> None:
    png = tmp_path / "fig" / "workload.png"
    assert run(["workload", "describe", str(SCENARIO), "--duration", "10s", "-o", str(png)]) == 0
    out = capsys.readouterr().out
    assert "east/db" in out and "write IOPS (mean)" in out and "write size mix" in out
    assert png.stat().st_size > 10_000


def test_cli_describes_a_trace_with_device_and_format(tmp_path, capsys) -> None:
    trace = ROOT / "scenarios" / "traces" / "msr-synthetic.csv.gz"
    assert run(["workload", "describe", str(trace), "--volume", "synth_1",
                "--format", "msr"]) == 0
    out = capsys.readouterr().out
    assert "synth_1" in out and "read IOPS (mean)" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nope.yaml"], "cannot read the file"),
        (["nope.csv"], "nope.csv"),
        ([str(SCENARIO), "--volume", "east/xx"], "no workload for volume 'east/xx'"),
        ([str(SCENARIO), "--duration", "soon"], "cannot read 'soon'"),
        ([str(SCENARIO), "--duration", "0"], "--duration must be > 0"),
    ],
)
def test_cli_errors_are_messages_not_tracebacks(capsys, argv: list[str], message: str) -> None:
    assert run(["workload", "describe", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("replsim workload describe: ") and message in err
