"""Element (SolidFire) per-volume QoS: the IO cost curve, QoS settings and a FIFO shaper.

Element expresses every QoS limit in 4 KiB-equivalent IOs: a larger IO is charged more than
one "IO" according to a cost curve, so a volume limited to `maxIOPS` 1000 sustains 1000 4 KiB
writes per second but only 100 writes of 64 KiB. Burst credit accrues while the volume runs
below `maxIOPS` and lets it run up to `burstIOPS` for a while.

The shaper models this as a dual token bucket counted in 4K-IO units (a token-bucket filter
with a peak rate):

* a sustained bucket refilled at `max_iops` tokens/s, `credit_capacity + one IO's cost` deep,
  full at the start; an IO needs its cost in tokens and consumes them;
* a peak limit: consecutive releases are at least `cost / burst_iops` apart (the cost of the
  earlier IO), so the released rate never exceeds `burst_iops`.

Internally the sustained bucket is kept as a *credit level* ``L = tokens - cost`` that may go
into debt: an IO may go when ``L >= 0`` and then subtracts its cost, and ``L`` never exceeds
`credit_capacity`. This is the same bucket (depth `credit_capacity` plus the cost of the IO
that is waiting) without having to know the next IO's size while the bucket refills, and
``max(L, 0)`` is exactly the burst credit Element reports.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any, overload

import numpy as np
import numpy.typing as npt

__all__ = [
    "BURST_IOPS_RANGE",
    "DEFAULT_CURVE",
    "MAX_IOPS_RANGE",
    "MIN_IOPS_RANGE",
    "QosSettings",
    "QosShaper",
    "cost_4k_units",
]

DEFAULT_CURVE: dict[int, int] = {
    4096: 100,
    8192: 160,
    16384: 270,
    32768: 500,
    65536: 1000,
    131072: 1950,
    262144: 3900,
    524288: 7600,
    1048576: 15000,
}
"""Element's default IO-size (bytes) → cost table; a 4 KiB IO costs 100."""

MIN_IOPS_RANGE: tuple[float, float] = (50.0, 15000.0)
MAX_IOPS_RANGE: tuple[float, float] = (100.0, 200000.0)
BURST_IOPS_RANGE: tuple[float, float] = (100.0, 200000.0)

_COST_OF_4K = 100.0  # curve costs are relative to a 4 KiB IO costing 100
_COST_CACHE_LIMIT = 4096  # distinct IO sizes remembered per shaper


# --------------------------------------------------------------------------- cost curve


