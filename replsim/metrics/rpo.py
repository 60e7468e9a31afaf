"""Recovery point objective (RPO), data at risk and backlog, exactly from event times.

Definition (the project's behaviour contract), for one volume pair: each write has
``t_ack_s`` (acknowledged to the host) and ``t_durable_s`` (durable on the target; NaN when it
never became durable within the run). With ``c(t)`` the latest instant such that every write
acknowledged before ``c(t)`` is durable on the target, ``RPO(t) = t - c(t)``, i.e.

    RPO(t) = t - min{a_i : a_i <= t < d_i}     (0 when that set is empty).

Writes may become durable out of ack order. Sorted by ack time, with ``M_i`` the largest
durable time of the writes acked before write ``i``, write ``i`` is the oldest missing one
exactly on ``[max(a_i, M_i), d_i)``; there ``RPO(t) = t - a_i``. These segments are disjoint
and ordered, so RPO is a sawtooth and its samples, supremum, time average and time-weighted
quantiles over a window are computed exactly (no sampling grid) and vectorised.

Bytes-over-time quantities (backlog, data at risk, in-flight counts) are sums over intervals
``[start, end)`` and are computed the same way by :func:`outstanding_at` and
:func:`time_average_outstanding`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "RpoSegments",
    "backlog_bytes_at",
    "data_at_risk_bytes_at",
    "outstanding_at",
    "rpo_at",
    "rpo_max_s",
    "rpo_segments",
    "rpo_time_mean_s",
    "rpo_time_quantile_s",
    "time_average_outstanding",
]

FloatArray = npt.NDArray[np.float64]


def _float_1d(values: npt.ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    return arr


def _check_window(t0_s: float, t1_s: float, *, positive: bool) -> tuple[float, float]:
    t0, t1 = float(t0_s), float(t1_s)
    if math.isnan(t0) or math.isnan(t1):
        raise ValueError(f"window bounds must not be NaN, got [{t0}, {t1}]")
    if positive:
        if not (math.isfinite(t0) and math.isfinite(t1) and t1 > t0):
            raise ValueError(f"need a finite window with t1_s > t0_s, got [{t0}, {t1}]")
    elif t1 < t0:
        raise ValueError(f"need t1_s >= t0_s, got [{t0}, {t1}]")
    return t0, t1


# -- RPO -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RpoSegments:
    """The sawtooth RPO: ``RPO(t) = t - ack_s[k]`` on ``[start_s[k], end_s[k])``, else 0.

    Invariants (checked): ``ack_s <= start_s < end_s`` and ``end_s[k] <= start_s[k + 1]``, so
    both bounds are strictly increasing and searchable. Arrays are made read-only.
    """

    start_s: FloatArray
    end_s: FloatArray
    ack_s: FloatArray

    def __post_init__(self) -> None:
        arrays = []
        for name in ("start_s", "end_s", "ack_s"):
            arr = np.array(getattr(self, name), dtype=np.float64)
            if arr.ndim != 1:
                raise ValueError(f"RpoSegments.{name} must be one-dimensional")
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
            arrays.append(arr)
        start, end, ack = arrays
        if not start.shape == end.shape == ack.shape:
            raise ValueError("RpoSegments arrays must have equal lengths")
        if np.isnan(start).any() or np.isnan(end).any() or np.isnan(ack).any():
            raise ValueError("RpoSegments must not contain NaN")
        if not (np.all(ack <= start) and np.all(start < end) and np.all(end[:-1] <= start[1:])):
            raise ValueError("RpoSegments must satisfy ack <= start < end <= next start")

    def __len__(self) -> int:
        return int(self.start_s.size)


def rpo_segments(t_ack_s: npt.ArrayLike, t_durable_s: npt.ArrayLike, t_end_s: float) -> RpoSegments:
    """The exact RPO sawtooth of one volume pair up to the end of the run.

    Writes with a NaN ack time (never acknowledged) are ignored. A NaN durable time means
    never durable; durable times are clipped at `t_end_s`, so the segments describe RPO on
    ``(-inf, t_end_s)`` and are 0 from `t_end_s` on: query windows inside the run.
    """
    ack = _float_1d(t_ack_s, "t_ack_s")
    durable = _float_1d(t_durable_s, "t_durable_s")
    if ack.shape != durable.shape:
        raise ValueError(f"t_ack_s and t_durable_s differ in length: {ack.size} vs {durable.size}")
    t_end = float(t_end_s)
    if math.isnan(t_end):
        raise ValueError("t_end_s must not be NaN")
    acked = np.isfinite(ack)
    ack = ack[acked]
    durable = np.minimum(np.where(np.isnan(durable[acked]), np.inf, durable[acked]), t_end)
    # ties in ack time: the latest durable first, so the tied writes share one segment
    order = np.lexsort((-durable, ack))
    ack = ack[order]
    durable = durable[order]
    before = np.empty_like(durable)  # largest durable time of the writes acked earlier
    before[:1] = -np.inf
    np.maximum.accumulate(durable[:-1], out=before[1:])
    start = np.maximum(ack, before)
    keep = start < durable
    return RpoSegments(start_s=start[keep], end_s=durable[keep], ack_s=ack[keep])


def rpo_at(segments: RpoSegments, t_s: npt.ArrayLike) -> FloatArray:
    """RPO sampled at the given times (same shape; NaN where the time is NaN)."""
    t = np.asarray(t_s, dtype=np.float64)
    k = np.searchsorted(segments.start_s, t, side="right") - 1
    if segments.start_s.size == 0:
        out = np.zeros_like(t)
    else:
        kc = np.maximum(k, 0)
        inside = (k >= 0) & (t < segments.end_s[kc])
        out = np.where(inside, t - segments.ack_s[kc], 0.0)
    return np.where(np.isnan(t), np.nan, out)


def _window_pieces(
    segments: RpoSegments, t0: float, t1: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``(u, v, ack)`` of the segments meeting ``[t0, t1]``, clipped to it (``u <= v``)."""
    lo = np.searchsorted(segments.end_s, t0, side="right")  # first segment ending after t0
    hi = np.searchsorted(segments.start_s, t1, side="right")  # segments starting by t1
    u = np.maximum(segments.start_s[lo:hi], t0)
    v = np.minimum(segments.end_s[lo:hi], t1)
    return u, v, segments.ack_s[lo:hi]


