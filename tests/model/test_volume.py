import numpy as np
import simpy

from replsim.model.distributions import Deterministic, Sampler
from replsim.model.server import FifoServer
from replsim.model.volume import BLOCK_BYTES, CommitPath, DirtyBlocks


def test_dirty_blocks_coalesce_overwrites_and_span_large_ios():
    dirty = DirtyBlocks()
    dirty.mark(10, 4096)
    dirty.mark(10, 4096)          # overwrite: still one block
    dirty.mark(100, 64 * 1024)    # 16 blocks
    dirty.mark(110, 8192)         # overlaps the previous range
    dirty.mark(200, 512)          # a partial block dirties the whole block
    assert len(dirty) == 1 + 16 + 1
    assert dirty.bytes == 18 * BLOCK_BYTES
    drained = dirty.drain()
    np.testing.assert_array_equal(drained, [10, *range(100, 116), 200])
    assert len(dirty) == 0


def test_commit_path_is_primary_hop_secondary_hop():
    env = simpy.Environment()

    class Node:
        def __init__(self, name, service_s):
            sampler = Sampler(Deterministic(service_s), np.random.default_rng(0))
            self.slice_service = FifoServer(env, name, sampler, 1)

    primary, secondary = Node("p", 1.0), Node("s", 2.0)
    path = CommitPath(env, primary, secondary, hop_s=0.25)
    done = []
    path.commit((7, lambda item: done.append((item[0], env.now))))
    path.commit((8, lambda item: done.append((item[0], env.now))))
    env.run()
    # write 7: 1 + .25 + 2 + .25; write 8 queues behind 7 on the primary, then the secondary
    assert done == [(7, 3.5), (8, 5.5)]
