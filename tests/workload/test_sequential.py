"""Sequential streams: each IO continues its stream, wraps at the end, streams interleave."""

from __future__ import annotations

import numpy as np
import pytest

from replsim.rng import stream
from replsim.workload.offsets import BLOCK_BYTES, blocks_spanned
from replsim.workload.sequential import SequentialBlocks


def test_one_stream_is_contiguous_with_mixed_sizes() -> None:
    chooser = SequentialBlocks(1 << 30, stream(1, "s"))
    start = int(chooser.cursors[0])
    sizes = np.array([4096, 65536, 8192, 4096] * 250)
    first = chooser.draw(len(sizes), sizes)
    expected = start + np.concatenate([[0], np.cumsum(blocks_spanned(sizes))[:-1]])
    np.testing.assert_array_equal(first, expected)
    assert chooser.cursors[0] == start + blocks_spanned(sizes).sum()


def test_wraps_and_distinct_blocks() -> None:
    volume_blocks = 1000
    chooser = SequentialBlocks(volume_blocks, stream(2, "s"))
    first = np.concatenate([chooser.draw(700, np.full(700, BLOCK_BYTES)) for _ in range(3)])
    assert np.unique(first[:1000]).size == 1000  # one full pass touches every block once
    assert first.max() < volume_blocks
    wrap = np.flatnonzero(np.diff(first) < 0)
    assert len(wrap) == 2 and all(first[i + 1] == 0 for i in wrap)


def test_io_that_would_cross_the_end_starts_at_zero() -> None:
    chooser = SequentialBlocks(10, stream(3, "s"))
    first = chooser.draw(12, np.full(12, 4 * BLOCK_BYTES))
    assert (first + 4 <= 10).all()
    assert set(first.tolist()) <= {0, 4} | set(range(10))


def test_streams_interleave_and_each_is_sequential() -> None:
    chooser = SequentialBlocks(1 << 24, stream(4, "s"), streams=3)
    starts = chooser.cursors
    first = chooser.draw(3000, np.full(3000, BLOCK_BYTES))
    for start in starts:
        mine = first[(first >= start) & (first < start + 3000)]
        np.testing.assert_array_equal(mine, start + np.arange(len(mine)))
    assert sum(int(((first >= s) & (first < s + 3000)).sum()) for s in starts) == 3000


def test_validation() -> None:
    with pytest.raises(ValueError, match="streams"):
        SequentialBlocks(10, stream(0, "s"), streams=0)
    with pytest.raises(ValueError, match="does not fit"):
        SequentialBlocks(2, stream(0, "s")).draw(1, np.array([3 * BLOCK_BYTES]))
