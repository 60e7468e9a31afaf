"""Build a volume's workload from a plain mapping (as read from a scenario YAML).

Generated load uses `arrival`, `rate`, `closed_loop`, `io_size`, `read_fraction` and `offsets`;
replayed load uses `trace` (plus optionally `closed_loop`). `compression_ratio` and
`present_at_target` describe how the written data reduces on the wire. Values may be unit
strings ("2000iops", "4KiB", "5ms"). Every problem raises `WorkloadError` naming the key and
what was expected. `docs/workloads.md` documents every key.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from replsim import units
from replsim.workload import errors as e
from replsim.workload.arrival_spec import BUILDERS as ARRIVAL_KINDS
from replsim.workload.arrival_spec import build_arrivals
from replsim.workload.arrivals import ArrivalProcess, ConstantArrivals, PoissonArrivals
from replsim.workload.errors import WorkloadError
from replsim.workload.offset_spec import OFFSETS, build_blocks
from replsim.workload.offsets import BLOCK_BYTES, volume_blocks_for
from replsim.workload.sizes import DiscreteSizes, EmpiricalSizes, FixedSize, SizeDistribution
from replsim.workload.source import THINK_DISTS, ClosedLoop, IoSource, WriteSource
from replsim.workload.trace.spec import build_trace_source

__all__ = [
    "ARRIVALS",
    "ARRIVAL_KINDS",
    "KEYS",
    "OFFSETS",
    "SIZE_KINDS",
    "STREAMS",
    "Workload",
    "WorkloadError",
    "build_workload",
]


@dataclass(frozen=True)
class Workload:
    """A volume's IO source, its closed-loop parameters (None = open loop), and how its
    written data reduces on the wire.

    `compression_ratio` (>= 1) divides the bytes sent; `present_at_target` (0..1) is the
    fraction of written blocks the target already holds (deduplicated, not sent).
    """

    source: IoSource
    closed_loop: ClosedLoop | None = None
    compression_ratio: float = 1.0
    present_at_target: float = 0.0

    def __post_init__(self) -> None:
        ratio = self.compression_ratio
        if isinstance(ratio, bool) or not isinstance(ratio, int | float) or not (
            math.isfinite(ratio) and ratio >= 1.0
        ):
            raise WorkloadError(f"compression_ratio: expected a finite number >= 1, got {ratio!r}")
        present = self.present_at_target
        if isinstance(present, bool) or not isinstance(present, int | float) or not (
            0.0 <= present <= 1.0
        ):
            raise WorkloadError(f"present_at_target: expected a number in [0, 1], got {present!r}")

    @property
    def wire_bytes_factor(self) -> float:
        """Bytes on the wire per byte written: (1 − present_at_target) / compression_ratio."""
        return (1.0 - self.present_at_target) / self.compression_ratio


# Rate-only arrival kinds, constructor(rate_iops, rng); the full set is ARRIVAL_KINDS.
ARRIVALS: dict[str, Callable[[float, np.random.Generator], ArrivalProcess]] = {
    "poisson": PoissonArrivals,
    "constant": ConstantArrivals,
}


def _empirical(value: object, rng: np.random.Generator) -> SizeDistribution:
    if isinstance(value, str | bytes | Mapping) or not hasattr(value, "__iter__"):
        raise WorkloadError(
            f"io_size.empirical: expected a list of sizes, got {type(value).__name__}"
        )
    samples = [
        e.parse_unit(units.size_bytes, item, f"io_size.empirical[{i}]")
        for i, item in enumerate(value)
    ]
    return e.wrap(lambda: EmpiricalSizes(samples, rng), "io_size.empirical")


# Named size kinds, written as a one-key mapping {kind: value}: factory(value, rng).
SIZE_KINDS: dict[str, Callable[[Any, np.random.Generator], SizeDistribution]] = {
    "empirical": _empirical,
}

KEYS = ("arrival", "rate", "closed_loop", "io_size", "read_fraction", "offsets", "trace",
        "compression_ratio", "present_at_target")
GENERATOR_ONLY = ("rate", "arrival", "io_size", "read_fraction", "offsets")
CLOSED_LOOP_KEYS = ("queue_depth", "think_time")
DEFAULT_IO_SIZE_BYTES = 4096

# Order in which child streams are spawned from the workload's generator: fixed and
# independent of the spec's shape (switching open/closed loop keeps sizes identical).
# New components append here; never reorder.
STREAMS = ("arrival", "io_size", "offsets", "read_fraction", "think_time")


def _build_sizes(value: object, rng: np.random.Generator) -> SizeDistribution:
    if isinstance(value, Mapping):
        if not value:
            raise WorkloadError("io_size: an empty mapping; give {size: probability, ...}")
        if len(value) == 1:
            (name,) = value
            if isinstance(name, str) and name in SIZE_KINDS:
                return SIZE_KINDS[name](value[name], rng)
        mix: dict[float, float] = {}
        for size, probability in value.items():
            size_bytes = e.parse_unit(units.size_bytes, size, "io_size")
            if size_bytes in mix:
                raise WorkloadError(f"io_size: size {size!r} appears more than once")
            if isinstance(probability, bool) or not isinstance(probability, int | float):
                raise WorkloadError(
                    f"io_size[{size!r}]: expected a probability (number), got {probability!r}"
                )
            mix[size_bytes] = float(probability)
        return e.wrap(lambda: DiscreteSizes(mix, rng), "io_size")
    size_bytes = e.parse_unit(units.size_bytes, value, "io_size")
    return e.wrap(lambda: FixedSize(size_bytes), "io_size")


def _think_time(value: object) -> tuple[float, str]:
    """`think_time: 5ms` (fixed) or `think_time: {dist: exponential, mean: 5ms}`."""
    if isinstance(value, Mapping):
        e.check_keys(value, ("dist", "mean"), "closed_loop.think_time")
        dist = e.choice(value.get("dist", "fixed"), THINK_DISTS, "closed_loop.think_time.dist")
        if "mean" not in value:
            raise WorkloadError("closed_loop.think_time.mean: required (a duration)")
        return e.duration(value["mean"], "closed_loop.think_time.mean"), dist
    seconds = e.parse_unit(units.duration_s, value, "closed_loop.think_time")
    if not math.isfinite(seconds) or seconds < 0:
        raise WorkloadError(
            f"closed_loop.think_time: expected a finite duration >= 0, got {value!r}"
        )
    return seconds, "fixed"


def _build_closed_loop(value: object, rng: np.random.Generator) -> ClosedLoop:
    if not isinstance(value, Mapping):
        raise WorkloadError(
            f"closed_loop: expected a mapping with {', '.join(CLOSED_LOOP_KEYS)}, got {value!r}"
        )
    unknown = sorted(str(k) for k in value if k not in CLOSED_LOOP_KEYS)
    if unknown:
        raise WorkloadError(
            f"closed_loop: unknown key {unknown[0]!r}; expected {', '.join(CLOSED_LOOP_KEYS)}"
        )
    queue_depth = value.get("queue_depth", 1)
    if isinstance(queue_depth, bool) or not isinstance(queue_depth, int) or queue_depth < 1:
        raise WorkloadError(
            f"closed_loop.queue_depth: expected an integer >= 1, got {queue_depth!r}"
        )
    think_time_s, dist = _think_time(value.get("think_time", 0.0))
    return ClosedLoop(queue_depth=queue_depth, think_time_s=think_time_s, think_dist=dist,
                      rng=rng if dist != "fixed" else None)


def _read_fraction(value: object) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0.0 <= float(value) <= 1.0
    ):
        raise WorkloadError(f"read_fraction: expected a number in [0, 1], got {value!r}")
    return float(value)


def _reduction(spec: Mapping[str, Any]) -> dict[str, float]:
    return {
        "compression_ratio": e.number(spec.get("compression_ratio", 1.0), "compression_ratio",
                                      low=1.0),
        "present_at_target": e.number(spec.get("present_at_target", 0.0), "present_at_target",
                                      low=0.0, high=1.0),
    }


def _generated_source(spec: Mapping[str, Any], volume_blocks: int, open_loop: bool,
                      streams: dict[str, np.random.Generator]) -> WriteSource:
    arrivals = None
    if open_loop:
        rate = e.rate(spec["rate"], "rate") if "rate" in spec else None
        arrivals = build_arrivals(spec.get("arrival", "poisson"), rate, streams["arrival"])
    read_fraction = _read_fraction(spec.get("read_fraction", 0.0))
    sizes = _build_sizes(spec.get("io_size", DEFAULT_IO_SIZE_BYTES), streams["io_size"])
    if sizes.max_size_bytes > volume_blocks * BLOCK_BYTES:
        raise WorkloadError(
            f"io_size: the largest IO ({sizes.max_size_bytes} bytes) does not fit in the "
            f"volume ({volume_blocks} blocks of {BLOCK_BYTES} bytes)"
        )
    blocks = build_blocks(spec.get("offsets", "uniform"), volume_blocks, streams["offsets"])
    return WriteSource(
        arrivals, sizes, blocks, read_fraction=read_fraction, read_rng=streams["read_fraction"]
    )


def build_workload(
    spec: Mapping[str, Any],
    volume_size_bytes: float | str,
    rng: np.random.Generator,
    base_dir: str | Path | None = None,
) -> Workload:
    """The workload of one volume, drawing all randomness from child streams of `rng`.

    `base_dir` is where a relative `trace.path` is looked up (the scenario file's folder;
    default: the current directory).
    """
    if not isinstance(spec, Mapping):
        raise WorkloadError(f"workload: expected a mapping of {', '.join(KEYS)}, got {spec!r}")
    unknown = sorted(str(k) for k in spec if k not in KEYS)
    if unknown:
        raise WorkloadError(f"unknown key {unknown[0]!r}; expected one of: {', '.join(KEYS)}")
    volume_bytes = e.parse_unit(units.size_bytes, volume_size_bytes, "volume size")
    volume_blocks = e.wrap(lambda: volume_blocks_for(volume_bytes), "volume size")
    reduction = _reduction(spec)
    streams = dict(zip(STREAMS, rng.spawn(len(STREAMS)), strict=True))

    closed_loop: ClosedLoop | None = None
    if "closed_loop" in spec:
        for key in ("rate", "arrival"):
            if key in spec:
                raise WorkloadError(
                    f"{key}: only for open-loop workloads; remove it or remove closed_loop"
                )
        closed_loop = _build_closed_loop(spec["closed_loop"], streams["think_time"])

    if "trace" in spec:
        for key in GENERATOR_ONLY:
            if key in spec:
                raise WorkloadError(f"{key}: not used with trace (the trace gives times, "
                                    "sizes, offsets and reads; see trace.time_scale, "
                                    "trace.reads)")
        source: IoSource = build_trace_source(spec["trace"], volume_blocks, base_dir)
    else:
        if closed_loop is None and "rate" not in spec and not isinstance(
            spec.get("arrival"), Mapping
        ):
            raise WorkloadError("rate: required for an open-loop workload (or give closed_loop)")
        source = _generated_source(spec, volume_blocks, closed_loop is None, streams)
    return Workload(source=source, closed_loop=closed_loop, **reduction)
