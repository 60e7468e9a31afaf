"""The keyed Feistel permutation is a bijection of [0, n), scattered, O(1) memory."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from replsim.rng import stream
from replsim.workload.permutation import FeistelPermutation


@settings(max_examples=40, deadline=None)
@given(n=st.integers(min_value=1, max_value=5000), seed=st.integers(0, 2**32))
def test_bijection(n: int, seed: int) -> None:
    image = FeistelPermutation(n, stream(seed, "p"))(np.arange(n))
    np.testing.assert_array_equal(np.sort(image), np.arange(n))


def test_scatters_and_depends_on_the_key() -> None:
    a = FeistelPermutation(1 << 20, stream(1, "p"))(np.arange(1000))
    b = FeistelPermutation(1 << 20, stream(2, "p"))(np.arange(1000))
    assert not np.array_equal(a, b)
    # The first 1000 ranks land all over the volume, not in one corner.
    assert np.histogram(a, bins=8, range=(0, 1 << 20))[0].min() > 60


def test_huge_domain_is_cheap() -> None:
    n = 1 << 32  # 16 TiB in 4 KiB blocks
    image = FeistelPermutation(n, stream(3, "p"))(np.arange(100_000))
    assert image.min() >= 0 and image.max() < n
    assert np.unique(image).size == 100_000


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_bad_size(bad: object) -> None:
    with pytest.raises(ValueError, match="permutation size"):
        FeistelPermutation(bad, stream(0, "p"))  # type: ignore[arg-type]
