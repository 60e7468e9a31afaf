"""replsim.scenario.builder: a validated Scenario → the ModelWorld it describes."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from replsim.model.distributions import Deterministic, Empirical, Exponential, LogNormal
from replsim.model.host import OpenLoopHost
from replsim.model.qos import DEFAULT_CURVE
from replsim.scenario.builder import build_world
from replsim.scenario.loader import ScenarioError, load_scenario
from tests.builders import two_sites

QUICKSTART = Path(__file__).resolve().parents[2] / "scenarios" / "quickstart.yaml"


def scenario_dict(**kwargs) -> dict:
    # two_sites shares one QoS dict between volumes (and with a module constant): copy it.
    return copy.deepcopy(two_sites(**kwargs))


def build(data, seed=None, origin="<dict>"):
    scenario, _ = load_scenario(data)
    return build_world(scenario, seed, origin)


def build_problems(data) -> list[str]:
    scenario, _ = load_scenario(data)
    with pytest.raises(ScenarioError) as info:
        build_world(scenario, origin="test.yaml")
    assert info.value.origin == "test.yaml"
    return info.value.problems


def test_quickstart_builds_what_the_file_says():
    world = build(QUICKSTART)
    assert world.seed == 1
    assert sorted(world.clusters) == ["east", "west"]
    assert [len(c.nodes) for c in world.clusters.values()] == [4, 4]
    (link,) = world.links.values()
    assert link.rtt_s == pytest.approx(0.5e-3, rel=1e-12)  # 50 km at 5 µs/km each way
    for direction in link.directions.values():
        assert direction.one_way_delay_s == pytest.approx(0.25e-3, rel=1e-12)
        assert direction.bandwidth_bytes_per_s == 125e6
        assert direction.efficiency == 0.93
        assert direction.jitter is None
    vols = {v.scope: v for v in world.volumes}
    assert list(vols) == ["east.db", "east.share", "west.db-dr", "west.share-dr"]
    assert vols["east.db"].size_bytes == 100 * 2**30
    assert vols["east.share"].size_bytes == 500 * 2**30
    assert [v.access for v in vols.values()] == ["readWrite", "readWrite", "replicationTarget",
                                                 "replicationTarget"]
    assert [(p.source.scope, p.target.scope, p.mode) for p in world.pairs] == [
        ("east.db", "west.db-dr", "Sync"), ("east.share", "west.share-dr", "Async")]
    assert vols["east.db"].source_pair is world.pairs[0]
    assert sorted(world.hosts) == [vols["east.db"].index, vols["east.share"].index]
    assert all(isinstance(h, OpenLoopHost) for h in world.hosts.values())


def test_cluster_settings():
    data = scenario_dict(servers=None)
    data["clusters"][0].update(nodes=3, mvip="192.168.0.1", svip="10.0.0.1", version="12.5",
                               mirror_hop="80us", node_iops=20_000)
    data["clusters"][1].update(nodes=7)
    data["clusters"][1]["slice_service"]["commit_time"] = {"dist": "exponential", "mean": "1ms"}
    world = build(data)
    east, west = world.clusters["east"], world.clusters["west"]
    assert len(east.nodes) == 3 and len(west.nodes) == 7
    assert (east.identity.mvip, east.identity.svip, east.identity.version) == (
        "192.168.0.1", "10.0.0.1", "12.5")
    assert (west.identity.mvip, west.identity.svip) == ("10.2.0.10", "10.2.1.10")
    assert east.mirror_hop_s == pytest.approx(80e-6)
    assert all(n.iops_capacity == 20_000 for n in east.nodes)
    assert all(n.iops_capacity == 50_000 for n in west.nodes)
    # servers default: node IOPS × mean commit time
    assert {n.slice_service.servers for n in east.nodes} == {round(20_000 * 0.2e-3)}
    assert {n.slice_service.servers for n in west.nodes} == {round(50_000 * 1e-3)}
    assert isinstance(east.nodes[0].slice_service.service.dist, Deterministic)
    assert isinstance(west.nodes[0].slice_service.service.dist, Exponential)
    assert west.nodes[0].slice_service.service.dist.mean_s == pytest.approx(1e-3)


def test_explicit_servers_and_other_distributions():
    data = scenario_dict(servers=5)
    data["clusters"][0]["slice_service"]["commit_time"] = {"dist": "lognormal", "mean": "0.5ms",
                                                           "cv": 0.4}
    data["clusters"][1]["slice_service"]["commit_time"] = {"dist": "empirical",
                                                           "samples": ["1ms", "3ms"]}
    world = build(data)
    east, west = world.clusters["east"], world.clusters["west"]
    assert {n.slice_service.servers for n in [*east.nodes, *west.nodes]} == {5}
    dist = east.nodes[0].slice_service.service.dist
    assert isinstance(dist, LogNormal) and (dist.mean_s, dist.cv) == (pytest.approx(5e-4), 0.4)
    dist = west.nodes[0].slice_service.service.dist
    assert isinstance(dist, Empirical) and dist.mean_s == pytest.approx(2e-3)


@pytest.mark.parametrize(
    ("link", "rtt"),
    [
        ({"rtt": "3ms"}, 3e-3),
        ({"rtt": None, "distance": "50km"}, 0.5e-3),
        ({"rtt": None, "distance": "100km"}, 1e-3),
        ({"rtt": None, "distance": 0}, 0.0),
        ({"rtt": None}, 0.0),
    ],
)
def test_link_rtt_from_rtt_or_distance(link, rtt):
    data = scenario_dict()
    data["links"][0].update(link)
    data["links"][0] = {k: v for k, v in data["links"][0].items() if v is not None}
    world = build(data)
    assert world.link_between("west", "east").rtt_s == pytest.approx(rtt, abs=1e-15)


def test_link_bandwidth_efficiency_and_jitter():
    data = scenario_dict(link={"bandwidth": "100Mbps", "efficiency": 0.8,
                               "jitter": {"dist": "exponential", "mean": "20us"}})
    world = build(data)
    link = world.link_between("east", "west")
    assert [d.scope for d in world.link_directions] == ["link.east->west", "link.west->east"]
    for direction in link.directions.values():
        assert direction.bandwidth_bytes_per_s == 12.5e6
        assert direction.efficiency == 0.8
        assert isinstance(direction.jitter.dist, Exponential)


def test_volume_qos_access_and_account():
    qos = {"minIOPS": 100, "maxIOPS": 1000, "burstIOPS": 2000, "burstTime": "30s"}
    data = scenario_dict(qos=qos)
    data["volumes"][0].update(account_id=7, size="10GiB")
    data["volumes"][1]["qos"] = {"curve": {4096: 100, 8192: 160}}
    world = build(data)
    src, dst = world.volume("east", "vol"), world.volume("west", "vol-dr")
    s = src.qos_settings
    assert (s.min_iops, s.max_iops, s.burst_iops, s.burst_time_s) == (100, 1000, 2000, 30)
    assert dict(s.curve) == {k: float(v) for k, v in DEFAULT_CURVE.items()}
    assert (src.account_id, src.size_bytes, src.access) == (7, 10 * 2**30, "readWrite")
    assert dst.access == "replicationTarget"
    assert dict(dst.qos_settings.curve) == {4096: 100.0, 8192: 160.0}
    assert (dst.qos_settings.min_iops, dst.qos_settings.max_iops) == (50, 15000)


@pytest.mark.parametrize(("written", "canonical"),
                         [("sync", "Sync"), ("ASYNC", "Async"), ("Async", "Async"),
                          ("snapshotsonly", "SnapshotsOnly")])
def test_pair_mode_is_canonicalised(written, canonical):
    world = build(scenario_dict(mode=written))
    (pair,) = world.pairs
    assert pair.mode == canonical


def test_model_params_come_from_the_scenario():
    data = scenario_dict(model={"sync_combine": "serial", "ack_size": "512B", "sync_timeout": "2s",
                                "pause_limit": "1GiB", "qos_window": "20ms"},
                         sample_interval=0.25)
    params = build(data).params
    assert params.sync_combine == "serial"
    assert params.ack_bytes == 512
    assert params.sync_timeout_s == 2.0
    assert params.pause_limit_bytes == 2**30
    assert params.qos_window_s == pytest.approx(0.02)
    assert params.sample_interval_s == 0.25


def test_seed_defaults_to_run_seed_and_can_be_overridden():
    assert build(scenario_dict(seed=11)).seed == 11
    assert build(scenario_dict(seed=11), seed=4).seed == 4


def test_no_pairs_no_workloads():
    data = scenario_dict(mode=None)
    data["workloads"] = []
    world = build(data)
    assert world.pairs == [] and world.hosts == {}


# ---- model-level errors come back as ScenarioError with the scenario's key path -----------

def test_workload_on_a_replication_target_names_the_workload():
    data = scenario_dict()
    data["workloads"][0]["volume"] = "west/vol-dr"
    (problem,) = build_problems(data)
    assert problem.startswith("workloads[0]: ")
    assert "readWrite" in problem


def test_bad_workload_key_names_the_workload():
    data = scenario_dict(workload={"rate": 100, "ratez": 5})
    (problem,) = build_problems(data)
    assert problem.startswith("workloads[0]: ")
    assert "'ratez'" in problem


def test_workload_and_pair_problems_are_reported_together():
    data = scenario_dict(mode="turbo")
    data["workloads"].append({"volume": "east/vol", "rate": "10iops"})
    data["workloads"].append({"volume": "west/vol-dr", "rate": 10, "io_size": "1 byte"})
    problems = build_problems(data)
    assert len(problems) == 3, problems
    assert problems[0].startswith("workloads[1]: ") and "already has a workload" in problems[0]
    assert problems[1].startswith("workloads[2]: ") and "io_size" in problems[1]
    assert problems[2].startswith("pairs[0]: ") and "'turbo'" in problems[2]


def test_volume_paired_twice_names_the_pair():
    data = scenario_dict()
    data["volumes"].append({"cluster": "west", "name": "other", "access": "replicationTarget"})
    data["pairs"].append({"source": "east/vol", "target": "west/other"})
    (problem,) = build_problems(data)
    assert problem.startswith("pairs[1]: ") and "already paired" in problem


def test_cluster_and_volume_problems_name_their_entries():
    data = scenario_dict()
    data["clusters"][0]["slice_service"]["commit_time"] = {"dist": "lognormal", "mean": "1ms"}
    data["volumes"][0]["qos"] = {"minIOPS": 1000, "maxIOPS": 500, "burstIOPS": 500}
    problems = build_problems(data)
    assert any(p.startswith("clusters[0]: ") and "cv" in p for p in problems), problems
    assert any(p.startswith("volumes[0]: ") and "maxIOPS" in p for p in problems), problems
    assert all(not p.startswith(("workloads", "pairs")) for p in problems)


def test_scenario_error_is_raised_not_a_bare_value_error():
    data = scenario_dict()
    data["workloads"][0]["volume"] = "west/vol-dr"
    scenario, _ = load_scenario(data)
    with pytest.raises(ValueError) as info:
        build_world(scenario)
    assert type(info.value) is ScenarioError
    assert info.value.origin == "<dict>"
