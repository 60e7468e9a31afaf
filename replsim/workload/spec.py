"""Build a volume's workload from a plain mapping (as read from a scenario YAML).

The mapping keys are `arrival`, `rate`, `closed_loop`, `io_size`, `read_fraction` and
`offsets`; values may be unit strings ("2000iops", "4KiB", "5ms"). Every problem raises
`WorkloadError` naming the key and what was expected. New kinds plug in through the registry
dicts `ARRIVALS`, `SIZE_KINDS` and `OFFSETS`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from replsim import units
from replsim.workload.arrivals import ArrivalProcess, ConstantArrivals, PoissonArrivals
from replsim.workload.offsets import (
    BLOCK_BYTES,
    BlockChooser,
    UniformBlocks,
    volume_blocks_for,
)
from replsim.workload.sizes import DiscreteSizes, EmpiricalSizes, FixedSize, SizeDistribution
from replsim.workload.source import ClosedLoop, WriteSource


class WorkloadError(ValueError):
    """An invalid workload spec; the message names the offending key."""


@dataclass(frozen=True)
class Workload:
    """A volume's IO source plus, for closed-loop load, its queue parameters (None = open)."""

    source: WriteSource
    closed_loop: ClosedLoop | None = None


# Open-loop arrival kinds: constructor(rate_iops, rng).
ARRIVALS: dict[str, Callable[[float, np.random.Generator], ArrivalProcess]] = {
    "poisson": PoissonArrivals,
    "constant": ConstantArrivals,
}

# Offset kinds: constructor(volume_blocks, rng).
OFFSETS: dict[str, Callable[[int, np.random.Generator], BlockChooser]] = {
    "uniform": UniformBlocks,
}


def _empirical(value: object, rng: np.random.Generator) -> SizeDistribution:
    if isinstance(value, str | bytes | Mapping) or not hasattr(value, "__iter__"):
        raise WorkloadError(
            f"io_size.empirical: expected a list of sizes, got {type(value).__name__}"
        )
    samples = [
        _parse(units.size_bytes, item, f"io_size.empirical[{i}]") for i, item in enumerate(value)
    ]
    return _wrap(lambda: EmpiricalSizes(samples, rng), "io_size.empirical")


# Named size kinds, written as a one-key mapping {kind: value}: factory(value, rng).
SIZE_KINDS: dict[str, Callable[[Any, np.random.Generator], SizeDistribution]] = {
    "empirical": _empirical,
}

KEYS = ("arrival", "rate", "closed_loop", "io_size", "read_fraction", "offsets")
CLOSED_LOOP_KEYS = ("queue_depth", "think_time")
DEFAULT_IO_SIZE_BYTES = 4096
_T = TypeVar("_T")

# Order in which child streams are spawned from the workload's generator: fixed and
# independent of the spec's shape (switching open/closed loop keeps sizes identical).
# New components append here; never reorder.
STREAMS = ("arrival", "io_size", "offsets", "read_fraction")


def _parse(parser: Callable[[object], float], value: object, key: str) -> float:
    try:
        return parser(value)
    except units.UnitError as exc:
        raise WorkloadError(f"{key}: {exc}") from None


def _wrap(build: Callable[[], _T], key: str) -> _T:
    try:
        return build()
    except WorkloadError:
        raise
    except ValueError as exc:
        raise WorkloadError(f"{key}: {exc}") from None


def _kind(value: object, registry: Mapping[str, object], key: str) -> str:
    if not isinstance(value, str) or value not in registry:
        raise WorkloadError(f"{key}: expected one of {', '.join(sorted(registry))}, got {value!r}")
    return value


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
            size_bytes = _parse(units.size_bytes, size, "io_size")
            if size_bytes in mix:
                raise WorkloadError(f"io_size: size {size!r} appears more than once")
            if isinstance(probability, bool) or not isinstance(probability, int | float):
                raise WorkloadError(
                    f"io_size[{size!r}]: expected a probability (number), got {probability!r}"
                )
            mix[size_bytes] = float(probability)
        return _wrap(lambda: DiscreteSizes(mix, rng), "io_size")
    size_bytes = _parse(units.size_bytes, value, "io_size")
    return _wrap(lambda: FixedSize(size_bytes), "io_size")


def _build_closed_loop(value: object) -> ClosedLoop:
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
    think_time_s = _parse(units.duration_s, value.get("think_time", 0.0), "closed_loop.think_time")
    if not math.isfinite(think_time_s) or think_time_s < 0:
        raise WorkloadError(
            f"closed_loop.think_time: expected a finite duration >= 0, got {value['think_time']!r}"
        )
    return ClosedLoop(queue_depth=queue_depth, think_time_s=think_time_s)


def _read_fraction(value: object) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0.0 <= float(value) <= 1.0
    ):
        raise WorkloadError(f"read_fraction: expected a number in [0, 1], got {value!r}")
    return float(value)


def build_workload(
    spec: Mapping[str, Any], volume_size_bytes: float | str, rng: np.random.Generator
) -> Workload:
    """The workload of one volume, drawing all randomness from child streams of `rng`."""
    if not isinstance(spec, Mapping):
        raise WorkloadError(f"workload: expected a mapping of {', '.join(KEYS)}, got {spec!r}")
    unknown = sorted(str(k) for k in spec if k not in KEYS)
    if unknown:
        raise WorkloadError(f"unknown key {unknown[0]!r}; expected one of: {', '.join(KEYS)}")
    volume_bytes = _parse(units.size_bytes, volume_size_bytes, "volume size")
    volume_blocks = _wrap(lambda: volume_blocks_for(volume_bytes), "volume size")

    closed_loop: ClosedLoop | None = None
    rate_iops = 0.0
    if "closed_loop" in spec:
        for key in ("rate", "arrival"):
            if key in spec:
                raise WorkloadError(
                    f"{key}: only for open-loop workloads; remove it or remove closed_loop"
                )
        closed_loop = _build_closed_loop(spec["closed_loop"])
    else:
        if "rate" not in spec:
            raise WorkloadError("rate: required for an open-loop workload (or give closed_loop)")
        rate_iops = _parse(units.frequency_per_s, spec["rate"], "rate")
        if not math.isfinite(rate_iops) or rate_iops < 0:
            raise WorkloadError(f"rate: expected a finite rate >= 0 IOPS, got {spec['rate']!r}")
    arrival = _kind(spec.get("arrival", "poisson"), ARRIVALS, "arrival")
    offsets = _kind(spec.get("offsets", "uniform"), OFFSETS, "offsets")
    read_fraction = _read_fraction(spec.get("read_fraction", 0.0))

    streams = dict(zip(STREAMS, rng.spawn(len(STREAMS)), strict=True))
    sizes = _build_sizes(spec.get("io_size", DEFAULT_IO_SIZE_BYTES), streams["io_size"])
    if sizes.max_size_bytes > volume_blocks * BLOCK_BYTES:
        raise WorkloadError(
            f"io_size: the largest IO ({sizes.max_size_bytes} bytes) does not fit in the "
            f"volume ({volume_blocks} blocks of {BLOCK_BYTES} bytes)"
        )
    blocks = _wrap(lambda: OFFSETS[offsets](volume_blocks, streams["offsets"]), "offsets")
    arrivals = None if closed_loop is not None else ARRIVALS[arrival](rate_iops, streams["arrival"])
    source = WriteSource(
        arrivals, sizes, blocks, read_fraction=read_fraction, read_rng=streams["read_fraction"]
    )
    return Workload(source=source, closed_loop=closed_loop)
