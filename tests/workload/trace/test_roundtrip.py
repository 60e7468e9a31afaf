"""A generated workload exported as the simple CSV replays as the same writes."""

from __future__ import annotations

import math

from replsim.rng import stream
from replsim.workload.spec import build_workload
from replsim.workload.trace.reader import TraceOptions
from replsim.workload.trace.replay import TraceSource
from replsim.workload.trace.writer import write_csv

SPEC = {
    "arrival": {"kind": "superpose", "of": [
        {"kind": "poisson", "rate": 800},
        {"kind": "on_off", "on": "200ms", "off": "800ms", "on_rate": 4000}]},
    "io_size": {"4KiB": 0.6, "64KiB": 0.3, "1MiB": 0.1},
    "offsets": {"kind": "zipf", "s": 1.1},
    "read_fraction": 0.25,
}


def test_generated_workload_round_trips_through_csv(tmp_path) -> None:
    def fresh():
        return build_workload(SPEC, "50GiB", stream(3, "east.db.workload")).source

    path = tmp_path / "export.csv.gz"
    count = write_csv(fresh(), path, duration_s=5.0, volume="east/db")
    assert count > 5000
    replay = TraceSource(TraceOptions(path=path, format="csv"), 50 * 2**18)
    original = fresh()
    t_orig = t_replay = 0.0
    for _ in range(count):
        gap, size, block, is_write = original.next_write()
        t_orig += gap
        r_gap, r_size, r_block, r_write = replay.next_write()
        t_replay += r_gap
        assert abs(t_replay - t_orig) < 1e-9
        assert (r_size, r_block, r_write) == (size, block, is_write)
    assert math.isinf(replay.next_write()[0])
