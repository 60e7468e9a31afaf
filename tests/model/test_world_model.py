"""ModelWorld: topology rules, live mode switches, rate changes, SnapshotsOnly data path."""

import numpy as np
import pytest

from replsim.model.distributions import Deterministic
from replsim.model.qos import QosSettings
from replsim.model.world import ModelParams, ModelWorld
from replsim.workload.arrivals import ConstantArrivals
from replsim.workload.offsets import UniformBlocks
from replsim.workload.sizes import FixedSize
from replsim.workload.source import WriteSource
from replsim.workload.spec import Workload

UNCAPPED = QosSettings(min_iops=15000, max_iops=200000, burst_iops=200000, burst_time_s=1)


def _world(mode="Async", rate=1000.0, sync_combine="parallel"):
    world = ModelWorld(seed=1, params=ModelParams(sync_combine=sync_combine))
    for name in ("east", "west"):
        world.add_cluster(name, 4, Deterministic(0.2e-3), 50e-6, 50_000, servers=8)
    world.add_link("east", "west", 125e6, distance_km=100)
    src = world.create_volume("east", "vol", 2**30, UNCAPPED)
    dst = world.create_volume("west", "vol-dr", 2**30, UNCAPPED, access="replicationTarget")
    world.pair_clusters("east", "west")
    pair = world.pair_volumes(src, dst, mode, in_sync=True) if mode else None
    source = WriteSource(ConstantArrivals(rate), FixedSize(4096),
                         UniformBlocks(src.blocks, np.random.default_rng(0)))
    world.add_workload(src, Workload(source))
    return world, src, dst, pair


def _writes(world):
    return world.path.writes.view()


def test_link_rtt_from_distance_and_identity():
    world, src, _dst, pair = _world()
    link = world.link_between("east", "west")
    assert link.rtt_s == pytest.approx(2 * 100 * 5e-6)
    east = world.clusters["east"].identity
    assert len(east.unique_id) == 4 and east.uuid.count("-") == 4
    assert src.path.primary is not src.path.secondary
    assert pair.mode == "Async" and pair.scope == "east.vol->west.vol-dr"


@pytest.mark.parametrize(("call", "message"), [
    (lambda w, s, d: w.pair_volumes(s, d), "already paired"),
    (lambda w, s, d: w.pair_volumes(s, w.create_volume("east", "x", 2**30)), "two different"),
    (lambda w, s, d: w.add_link("east", "west", 1e6, rtt_s=1e-3), "already exists"),
    (lambda w, s, d: w.add_link("east", "mars", 1e6, rtt_s=1e-3), "unknown cluster"),
    (lambda w, s, d: w.add_cluster("east", 4, Deterministic(1e-4), 0, 1), "already exists"),
    (lambda w, s, d: w.set_mode(d.pairs[0], "fast"), "mode must be one of"),
    (lambda w, s, d: w.add_workload(d, None), "readWrite"),
    (lambda w, s, d: w.run(-1), "must be finite"),
])
def test_topology_errors_name_the_problem(call, message):
    world, src, dst, _ = _world()
    with pytest.raises(ValueError, match=message):
        call(world, src, dst)


def test_mode_switch_applies_to_next_write_immediately():
    world, _src, _dst, pair = _world(mode="Async", rate=1000.0)
    world.run(1.0)
    world.set_mode(pair, "sync")
    assert pair.mode == "Sync"
    world.run(2.0)
    w = _writes(world)
    before = w["t_release_s"] < 1.0
    after = w["t_release_s"] >= 1.0
    assert set(w["mode"][before]) == {1} and set(w["mode"][after & ~np.isnan(w["t_ack_s"])]) == {2}
    sync_acked = after & ~np.isnan(w["t_ack_s"])
    # Sync writes are durable remotely before they are acknowledged; Async ones after
    assert (w["t_durable_remote_s"][sync_acked] <= w["t_ack_s"][sync_acked]).all()
    assert (w["t_durable_remote_s"][before] > w["t_ack_s"][before]).all()


def test_rate_change_takes_effect_now():
    world, src, *_ = _world(mode=None, rate=100.0)
    world.run(1.0)
    world.set_rate(src, 1000.0)
    world.run(2.0)
    world.set_rate(src, 0.0)
    world.run(3.0)
    issued = _writes(world)["t_issue_s"]
    assert np.sum(issued < 1.0) == pytest.approx(100, abs=1)
    assert np.sum((issued >= 1.0) & (issued < 2.0)) == pytest.approx(1000, abs=2)
    assert np.sum(issued >= 2.0) <= 1


def test_snapshots_only_ships_nothing_and_tracks_dirty_blocks():
    world, src, _dst, _pair = _world(mode="SnapshotsOnly", rate=500.0)
    world.run(2.0)
    w = _writes(world)
    assert np.isnan(w["t_sent_s"]).all()
    assert world.link_between("east", "west").direction("east", "west").bytes_sent == 0
    distinct = len(np.unique(w["first_block"][~np.isnan(w["t_ack_s"])]))
    assert len(src.dirty) == distinct


def test_live_rpo_and_backlog_return_to_zero_when_drained():
    world, src, _dst, pair = _world(mode="Async", rate=2000.0)
    world.run(1.0)
    assert pair.backlog_bytes > 0 or pair.rpo_s(world.now_s) >= 0
    world.set_rate(src, 0.0)
    world.run(2.0)
    assert pair.backlog_bytes == 0
    assert pair.rpo_s(world.now_s) == 0.0
    assert pair.bytes_shipped == 4096 * np.sum(~np.isnan(_writes(world)["t_ack_s"]))


@pytest.mark.parametrize("combine", ["parallel", "serial"])
def test_sync_acks_only_after_remote_ack_returns(combine):
    world, *_ = _world(mode="Sync", rate=200.0, sync_combine=combine)
    world.run(1.0)
    w = _writes(world)
    acked = ~np.isnan(w["t_ack_s"])
    assert acked.sum() > 150
    np.testing.assert_array_equal(w["t_ack_s"][acked],
                                  np.maximum(w["t_remote_ack_s"][acked], w["t_local_s"][acked]))
