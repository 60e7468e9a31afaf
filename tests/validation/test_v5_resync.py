"""V5: catch-up after an outage takes Q / (B − A′), Q the distinct dirty blocks."""

import numpy as np
import pytest

from replsim import World
from tests.builders import two_sites

RATE_IOPS = 2000.0
BANDWIDTH = 20e6  # bytes/s, efficiency 1
OUTAGE = (5.0, 10.0)


def _outage_run(volume_size, duration=60.0, seed=1):
    scenario = two_sites(mode="Async", workload={"rate": RATE_IOPS},
                         link={"bandwidth": BANDWIDTH,
                               "outages": [{"start": OUTAGE[0], "duration": OUTAGE[1]}]},
                         duration=duration, sample_interval=0.02, seed=seed)
    for volume in scenario["volumes"]:
        volume["size"] = volume_size
    world = World.from_dict(scenario)
    world.run()
    return world, world.results()


def _catch_up(results, pair):
    """Measured: from the data phase start to the first sample with RPO back near zero."""
    resync = pair.resyncs[0]
    states = results.states[results.states["kind"] == "volume_pair"]
    t_data = states.loc[states["to_state"] == "ResumingDataTransfer", "t_s"].iloc[0]
    rpo = results.rpo
    after = rpo[(rpo["t_s"] > resync["t_end_s"]) & (rpo["rpo_s"] < 0.05)]
    return t_data, after["t_s"].iloc[0] - t_data, resync


@pytest.mark.parametrize("volume_size", ["100GiB", "8MiB"])
def test_v5_catch_up_time_matches_q_over_b_minus_a(volume_size):
    world, results = _outage_run(volume_size)
    pair = world.model.pairs[0]
    t_data, measured_s, resync = _catch_up(results, pair)
    q_bytes = resync["blocks"] * 4096
    offered = RATE_IOPS * 4096
    theory_s = q_bytes / (BANDWIDTH - offered)
    assert measured_s == pytest.approx(theory_s, rel=0.05, abs=0.1)
    # Q really is the distinct blocks written since the pause (overwrites coalesce)
    writes = results.writes
    paused_at = results.states.loc[results.states["to_state"] == "PausedDisconnected",
                                   "t_s"].iloc[0]
    covered = writes[writes["t_durable_remote_s"] == resync["t_end_s"]]
    assert resync["blocks"] == covered["first_block"].nunique()
    during = writes[(writes["t_ack_s"] >= OUTAGE[0]) & (writes["t_ack_s"] < t_data)]
    assert during.index.isin(covered.index).all()
    assert paused_at == pytest.approx(OUTAGE[0] + 5.0)  # after sync_timeout


def test_v5_hot_set_catches_up_far_faster_than_bytes_written():
    _, small = _outage_run("8MiB")
    world, _ = _outage_run("100GiB")
    hot = small.summary.iloc[0]
    cold = world.results().summary.iloc[0]
    assert hot["resync_bytes"] <= 8 * 2**20
    written_during = RATE_IOPS * 4096 * (OUTAGE[1] + 2)
    assert hot["resync_bytes"] < 0.15 * written_during
    assert hot["resync_duration_max_s"] < cold["resync_duration_max_s"]


def test_nothing_acknowledged_is_lost_after_resync():
    world, results = _outage_run("1GiB", duration=40.0)
    writes = results.writes
    settled = writes[writes["t_ack_s"] < 30.0]
    assert settled["t_durable_remote_s"].notna().all()
    assert (settled["t_durable_remote_s"] >= settled["t_ack_s"]).all()
    assert world.model.pairs[0].state == "Active"
    sequence = results.states[results.states["kind"] == "volume_pair"]["to_state"].tolist()
    assert sequence == ["Active", "PausedDisconnected", "ResumingConnected", "ResumingRRSync",
                        "ResumingLocalSync", "ResumingDataTransfer", "Active"]
    # RPO and data at risk grow through the outage and return to ~0 after
    rpo = results.rpo
    at = rpo.iloc[(rpo["t_s"] - 14.0).abs().argmin()]
    assert at["rpo_s"] > 8.0 and at["data_at_risk_bytes"] > 0
    assert rpo.iloc[-1]["rpo_s"] < 0.05
    assert np.isclose(results.summary.iloc[0]["time_PausedDisconnected_s"], 5.0)
