"""Summary statistics and confidence intervals for simulation output.

Latency summaries feed reports; the confidence intervals let statistical oracle tests compare
a simulated mean or percentile with a closed-form value without flaky fixed tolerances:
batch means for the (autocorrelated) output series of one run, and a distribution-free
order-statistic interval for quantiles.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

__all__ = ["PERCENTILES", "batch_means_ci", "latency_summary", "quantile_ci"]

PERCENTILES = (50, 90, 99, 99.9)

# Student t quantiles for df = 19 (20 batches, the default), used when scipy is missing.
_T_TABLE_DF19 = {0.9: 1.327728, 0.95: 1.729133, 0.975: 2.093024, 0.99: 2.539483, 0.995: 2.860935}


def _without_nan(values: npt.ArrayLike) -> np.ndarray:
    """Flattened float values with NaNs dropped (NaN marks a record without a value)."""
    x = np.asarray(values, dtype=np.float64).ravel()
    return x[~np.isnan(x)]


def percentile_key(p: float) -> str:
    """Summary key of a percentile: 50 → ``"p50_s"``, 99.9 → ``"p99.9_s"``."""
    return f"p{p:g}_s"


def latency_summary(values_s: npt.ArrayLike) -> dict[str, float]:
    """Count, mean, :data:`PERCENTILES` and max of latencies in seconds; NaNs are ignored.

    Keys: ``count, mean_s, p50_s, p90_s, p99_s, p99.9_s, max_s``; empty input gives count 0
    and NaN elsewhere. Percentiles use linear interpolation between order statistics.
    """
    x = _without_nan(values_s)
    summary: dict[str, float] = {"count": int(x.size)}
    if x.size == 0:
        summary["mean_s"] = math.nan
        summary.update({percentile_key(p): math.nan for p in PERCENTILES})
        summary["max_s"] = math.nan
        return summary
    summary["mean_s"] = float(np.mean(x))
    values = np.percentile(x, PERCENTILES)
    summary.update({percentile_key(p): float(v) for p, v in zip(PERCENTILES, values, strict=True)})
    summary["max_s"] = float(np.max(x))
    return summary


def _t_quantile_fallback(p: float, df: int) -> float:
    """Student t quantile without scipy: a table for df = 19, else the Cornish–Fisher
    expansion around the normal quantile (Abramowitz & Stegun 26.7.5; good to ~1e-3 for
    df >= 5, exact in the normal limit)."""
    for table_p, value in _T_TABLE_DF19.items():
        if df == 19 and math.isclose(p, table_p):
            return value
        if df == 19 and math.isclose(p, 1.0 - table_p):
            return -value
    z = NormalDist().inv_cdf(p)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def _t_quantile(p: float, df: int) -> float:
    """Student t quantile, from scipy when it is installed."""
    try:
        from scipy.stats import t as student_t
    except ImportError:  # pragma: no cover - scipy is a test dependency
        return _t_quantile_fallback(p, df)
    return float(student_t.ppf(p, df))


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")


def batch_means_ci(
    values: npt.ArrayLike,
    batches: int = 20,
    warmup_fraction: float = 0.05,
    confidence: float = 0.95,
) -> tuple[float, float]:
    """``(mean, half_width)`` of a time-ordered output series by the method of batch means.

    One run's outputs are autocorrelated, so the naive standard error is too small. The
    first `warmup_fraction` of the series is dropped (transient), then the rest — minus the
    remainder at its front — is cut into `batches` contiguous equal batches whose means are
    treated as nearly independent; the half-width uses Student t with ``batches - 1`` df.
    NaNs are dropped first.
    """
    if int(batches) != batches or batches < 2:
        raise ValueError(f"batches must be an integer >= 2, got {batches!r}")
    if not 0.0 <= warmup_fraction < 1.0:
        raise ValueError(f"warmup_fraction must be in [0, 1), got {warmup_fraction!r}")
    _check_confidence(confidence)
    x = _without_nan(values)
    x = x[math.floor(warmup_fraction * x.size) :]
    size = x.size // batches
    if size < 1:
        raise ValueError(f"need at least {batches} values after warm-up, got {x.size}")
    means = x[x.size - size * batches :].reshape(batches, size).mean(axis=1)
    mean = float(np.mean(means))
    t = _t_quantile(0.5 + confidence / 2.0, batches - 1)
    half_width = t * float(np.std(means, ddof=1)) / math.sqrt(batches)
    return mean, half_width


def _order_statistic_ranks(n: int, q: float, confidence: float) -> tuple[int, int]:
    """1-based ranks ``(j, k)`` with ``P(X_(j) <= ξ_q <= X_(k)) ≈ confidence`` for continuous
    data: the count below ξ_q is Binomial(n, q), approximated by a normal (slightly
    conservative rounding). Ranks may fall outside ``[1, n]``."""
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    centre = n * q
    spread = z * math.sqrt(n * q * (1.0 - q))
    return math.floor(centre - spread), math.ceil(centre + spread) + 1


def quantile_ci(
    values: npt.ArrayLike, q: float, confidence: float = 0.95
) -> tuple[float, float, float]:
    """``(estimate, low, high)`` for the `q`-quantile, distribution-free.

    The bounds are order statistics whose ranks come from the binomial count of samples
    below the true quantile (normal approximation), so they hold for any continuous
    distribution given independent samples. A bound whose rank falls outside the sample is
    infinite (e.g. a p99 from 50 samples has no finite upper bound) rather than silently
    clipped to the extreme sample. The estimate is the linearly interpolated sample quantile.
    NaNs are dropped; empty input gives NaNs.
    """
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be in [0, 1], got {q!r}")
    _check_confidence(confidence)
    x = np.sort(_without_nan(values))
    n = x.size
    if n == 0:
        return math.nan, math.nan, math.nan
    j, k = _order_statistic_ranks(n, q, confidence)
    low = float(x[j - 1]) if j >= 1 else -math.inf
    high = float(x[k - 1]) if k <= n else math.inf
    return float(np.quantile(x, q)), low, high
