"""V6: SnapshotsOnly RPO — max ≈ I + X, time average ≈ I/2 + X (X measured transfer time)."""

import numpy as np
import pytest

from replsim import World
from tests.builders import two_sites


def _snapshot_run(interval_s, bandwidth, duration, ensure_serial=False, rate=200, warmup=0.0):
    scenario = two_sites(mode="SnapshotsOnly", workload={"rate": rate},
                         link={"bandwidth": bandwidth}, duration=duration)
    scenario["run"]["warmup"] = warmup
    scenario["volumes"][0]["snapshot_schedules"] = [{
        "name": "hourly", "interval": interval_s, "ensure_serial_creation": ensure_serial}]
    world = World.from_dict(scenario)
    world.run()
    return world, world.results()


def test_v6_rpo_is_interval_plus_transfer():
    interval = 60.0
    world, results = _snapshot_run(interval, 0.5e6, duration=1200.0, rate=50, warmup=interval)
    snaps = results.snapshots
    assert (snaps["remote_status"].iloc[:-1] == "Present").all()
    x = snaps["completion_lag_s"].dropna()
    assert x.min() > 10.0  # a real transfer: ~12 MB over 0.5 MB/s
    row = results.summary.iloc[0]
    assert row["rpo_max_s"] == pytest.approx(interval + x.max(), rel=0.01)
    assert row["rpo_mean_s"] == pytest.approx(interval / 2 + x.mean(), rel=0.03)
    # nothing is shipped between snapshots: the link carries only snapshot deltas
    shipped = snaps["bytes_shipped"].sum()
    link = world.model.link_between("east", "west").direction("east", "west")
    assert link.bytes_sent == pytest.approx(shipped, rel=1e-9)
    # the delta is the distinct blocks written, not the bytes written
    assert (snaps["delta_blocks"] > 0).all()
    assert results.writes["t_sent_s"].isna().all()
    states = results.states[results.states["kind"] == "volume_pair"]["to_state"]
    assert set(states) == {"Idle", "Active"}


def test_v6_link_too_slow_rpo_grows():
    interval = 30.0
    _world, results = _snapshot_run(interval, 0.2e6, duration=900.0, rate=100)
    rpo = results.rpo
    early = rpo[rpo["t_s"] < 300]["rpo_s"].max()
    late = rpo[rpo["t_s"] > 600]["rpo_s"].max()
    assert late > early + 2 * interval
    lags = results.snapshots["completion_lag_s"].dropna().to_numpy()
    assert np.all(np.diff(lags) > 0)  # each snapshot waits longer in the queue


def test_v6_link_too_slow_with_serial_creation_skips_snapshots():
    interval = 30.0
    _world, results = _snapshot_run(interval, 0.2e6, duration=900.0, rate=100,
                                   ensure_serial=True)
    row = results.summary.iloc[0]
    assert row["snapshots_skipped"] > 5
    skipped = results.states[results.states["to_state"] == "skipped"]
    assert (skipped["cause"] == "xSnapshotReplicationInProgress").all()
    # RPO jumps in multiples of the interval: recovery points are snapshot creation times
    created = results.snapshots["create_s"].to_numpy()
    assert np.allclose(created / interval, np.round(created / interval))
    assert row["rpo_max_s"] > 2 * interval
