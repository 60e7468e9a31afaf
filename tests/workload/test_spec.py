"""build_workload: good specs, closed loop, reproducibility and every error message."""

import math

import numpy as np
import pytest

from replsim.rng import stream
from replsim.workload.arrivals import ConstantArrivals, PoissonArrivals
from replsim.workload.sizes import DiscreteSizes, EmpiricalSizes, FixedSize
from replsim.workload.source import ClosedLoop
from replsim.workload.spec import (
    ARRIVAL_KINDS,
    ARRIVALS,
    OFFSETS,
    SIZE_KINDS,
    STREAMS,
    WorkloadError,
    build_workload,
)

GIB = 2**30


def build(spec: dict, volume: float | str = GIB, seed: int = 1):
    return build_workload(spec, volume, stream(seed, "vol"))


def test_defaults_open_loop_poisson_4k_uniform_writes() -> None:
    workload = build({"rate": "2000iops"})
    assert workload.closed_loop is None
    source = workload.source
    assert isinstance(source.arrivals, PoissonArrivals)
    assert source.arrivals.rate_iops == 2000.0
    assert isinstance(source.sizes, FixedSize) and source.sizes.size_bytes == 4096
    assert source.read_fraction == 0.0
    writes = [source.next_write() for _ in range(20_000)]
    assert all(w[1] == 4096 and w[3] for w in writes)
    gaps = np.array([w[0] for w in writes])
    assert len(gaps) / gaps.sum() == pytest.approx(2000.0, rel=0.04)


def test_full_open_loop_spec() -> None:
    workload = build(
        {
            "arrival": "constant",
            "rate": 500,
            "io_size": {"4KiB": 0.7, "64KiB": 0.3},
            "read_fraction": 0.25,
            "offsets": "uniform",
        },
        volume="10GiB",
    )
    source = workload.source
    assert isinstance(source.arrivals, ConstantArrivals)
    assert isinstance(source.sizes, DiscreteSizes)
    assert source.sizes.sizes_bytes.tolist() == [4096, 65536]
    assert source.blocks.volume_blocks == 10 * 2**18
    writes = [source.next_write() for _ in range(20_000)]
    assert {w[0] for w in writes} == {1 / 500}
    assert np.mean([not w[3] for w in writes]) == pytest.approx(0.25, abs=0.015)


def test_empirical_sizes_spec() -> None:
    source = build({"rate": 10, "io_size": {"empirical": ["4KiB", 8192, "32KiB"]}}).source
    assert isinstance(source.sizes, EmpiricalSizes)
    assert {source.next_write()[1] for _ in range(500)} == {4096, 8192, 32768}


def test_closed_loop_spec() -> None:
    workload = build({"closed_loop": {"queue_depth": 16, "think_time": "500us"}})
    assert workload.closed_loop == ClosedLoop(queue_depth=16, think_time_s=500e-6)
    assert workload.source.arrivals is None
    size, block, is_write = workload.source.next_io()
    assert size == 4096 and is_write and 0 <= block < 2**18


def test_closed_loop_defaults() -> None:
    assert build({"closed_loop": {}}).closed_loop == ClosedLoop(1, 0.0)


def test_same_seed_same_workload_and_scope_matters() -> None:
    spec = {"rate": 1000, "io_size": {"4KiB": 0.5, "1MiB": 0.5}, "read_fraction": 0.1}
    a = build_workload(spec, GIB, stream(9, "east.vol1"))
    b = build_workload(spec, GIB, stream(9, "east.vol1"))
    c = build_workload(spec, GIB, stream(9, "east.vol2"))
    run = [a.source.next_write() for _ in range(5000)]
    assert run == [b.source.next_write() for _ in range(5000)]
    assert run[:50] != [c.source.next_write() for _ in range(50)]


def test_ios_are_the_same_open_or_closed_loop() -> None:
    """Child streams do not depend on the spec's shape: common random numbers."""
    open_loop = build({"rate": 100, "io_size": {"4KiB": 0.5, "8KiB": 0.5}}, seed=3)
    closed = build(
        {"closed_loop": {"queue_depth": 4}, "io_size": {"4KiB": 0.5, "8KiB": 0.5}}, seed=3
    )
    assert [open_loop.source.next_write()[1:] for _ in range(100)] == [
        closed.source.next_io() for _ in range(100)
    ]


def test_rate_zero_allowed() -> None:
    assert build({"rate": 0}).source.next_write()[0] == math.inf


def test_registries_name_the_kinds() -> None:
    assert dict(ARRIVALS) == {"poisson": PoissonArrivals, "constant": ConstantArrivals}
    assert set(ARRIVAL_KINDS) == {"poisson", "constant", "on_off", "mmpp", "diurnal", "superpose"}
    assert set(OFFSETS) == {"uniform", "zipf", "hot_set", "sequential"}
    assert "empirical" in SIZE_KINDS


