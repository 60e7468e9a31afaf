"""replsim.scenario.schema: typed fields, units, defaults, constraints."""

from __future__ import annotations

import copy
from typing import Annotated, get_args, get_origin

import pytest
from pydantic import BaseModel, BeforeValidator, ValidationError

from replsim import units
from replsim.scenario import schema
from replsim.scenario.schema import (
    ClusterSpec,
    LinkSpec,
    PairSpec,
    QosSpec,
    RunSpec,
    Scenario,
    VolumeSpec,
    WorkloadSpec,
)
from tests.builders import two_sites


def scenario_dict(**kwargs) -> dict:
    # two_sites shares one QoS dict between volumes (and with a module constant): copy it.
    return copy.deepcopy(two_sites(**kwargs))


def test_minimal_scenario_gets_every_default():
    s = Scenario.model_validate({"clusters": [{"name": "a"}]})
    assert (s.run.name, s.run.seed, s.run.duration, s.run.warmup, s.run.sample_interval) == (
        "scenario", 1, 60.0, 0.0, 0.5)
    m = s.model
    assert (m.sync_combine, m.sync_timeout, m.pause_limit, m.ack_size, m.qos_window) == (
        "parallel", 5.0, 3_145_728_000.0, 0.0, 0.01)
    (c,) = s.clusters
    assert (c.nodes, c.version, c.mvip, c.svip, c.mirror_hop, c.node_iops) == (
        4, "12.3.0.958", None, None, 50e-6, 50_000)
    commit = c.slice_service.commit_time
    assert (commit.dist, commit.mean, commit.cv, commit.samples) == ("lognormal", 0.2e-3, 0.3,
                                                                     None)
    assert c.slice_service.servers is None
    assert s.links == [] and s.volumes == [] and s.workloads == [] and s.pairs == []


def test_volume_link_pair_defaults():
    v = VolumeSpec(cluster="a", name="v")
    assert (v.size, v.access, v.account_id) == (100 * 2**30, "readWrite", 1)
    assert v.qos == QosSpec()
    q = v.qos
    assert (q.minIOPS, q.maxIOPS, q.burstIOPS, q.burstTime, q.curve) == (50, 15000, 15000, 60,
                                                                         None)
    link = LinkSpec(between=("a", "b"))
    assert (link.distance, link.rtt, link.bandwidth, link.efficiency, link.jitter) == (
        0.0, None, 125e6, 0.93, None)
    assert PairSpec(source="a/v", target="b/v").mode == "Async"


def _set(data: dict, path: str, value) -> None:
    *parents, leaf = path.split(".")
    node = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    node[leaf] = value


def _get(obj, path: str):
    for part in path.split("."):
        obj = obj[int(part)] if isinstance(obj, list | tuple) else getattr(obj, part)
    return obj


UNIT_FIELDS = [
    ("run.duration", "2min", 120.0),
    ("run.warmup", "500ms", 0.5),
    ("run.sample_interval", "250ms", 0.25),
    ("model.sync_timeout", "2s", 2.0),
    ("model.pause_limit", "1GiB", 2.0**30),
    ("model.ack_size", "64B", 64.0),
    ("model.qos_window", "20ms", 0.02),
    ("clusters.0.mirror_hop", "100us", 100e-6),
    ("clusters.0.slice_service.commit_time.mean", "0.3ms", 0.3e-3),
    ("links.0.rtt", "2ms", 2e-3),
    ("links.0.bandwidth", "10Gbps", 1.25e9),
    ("volumes.0.size", "1TiB", 2.0**40),
    ("volumes.0.qos.burstTime", "1min", 60.0),
]


@pytest.mark.parametrize(("path", "text", "expected"), UNIT_FIELDS,
                         ids=[f[0] for f in UNIT_FIELDS])
def test_unit_bearing_fields_accept_strings(path, text, expected):
    data = scenario_dict(duration=300.0)
    _set(data, path, text)
    s = Scenario.model_validate(data)
    assert _get(s, path) == pytest.approx(expected, rel=1e-12)


UNIT_SAMPLES = {  # parser → (string with a unit, value in SI units)
    units.duration_s: ("1500ms", 1.5),
    units.size_bytes: ("2KiB", 2048.0),
    units.rate_bytes_per_s: ("8Mbps", 1e6),
    units.distance_km: ("2km", 2.0),
}
# The least each schema class needs besides the field under test.
REQUIRED = {
    ClusterSpec: {"name": "a"},
    LinkSpec: {"between": ("a", "b")},
    VolumeSpec: {"cluster": "a", "name": "v"},
    schema.OutageSpec: {"start": 0, "duration": 1},
    schema.FailureSpec: {"mtbf": 10, "mttr": 1},
    schema.SnapshotScheduleSpec: {"interval": 60},
}


def _unit_parser(annotation):
    if get_origin(annotation) is Annotated:
        for meta in annotation.__metadata__:
            if isinstance(meta, BeforeValidator) and meta.func in UNIT_SAMPLES:
                return meta.func
    return next(filter(None, map(_unit_parser, get_args(annotation))), None)


def _unit_fields() -> list[tuple[type[BaseModel], str, object, bool]]:
    found = []
    for cls in vars(schema).values():
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)
                and cls.__module__ == schema.__name__):
            continue
        for name, info in cls.model_fields.items():
            direct = [m.func for m in info.metadata
                      if isinstance(m, BeforeValidator) and m.func in UNIT_SAMPLES]
            parser = direct[0] if direct else _unit_parser(info.annotation)
            if parser is not None:
                is_list = "list[" in str(info.annotation)
                found.append((cls, name, parser, is_list))
    return found


