"""build_workload with the parameterised kinds, data reduction, think time and errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from replsim.rng import stream
from replsim.workload.diurnal import DiurnalArrivals
from replsim.workload.hotset import HotSetBlocks
from replsim.workload.mmpp import MmppArrivals, OnOffArrivals
from replsim.workload.sequential import SequentialBlocks
from replsim.workload.spec import Workload, WorkloadError, build_workload
from replsim.workload.superpose import SuperposedArrivals
from replsim.workload.zipf import ZipfBlocks

GIB = 2**30
HOURLY = [1.0] * 12 + [3.0] * 12


def build(spec: dict, volume: float | str = GIB, seed: int = 1) -> Workload:
    return build_workload(spec, volume, stream(seed, "vol"))


def test_on_off_spec() -> None:
    source = build({"arrival": {"kind": "on_off", "on": "100ms", "off": "400ms",
                                "on_rate": "5000iops"}}).source
    assert isinstance(source.arrivals, OnOffArrivals)
    assert source.arrivals.mean_rate_iops == pytest.approx(1000.0)


def test_on_off_with_top_level_rate_rescales() -> None:
    source = build({"rate": 500, "arrival": {"kind": "on_off", "on": 1, "off": 1,
                                             "on_rate": 100, "durations": "fixed"}}).source
    assert source.arrivals.mean_rate_iops == pytest.approx(500.0)


def test_mmpp_spec_generator_and_sojourn() -> None:
    a = build({"arrival": {"kind": "mmpp", "rates": [100, "900iops"],
                           "generator": [[-1, 1], [1, -1]]}}).source.arrivals
    b = build({"arrival": {"kind": "mmpp", "rates": [100, 900], "sojourn": ["1s", "1s"]}}
              ).source.arrivals
    assert isinstance(a, MmppArrivals) and isinstance(b, MmppArrivals)
    assert a.mean_rate_iops == pytest.approx(500.0) == b.mean_rate_iops


def test_diurnal_spec_needs_rate_and_reads_points() -> None:
    source = build({"rate": "100iops", "arrival": {"kind": "diurnal", "hourly": HOURLY,
                                                    "start_hour": 6}}).source
    assert isinstance(source.arrivals, DiurnalArrivals)
    assert source.arrivals.mean_rate_iops == pytest.approx(100.0)
    points = build({"arrival": {"kind": "diurnal", "rate": 10,
                                "points": [["0h", 1], ["12h", 3]]}}).source.arrivals
    assert points.curve.shape_at(np.array([0.0, 43200.0])) == pytest.approx([0.5, 1.5])
    mapping = build({"arrival": {"kind": "diurnal", "rate": 10,
                                 "points": {"0h": 1, "12h": 3}}}).source.arrivals
    assert mapping.curve.shape_at(np.array([21600.0])) == pytest.approx([1.0])


def test_superpose_spec() -> None:
    source = build({"arrival": {"kind": "superpose", "of": [
        {"kind": "poisson", "rate": 300},
        {"kind": "on_off", "on": 1, "off": 4, "on_rate": 1000},
    ]}}).source
    assert isinstance(source.arrivals, SuperposedArrivals)
    assert source.arrivals.mean_rate_iops == pytest.approx(500.0)
    rescaled = build({"rate": 1000, "arrival": {"kind": "superpose", "of": [
        {"kind": "poisson", "rate": 300}, {"kind": "constant", "rate": 200}]}}).source
    assert [c.mean_rate_iops for c in rescaled.arrivals.components] == pytest.approx([600, 400])


@pytest.mark.parametrize(
    ("offsets", "kind"),
    [("zipf", ZipfBlocks), ({"kind": "zipf", "s": 0.9, "working_set": "1GiB"}, ZipfBlocks),
     ({"kind": "zipf", "working_set": 0.25}, ZipfBlocks), ("hot_set", HotSetBlocks),
     ({"kind": "hot_set", "hot_fraction": 0.05, "hot_share": 0.95}, HotSetBlocks),
     ("sequential", SequentialBlocks), ({"kind": "sequential", "streams": 3}, SequentialBlocks)],
)
def test_offset_kinds(offsets: object, kind: type) -> None:
    source = build({"rate": 10, "offsets": offsets}, volume="4GiB").source
    assert isinstance(source.blocks, kind)
    assert 0 <= source.next_write()[2] < 2**20


def test_zipf_working_set_fraction() -> None:
    blocks = build({"rate": 1, "offsets": {"kind": "zipf", "working_set": 0.25}}).source.blocks
    assert blocks.working_set_blocks == 2**16


def test_data_reduction_fields_and_wire_factor() -> None:
    workload = build({"rate": 1, "compression_ratio": 2.5, "present_at_target": 0.2})
    assert workload.compression_ratio == 2.5 and workload.present_at_target == 0.2
    assert workload.wire_bytes_factor == pytest.approx(0.8 / 2.5)
    assert build({"rate": 1}).wire_bytes_factor == 1.0


def test_exponential_think_time_per_host() -> None:
    loop = build({"closed_loop": {"queue_depth": 2,
                                  "think_time": {"dist": "exponential", "mean": "2ms"}}}
                 ).closed_loop
    draws = np.array([loop.next_think_s() for _ in range(100_000)])
    assert draws.mean() == pytest.approx(2e-3, rel=4 / math.sqrt(100_000))
    assert draws.std() / draws.mean() == pytest.approx(1.0, abs=0.02)
    other = build({"closed_loop": {"think_time": {"dist": "exponential", "mean": "2ms"}}},
                  seed=2).closed_loop
    assert [other.next_think_s() for _ in range(5)] != draws[:5].tolist()
    fixed = build({"closed_loop": {"think_time": {"mean": "1ms"}}}).closed_loop
    assert fixed.next_think_s() == 1e-3


def test_new_components_do_not_shift_old_streams() -> None:
    """Sizes and offsets are the same whatever the arrival kind (common random numbers)."""
    base = {"io_size": {"4KiB": 0.5, "64KiB": 0.5}, "offsets": "zipf"}
    a = build({**base, "rate": 100}).source
    b = build({**base, "arrival": {"kind": "diurnal", "rate": 100, "hourly": HOURLY}}).source
    assert [a.next_write()[1:] for _ in range(300)] == [b.next_write()[1:] for _ in range(300)]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"arrival": {"kind": "on_off", "on": 1, "off": 1}}, r"arrival.on_rate: required"),
        ({"arrival": {"kind": "on_off", "on": 0, "off": 1, "on_rate": 5}},
         r"arrival.on: expected a duration > 0"),
        ({"arrival": {"kind": "on_off", "on": 1, "off": 1, "on_rate": 0}},
         r"arrival: the long-run mean rate is 0"),
        ({"arrival": {"kind": "on_off", "on": 1, "off": 1, "on_rate": 5, "durations": "x"}},
         r"arrival.durations: expected one of exponential, fixed"),
        ({"arrival": {"kind": "on_off", "on": 1, "off": 1, "on_rate": 5, "burst": 1}},
         r"arrival: unknown key 'burst'"),
        ({"arrival": {"kind": "mmpp", "rates": [1, 2]}}, r"arrival: give either generator"),
        ({"arrival": {"kind": "mmpp", "rates": [1, 2], "generator": [[-1, 1]]}},
         r"arrival: generator must be an 2x2 matrix"),
        ({"arrival": {"kind": "mmpp", "rates": [1, 2], "generator": [[0, 0], [1, -1]]}},
         r"arrival: every state must have a positive rate of leaving"),
        ({"arrival": {"kind": "mmpp", "rates": [1, 2, 3], "sojourn": [1, 1, 1],
                      "jump": [[0, 1, 0], [1, 0, 0], [1, 0, 0]]}},
         r"arrival: every state must be reachable"),
        ({"arrival": {"kind": "mmpp", "rates": [1, 2], "sojourn": [1]}},
         r"arrival.sojourn: expected 2 durations"),
        ({"arrival": {"kind": "mmpp", "rates": "fast", "sojourn": [1]}},
         r"arrival.rates: expected a list of rates"),
        ({"arrival": {"kind": "diurnal", "hourly": HOURLY}}, r"rate: required"),
        ({"rate": 1, "arrival": {"kind": "diurnal", "hourly": [1] * 23}},
         r"arrival.hourly: hourly needs exactly 24"),
        ({"rate": 1, "arrival": {"kind": "diurnal", "hourly": [0] * 24}},
         r"arrival.hourly: the profile is 0 all day"),
        ({"rate": 1, "arrival": {"kind": "diurnal", "hourly": HOURLY, "start_hour": 24}},
         r"arrival.start_hour: expected a finite number >= 0 and < 24"),
        ({"rate": 1, "arrival": {"kind": "diurnal", "points": [["13h", 1], ["12h", 2]]}},
         r"arrival.points: point times must be strictly increasing"),
        ({"rate": 1, "arrival": {"kind": "diurnal", "points": [["25h", 1]]}},
         r"arrival.points: point times must be in \[0, period"),
        ({"rate": 1, "arrival": {"kind": "diurnal", "hourly": HOURLY, "points": []}},
         r"arrival: give either hourly"),
        ({"rate": 1, "arrival": {"kind": "poisson", "rate": 2}},
         r"arrival.rate: the rate is also given at the workload's top level"),
        ({"arrival": {"kind": "superpose", "of": []}}, r"arrival.of: needs at least one"),
        ({"arrival": {"kind": "superpose", "of": [{"kind": "poisson"}]}},
         r"rate: required"),
        ({"arrival": {"kind": "superpose", "of": [{"kind": "poisson", "rate": "x"}]}},
         r"arrival.of\[0\].rate: cannot read 'x'"),
        ({"arrival": {"kind": "tidal"}}, r"arrival.kind: expected one of poisson"),
        ({"rate": 1, "offsets": {"kind": "zipf", "s": 0}}, r"offsets.s: expected a finite"),
        ({"rate": 1, "offsets": {"kind": "zipf", "working_set": "2GiB"}},
         r"offsets.working_set: expected a size between 4KiB and the volume"),
        ({"rate": 1, "offsets": {"kind": "hot_set", "hot_fraction": 1}},
         r"offsets.hot_fraction: expected a finite number > 0 and < 1"),
        ({"rate": 1, "offsets": {"kind": "hot_set", "hot_share": 1.5}},
         r"offsets.hot_share: expected a finite number >= 0 and <= 1"),
        ({"rate": 1, "offsets": {"kind": "sequential", "streams": 0}},
         r"offsets.streams: expected an integer >= 1"),
        ({"rate": 1, "offsets": {"kind": "uniform", "s": 1}}, r"offsets: unknown key 's'"),
        ({"rate": 1, "compression_ratio": 0.5},
         r"compression_ratio: expected a finite number >= 1"),
        ({"rate": 1, "present_at_target": 1.5}, r"present_at_target: expected a finite number"),
        ({"rate": 1, "present_at_target": "half"}, r"present_at_target: expected a number"),
        ({"closed_loop": {"think_time": {"dist": "gamma", "mean": 1}}},
         r"closed_loop.think_time.dist: expected one of fixed, exponential"),
        ({"closed_loop": {"think_time": {"dist": "exponential"}}},
         r"closed_loop.think_time.mean: required"),
        ({"trace": {"path": "x.csv"}, "rate": 5}, r"rate: not used with trace"),
        ({"trace": {"path": "x.csv"}, "io_size": 4096}, r"io_size: not used with trace"),
        ({"trace": "x.csv"}, r"trace: expected a mapping with path"),
        ({"trace": {"format": "msr"}}, r"trace.path: required"),
        ({"trace": {"path": "no-such-file.csv"}}, r"trace.path: no such file 'no-such-file.csv'"),
    ],
)
def test_errors_name_the_key(spec: dict, message: str) -> None:
    with pytest.raises(WorkloadError, match=message):
        build(spec)


def test_workload_dataclass_validates() -> None:
    source = build({"rate": 1}).source
    with pytest.raises(WorkloadError, match="compression_ratio"):
        Workload(source, compression_ratio=0.9)
    with pytest.raises(WorkloadError, match="present_at_target"):
        Workload(source, present_at_target=-0.1)
