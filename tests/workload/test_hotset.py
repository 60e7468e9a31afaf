"""Hot set: measured hot share and distinct blocks against Σ 1 − (1 − p_b)^N."""

from __future__ import annotations

import numpy as np
import pytest

from replsim.rng import stream
from replsim.workload.hotset import HotSetBlocks
from replsim.workload.offsets import BLOCK_BYTES


def test_hot_share_is_measured() -> None:
    chooser = HotSetBlocks(100_000, stream(1, "h"), hot_fraction=0.05, hot_share=0.9)
    n = 100_000
    first = chooser.draw(n, np.full(n, BLOCK_BYTES))
    hot = set(chooser.block_of_rank(np.arange(chooser.hot_blocks)).tolist())
    share = np.mean([b in hot for b in first.tolist()])
    assert share == pytest.approx(0.9, abs=5 * np.sqrt(0.09 / n))
    assert chooser.hot_blocks == 5000


@pytest.mark.parametrize(("fraction", "share"), [(0.1, 0.9), (0.02, 0.5), (0.5, 0.5)])
def test_distinct_blocks_match_expectation(fraction: float, share: float) -> None:
    chooser = HotSetBlocks(4000, stream(2, "h"), hot_fraction=fraction, hot_share=share)
    writes = 6000
    first = chooser.draw(writes, np.full(writes, BLOCK_BYTES))
    p = chooser.block_probabilities()
    assert p.sum() == pytest.approx(1.0)
    q = 1.0 - (1.0 - p) ** writes
    mean, sd = q.sum(), np.sqrt((q * (1 - q)).sum())
    assert abs(np.unique(first).size - mean) < 5 * sd + 1


def test_ios_fit_and_validation() -> None:
    first = HotSetBlocks(20, stream(3, "h")).draw(1000, np.full(1000, 8 * BLOCK_BYTES))
    assert first.max() <= 12
    for kwargs in ({"hot_fraction": 0.0}, {"hot_fraction": 1.0}, {"hot_share": 1.1}):
        with pytest.raises(ValueError, match="hot_"):
            HotSetBlocks(100, stream(0, "h"), **kwargs)
    with pytest.raises(ValueError, match=">= 2 blocks"):
        HotSetBlocks(1, stream(0, "h"))
