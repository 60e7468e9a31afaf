"""Pair lifecycle: the state sequences of each way a pair pauses, and what data does."""

import numpy as np
import pytest

from replsim import World
from replsim.model.snapshots import SnapshotError
from tests.builders import two_sites


def _world(**kwargs):
    kwargs.setdefault("workload", {"rate": 1000})
    return World.from_dict(two_sites(**kwargs))


def _pair_states(results):
    states = results.states
    return states[states["kind"] == "volume_pair"]["to_state"].tolist()


RESUME = ["ResumingConnected", "ResumingRRSync", "ResumingLocalSync", "ResumingDataTransfer",
          "Active"]


def test_manual_pause_and_resume():
    world = _world(duration=20)
    model = world.model
    pair = model.pairs[0]
    world.run(2.0)
    model.set_paused(pair, "east", True)
    assert pair.side_state("east") == "PausedManual"
    assert pair.side_state("west") == "PausedManualRemote"
    world.run(6.0)
    shipped_while_paused = pair.bytes_shipped
    world.run(8.0)
    assert pair.bytes_shipped == shipped_while_paused  # no data flows while paused
    model.set_paused(pair, "east", False)
    world.run(20.0)
    results = world.results()
    assert _pair_states(results) == ["Active", "PausedManual", *RESUME]
    row = results.summary.iloc[0]
    assert row["pause_count"] == 1 and row["time_PausedManual_s"] == pytest.approx(6.0)
    acked = results.writes[results.writes["t_ack_s"] < 15]
    assert acked["t_durable_remote_s"].notna().all()


def test_pause_limit_pauses_slow_link_and_retries():
    world = _world(workload={"arrival": "constant", "rate": 2000, "io_size": 65536},
                   link={"bandwidth": 100e6},
                   model={"pause_limit": "200MB", "slow_link_retry": "10s"}, duration=40)
    world.run()
    results = world.results()
    states = _pair_states(results)
    assert states[:2] == ["Active", "PausedSlowLink"]
    assert states[2:7] == [*RESUME[:4], states[6]]
    first = results.states[results.states["to_state"] == "PausedSlowLink"].iloc[0]
    # the backlog grows at A − B = 31 MB/s and reaches 200 MB after ~6.4 s
    assert first["t_s"] == pytest.approx(200e6 / (131.072e6 - 100e6), rel=0.02)
    assert results.rpo["backlog_bytes"].max() <= 200e6 + 65536
    assert (results.rpo["dirty_blocks"] > 0).any()


def test_misconfigured_until_target_access_then_initial_sync():
    scenario = two_sites(workload={"rate": 200}, duration=30)
    scenario["volumes"][1]["access"] = "readWrite"
    scenario["volumes"][0]["used"] = "64MiB"
    scenario["pairs"][0]["in_sync"] = False
    world = World.from_dict(scenario)
    model = world.model
    pair = model.pairs[0]
    assert pair.state == "PausedMisconfigured"
    world.run(3.0)
    model.set_access(model.volume("west", "vol-dr"), "replicationTarget")
    world.run(30.0)
    results = world.results()
    assert _pair_states(results) == ["PausedMisconfigured", *RESUME]
    assert pair.resyncs[0]["blocks"] >= 64 * 256  # the used blocks shipped (initial sync)


def test_target_smaller_than_source_is_size_mismatch():
    scenario = two_sites(duration=5)
    scenario["volumes"][1]["size"] = "50GiB"
    scenario["pairs"][0]["in_sync"] = False
    world = World.from_dict(scenario)
    assert world.model.pairs[0].state == "PausedVolumeSizeMismatch"
    world.model.resize_volume(world.model.volume("west", "vol-dr"), 100 * 2**30)
    assert world.model.pairs[0].state == "ResumingConnected"


