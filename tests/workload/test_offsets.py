"""Uniform block choice: range, mean, fit within the volume, reproducibility."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from replsim.rng import stream
from replsim.workload.offsets import (
    BLOCK_BYTES,
    BlockChooser,
    UniformBlocks,
    blocks_spanned,
    volume_blocks_for,
)


def test_blocks_spanned_rounds_up() -> None:
    sizes = np.array([512, 4096, 4608, 8192, 65536])
    np.testing.assert_array_equal(blocks_spanned(sizes), [1, 1, 2, 2, 16])


def test_volume_blocks_for() -> None:
    assert volume_blocks_for(2**30) == 2**18
    assert volume_blocks_for(4096 * 3 + 100) == 3
    with pytest.raises(ValueError, match="smaller than one"):
        volume_blocks_for(4000)


def test_uniform_mean_and_range() -> None:
    volume_blocks = 1000
    n = 100_000
    chooser = UniformBlocks(volume_blocks, stream(1, "blocks"))
    assert isinstance(chooser, BlockChooser)
    first = chooser.draw(n, np.full(n, BLOCK_BYTES, dtype=np.int64))
    assert first.dtype == np.int64
    assert first.min() == 0
    assert first.max() == volume_blocks - 1
    # Discrete uniform on 0..999: mean 499.5, sd ~288.7.
    assert first.mean() == pytest.approx(499.5, abs=5 * 288.7 / np.sqrt(n))
    counts = np.bincount(first, minlength=volume_blocks)
    assert counts.min() > 0


def test_large_ios_still_reach_the_last_feasible_block() -> None:
    n = 50_000
    first = UniformBlocks(20, stream(2, "blocks")).draw(n, np.full(n, 16 * BLOCK_BYTES))
    assert first.min() == 0
    assert first.max() == 4  # 20 - 16


@settings(max_examples=60, deadline=None)
@given(
    volume_blocks=st.integers(min_value=1, max_value=10_000),
    sectors=st.lists(st.integers(min_value=1, max_value=256), min_size=1, max_size=200),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_every_io_fits_in_the_volume(volume_blocks: int, sectors: list[int], seed: int) -> None:
    sizes = np.array(sectors, dtype=np.int64) * 512
    sizes = sizes[blocks_spanned(sizes) <= volume_blocks]
    first = UniformBlocks(volume_blocks, stream(seed, "b")).draw(len(sizes), sizes)
    assert (first >= 0).all()
    assert (first + blocks_spanned(sizes) <= volume_blocks).all()


def test_too_large_io_rejected() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        UniformBlocks(4, stream(0, "b")).draw(1, np.array([5 * BLOCK_BYTES]))


@pytest.mark.parametrize("bad", [0, -3, 2.5])
def test_bad_volume_blocks_rejected(bad: float) -> None:
    with pytest.raises(ValueError, match="volume_blocks"):
        UniformBlocks(bad, stream(0, "b"))  # type: ignore[arg-type]


def test_reproducible_per_seed_and_scope() -> None:
    sizes = np.full(3000, 8192)
    a = UniformBlocks(10_000, stream(3, "v1.offsets")).draw(3000, sizes)
    b = UniformBlocks(10_000, stream(3, "v1.offsets")).draw(3000, sizes)
    c = UniformBlocks(10_000, stream(3, "v2.offsets")).draw(3000, sizes)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_uniform_distinct_blocks_match_expectation() -> None:
    """Distinct blocks after N single-block writes: n (1 − (1 − 1/n)^N)."""
    volume_blocks, writes = 10_000, 15_000
    first = UniformBlocks(volume_blocks, stream(4, "b")).draw(
        writes, np.full(writes, BLOCK_BYTES, dtype=np.int64))
    q = 1.0 - (1.0 - 1.0 / volume_blocks) ** writes
    mean, sd = volume_blocks * q, np.sqrt(volume_blocks * q * (1 - q))
    assert abs(np.unique(first).size - mean) < 5 * sd
