"""The scenario timeline: API calls with references, faults, shortcuts, located failures."""

import pytest

from replsim import ScenarioError, World
from replsim.cli import main
from replsim.scenario.executor import TimelineError
from replsim.scenario.timeline import references, resolve
from tests.builders import two_sites


def _scenario(timeline, **kwargs):
    scenario = two_sites(mode=None, workload={"rate": 200}, **kwargs)
    scenario["volumes"][1]["access"] = "readWrite"
    scenario["timeline"] = timeline
    return scenario


def test_references_resolve_whole_values_keep_their_type():
    saved = {"k": {"clusterPairingKey": "abc", "clusterPairID": 3, "vols": [{"id": 7}]}}
    assert resolve("${k.clusterPairID}", saved) == 3
    assert resolve({"a": ["x-${k.clusterPairingKey}"]}, saved) == {"a": ["x-abc"]}
    assert resolve("${k.vols.0.id}", saved) == 7
    assert references({"a": ["${k.x}", "${m}"]}) == ["k", "m"]
    with pytest.raises(KeyError, match="no member"):
        resolve("${k.nope}", saved)


def test_api_calls_with_references_pair_clusters_and_volumes():
    world = World.from_dict(_scenario([
        {"at": 1, "id": "ck", "cluster": "east", "method": "StartClusterPairing"},
        {"at": 1, "cluster": "west", "method": "CompleteClusterPairing",
         "params": {"clusterPairingKey": "${ck.clusterPairingKey}"}},
        {"at": 2, "pair_volumes": {"source": "east/vol", "target": "west/vol-dr",
                                   "mode": "sync"}},
        {"at": 6, "link_down": ["east", "west"]},
        {"at": 7, "set_bandwidth": {"between": ["east", "west"], "bandwidth": "100Mbps"}},
        {"at": 7, "set_rtt": {"between": ["east", "west"], "rtt": "4ms"}},
        {"at": 8, "link_up": ["east", "west"]},
        {"at": 9, "set_rate": {"volume": "east/vol", "rate": "50iops"}},
    ], duration=15))
    world.run()
    model = world.model
    pair = model.pairs[0]
    assert pair.mode == "Sync" and pair.state == "Active"
    assert model.volume("west", "vol-dr").access == "replicationTarget"
    link = model.link_between("east", "west")
    assert link.rtt_s == pytest.approx(4e-3)
    assert link.direction("east", "west").bandwidth_bytes_per_s == pytest.approx(12.5e6)
    calls = world.results().api_calls
    assert calls["method"].tolist()[:5] == ["StartClusterPairing", "CompleteClusterPairing",
                                           "ModifyVolume", "StartVolumePairing",
                                           "CompleteVolumePairing"]
    assert (calls["outcome"] == "ok").all()
    writes = world.results().writes
    late_iops = (writes["t_issue_s"] >= 9.5).sum() / 5.5
    early_iops = ((writes["t_issue_s"] >= 3) & (writes["t_issue_s"] < 6)).sum() / 3.0
    assert late_iops == pytest.approx(50, rel=0.2) and early_iops == pytest.approx(200, rel=0.1)


def test_failing_call_stops_the_run_with_step_time_and_error():
    world = World.from_dict(_scenario([
        {"at": 2, "cluster": "east", "method": "RemoveClusterPair",
         "params": {"clusterPairID": 9}}], duration=5))
    with pytest.raises(TimelineError) as err:
        world.run()
    message = str(err.value)
    assert "timeline[0]" in message and "at 2 s" in message
    assert "xPairingDoesNotExist" in message
    assert world.now == pytest.approx(2.0)


def test_expected_error_passes_and_unexpected_success_fails():
    ok = World.from_dict(_scenario([
        {"at": 1, "cluster": "east", "method": "ModifyVolumePair", "params": {"volumeID": 1},
         "expect_error": "xVolumeNotPaired"}], duration=3))
    ok.run()
    wrong = World.from_dict(_scenario([
        {"at": 1, "cluster": "east", "method": "ListClusterPairs",
         "expect_error": "xVolumeNotPaired"}], duration=3))
    with pytest.raises(TimelineError, match="succeeded, but the step expects"):
        wrong.run()


BAD_STEPS = [
    {"at": 1, "cluster": "mars", "method": "StartClusterPairng"},
    {"at": 2, "cluster": "east", "method": "CompleteClusterPairing",
     "params": {"clusterPairingKey": "${nokey.clusterPairingKey}"}},
    {"at": 3, "link_down": ["east", "north"]},
    {"at": 4, "set_rate": {"volume": "east/vool", "rate": 5}},
]


def test_bad_steps_are_refused_before_the_run_all_at_once():
    with pytest.raises(ScenarioError) as err:
        World.from_dict(_scenario([*BAD_STEPS, {"at": 5}]))
    text = "\n".join(err.value.problems)
    assert "timeline[4]: a step needs exactly one of" in text
    # schema problems stop the typed timeline checks; fix it and see the others together
    with pytest.raises(ScenarioError) as err:
        World.from_dict(_scenario(BAD_STEPS))
    text = "\n".join(err.value.problems)
    assert "timeline[0].cluster: unknown cluster 'mars'" in text
    assert "did you mean 'StartClusterPairing'" in text
    assert "timeline[1].params: refers to '${nokey" in text
    assert "timeline[2].link_down: unknown cluster 'north'" in text
    assert "timeline[3].set_rate.volume: unknown volume 'east/vool'" in text


def test_five_mistakes_give_five_located_errors(tmp_path, capsys):
    path = tmp_path / "five.yaml"
    path.write_text("""run: {duration: 10s, seeed: 3}
clusters:
  - {name: east, nodes: 1}
  - {name: west}
links:
  - {between: [east, wset], bandwidth: 1Gbits}
volumes:
  - {cluster: east, name: db}
workloads:
  - {volume: east/dbb, rate: 100}
""")
    assert main(["run", str(path), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "5 problem(s)" in err and "Traceback" not in err
    for located in ("run.seeed: unknown key; did you mean 'seed'",
                    "clusters[0].nodes", "links[0].bandwidth: cannot read '1Gbits'",
                    "links[0].between: unknown cluster 'wset'",
                    "workloads[0].volume: unknown volume 'east/dbb'"):
        assert located in err
    assert not (tmp_path / "out").exists()


def test_failed_timeline_in_cli_writes_no_results(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("""run: {duration: 5s}
clusters: [{name: a}, {name: b}]
timeline:
  - {at: 1s, cluster: a, method: RemoveClusterPair, params: {clusterPairID: 4}}
""")
    assert main(["run", str(path), "-o", str(tmp_path / "out"), "-q"]) == 2
    assert "xPairingDoesNotExist" in capsys.readouterr().err
    assert not list(tmp_path.glob("out*")) and not list(tmp_path.glob(".out*"))
