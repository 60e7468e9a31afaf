"""Data reduction on the wire: compression and blocks already at the target shrink what
the link carries (live stream, resync, snapshots), not what is written."""

import pytest

from replsim import World
from tests.builders import two_sites


def _link_bytes(workload, **kwargs):
    world = World.from_dict(two_sites(workload=workload, duration=5, **kwargs))
    world.run()
    link = world.model.link_between("east", "west").direction("east", "west")
    return world, link.bytes_sent


def test_compression_and_present_blocks_reduce_link_bytes():
    base = {"arrival": "constant", "rate": 500, "io_size": "8KiB"}
    _, plain = _link_bytes(base)
    world, reduced = _link_bytes({**base, "compression_ratio": 2, "present_at_target": 0.25})
    assert reduced == pytest.approx(plain * 0.75 / 2, rel=1e-9)
    writes = world.results().writes
    assert writes["size_bytes"].sum() == 8192 * len(writes)  # written bytes unchanged


def test_resync_ships_reduced_blocks():
    workload = {"rate": 500, "compression_ratio": 4}
    world, _ = _link_bytes(workload, link={"outages": [{"start": 0.5, "duration": 1}]},
                           model={"sync_timeout": "0.2s", "metadata_bytes_per_block": 0})
    resync = world.model.pairs[0].resyncs[0]
    assert resync["bytes"] == pytest.approx(resync["blocks"] * 4096 / 4)