def rpo_max_s(segments: RpoSegments, t0_s: float, t1_s: float) -> float:
    """Exact supremum of RPO over ``[t0_s, t1_s]`` (the sawtooth peaks just before a segment
    ends, so the value is approached, not always attained)."""
    t0, t1 = _check_window(t0_s, t1_s, positive=False)
    _, v, ack = _window_pieces(segments, t0, t1)
    if v.size == 0:
        return 0.0
    return float(max(0.0, np.max(v - ack)))


def rpo_time_mean_s(segments: RpoSegments, t0_s: float, t1_s: float) -> float:
    """Exact time average of RPO over ``[t0_s, t1_s]`` (integral of the sawtooth / length)."""
    t0, t1 = _check_window(t0_s, t1_s, positive=True)
    u, v, ack = _window_pieces(segments, t0, t1)
    integral = np.sum((v - u) * ((u - ack) + (v - ack))) / 2.0
    return float(integral / (t1 - t0))


def rpo_time_quantile_s(segments: RpoSegments, t0_s: float, t1_s: float, q: float) -> float:
    """Exact time-weighted `q`-quantile of RPO over ``[t0_s, t1_s]``.

    The smallest ``x >= 0`` such that RPO is ``<= x`` for a fraction ``q`` of the window. The
    fraction is piecewise linear in ``x`` (each clipped segment contributes a ramp), so it is
    inverted exactly. ``q = 1`` gives the essential supremum, which differs from
    :func:`rpo_max_s` only when the maximum is reached at a single instant.
    """
    t0, t1 = _check_window(t0_s, t1_s, positive=True)
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be in [0, 1], got {q!r}")
    u, v, ack = _window_pieces(segments, t0, t1)
    length = v - u
    positive = length > 0
    low = (u - ack)[positive]  # RPO at the start of each piece
    high = (v - ack)[positive]  # … and its supremum at the end (high - low = piece length)
    duration = t1 - t0
    zero_time = max(duration - float(np.sum(length[positive])), 0.0)  # time with RPO == 0
    target = q * duration
    if target <= zero_time or low.size == 0:
        return 0.0
    # Time with 0 < RPO <= x is sum(clip(x - low, 0, high - low)); its slope in x is the number
    # of pieces whose RPO range contains x, constant between consecutive break points.
    breaks = np.unique(np.concatenate([low, high]))
    slope = np.searchsorted(np.sort(low), breaks, side="right") - np.searchsorted(
        np.sort(high), breaks, side="right"
    )
    cumulative = np.empty_like(breaks)
    cumulative[0] = zero_time
    np.cumsum(slope[:-1] * np.diff(breaks), out=cumulative[1:])
    cumulative[1:] += zero_time
    j = int(np.searchsorted(cumulative, target, side="left"))
    if j >= breaks.size:  # rounding: target is the whole window
        return float(breaks[-1])
    x = breaks[j - 1] + (target - cumulative[j - 1]) / slope[j - 1]
    return float(min(x, breaks[j]))