UNIT_FIELDS_FOUND = _unit_fields()


def test_unit_field_discovery_finds_the_known_fields():
    found = {(cls.__name__, name) for cls, name, _, _ in UNIT_FIELDS_FOUND}
    assert {("RunSpec", "duration"), ("RunSpec", "warmup"), ("ModelSpec", "pause_limit"),
            ("ClusterSpec", "mirror_hop"), ("DistributionSpec", "mean"),
            ("DistributionSpec", "samples"), ("LinkSpec", "distance"), ("LinkSpec", "rtt"),
            ("LinkSpec", "bandwidth"), ("VolumeSpec", "size"), ("QosSpec", "burstTime")} <= found


@pytest.mark.parametrize(("cls", "name", "parser", "is_list"), UNIT_FIELDS_FOUND,
                         ids=[f"{c.__name__}.{n}" for c, n, _, _ in UNIT_FIELDS_FOUND])
def test_every_unit_bearing_field_accepts_a_unit_string(cls, name, parser, is_list):
    required = REQUIRED.get(cls, {})
    missing = [f for f, info in cls.model_fields.items()
               if info.is_required() and f != name and f not in required]
    assert not missing, f"add minimal values for {cls.__name__} {missing} to REQUIRED"
    text, value = UNIT_SAMPLES[parser]
    spec = cls.model_validate({**required, name: [text] if is_list else text})
    assert getattr(spec, name) == pytest.approx([value] if is_list else value, rel=1e-12)


def test_distance_jitter_and_empirical_samples_accept_strings():
    data = scenario_dict()
    data["links"][0] = {"between": ["east", "west"], "distance": "10mi", "bandwidth": "100MB/s",
                        "jitter": {"dist": "exponential", "mean": "50us"}}
    data["clusters"][1]["slice_service"]["commit_time"] = {
        "dist": "empirical", "samples": ["1ms", "200us", 0.5e-3]}
    s = Scenario.model_validate(data)
    assert s.links[0].distance == pytest.approx(16.09344)
    assert s.links[0].rtt is None
    assert s.links[0].bandwidth == 100e6
    assert s.links[0].jitter.mean == pytest.approx(50e-6)
    assert s.clusters[1].slice_service.commit_time.samples == pytest.approx([1e-3, 2e-4, 5e-4])


def test_link_with_only_rtt_keeps_distance_unset():
    link = LinkSpec(between=("a", "b"), rtt="1ms")
    assert link.rtt == 1e-3 and link.distance is None


def test_link_refuses_both_distance_and_rtt():
    with pytest.raises(ValidationError, match="either distance or rtt"):
        LinkSpec(between=("a", "b"), rtt="1ms", distance="10km")


@pytest.mark.parametrize(
    ("model", "kwargs"),
    [
        (RunSpec, {"duration": "-1s"}),
        (RunSpec, {"sample_interval": 0}),
        (RunSpec, {"duration": "10s", "warmup": "10s"}),
        (RunSpec, {"duration": "10s", "warmup": "11s"}),
        (RunSpec, {"duration": "10 parsecs"}),
        (ClusterSpec, {"name": "a", "nodes": 1}),
        (ClusterSpec, {"name": "a", "nodes": 101}),
        (ClusterSpec, {"name": ""}),
        (ClusterSpec, {"name": "a", "node_iops": 0}),
        (ClusterSpec, {"name": "a", "slice_service": {"servers": 0}}),
        (ClusterSpec, {"name": "a", "slice_service": {"commit_time": {"dist": "gamma"}}}),
        (ClusterSpec, {"name": "a", "slice_service": {"commit_time": {"cv": 0}}}),
        (LinkSpec, {"between": ("a", "b"), "efficiency": 1.5}),
        (LinkSpec, {"between": ("a", "b"), "efficiency": 0}),
        (LinkSpec, {"between": ("a", "b"), "bandwidth": 0}),
        (LinkSpec, {"between": ("a", "b"), "distance": "-5km"}),
        (LinkSpec, {"between": ("a", "b", "c")}),
        (VolumeSpec, {"cluster": "a", "name": "v", "size": 0}),
        (VolumeSpec, {"cluster": "a", "name": "v", "size": True}),
        (VolumeSpec, {"cluster": "a", "name": "v", "access": "readwrite"}),
        (VolumeSpec, {"cluster": "a", "name": "v", "account_id": 0}),
        (VolumeSpec, {"cluster": "a", "name": "v", "colour": "red"}),
    ],
)
def test_constraints_are_enforced(model, kwargs):
    with pytest.raises(ValidationError):
        model(**kwargs)


def test_zero_duration_with_zero_warmup_is_allowed():
    assert RunSpec(duration=0, warmup=0).duration == 0.0


def test_workload_keeps_generator_keys_apart_from_volume():
    wl = WorkloadSpec(volume="east/vol", rate="2000iops", io_size={"4KiB": 0.5, "64KiB": 0.5})
    assert wl.volume == "east/vol"
    assert wl.generator_spec() == {"rate": "2000iops", "io_size": {"4KiB": 0.5, "64KiB": 0.5}}
    assert WorkloadSpec(volume="east/vol").generator_spec() == {}


def test_specs_are_frozen():
    s = Scenario.model_validate(scenario_dict())
    with pytest.raises(ValidationError):
        s.run.seed = 2  # type: ignore[misc]