def test_stream_order_is_append_only() -> None:
    assert STREAMS[:4] == ("arrival", "io_size", "offsets", "read_fraction")
    assert STREAMS[4:] == ("think_time",)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ([("rate", 1)], r"workload: expected a mapping"),
        ({"rate": 1, "burst": 2}, r"unknown key 'burst'; expected one of: arrival, rate"),
        ({}, r"rate: required for an open-loop workload"),
        ({"rate": "fast"}, r"rate: cannot read 'fast' as a rate"),
        ({"rate": "5ms"}, r"rate: cannot read '5ms' as a rate"),
        ({"rate": -5}, r"rate: expected a finite rate >= 0 IOPS, got -5"),
        ({"rate": math.inf}, r"rate: .*finite rate"),
        ({"rate": 1, "arrival": "bursty"}, r"arrival: expected one of poisson, constant, on_off"),
        ({"rate": 1, "arrival": "mmpp"}, r"arrival: 'mmpp' needs parameters"),
        ({"rate": 1, "arrival": 3}, r"arrival: expected one of"),
        ({"rate": 1, "offsets": "zipfian"}, r"offsets: expected one of uniform, zipf, hot_set"),
        ({"rate": 1, "offsets": 7}, r"offsets: expected one of uniform"),
        ({"rate": 1, "io_size": "4KB8"}, r"io_size: cannot read '4KB8' as a size"),
        ({"rate": 1, "io_size": "4000"}, r"io_size: IO size must be a multiple of 512"),
        ({"rate": 1, "io_size": 0}, r"io_size: IO size must be a positive"),
        ({"rate": 1, "io_size": {}}, r"io_size: an empty mapping"),
        ({"rate": 1, "io_size": {"4KiB": 0.5, "8KiB": 0.4}}, r"io_size: size probabilities sum"),
        ({"rate": 1, "io_size": {"4KiB": 0.5, "8Kib": 0.5}}, r"io_size: cannot read '8Kib'"),
        ({"rate": 1, "io_size": {"4KiB": 0.5, 4096: 0.5}}, r"io_size: size 4096 appears more"),
        ({"rate": 1, "io_size": {"4KiB": "half", "8KiB": 0.5}}, r"io_size\['4KiB'\]: expected"),
        ({"rate": 1, "io_size": {"empirical": "4KiB"}}, r"io_size.empirical: expected a list"),
        ({"rate": 1, "io_size": {"empirical": []}}, r"io_size.empirical: empirical sizes need"),
        ({"rate": 1, "io_size": {"empirical": [4096, "x"]}}, r"io_size.empirical\[1\]: cannot"),
        ({"rate": 1, "io_size": "2GiB"}, r"io_size: the largest IO \(2147483648 bytes\) does not"),
        ({"rate": 1, "read_fraction": 1.5}, r"read_fraction: expected a number in \[0, 1\]"),
        ({"rate": 1, "read_fraction": "30%"}, r"read_fraction: expected a number in \[0, 1\]"),
        ({"rate": 1, "closed_loop": {}}, r"rate: only for open-loop workloads"),
        ({"arrival": "poisson", "closed_loop": {}}, r"arrival: only for open-loop workloads"),
        ({"closed_loop": 4}, r"closed_loop: expected a mapping with queue_depth, think_time"),
        ({"closed_loop": {"qd": 4}}, r"closed_loop: unknown key 'qd'; expected queue_depth"),
        ({"closed_loop": {"queue_depth": 0}}, r"closed_loop.queue_depth: expected an integer >= 1"),
        ({"closed_loop": {"queue_depth": 1.5}}, r"closed_loop.queue_depth: expected an integer"),
        ({"closed_loop": {"think_time": "soon"}}, r"closed_loop.think_time: cannot read 'soon'"),
        ({"closed_loop": {"think_time": -1}}, r"closed_loop.think_time: expected a finite dur"),
    ],
)
def test_errors_name_key_and_expectation(spec: object, message: str) -> None:
    with pytest.raises(WorkloadError, match=message):
        build(spec)  # type: ignore[arg-type]


def test_bad_volume_size() -> None:
    with pytest.raises(WorkloadError, match="volume size: cannot read"):
        build({"rate": 1}, volume="big")
    with pytest.raises(WorkloadError, match=r"volume size: .*smaller than one 4096-byte block"):
        build({"rate": 1}, volume=1000)


def test_workload_error_is_value_error() -> None:
    assert issubclass(WorkloadError, ValueError)
