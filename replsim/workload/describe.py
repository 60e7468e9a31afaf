"""`replsim workload describe`: what a workload or trace is, before a long run.

Draws the IOs a source would send (exactly as a host would consume them), and summarises
them: write and read IOPS, MB/s, size mix, burstiness (peak-to-mean over 1 s and 1 min windows,
index of dispersion of 1 s counts) and how many distinct 4 KiB blocks are written per minute and
per hour (which decides snapshot deltas and resync time). Memory is bounded by the chunk size
plus the distinct blocks of one window.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from replsim import units
from replsim.workload.describe_text import Tables, format_tables, size_mix_table, summary_table
from replsim.workload.offsets import BLOCK_BYTES
from replsim.workload.source import IoSource
from replsim.workload.spec import Workload, build_workload
from replsim.workload.trace.reader import FORMATS, sniff_format
from replsim.workload.trace.replay import TraceSource
from replsim.workload.trace.spec import trace_options

CHUNK = 65_536
DEFAULT_CLOSED_LOOP_IOS = 100_000
DEFAULT_TRACE_VOLUME = "16TiB"
SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")
__all__ = ["Tables", "add_subcommand", "describe_figure", "describe_path", "describe_source",
           "describe_workload", "format_tables", "size_mix_table", "summary_table"]


def _io_chunks(source: IoSource, duration_s: float | None, closed_loop: bool,
               ios: int) -> Iterator[tuple[np.ndarray, ...]]:
    """(t_s, size_bytes, first_block, is_write) arrays; t_s is NaN for closed-loop IOs."""
    rows: tuple[list, ...] = ([], [], [], [])
    t = 0.0
    count = 0
    while True:
        if closed_loop:
            if count >= ios:
                break
            size, block, is_write = source.next_io()
            when = math.nan
        else:
            gap, size, block, is_write = source.next_write()
            if math.isinf(gap):
                break
            t += gap
            if duration_s is not None and t >= duration_s:
                break
            when = t
        for col, value in zip(rows, (when, size, block, is_write), strict=True):
            col.append(value)
        count += 1
        if len(rows[0]) >= CHUNK:
            yield _arrays(rows)
            rows = ([], [], [], [])
    if rows[0]:
        yield _arrays(rows)


def _arrays(rows: tuple[list, ...]) -> tuple[np.ndarray, ...]:
    return (np.array(rows[0], dtype=float), np.array(rows[1], dtype=np.int64),
            np.array(rows[2], dtype=np.int64), np.array(rows[3], dtype=bool))


def expand_blocks(first: np.ndarray, size_bytes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(block ids, owning IO index) of every 4 KiB block the IOs touch."""
    span = -(-size_bytes // BLOCK_BYTES)
    owner = np.repeat(np.arange(len(first)), span)
    offset = np.arange(int(span.sum())) - np.repeat(np.cumsum(span) - span, span)
    return first[owner] + offset, owner


class DistinctBlocks:
    """Distinct blocks written per time window (windows must arrive in order)."""

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self.counts: dict[int, int] = {}
        self._window: int | None = None
        self._parts: list[np.ndarray] = []
        self._size = 0
        self._unique = 0

    def add(self, t_s: np.ndarray, blocks: np.ndarray) -> None:
        """Blocks written at times `t_s` (one time per block)."""
        if blocks.size == 0:
            return
        index = (np.zeros(len(t_s), dtype=np.int64) if math.isinf(self.window_s)
                 else np.floor(t_s / self.window_s).astype(np.int64))
        for w in np.unique(index).tolist():
            if w != self._window:
                self.close()
                self._window = w
            part = blocks[index == w]
            self._parts.append(part)
            self._size += part.size
            if self._size > 4 * max(self._unique, CHUNK):
                merged = np.unique(np.concatenate(self._parts))
                self._parts, self._size, self._unique = [merged], merged.size, merged.size

    def close(self) -> None:
        """Finish the current window."""
        if self._window is not None and self._parts:
            self.counts[self._window] = int(np.unique(np.concatenate(self._parts)).size)
        self._window, self._parts, self._size, self._unique = None, [], 0, 0


def _peak_to_mean(counts: np.ndarray) -> float:
    return float(counts.max() / counts.mean()) if counts.size and counts.mean() > 0 else math.nan


def describe_source(
    source: IoSource,
    duration_s: float | None,
    *,
    closed_loop: bool = False,
    ios: int = DEFAULT_CLOSED_LOOP_IOS,
    wire_bytes_factor: float = 1.0,
) -> Tables:
    """Tables `summary` (metric → value), `sizes` and `per_second` for one source.

    Open loop: the IOs issued in [0, duration_s) (`None`: until the source ends, e.g. a
    trace). Closed loop: timing is the model's, so only the IO mix of `ios` IOs is described.
    The source is consumed.
    """
    if duration_s is None and not closed_loop and not isinstance(source, TraceSource):
        raise ValueError("describe a generated open-loop workload over a finite duration")
    per_10s, per_minute = DistinctBlocks(10.0), DistinctBlocks(60.0)
    per_hour = DistinctBlocks(3600.0)
    whole = DistinctBlocks(math.inf)
    sizes: dict[int, int] = {}
    n_ios = n_writes = write_bytes = 0
    last_t = 0.0
    per_second = {"writes": np.zeros(0), "write_bytes": np.zeros(0), "reads": np.zeros(0)}
    for t, size, block, is_write in _io_chunks(source, duration_s, closed_loop, ios):
        n_ios += len(t)
        w_t, w_size, w_block = t[is_write], size[is_write], block[is_write]
        n_writes += len(w_t)
        write_bytes += int(w_size.sum())
        for value, count in zip(*np.unique(w_size, return_counts=True), strict=True):
            sizes[int(value)] = sizes.get(int(value), 0) + int(count)
        ids, owner = expand_blocks(w_block, w_size)
        whole.add(np.zeros(len(ids)), ids)
        if not closed_loop:
            last_t = float(t[-1])
            times = w_t[owner]
            for counter in (per_10s, per_minute, per_hour):
                counter.add(times, ids)
            sec = np.floor(t).astype(np.int64)
            length = int(sec[-1]) + 1
            for name, weights in (("writes", is_write.astype(float)),
                                  ("write_bytes", np.where(is_write, size, 0).astype(float)),
                                  ("reads", (~is_write).astype(float))):
                add = np.bincount(sec, weights=weights, minlength=length)
                old = per_second[name]
                grown = np.zeros(max(len(old), length))
                grown[: len(old)] += old
                grown[:length] += add
                per_second[name] = grown
    for counter in (per_10s, per_minute, per_hour, whole):
        counter.close()
    span_s = (duration_s if duration_s is not None else last_t) if not closed_loop else math.nan
    if math.isfinite(span_s):  # idle seconds at the end (e.g. after a trace ends) count too
        length = math.ceil(span_s)
        per_second = {k: np.pad(v, (0, max(0, length - len(v)))) for k, v in per_second.items()}
    return _tables(
        n_ios, n_writes, write_bytes, sizes, per_second, (per_10s, per_minute, per_hour), whole,
        span_s, wire_bytes_factor, closed_loop,
    )


def _full_windows(per_second: np.ndarray, span_s: float, window: int) -> np.ndarray:
    n = int(span_s // window) if math.isfinite(span_s) else 0
    counts = np.zeros(n * window)
    take = min(len(per_second), n * window)
    counts[:take] = per_second[:take]
    return counts.reshape(n, window).sum(axis=1) if n else np.zeros(0)


def _window_counts(counter: DistinctBlocks, span_s: float) -> list[int]:
    """Distinct blocks of every complete window (0 for complete windows without writes)."""
    n = int(span_s // counter.window_s) if math.isfinite(span_s) else 0
    return [counter.counts.get(w, 0) for w in range(n)]


def _tables(n_ios: int, n_writes: int, write_bytes: int, sizes: dict[int, int],
            per_second: dict[str, np.ndarray], windows: tuple[DistinctBlocks, ...],
            whole: DistinctBlocks, span_s: float, wire_bytes_factor: float,
            closed_loop: bool) -> Tables:
    nan = math.nan
    rate = (lambda x: x / span_s) if span_s and math.isfinite(span_s) else (lambda x: nan)
    secs = _full_windows(per_second["writes"], span_s, 1)
    mins = _full_windows(per_second["writes"], span_s, 60)
    ten_s, minute_counts, hour_counts = (_window_counts(c, span_s) for c in windows)
    distinct = whole.counts.get(0, 0)
    rows: list[tuple[str, float]] = [
        ("mode", nan),
        ("duration described (s)", span_s),
        ("IOs", n_ios),
        ("writes", n_writes),
        ("reads", n_ios - n_writes),
        ("write IOPS (mean)", rate(n_writes)),
        ("read IOPS (mean)", rate(n_ios - n_writes)),
        ("write MB/s (mean)", rate(write_bytes / 1e6)),
        ("wire MB/s (mean, after data reduction)", rate(write_bytes * wire_bytes_factor / 1e6)),
        ("mean write size (KiB)", write_bytes / n_writes / 1024 if n_writes else nan),
        ("peak/mean writes, 1 s windows", _peak_to_mean(secs)),
        ("peak/mean writes, 1 min windows", _peak_to_mean(mins)),
        ("index of dispersion, 1 s write counts",
         float(secs.var() / secs.mean()) if secs.size > 1 and secs.mean() > 0 else nan),
        ("distinct blocks written per 10 s (mean)", float(np.mean(ten_s)) if ten_s else nan),
        ("distinct blocks written per minute (mean)",
         float(np.mean(minute_counts)) if minute_counts else nan),
        ("distinct blocks written per minute (max)",
         float(np.max(minute_counts)) if minute_counts else nan),
        ("distinct blocks written per hour (mean)",
         float(np.mean(hour_counts)) if hour_counts else nan),
        ("distinct blocks written (whole period)", distinct),
        ("distinct MiB written (whole period)", distinct * BLOCK_BYTES / 2**20),
    ]
    summary = pd.DataFrame({"value": [float(v) for _, v in rows]},
                           index=pd.Index([name for name, _ in rows], name="metric"))
    summary = summary.astype(object)
    summary.loc["mode", "value"] = "closed loop (IO mix only)" if closed_loop else "open loop"
    total = sum(sizes.values())
    size_table = pd.DataFrame(
        {"size_bytes": sorted(sizes), "writes": [sizes[s] for s in sorted(sizes)]})
    size_table["share"] = size_table["writes"] / total if total else 0.0
    length = len(per_second["writes"])
    per_second_table = pd.DataFrame({"t_s": np.arange(length, dtype=float), **per_second})
    return {"summary": summary, "sizes": size_table, "per_second": per_second_table}


def describe_workload(workload: Workload, duration_s: float | None,
                      ios: int = DEFAULT_CLOSED_LOOP_IOS) -> Tables:
    """`describe_source` for a built workload (closed loop and data reduction included)."""
    return describe_source(workload.source, duration_s,
                           closed_loop=workload.closed_loop is not None, ios=ios,
                           wire_bytes_factor=workload.wire_bytes_factor)


def describe_path(
    path: str | Path,
    duration_s: float | None = None,
    volume: str | None = None,
    fmt: str | None = None,
    volume_size: float | str = DEFAULT_TRACE_VOLUME,
    seed: int | None = None,
) -> dict[str, Tables]:
    """Tables per volume for a scenario file (its workloads) or a trace file."""
    path = Path(path)
    if path.suffix.lower() in SCENARIO_SUFFIXES:
        return _describe_scenario(path, duration_s, volume, seed)
    size_bytes = units.size_bytes(volume_size)
    spec: dict[str, Any] = {"path": str(path.resolve()), "format": fmt or sniff_format(path)}
    if volume is not None:
        spec["device"] = volume
    options = trace_options(spec)
    source = TraceSource(options, int(size_bytes // BLOCK_BYTES))
    tables = describe_source(source, duration_s)
    _add_trace_rows(tables["summary"], source)
    return {volume or path.name: tables}


def _add_trace_rows(summary: pd.DataFrame, source: TraceSource) -> None:
    stats = source.stats
    summary.loc["trace records (after filters)", "value"] = float(stats.records)
    summary.loc["trace malformed lines skipped", "value"] = float(stats.malformed_lines)
    summary.loc["trace IOs wrapped into the volume", "value"] = float(stats.wrapped)
    summary.loc["trace records out of time order", "value"] = float(stats.out_of_order)


def _describe_scenario(path: Path, duration_s: float | None, volume: str | None,
                       seed: int | None) -> dict[str, Tables]:
    from replsim.rng import stream
    from replsim.scenario.loader import load_scenario

    scenario, _ = load_scenario(path)
    seed = scenario.run.seed if seed is None else seed
    duration = scenario.run.duration if duration_s is None else duration_s
    sizes = {f"{v.cluster}/{v.name}": v.size for v in scenario.volumes}
    chosen = [w for w in scenario.workloads if volume is None or w.volume == volume]
    if not chosen:
        known = ", ".join(w.volume for w in scenario.workloads) or "none"
        raise ValueError(f"{path}: no workload for volume {volume!r}; workloads: {known}")
    out: dict[str, Tables] = {}
    for wl in chosen:
        cluster, name = wl.volume.split("/", 1)
        workload = build_workload(wl.generator_spec(), sizes[wl.volume],
                                  stream(seed, f"{cluster}.{name}.workload"),
                                  base_dir=path.parent)
        tables = describe_workload(workload, duration)
        if isinstance(workload.source, TraceSource):
            _add_trace_rows(tables["summary"], workload.source)
        out[wl.volume] = tables
    return out


def describe_figure(described: Mapping[str, Tables], title: str = "Workload") -> Figure:
    """Writes per second over time, and the write size mix, per volume."""
    fig = Figure(figsize=(9, 6.5), layout="constrained")
    ax_rate, ax_mix = fig.subplots(2, 1, height_ratios=[3, 2])
    longest = max((len(t["per_second"]) for t in described.values()), default=0)
    scale, unit = (3600.0, "h") if longest > 4 * 3600 else (
        (60.0, "min") if longest > 1200 else (1.0, "s"))
    for name, tables in described.items():
        per_second = tables["per_second"]
        if len(per_second):
            ax_rate.step(per_second["t_s"] / scale, per_second["writes"], where="post",
                         label=name, linewidth=0.9)
    ax_rate.set_title(f"{title}: writes per second")
    ax_rate.set_xlabel(f"simulated time ({unit})")
    ax_rate.set_ylabel("writes per second (IOPS, 1 s bins)")
    ax_rate.grid(True, alpha=0.3)
    if any(len(t["per_second"]) for t in described.values()):
        ax_rate.legend(loc="upper right", fontsize="small")
    mix = size_mix_table(described)
    width = 0.8 / max(1, mix.shape[1])
    x = np.arange(len(mix))
    for i, name in enumerate(mix.columns):
        ax_mix.bar(x + i * width, 100 * mix[name].to_numpy(), width, label=str(name))
    ax_mix.set_xticks(x + width * (mix.shape[1] - 1) / 2, list(mix.index))
    ax_mix.set_title("Write size mix")
    ax_mix.set_xlabel("write size")
    ax_mix.set_ylabel("share of writes (%)")
    ax_mix.grid(True, axis="y", alpha=0.3)
    if mix.shape[1]:
        ax_mix.legend(fontsize="small")
    return fig


def _cmd_describe(args: argparse.Namespace) -> int:
    try:
        duration = units.duration_s(args.duration) if args.duration is not None else None
        if duration is not None and duration <= 0:
            raise ValueError(f"--duration must be > 0, got {args.duration!r}")
        described = describe_path(args.path, duration, args.volume, args.format,
                                  args.volume_size, args.seed)
        print(f"workload describe: {args.path}")
        print(format_tables(described))
        if args.output:
            out = Path(args.output)
            out.parent.mkdir(parents=True, exist_ok=True)
            describe_figure(described, title=Path(args.path).name).savefig(out, dpi=110)
            print(f"figure written to {out}")
    except (ValueError, OSError) as exc:
        print(f"replsim workload describe: {exc}", file=sys.stderr)
        return 2
    return 0


def add_subcommand(subparsers: Any) -> None:
    """Register `workload describe` on the CLI's subparsers (the CLI calls this)."""
    workload = subparsers.add_parser("workload", help="inspect workloads and traces")
    sub = workload.add_subparsers(dest="workload_command", required=True)
    describe = sub.add_parser(
        "describe", help="rates, size mix, burstiness and distinct blocks of a workload",
        description=__doc__)
    describe.add_argument("path", help="scenario YAML (its workloads) or a trace file")
    describe.add_argument("--duration", help="simulated time to describe, e.g. 10min "
                          "(default: the scenario's run.duration; a whole trace)")
    describe.add_argument("--volume", help="scenario: only this workload volume (cluster/name); "
                          "trace: only this device")
    describe.add_argument("-o", "--output", help="write the figure to this PNG file")
    describe.add_argument("--format", choices=list(FORMATS),
                          help="trace format (default: guessed from the first lines)")
    describe.add_argument("--volume-size", default=DEFAULT_TRACE_VOLUME,
                          help="trace: size of the volume offsets wrap into (default 16TiB)")
    describe.add_argument("--seed", type=int, help="scenario: override run.seed")
    describe.set_defaults(func=_cmd_describe)
