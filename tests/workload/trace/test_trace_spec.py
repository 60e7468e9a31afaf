"""The `trace:` workload key: path resolution, defaults, errors naming the key."""

from __future__ import annotations

import pytest

from replsim.rng import stream
from replsim.workload.errors import WorkloadError
from replsim.workload.spec import build_workload
from replsim.workload.trace.replay import TraceSource

from .fixtures import MSR, write


def build(trace: dict, base_dir=None, **extra):
    return build_workload({"trace": trace, **extra}, "1GiB", stream(1, "v"), base_dir=base_dir)


def test_relative_path_resolves_against_base_dir(tmp_path, monkeypatch) -> None:
    (tmp_path / "traces").mkdir()
    write(tmp_path / "traces", "m.csv.gz", MSR, gz=True)
    workload = build({"path": "traces/m.csv.gz", "format": "msr"}, base_dir=tmp_path)
    assert isinstance(workload.source, TraceSource)
    assert workload.source.options.path == tmp_path / "traces" / "m.csv.gz"
    monkeypatch.chdir(tmp_path)
    assert build({"path": "traces/m.csv.gz"}).source.options.format == "msr"  # sniffed


def test_all_keys(tmp_path) -> None:
    path = write(tmp_path, "m.csv", MSR)
    workload = build({"path": str(path), "format": "msr", "device": ["src1_2"],
                      "time_scale": 0.5, "window": {"start": "5ms", "end": "3s"},
                      "reads": "drop", "malformed": "skip"},
                     closed_loop={"queue_depth": 4}, compression_ratio=2)
    src = workload.source
    assert src.options.devices == frozenset({"src1_2"}) and src.time_scale == 0.5
    assert (src.options.window_start_s, src.options.window_end_s) == (0.005, 3.0)
    assert src.stats.records == 1 and workload.closed_loop.queue_depth == 4
    assert workload.wire_bytes_factor == 0.5


@pytest.mark.parametrize(
    ("trace", "message"),
    [
        ({"path": "m.csv", "format": "spc"}, r"trace.format: expected one of msr, fio, blkparse"),
        ({"path": "m.csv", "typo": 1}, r"trace: unknown key 'typo'"),
        ({"path": "m.csv", "time_scale": -1}, r"trace.time_scale: expected a finite number > 0"),
        ({"path": "m.csv", "window": {"start": 5, "end": 1}}, r"trace.window: end \(1 s\)"),
        ({"path": "m.csv", "window": [0, 1]}, r"trace.window: expected a mapping"),
        ({"path": "m.csv", "window": {"from": 0}}, r"trace.window: unknown key 'from'"),
        ({"path": "m.csv", "reads": "ignore"}, r"trace.reads: expected one of keep, drop"),
        ({"path": "m.csv", "malformed": "warn"}, r"trace.malformed: expected one of error"),
        ({"path": "m.csv", "device": []}, r"trace.device: an empty list"),
        ({"path": "m.csv", "device": [{"a": 1}]}, r"trace.device\[0\]: expected a device"),
        ({"path": "m.csv", "fio_time_unit": "soon"}, r"trace.fio_time_unit: cannot read"),
        ({"path": "m.csv", "blkparse_action": "X"}, r"trace.blkparse_action: expected one of"),
        ({"path": 5}, r"trace.path: expected a file path"),
        ({"path": "m.csv", "device": "sdz"}, r"no IO records to replay for device sdz"),
    ],
)
def test_errors(tmp_path, trace: dict, message: str) -> None:
    write(tmp_path, "m.csv", MSR)
    with pytest.raises(WorkloadError, match=message):
        build(trace, base_dir=tmp_path)


def test_malformed_trace_refused_at_build_time(tmp_path) -> None:
    write(tmp_path, "m.csv", MSR + "garbage\n")
    with pytest.raises(WorkloadError, match=r"m.csv, line 6: expected 7 comma-separated"):
        build({"path": "m.csv", "format": "msr"}, base_dir=tmp_path)