class _CostTable:
    """A validated curve as sorted tuples in 4K units, with a fast scalar lookup."""

    __slots__ = ("costs", "sizes", "slope_above")

    def __init__(self, items: tuple[tuple[int, float], ...]) -> None:
        self.sizes = tuple(float(s) for s, _ in items)
        self.costs = tuple(float(c) / _COST_OF_4K for _, c in items)
        self.slope_above = (self.costs[-1] - self.costs[-2]) / (self.sizes[-1] - self.sizes[-2])

    def scalar(self, size_bytes: float) -> float:
        """Cost of one IO of `size_bytes` (a float), linear between points."""
        sizes = self.sizes
        costs = self.costs
        if size_bytes <= sizes[0]:
            return costs[0]
        if size_bytes >= sizes[-1]:
            return costs[-1] + self.slope_above * (size_bytes - sizes[-1])
        i = bisect_right(sizes, size_bytes)
        s0 = sizes[i - 1]
        c0 = costs[i - 1]
        return c0 + (costs[i] - c0) * (size_bytes - s0) / (sizes[i] - s0)

    def vector(self, size_bytes: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Vectorised `scalar` (same shape as the input)."""
        xp = np.asarray(self.sizes)
        fp = np.asarray(self.costs)
        out = np.interp(size_bytes, xp, fp)
        above = size_bytes > xp[-1]
        if np.any(above):
            out = np.where(above, fp[-1] + self.slope_above * (size_bytes - xp[-1]), out)
        return out


def _normalise_curve(curve: Mapping[Any, Any]) -> dict[int, float]:
    """Curve with int sizes and float costs, sorted by size; ValueError if not usable."""
    if not isinstance(curve, Mapping):
        raise ValueError(f"curve must be a mapping of IO size (bytes) to cost, got {curve!r}")
    if len(curve) < 2:
        raise ValueError(f"curve needs at least 2 points (size: cost), got {dict(curve)!r}")
    points: dict[int, float] = {}
    for raw_size, raw_cost in curve.items():
        try:
            size_f = float(raw_size)
            cost = float(raw_cost)
        except (TypeError, ValueError):
            raise ValueError(
                f"curve entries must be numbers (size bytes: cost), got {raw_size!r}: {raw_cost!r}"
            ) from None
        if not (math.isfinite(size_f) and size_f > 0 and size_f == int(size_f)):
            raise ValueError(
                f"curve sizes must be positive whole numbers of bytes, got {raw_size!r}"
            )
        if not (math.isfinite(cost) and cost > 0):
            raise ValueError(f"curve costs must be positive and finite, got {raw_cost!r}")
        size = int(size_f)
        if size in points:
            raise ValueError(f"curve size {size} appears twice")
        points[size] = cost
    ordered = dict(sorted(points.items()))
    costs = list(ordered.values())
    if any(b <= a for a, b in pairwise(costs)):
        raise ValueError(f"curve costs must increase strictly with IO size, got {ordered!r}")
    return ordered


@lru_cache(maxsize=64)
def _table_from_items(items: tuple[tuple[Any, Any], ...]) -> _CostTable:
    return _CostTable(tuple(_normalise_curve(dict(items)).items()))


def _table(curve: Mapping[Any, Any]) -> _CostTable:
    try:
        items = tuple(curve.items())
        hash(items)
    except (AttributeError, TypeError):
        return _CostTable(tuple(_normalise_curve(curve).items()))
    return _table_from_items(items)


@overload
def cost_4k_units(size_bytes: float, curve: Mapping[int, float] = ...) -> float: ...
@overload
def cost_4k_units(
    size_bytes: npt.ArrayLike, curve: Mapping[int, float] = ...
) -> float | npt.NDArray[np.float64]: ...


def cost_4k_units(
    size_bytes: npt.ArrayLike, curve: Mapping[int, float] = DEFAULT_CURVE
) -> float | npt.NDArray[np.float64]:
    """Cost of one IO in 4 KiB-equivalent IOs (8 KiB → 1.6, 64 KiB → 10, 1 MiB → 150).

    Element charges QoS in these units. Linear in size between curve points, the first
    point's cost below it, and the last segment's slope extended above the largest size.
    A Python/numpy scalar gives a float; an array (or list) gives an array of the same shape.
    """
    table = _table(curve)
    if isinstance(size_bytes, int | float | np.integer | np.floating) and not isinstance(
        size_bytes, bool
    ):
        size = float(size_bytes)
        if not size >= 0:
            raise ValueError(f"size_bytes must be >= 0, got {size_bytes!r}")
        return table.scalar(size)
    sizes = np.asarray(size_bytes, dtype=np.float64)
    if np.any(~(sizes >= 0)):
        raise ValueError("size_bytes must all be >= 0 (and not NaN)")
    return table.vector(sizes)


# --------------------------------------------------------------------------- settings


def _check_range(name: str, element_name: str, value: float, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} ({element_name}) must be a number, got {value!r}")
    v = float(value)
    if not (math.isfinite(v) and lo <= v <= hi):
        raise ValueError(f"{name} ({element_name}) must be in [{lo:g}, {hi:g}], got {value!r}")
    return v


def _default_curve() -> dict[int, float]:
    return {size: float(cost) for size, cost in DEFAULT_CURVE.items()}


def _element_number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else float(x)


@dataclass(frozen=True)
class QosSettings:
    """One volume's Element QoS, validated against Element's limits.

    IOPS are in 4 KiB-equivalent IOs per second, `burst_time_s` is how many seconds of
    (burst - max) headroom the credit can hold. `curve` maps IO size in bytes to cost
    (4 KiB = 100); it is stored normalised (int sizes, float costs, sorted) and left out of
    the hash so settings stay usable as dict keys.
    """

    min_iops: float = 50
    max_iops: float = 15000
    burst_iops: float = 15000
    burst_time_s: float = 60.0
    curve: Mapping[int, float] = field(default_factory=_default_curve, hash=False)

    def __post_init__(self) -> None:
        lo, hi = MIN_IOPS_RANGE
        min_iops = _check_range("min_iops", "minIOPS", self.min_iops, lo, hi)
        lo, hi = MAX_IOPS_RANGE
        max_iops = _check_range("max_iops", "maxIOPS", self.max_iops, lo, hi)
        lo, hi = BURST_IOPS_RANGE
        burst_iops = _check_range("burst_iops", "burstIOPS", self.burst_iops, lo, hi)
        burst_time_s = _check_range(
            "burst_time_s", "burstTime", self.burst_time_s, 0.0, float("inf")
        )
        if max_iops < min_iops:
            raise ValueError(
                f"max_iops (maxIOPS) must be >= min_iops ({min_iops:g}), got {max_iops:g}"
            )
        if burst_iops < max_iops:
            raise ValueError(
                f"burst_iops (burstIOPS) must be >= max_iops ({max_iops:g}), got {burst_iops:g}"
            )
        try:
            curve = _normalise_curve(self.curve)
        except ValueError as exc:
            raise ValueError(f"curve: {exc}") from None
        object.__setattr__(self, "min_iops", min_iops)
        object.__setattr__(self, "max_iops", max_iops)
        object.__setattr__(self, "burst_iops", burst_iops)
        object.__setattr__(self, "burst_time_s", burst_time_s)
        object.__setattr__(self, "curve", curve)

    @property
    def credit_capacity_4k(self) -> float:
        """Most burst credit the volume can hold, in 4K-IO units: (burst - max) * burstTime."""
        return (self.burst_iops - self.max_iops) * self.burst_time_s

    def cost_4k_units(self, size_bytes: float) -> float:
        """Cost of one IO of `size_bytes` under this volume's curve (see `cost_4k_units`)."""
        return cost_4k_units(size_bytes, self.curve)

    def to_element(self) -> dict[str, Any]:
        """Element's QoS object (as in CreateVolume/ModifyVolume); IOPS rounded to integers."""
        return {
            "minIOPS": round(self.min_iops),
            "maxIOPS": round(self.max_iops),
            "burstIOPS": round(self.burst_iops),
            "burstTime": round(self.burst_time_s),
            "curve": {str(size): _element_number(cost) for size, cost in self.curve.items()},
        }

    @classmethod
    def from_element(cls, qos: Mapping[str, Any]) -> QosSettings:
        """Settings from an Element QoS object; missing keys keep the defaults.

        Unknown keys are ignored (GetVolume's QoS object carries extra fields).
        """
        kwargs: dict[str, Any] = {}
        for element_key, name in (
            ("minIOPS", "min_iops"),
            ("maxIOPS", "max_iops"),
            ("burstIOPS", "burst_iops"),
            ("burstTime", "burst_time_s"),
        ):
            if element_key in qos and qos[element_key] is not None:
                value = qos[element_key]
                try:
                    kwargs[name] = float(value)
                except (TypeError, ValueError):
                    raise ValueError(
                        f"{name} ({element_key}) must be a number, got {value!r}"
                    ) from None
        if qos.get("curve") is not None:
            kwargs["curve"] = qos["curve"]
        return cls(**kwargs)


# --------------------------------------------------------------------------- shaper


class QosShaper:
    """FIFO shaper of one volume: computes when each write may go to its slice service.

    Dual token bucket in 4K-IO units (see the module docstring). State: the credit level
    `_level` at time `_t_level` (the last release, or the last QoS change if later) and the
    earliest time the peak limit allows the next release, `_t_peak_free`. Releases are never
    before `t_start_s` nor before the last `update`.
    """

    __slots__ = (
        "_allow",
        "_burst_iops",
        "_capacity",
        "_cost_cache",
        "_level",
        "_max_iops",
        "_t_level",
        "_t_peak_free",
        "_table",
        "settings",
        "window_s",
    )

    def __init__(self, settings: QosSettings, t_start_s: float = 0.0,
                 window_s: float = 0.0) -> None:
        if not window_s >= 0.0:
            raise ValueError(f"QoS window_s must be >= 0, got {window_s!r}")
        self.window_s = float(window_s)
        self.settings = settings
        self._apply(settings)
        self._level = self._capacity  # starts full
        self._t_level = float(t_start_s)
        self._t_peak_free = float(t_start_s)

    def _apply(self, settings: QosSettings) -> None:
        self.settings = settings
        self._max_iops = float(settings.max_iops)
        self._burst_iops = float(settings.burst_iops)
        self._capacity = settings.credit_capacity_4k
        # Burst tolerance (GCRA's tau): limits are enforced as averages over window_s, so
        # IOs arriving together within a window are not spaced out one by one.
        self._allow = self._max_iops * self.window_s
        self._table = _table(settings.curve)
        self._cost_cache: dict[float, float] = {}

    def _cost(self, size_bytes: float) -> float:
        cost = self._cost_cache.get(size_bytes)
        if cost is None:
            if not size_bytes >= 0:
                raise ValueError(f"size_bytes must be >= 0, got {size_bytes!r}")
            cost = self._table.scalar(float(size_bytes))
            if len(self._cost_cache) < _COST_CACHE_LIMIT:
                self._cost_cache[size_bytes] = cost
        return cost

    def release_time(self, t_arrival_s: float, size_bytes: float) -> float:
        """Release time of the next IO in FIFO order; updates the buckets.

        The IO waits behind the previous release, for the peak spacing after it, and until
        the sustained bucket holds its cost. Returns a time >= `t_arrival_s` and >= the
        previous release.
        """
        cost = self._cost(size_bytes)
        t0 = t_arrival_s
        if self._t_level > t0:  # the last release (or QoS change): FIFO
            t0 = self._t_level
        t_peak_free = self._t_peak_free
        if t_peak_free - self.window_s > t0:
            t0 = t_peak_free - self.window_s
        level = self._level + self._max_iops * (t0 - self._t_level)
        if level >= -self._allow:
            if level > self._capacity:
                level = self._capacity
            t_release = t0
        else:
            # Credit too far in debt: wait until it refills to the tolerance (not the cap).
            t_release = self._t_level - (self._level + self._allow) / self._max_iops
            if t_release < t0:  # rounding only
                t_release = t0
            level = -self._allow
        self._level = level - cost
        self._t_level = t_release
        self._t_peak_free = (t_peak_free if t_peak_free > t_release else t_release) + (
            cost / self._burst_iops)
        return t_release

    def _level_at(self, t_s: float) -> float:
        dt = t_s - self._t_level
        if dt <= 0.0:
            return self._level
        level = self._level + self._max_iops * dt
        return level if level < self._capacity else self._capacity

    def credit_4k_units(self, t_s: float) -> float:
        """Burst credit at `t_s` in 4K-IO units (Element's burstIOPSCredit); read-only.

        For a `t_s` before the last computed release the credit after that release is
        reported, since the queued IOs have already been charged.
        """
        level = self._level_at(t_s)
        return level if level > 0.0 else 0.0

    def update(self, settings: QosSettings, t_s: float) -> None:
        """Change QoS at `t_s` (ModifyVolume): credit is carried over, clipped to the new cap.

        The change applies from `t_s`, or from the last computed release if that is later
        (IOs already released keep their times). A pending debt (an IO being paid off) stays.
        """
        t_change = max(float(t_s), self._t_level)
        level = self._level_at(t_change)
        self._apply(settings)
        if level > self._capacity:
            level = self._capacity
        self._level = level
        self._t_level = t_change
