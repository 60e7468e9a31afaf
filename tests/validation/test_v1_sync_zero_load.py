"""V1: a Sync write at zero load takes exactly local ⊕ (serialisation + RTT + remote)."""

import numpy as np
import pytest

from replsim import World
from tests.builders import two_sites

COMMIT_S = 0.2e-3
HOP_S = 50e-6
LOCAL_S = COMMIT_S + HOP_S + COMMIT_S + HOP_S  # primary, mirror hop, secondary, hop back


@pytest.mark.parametrize("combine", ["parallel", "serial"])
@pytest.mark.parametrize(("rtt_s", "size", "bandwidth_bps"),
                         [(1e-3, 4096, 1e9), (0.1e-3, 65536, 1e8), (20e-3, 8192, 1e10)])
def test_sync_ack_at_zero_load_is_exact(combine, rtt_s, size, bandwidth_bps):
    scenario = two_sites(
        mode="Sync",
        workload={"arrival": "constant", "rate": 2, "io_size": size},  # far apart: idle system
        link={"rtt": rtt_s, "bandwidth": bandwidth_bps / 8},
        model={"sync_combine": combine},
        duration=5.0,
    )
    world = World.from_dict(scenario)
    world.run()
    writes = world.results().writes
    assert len(writes) >= 8
    serialisation_s = size * 8 / bandwidth_bps
    remote_s = serialisation_s + rtt_s + LOCAL_S
    expected = max(LOCAL_S, remote_s) if combine == "parallel" else LOCAL_S + remote_s
    np.testing.assert_allclose(writes["ack_latency_s"], expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(writes["local_commit_s"].iloc[0], LOCAL_S, atol=1e-12)


def test_async_ack_at_zero_load_is_the_local_commit():
    world = World.from_dict(two_sites(mode="Async",
                                      workload={"arrival": "constant", "rate": 2}, duration=3))
    world.run()
    writes = world.results().writes
    np.testing.assert_allclose(writes["ack_latency_s"], LOCAL_S, atol=1e-12)
    # and the write is durable remotely one serialisation + one-way + remote commit later
    lag = writes["t_durable_remote_s"] - writes["t_ack_s"]
    np.testing.assert_allclose(lag, 4096 * 8 / 1e9 + 0.5e-3 + LOCAL_S, atol=1e-12)
