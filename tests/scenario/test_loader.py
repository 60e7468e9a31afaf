"""replsim.scenario.loader: read, override, validate; refuse bad scenarios whole and clearly."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from replsim.scenario.loader import (
    ScenarioError,
    key_path,
    load_scenario,
    read_scenario_file,
    set_override,
)
from tests.builders import two_sites

QUICKSTART = Path(__file__).resolve().parents[2] / "scenarios" / "quickstart.yaml"


def scenario_dict(**kwargs) -> dict:
    # two_sites shares one QoS dict between volumes (and with a module constant): copy it.
    return copy.deepcopy(two_sites(**kwargs))


def problems_of(source, overrides=None) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(source, overrides)
    return info.value.problems


# ---- the quickstart file ------------------------------------------------------------------

def test_quickstart_loads_with_units_converted():
    s, effective = load_scenario(QUICKSTART)
    assert s.run.name == "quickstart"
    assert (s.run.seed, s.run.duration, s.run.warmup) == (1, 30.0, 2.0)
    assert [c.name for c in s.clusters] == ["east", "west"]
    assert [c.nodes for c in s.clusters] == [4, 4]
    (link,) = s.links
    assert link.between == ("east", "west")
    assert (link.distance, link.rtt, link.bandwidth, link.efficiency) == (50.0, None, 125e6, 0.93)
    assert [(v.cluster, v.name, v.size, v.access) for v in s.volumes] == [
        ("east", "db", 100 * 2**30, "readWrite"),
        ("east", "share", 500 * 2**30, "readWrite"),
        ("west", "db-dr", 100 * 2**30, "replicationTarget"),
        ("west", "share-dr", 500 * 2**30, "replicationTarget"),
    ]
    assert [w.volume for w in s.workloads] == ["east/db", "east/share"]
    assert s.workloads[0].generator_spec() == {"rate": "2000iops", "io_size": "8KiB"}
    assert [(p.source, p.target, p.mode) for p in s.pairs] == [
        ("east/db", "west/db-dr", "Sync"), ("east/share", "west/share-dr", "Async")]
    # the effective dict is the raw input (units as written), for the manifest
    assert effective["run"]["duration"] == "30s"
    assert effective["links"][0]["distance"] == "50km"


def test_dict_source_is_not_mutated_by_overrides():
    data = scenario_dict()
    before = copy.deepcopy(data)
    s, effective = load_scenario(data, {"run.duration": "3s", "clusters.0.nodes": 6})
    assert data == before
    assert s.run.duration == 3.0 and s.clusters[0].nodes == 6
    assert effective["run"]["duration"] == "3s" and effective["clusters"][0]["nodes"] == 6
    assert effective is not data


def test_overrides_apply_to_a_file(tmp_path):
    s, _ = load_scenario(QUICKSTART, {"run.duration": "5s", "links.0.bandwidth": "10Gbps",
                                      "pairs.0.mode": "Async"})
    assert s.run.duration == 5.0
    assert s.links[0].bandwidth == 1.25e9
    assert s.pairs[0].mode == "Async"


# ---- refusing bad scenarios ---------------------------------------------------------------

def test_every_schema_problem_is_reported_at_once_with_its_key_path():
    data = scenario_dict()
    data["clusters"][0]["nodez"] = 3
    data["clusters"][1]["nodes"] = 1
    data["run"]["duration"] = "fast"
    data["volumes"][0]["size"] = "-"
    data["volumes"][1]["access"] = "readwrite"
    data["links"][0]["efficiency"] = 2
    del data["pairs"][0]["source"]
    problems = problems_of(data)
    assert len(problems) == 7, problems
    expected = [
        ("clusters[0].nodez", "did you mean 'nodes'"),
        ("clusters[1].nodes", "greater than or equal to 2"),
        ("run.duration", "'fast'"),
        ("volumes[0].size", "'-'"),
        ("volumes[1].access", "'readwrite'"),
        ("links[0].efficiency", "less than or equal to 1"),
        ("pairs[0].source", "required key missing"),
    ]
    for where, what in expected:
        assert any(p.startswith(f"{where}:") and what in p for p in problems), (where, problems)


def test_unit_problems_list_the_allowed_units():
    data = scenario_dict()
    data["links"][0]["bandwidth"] = "1 Gbit/s"
    (problem,) = problems_of(data)
    assert problem.startswith("links[0].bandwidth:")
    assert "'1 Gbit/s'" in problem and "Gbps" in problem and "MB/s" in problem


@pytest.mark.parametrize(
    ("where", "key", "suggestion"),
    [
        ((), "clustres", "clusters"),
        (("run",), "durration", "duration"),
        (("model",), "sync_combin", "sync_combine"),
        (("clusters", 0), "nodez", "nodes"),
        (("clusters", 0, "slice_service"), "server", "servers"),
        (("clusters", 0, "slice_service", "commit_time"), "maen", "mean"),
        (("links", 0), "bandwith", "bandwidth"),
        (("volumes", 1), "acess", "access"),
        (("volumes", 0, "qos"), "maxIOP", "maxIOPS"),
        (("pairs", 0), "mdoe", "mode"),
    ],
)
def test_unknown_keys_suggest_the_near_miss(where, key, suggestion):
    data = scenario_dict()
    data["volumes"][0]["qos"] = {"maxIOPS": 100000, "burstIOPS": 100000}
    node = data
    for part in where:
        node = node[part]
    node[key] = 1
    (problem,) = problems_of(data)
    assert problem == f"{key_path((*where, key))}: unknown key; did you mean '{suggestion}'?"


def test_unknown_key_without_near_miss_lists_the_known_keys():
    data = scenario_dict()
    data["run"]["colour"] = "blue"
    (problem,) = problems_of(data)
    assert problem.startswith("run.colour: unknown key; known keys: ")
    for known in ("name", "seed", "duration", "warmup", "sample_interval"):
        assert known in problem


def test_missing_clusters_and_empty_clusters():
    assert problems_of({}) == ["clusters: required key missing"]
    (problem,) = problems_of({"clusters": []})
    assert problem.startswith("clusters:")


def test_warmup_not_shorter_than_duration_names_run():
    (problem,) = problems_of(scenario_dict(), {"run.duration": "2s", "run.warmup": "2s"})
    assert problem.startswith("run: warmup must be shorter than duration")


@pytest.mark.parametrize(
    ("loc", "text"),
    [
        (("clusters", 0, "name"), "clusters[0].name"),
        (("run",), "run"),
        (("links", 2, "between", 1), "links[2].between[1]"),
        ((), "(top level)"),
    ],
)
def test_key_path(loc, text):
    assert key_path(loc) == text


# ---- cross references ---------------------------------------------------------------------

def test_cross_reference_problems_are_all_reported():
    data = scenario_dict()
    data["clusters"].append({"name": "east"})
    data["links"].append({"between": ["east", "mars"]})
    data["volumes"].append({"cluster": "venus", "name": "v"})
    data["volumes"].append({"cluster": "east", "name": "vol"})
    data["workloads"][0]["volume"] = "east/nope"
    data["pairs"][0]["target"] = "west/vol-d"
    problems = problems_of(data)
    assert len(problems) == 6, problems
    assert "clusters[2].name: duplicate cluster name 'east'" in problems
    assert any(p.startswith("links[1].between: unknown cluster 'mars'") for p in problems)
    assert "volumes[2].cluster: unknown cluster 'venus'" in problems
    assert "volumes[3].name: duplicate volume 'east/vol'" in problems
    assert ("workloads[0].volume: unknown volume 'east/nope' (write it as cluster/name); "
            "did you mean 'east/vol'?") in problems
    assert any(p.startswith("pairs[0].target: unknown volume 'west/vol-d'")
               and "did you mean 'west/vol-dr'?" in p for p in problems)


def test_unknown_volume_without_a_near_miss_lists_the_defined_volumes():
    data = scenario_dict()
    data["workloads"][0]["volume"] = "vol"
    (problem,) = problems_of(data)
    assert problem.startswith("workloads[0].volume: unknown volume 'vol'")
    assert "defined: ['east/vol', 'west/vol-dr']" in problem


def test_pair_across_clusters_without_a_link():
    data = scenario_dict()
    data["clusters"].append({"name": "north"})
    data["volumes"].append({"cluster": "north", "name": "n", "access": "replicationTarget"})
    data["pairs"][0]["target"] = "north/n"
    assert problems_of(data) == ["pairs[0]: no link between clusters 'east' and 'north'"]


def test_pair_within_one_cluster_is_refused_as_such():
    data = scenario_dict()
    data["volumes"].append({"cluster": "east", "name": "copy"})
    data["pairs"][0]["target"] = "east/copy"
    (problem,) = problems_of(data)
    assert problem.startswith("pairs[0]: source and target are both on cluster 'east'")


@pytest.mark.parametrize(
    ("between", "message"),
    [
        (["east", "east"], "links[1].between: a link joins two different clusters"),
        (["west", "east"], "links[1].between: a second link between the same clusters"),
    ],
)
def test_bad_links(between, message):
    data = scenario_dict()
    data["links"].append({"between": between, "rtt": "1ms"})
    assert message in problems_of(data)


# ---- files --------------------------------------------------------------------------------

def test_missing_file_is_a_scenario_error_naming_the_file(tmp_path):
    path = tmp_path / "nope.yaml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.origin == str(path)
    assert str(path) in str(info.value)
    assert "cannot read the file" in info.value.problems[0]


def test_directory_is_a_scenario_error(tmp_path):
    with pytest.raises(ScenarioError, match="cannot read the file"):
        read_scenario_file(tmp_path)


def test_non_utf8_file_is_a_scenario_error(tmp_path):
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"run:\n  name: \xff\xfe\n")
    with pytest.raises(ScenarioError, match="not UTF-8") as info:
        read_scenario_file(path)
    assert info.value.origin == str(path)


def test_invalid_yaml_names_file_and_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("run:\n  name: x\nclusters:\n  - {name: east\n  - name: west\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert "not valid YAML" in problem
    assert problem.startswith("line ")
    assert str(path) in str(info.value)
    line = int(problem.split()[1].rstrip(","))
    assert 4 <= line <= 5


@pytest.mark.parametrize("text", ["- a\n- b\n", "just a string\n", "", "42\n"])
def test_non_mapping_top_level_is_refused(tmp_path, text):
    path = tmp_path / "list.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.origin == str(path)
    assert "must hold a mapping" in info.value.problems[0]


def test_schema_errors_in_a_file_name_the_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("clusters:\n  - {name: east, nodez: 3}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.origin == str(path)
    assert str(info.value).startswith(f"{path}: 1 problem(s) in the scenario:")
    assert "clusters[0].nodez: unknown key; did you mean 'nodes'?" in str(info.value)


def test_scenario_error_message_lists_every_problem():
    err = ScenarioError("x.yaml", ["a: one", "b: two"])
    assert isinstance(err, ValueError)
    assert str(err) == "x.yaml: 2 problem(s) in the scenario:\n  - a: one\n  - b: two"


# ---- --set overrides ----------------------------------------------------------------------

def test_set_override_dict_keys_list_indices_and_new_keys():
    data = {"run": {"duration": "30s"}, "clusters": [{"name": "a"}, {"name": "b"}]}
    set_override(data, "run.duration", "2s")
    set_override(data, "clusters.1.nodes", 6)
    set_override(data, "model.sync_combine", "serial")
    set_override(data, "clusters.0", {"name": "z"})
    assert data == {"run": {"duration": "2s"},
                    "clusters": [{"name": "z"}, {"name": "b", "nodes": 6}],
                    "model": {"sync_combine": "serial"}}


@pytest.mark.parametrize("dotted", ["clusters.2.nodes", "clusters.x.nodes", "clusters.-1.nodes",
                                    "clusters.2"])
def test_set_override_bad_index(dotted):
    data = {"clusters": [{"name": "a"}, {"name": "b"}]}
    with pytest.raises(ScenarioError) as info:
        set_override(data, dotted, 1)
    assert info.value.origin == "--set"
    (problem,) = info.value.problems
    assert problem.startswith(f"{dotted}: ")
    assert "is not an index of the list" in problem
    assert data == {"clusters": [{"name": "a"}, {"name": "b"}]}


def test_set_override_through_a_scalar():
    data = {"run": {"duration": "30s"}}
    with pytest.raises(ScenarioError, match=r"run\.duration is not a mapping"):
        set_override(data, "run.duration.unit", "s")