# -- quantities outstanding over intervals -------------------------------------------------


def _intervals(
    t_start_s: npt.ArrayLike, t_end_s: npt.ArrayLike, weight: npt.ArrayLike | None
) -> tuple[FloatArray, FloatArray, np.ndarray]:
    """Non-empty intervals ``[start, end)`` with their weights (NaN end = never ends)."""
    start = _float_1d(t_start_s, "t_start_s")
    end = _float_1d(t_end_s, "t_end_s")
    if start.shape != end.shape:
        raise ValueError(f"t_start_s and t_end_s differ in length: {start.size} vs {end.size}")
    if weight is None:
        w = np.ones(start.shape, dtype=np.int64)
    else:
        w = np.broadcast_to(np.asarray(weight), start.shape)
        if w.dtype.kind in "bu":
            w = w.astype(np.int64)
        elif w.dtype.kind not in "if":
            w = w.astype(np.float64)
    end = np.where(np.isnan(end), np.inf, end)
    keep = ~np.isnan(start) & (end > start)
    return start[keep], end[keep], w[keep]


def outstanding_at(
    t_start_s: npt.ArrayLike,
    t_end_s: npt.ArrayLike,
    weight: npt.ArrayLike | None,
    t_s: npt.ArrayLike,
) -> FloatArray:
    """Sum of `weight` over items with ``start <= t < end`` at each sample time.

    Used for backlog bytes (start = ack, end = durable, weight = size) and in-flight counts
    (``weight=None`` counts items). NaN end = never ends; NaN start = never starts. Integer
    weights are summed exactly; the result is float (NaN where the time is NaN).
    """
    start, end, w = _intervals(t_start_s, t_end_s, weight)
    t = np.asarray(t_s, dtype=np.float64)
    by_start = np.argsort(start, kind="stable")
    by_end = np.argsort(end, kind="stable")
    zero = np.zeros(1, dtype=w.dtype)
    started = np.concatenate([zero, np.cumsum(w[by_start])])
    ended = np.concatenate([zero, np.cumsum(w[by_end])])
    n_started = np.searchsorted(start[by_start], t, side="right")
    n_ended = np.searchsorted(end[by_end], t, side="right")
    out = (started[n_started] - ended[n_ended]).astype(np.float64)
    return np.where(np.isnan(t), np.nan, out)


def time_average_outstanding(
    t_start_s: npt.ArrayLike,
    t_end_s: npt.ArrayLike,
    weight: npt.ArrayLike | None,
    t0_s: float,
    t1_s: float,
) -> float:
    """Exact time average over ``[t0_s, t1_s]`` of :func:`outstanding_at` (for Little's law:
    mean in-flight count = arrival rate × mean time in flight)."""
    t0, t1 = _check_window(t0_s, t1_s, positive=True)
    start, end, w = _intervals(t_start_s, t_end_s, weight)
    overlap = np.clip(np.minimum(end, t1) - np.maximum(start, t0), 0.0, None)
    return float(np.sum(w * overlap) / (t1 - t0))


def backlog_bytes_at(
    t_ack_s: npt.ArrayLike,
    t_durable_s: npt.ArrayLike,
    size_bytes: npt.ArrayLike,
    t_s: npt.ArrayLike,
) -> FloatArray:
    """Bytes of host writes acknowledged but not yet durable on the target, at each time
    (raw write bytes, overwrites counted each time)."""
    return outstanding_at(t_ack_s, t_durable_s, size_bytes, t_s)


def data_at_risk_bytes_at(
    t_ack_s: npt.ArrayLike,
    t_durable_s: npt.ArrayLike,
    size_bytes: npt.ArrayLike,
    t_s: npt.ArrayLike,
) -> FloatArray:
    """Bytes that would be lost if the source failed at each time.

    Seam: for now the sum of the sizes of acknowledged-but-not-durable writes (equal to
    :func:`backlog_bytes_at`). Coalescing overwrites per 4 KiB block will change only this
    function (it will then also take the block addresses).
    """
    return outstanding_at(t_ack_s, t_durable_s, size_bytes, t_s)
