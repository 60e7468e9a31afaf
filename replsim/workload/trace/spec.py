"""Read a workload's `trace:` mapping into a `TraceSource` for one scenario volume."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from replsim import units
from replsim.workload import errors as e
from replsim.workload.trace.blkparse import ACTIONS
from replsim.workload.trace.reader import FORMATS, TraceOptions, sniff_format
from replsim.workload.trace.replay import TraceSource

TRACE_KEYS = ("path", "format", "device", "time_scale", "window", "reads", "malformed",
              "fio_time_unit", "blkparse_action")


def resolve_path(value: object, base_dir: str | Path | None) -> Path:
    """`trace.path` made absolute (relative to `base_dir`, default cwd) and checked."""
    if not isinstance(value, str) or not value.strip():
        raise e.WorkloadError(f"trace.path: expected a file path, got {value!r}")
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = Path(base_dir if base_dir is not None else Path.cwd()) / path
    if not path.is_file():
        raise e.WorkloadError(f"trace.path: no such file {value!r} (looked for {path})")
    return path


def _devices(value: object) -> frozenset[str] | None:
    if value is None:
        return None
    items = value if isinstance(value, list | tuple) else [value]
    names = []
    for i, item in enumerate(items):
        if isinstance(item, bool) or not isinstance(item, str | int):
            raise e.WorkloadError(f"trace.device[{i}]: expected a device name, got {item!r}")
        names.append(str(item))
    if not names:
        raise e.WorkloadError("trace.device: an empty list; leave it out to replay every device")
    return frozenset(names)


def _window(value: object) -> tuple[float | None, float | None]:
    spec = e.mapping(value, "trace.window", "a mapping with start and/or end (trace seconds)")
    e.check_keys(spec, ("start", "end"), "trace.window")
    start = e.duration(spec["start"], "trace.window.start") if "start" in spec else None
    end = e.duration(spec["end"], "trace.window.end") if "end" in spec else None
    if start is not None and end is not None and end <= start:
        raise e.WorkloadError(f"trace.window: end ({end:g} s) must be after start ({start:g} s)")
    return start, end


def trace_options(value: object, base_dir: str | Path | None = None) -> TraceOptions:
    """Validated reader options from the `trace:` mapping."""
    spec: Mapping[str, Any] = e.mapping(value, "trace", "a mapping with path, format, ...")
    e.check_keys(spec, TRACE_KEYS, "trace")
    if "path" not in spec:
        raise e.WorkloadError("trace.path: required (the trace file)")
    path = resolve_path(spec["path"], base_dir)
    fmt = (e.choice(spec["format"], FORMATS, "trace.format") if "format" in spec
           else sniff_format(path))
    start, end = _window(spec["window"]) if "window" in spec else (None, None)
    unit_s = e.parse_unit(units.duration_s, spec.get("fio_time_unit", "1us"),
                          "trace.fio_time_unit")
    if unit_s <= 0:
        raise e.WorkloadError("trace.fio_time_unit: expected a duration > 0, e.g. 1us")
    return TraceOptions(
        path=path,
        format=fmt,
        devices=_devices(spec.get("device")),
        window_start_s=start,
        window_end_s=end,
        reads=e.choice(spec.get("reads", "keep"), ("keep", "drop"), "trace.reads"),
        malformed=e.choice(spec.get("malformed", "error"), ("error", "skip"), "trace.malformed"),
        fio_time_unit_s=unit_s,
        blkparse_action=e.choice(spec.get("blkparse_action", "Q"), ACTIONS,
                                 "trace.blkparse_action"),
    )


def build_trace_source(value: object, volume_blocks: int,
                       base_dir: str | Path | None = None) -> TraceSource:
    """The `TraceSource` a `trace:` mapping describes, its file checked end to end."""
    options = trace_options(value, base_dir)
    scale = e.number(value.get("time_scale", 1.0) if isinstance(value, Mapping) else 1.0,
                     "trace.time_scale", low=0, low_open=True)
    return TraceSource(options, volume_blocks, time_scale=scale)
