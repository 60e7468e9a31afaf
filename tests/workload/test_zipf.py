"""Zipf locality: exact rank law for any s > 0 (table and rejection-inversion), distinct
blocks against Σ 1 − (1 − p_b)^N, working sets, and huge volumes in O(1) memory."""

from __future__ import annotations

import math

import numpy as np
import pytest

from replsim.rng import stream
from replsim.workload.offsets import BLOCK_BYTES
from replsim.workload.zipf import (
    RejectionInversionZipf,
    TableZipf,
    ZipfBlocks,
    zipf_pmf,
)

N_SAMPLES = 200_000


def chi_square(ranks: np.ndarray, pmf: np.ndarray) -> float:
    observed = np.bincount(ranks, minlength=len(pmf) + 1)[1:]
    expected = pmf * len(ranks)
    return float(((observed - expected) ** 2 / expected).sum())


@pytest.mark.parametrize("s", [0.3, 0.9, 1.0, 1.2, 2.5])
@pytest.mark.parametrize("sampler", [TableZipf, RejectionInversionZipf])
def test_rank_law_is_exact(sampler: type, s: float) -> None:
    n = 40
    ranks = sampler(n, s, stream(int(10 * s), "z")).draw(N_SAMPLES)
    assert ranks.min() >= 1 and ranks.max() <= n
    # 39 degrees of freedom: mean 39, sd 8.8; 39 + 5 sd ≈ 83.
    assert chi_square(ranks, zipf_pmf(n, s)) < 83


def expected_distinct(p: np.ndarray, writes: int) -> tuple[float, float]:
    """E[distinct] = Σ 1 − (1 − p)^N and an upper bound on its sd (independence bound)."""
    q = 1.0 - (1.0 - p) ** writes
    return float(q.sum()), float(np.sqrt((q * (1 - q)).sum()))


@pytest.mark.parametrize("s", [0.8, 1.1])
@pytest.mark.parametrize("table_limit", [1 << 20, 0])  # table, then rejection-inversion
def test_distinct_blocks_match_expectation(s: float, table_limit: int) -> None:
    volume_blocks, writes = 5000, 20_000
    chooser = ZipfBlocks(volume_blocks, stream(7, "z"), s=s, table_limit=table_limit)
    first = chooser.draw(writes, np.full(writes, BLOCK_BYTES))
    mean, sd = expected_distinct(zipf_pmf(volume_blocks, s), writes)
    assert abs(np.unique(first).size - mean) < 5 * sd + 1


def test_hot_blocks_are_scattered_by_the_permutation() -> None:
    chooser = ZipfBlocks(1 << 20, stream(8, "z"), s=1.2)
    hot = chooser.block_of_rank(np.arange(1, 101))
    assert np.unique(hot).size == 100
    assert hot.max() - hot.min() > (1 << 20) // 2
    first = chooser.draw(50_000, np.full(50_000, BLOCK_BYTES))
    assert np.mean(first == hot[0]) == pytest.approx(zipf_pmf(1 << 20, 1.2)[0], rel=0.05)


def test_working_set_bounds_the_blocks_touched() -> None:
    chooser = ZipfBlocks(1 << 30, stream(9, "z"), s=0.7, working_set_blocks=1000)
    first = chooser.draw(100_000, np.full(100_000, BLOCK_BYTES))
    assert np.unique(first).size <= 1000
    assert np.unique(first).size == pytest.approx(
        expected_distinct(zipf_pmf(1000, 0.7), 100_000)[0], abs=5)


def test_sixteen_tib_volume_needs_no_per_block_memory() -> None:
    volume_blocks = 16 * 2**40 // BLOCK_BYTES  # 4 G blocks
    chooser = ZipfBlocks(volume_blocks, stream(10, "z"), s=0.99)
    sizes = np.full(100_000, 65536)
    first = chooser.draw(len(sizes), sizes)
    assert first.min() >= 0 and (first + 16).max() <= volume_blocks
    assert not hasattr(chooser._ranks, "_cdf")  # rejection-inversion, not a 4 G table


def test_large_ios_fit_at_the_end() -> None:
    chooser = ZipfBlocks(64, stream(11, "z"), s=0.5)
    first = chooser.draw(10_000, np.full(10_000, 16 * BLOCK_BYTES))
    assert first.max() <= 48


def test_reproducible() -> None:
    sizes = np.full(1000, BLOCK_BYTES)
    a = ZipfBlocks(10**6, stream(12, "v1"), s=1.0).draw(1000, sizes)
    b = ZipfBlocks(10**6, stream(12, "v1"), s=1.0).draw(1000, sizes)
    c = ZipfBlocks(10**6, stream(12, "v2"), s=1.0).draw(1000, sizes)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"s": 0.0}, "s must be"), ({"s": math.inf}, "s must be"),
     ({"working_set_blocks": 0}, "working set"), ({"working_set_blocks": 101}, "working set")],
)
def test_validation(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ZipfBlocks(100, stream(0, "z"), **kwargs)
