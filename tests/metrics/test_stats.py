"""Latency summaries and confidence intervals on known distributions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps
from scipy.signal import lfilter

from replsim.metrics.stats import (
    PERCENTILES,
    _order_statistic_ranks,
    _t_quantile,
    _t_quantile_fallback,
    batch_means_ci,
    latency_summary,
    quantile_ci,
)

# -- latency_summary -----------------------------------------------------------------------


def test_latency_summary_keys_and_values():
    values = np.arange(1, 1001) / 1000.0
    summary = latency_summary(np.concatenate([values, [np.nan, np.nan]]))
    assert list(summary) == ["count", "mean_s", "p50_s", "p90_s", "p99_s", "p99.9_s", "max_s"]
    assert summary["count"] == 1000
    assert summary["mean_s"] == pytest.approx(0.5005)
    for p in PERCENTILES:
        key = f"p{p:g}_s"
        assert summary[key] == pytest.approx(np.percentile(values, p))
    assert summary["max_s"] == 1.0


def test_latency_summary_empty_and_all_nan():
    for values in (np.array([]), np.array([np.nan, np.nan])):
        summary = latency_summary(values)
        assert summary["count"] == 0
        assert all(math.isnan(v) for k, v in summary.items() if k != "count")


def test_latency_summary_single_value():
    summary = latency_summary([0.002])
    assert summary["count"] == 1
    assert all(v == 0.002 for k, v in summary.items() if k != "count")


# -- Student t -----------------------------------------------------------------------------


def test_t_quantile_uses_scipy():
    assert _t_quantile(0.975, 19) == pytest.approx(sps.t.ppf(0.975, 19))


@pytest.mark.parametrize("p", [0.9, 0.95, 0.975, 0.99, 0.995, 0.025])
def test_t_fallback_table_df19(p):
    assert _t_quantile_fallback(p, 19) == pytest.approx(sps.t.ppf(p, 19), rel=1e-5)


@pytest.mark.parametrize("df", [5, 9, 19, 30, 100, 10_000])
@pytest.mark.parametrize("p", [0.8, 0.95, 0.975, 0.995])
def test_t_fallback_expansion(df, p):
    tol = 1e-2 if df < 9 else 2e-3
    assert _t_quantile_fallback(p, df) == pytest.approx(sps.t.ppf(p, df), rel=tol)


# -- batch means ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_batch_means_iid_exponential(seed):
    rng = np.random.default_rng(seed)
    mean, half_width = batch_means_ci(rng.exponential(2.0, 20_000))
    assert 0 < half_width < 0.1  # σ/√n·t ≈ 2/141·2.09 ≈ 0.03
    assert abs(mean - 2.0) <= 3 * half_width


def test_batch_means_coverage_iid():
    rng = np.random.default_rng(123)
    covered = 0
    trials = 200
    for _ in range(trials):
        mean, half_width = batch_means_ci(rng.exponential(1.0, 2_000))
        covered += abs(mean - 1.0) <= half_width
    assert covered / trials >= 0.88  # nominal 0.95


def _ar1(rng, n, phi):
    """AR(1) x_i = φ x_{i−1} + e_i with unit innovations, started stationary (mean 0)."""
    innovations = rng.normal(size=n)
    innovations[0] /= math.sqrt(1 - phi**2)
    return lfilter([1.0], [1.0, -phi], innovations)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_batch_means_widens_for_correlated_series(seed):
    rng = np.random.default_rng(seed)
    phi = 0.9
    x = _ar1(rng, 40_000, phi)
    assert np.corrcoef(x[:-1], x[1:])[0, 1] == pytest.approx(phi, abs=0.02)
    mean, half_width = batch_means_ci(x)
    naive = 1.96 * x.std(ddof=1) / math.sqrt(x.size)
    assert half_width > 2.5 * naive  # √((1+φ)/(1−φ)) ≈ 4.4 times wider
    assert abs(mean) <= 3 * half_width


def test_batch_means_warmup_and_remainder():
    x = np.concatenate([np.full(50, 1000.0), np.ones(950)])
    mean, half_width = batch_means_ci(x, batches=10, warmup_fraction=0.05)
    assert mean == 1.0 and half_width == 0.0
    mean, _ = batch_means_ci(x, batches=10, warmup_fraction=0.0)
    assert mean == pytest.approx(50.95)
    # 1003 values: the 3 left over are dropped at the front (after warm-up)
    y = np.concatenate([[1e9, 1e9, 1e9], np.arange(1000.0)])
    mean, _ = batch_means_ci(y, batches=10, warmup_fraction=0.0)
    assert mean == pytest.approx(499.5)


def test_batch_means_nan_and_errors():
    x = np.arange(40.0)
    with_nan = np.insert(x, [3, 7], np.nan)
    assert batch_means_ci(with_nan, batches=4, warmup_fraction=0) == batch_means_ci(
        x, batches=4, warmup_fraction=0
    )
    with pytest.raises(ValueError, match="at least"):
        batch_means_ci(np.arange(10.0), batches=20)
    with pytest.raises(ValueError):
        batch_means_ci(x, batches=1)
    with pytest.raises(ValueError):
        batch_means_ci(x, warmup_fraction=1.0)
    with pytest.raises(ValueError):
        batch_means_ci(x, confidence=1.0)


# -- quantile CI ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_quantile_ci_covers_exponential_p99(seed):
    scale = 0.004
    true_p99 = -math.log(0.01) * scale
    rng = np.random.default_rng(seed)
    estimate, low, high = quantile_ci(rng.exponential(scale, 100_000), 0.99)
    assert low <= true_p99 <= high
    assert low <= estimate <= high
    assert (high - low) / true_p99 < 0.05


def test_quantile_ci_coverage_median_and_p90():
    rng = np.random.default_rng(5)
    trials = 300
    samples = rng.uniform(size=(trials, 500))
    for q in (0.5, 0.9):
        covered = 0
        for row in samples:
            _, low, high = quantile_ci(row, q)
            covered += low <= q <= high
        assert covered / trials >= 0.9  # nominal 0.95


@pytest.mark.parametrize("n", [50, 200, 1000, 10_000])
@pytest.mark.parametrize("q", [0.5, 0.9, 0.99])
@pytest.mark.parametrize("confidence", [0.9, 0.95])
def test_order_statistic_ranks_exact_coverage(n, q, confidence):
    j, k = _order_statistic_ranks(n, q, confidence)
    # X_(j) <= ξ <= X_(k)  ⇔  j <= B <= k − 1 with B ~ Binomial(n, q) samples below ξ
    coverage = sps.binom.cdf(min(k - 1, n), n, q) - sps.binom.cdf(j - 1, n, q)
    assert coverage >= confidence - 0.02
    assert j <= n and k >= 1


def test_quantile_ci_small_sample_has_infinite_bound():
    rng = np.random.default_rng(0)
    estimate, low, high = quantile_ci(rng.exponential(1.0, 50), 0.99)
    assert math.isfinite(estimate) and math.isfinite(low)
    assert high == math.inf
    _, low, high = quantile_ci(np.array([1.0, 2.0, 3.0]), 0.5)
    assert low == -math.inf or high == math.inf


def test_quantile_ci_edge_cases():
    assert all(math.isnan(v) for v in quantile_ci(np.array([]), 0.5))
    assert all(math.isnan(v) for v in quantile_ci(np.array([np.nan]), 0.5))
    estimate, _, _ = quantile_ci(np.array([np.nan, 1.0, 3.0, 2.0]), 0.5)
    assert estimate == 2.0
    with pytest.raises(ValueError):
        quantile_ci(np.arange(10.0), 1.5)
    with pytest.raises(ValueError):
        quantile_ci(np.arange(10.0), 0.5, confidence=0.0)