def test_sync_outage_stalls_then_acks_locally_and_rpo_follows():
    world = _world(mode="Sync", link={"outages": [{"start": 5, "duration": 10}]},
                   model={"sync_timeout": "3s"}, duration=30)
    world.run()
    results = world.results()
    writes = results.writes
    assert _pair_states(results) == ["Active", "PausedDisconnected", *RESUME]
    stalled = writes[(writes["t_issue_s"] >= 5.0) & (writes["t_issue_s"] < 8.0)]
    # writes issued in the outage wait for the RPC timeout, then complete locally
    assert stalled["ack_latency_s"].max() == pytest.approx(3.0, abs=0.01)
    assert (stalled["t_ack_s"] >= 8.0 - 1e-9).all()
    rpo = results.rpo
    active = rpo[rpo["state"] == "Active"]
    paused = rpo[rpo["state"] == "PausedDisconnected"]
    assert (active[active["t_s"] < 5]["rpo_s"] == 0).all()
    # from the pause (at 8 s, when the stalled writes were acked locally) RPO grows
    assert paused["t_s"].min() == pytest.approx(8.0)
    np.testing.assert_allclose(paused["rpo_s"], paused["t_s"] - 8.0, atol=1e-9)
    resync_end = world.model.pairs[0].resyncs[0]["t_end_s"]
    assert results.summary.iloc[0]["rpo_max_s"] == pytest.approx(resync_end - 8.0)


def test_strict_sync_fails_writes_instead():
    world = _world(mode="Sync", link={"outages": [{"start": 5, "duration": 10}]},
                   model={"sync_timeout": "3s", "sync_strict": True}, duration=30)
    world.run()
    results = world.results()
    writes = results.writes
    failed = writes[writes["t_failed_s"].notna()]
    assert len(failed) > 0.9 * 1000 * 10  # everything issued while out of sync
    assert failed["t_ack_s"].isna().all()
    assert results.summary.iloc[0]["failed_writes"] == len(failed)
    assert results.summary.iloc[0]["rpo_max_s"] == 0.0  # nothing acked is ever missing


def test_random_link_failures_are_reproducible():
    link = {"failures": {"mtbf": "20s", "mttr": "4s"}}
    runs = []
    for _ in range(2):
        world = _world(link=link, duration=200)
        world.run()
        runs.append(world.results().states)
    downs = runs[0][runs[0]["to_state"] == "Down"]
    assert len(downs) > 3
    assert runs[0].equals(runs[1])


def test_snapshots_only_to_async_resyncs_the_changed_blocks():
    world = _world(mode="SnapshotsOnly", workload={"rate": 500}, duration=20)
    model = world.model
    pair = model.pairs[0]
    assert pair.state == "Idle"
    world.run(5.0)
    changed = len(model.volume("east", "vol").dirty)
    model.set_mode(pair, "async")
    world.run(20.0)
    assert pair.resyncs[0]["blocks"] >= changed
    assert pair.state == "Active"
    writes = world.results().writes
    assert writes[writes["t_ack_s"] < 15]["t_durable_remote_s"].notna().all()


def test_snapshot_limit_and_statuses():
    world = _world(mode="Async", duration=5)
    model = world.model
    volume = model.volume("east", "vol")
    snap = model.create_snapshot(volume, "s1", enable_remote=True)
    assert snap.remote_status in ("Not Present", "Syncing")
    world.run(2.0)
    assert snap.remote_status == "Present" and snap.t_present_s > snap.create_s
    for i in range(31):
        model.create_snapshot(volume, f"x{i}")
    with pytest.raises(SnapshotError) as err:
        model.create_snapshot(volume, "one too many")
    assert err.value.name == "xMaxSnapshotsPerVolumeExceeded"
    local = model.create_snapshot(model.volume("west", "vol-dr"), "on target")
    assert local.remote_status is None


def test_cluster_pair_status_follows_the_link():
    world = _world(link={"outages": [{"start": 2, "duration": 3}]}, duration=10)
    world.run()
    states = world.results().states
    cp = states[(states["kind"] == "cluster_pair") & (states["side"] == "east")]
    assert cp["to_state"].tolist() == ["Unconfigured", "Connected", "Disconnected", "Connected"]
    np.testing.assert_allclose(cp["t_s"].to_numpy(), [0.0, 0.0, 2.0, 5.0])
