"""IO size distributions: values, mix frequencies, validation and reproducibility."""

import numpy as np
import pytest

from replsim.rng import stream
from replsim.workload.sizes import DiscreteSizes, EmpiricalSizes, FixedSize, SizeDistribution


def test_fixed_size() -> None:
    sizes = FixedSize(4096).draw(10)
    assert sizes.dtype == np.int64
    assert (sizes == 4096).all()
    assert FixedSize(8192.0).max_size_bytes == 8192
    assert isinstance(FixedSize(512), SizeDistribution)


def test_discrete_mix_frequencies_within_tolerance() -> None:
    n = 100_000
    sizes = DiscreteSizes({4096: 0.7, 65536: 0.2, 512: 0.1}, stream(1, "sizes")).draw(n)
    assert sizes.dtype == np.int64
    assert set(np.unique(sizes).tolist()) == {512, 4096, 65536}
    for size, p in ((4096, 0.7), (65536, 0.2), (512, 0.1)):
        sd = np.sqrt(p * (1 - p) / n)
        assert abs(np.mean(sizes == size) - p) < 5 * sd


def test_discrete_order_of_mix_does_not_matter() -> None:
    a = DiscreteSizes({4096: 0.7, 65536: 0.3}, stream(2, "s")).draw(1000)
    b = DiscreteSizes({65536: 0.3, 4096: 0.7}, stream(2, "s")).draw(1000)
    np.testing.assert_array_equal(a, b)


def test_discrete_normalises_near_one_and_skips_zero_probability() -> None:
    dist = DiscreteSizes({4096: 0.5 + 4e-7, 8192: 0.5, 16384: 0.0}, stream(3, "s"))
    assert dist.probabilities.sum() == pytest.approx(1.0, abs=1e-15)
    assert dist.max_size_bytes == 8192
    assert 16384 not in dist.draw(10_000)


@pytest.mark.parametrize(
    ("mix", "message"),
    [
        ({4096: 0.7, 8192: 0.2}, "sum to 0.9"),
        ({}, "at least one size"),
        ({4000: 1.0}, "multiple of 512"),
        ({0: 1.0}, "positive"),
        ({-512: 1.0}, "positive"),
        ({4096: -0.5, 8192: 1.5}, ">= 0"),
        ({4096.5: 1.0}, "whole number"),
    ],
)
def test_discrete_rejects_bad_mix(mix: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DiscreteSizes(mix, stream(0, "s"))


def test_empirical_resamples_only_observed_values() -> None:
    samples = [4096, 4096, 4096, 131072]
    sizes = EmpiricalSizes(samples, stream(4, "s")).draw(40_000)
    assert set(np.unique(sizes).tolist()) == {4096, 131072}
    assert np.mean(sizes == 131072) == pytest.approx(0.25, abs=0.01)
    assert EmpiricalSizes(samples, stream(4, "s")).max_size_bytes == 131072


def test_empirical_validation() -> None:
    with pytest.raises(ValueError, match="at least one"):
        EmpiricalSizes([], stream(0, "s"))
    with pytest.raises(ValueError, match="multiple of 512"):
        EmpiricalSizes([4096, 1000], stream(0, "s"))


def test_reproducible_per_seed_and_scope() -> None:
    mix = {4096: 0.5, 8192: 0.25, 65536: 0.25}
    a = DiscreteSizes(mix, stream(5, "v1.sizes")).draw(2000)
    b = DiscreteSizes(mix, stream(5, "v1.sizes")).draw(2000)
    c = DiscreteSizes(mix, stream(5, "v2.sizes")).draw(2000)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
