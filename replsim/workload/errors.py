"""`WorkloadError` and the small checks every workload spec reader shares.

Each helper names the key it checks so a bad value gives `key: what was expected, got what`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from replsim import units

_T = TypeVar("_T")


class WorkloadError(ValueError):
    """An invalid workload spec or trace; the message names the key, or the file and line."""


def parse_unit(parser: Callable[[object], float], value: object, key: str) -> float:
    """`parser(value)` with a UnitError turned into a WorkloadError naming `key`."""
    try:
        return parser(value)
    except units.UnitError as exc:
        raise WorkloadError(f"{key}: {exc}") from None


def wrap(build: Callable[[], _T], key: str) -> _T:
    """Run a constructor; its ValueError becomes a WorkloadError naming `key`."""
    try:
        return build()
    except WorkloadError:
        raise
    except ValueError as exc:
        raise WorkloadError(f"{key}: {exc}") from None


def check_keys(value: Mapping[str, Any], allowed: Iterable[str], key: str) -> None:
    """Refuse unknown keys in a mapping, naming the first and the allowed ones."""
    allowed = tuple(allowed)
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        raise WorkloadError(f"{key}: unknown key {unknown[0]!r}; expected {', '.join(allowed)}")


def mapping(value: object, key: str, what: str) -> Mapping[str, Any]:
    """`value` if it is a mapping, else a WorkloadError saying what was expected."""
    if not isinstance(value, Mapping):
        raise WorkloadError(f"{key}: expected {what}, got {value!r}")
    return value


def number(
    value: object,
    key: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """A finite real number within optional bounds, or a WorkloadError naming `key`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WorkloadError(f"{key}: expected a number, got {value!r}")
    v = float(value)
    ok = math.isfinite(v)
    if ok and low is not None:
        ok = v > low if low_open else v >= low
    if ok and high is not None:
        ok = v < high if high_open else v <= high
    if not ok:
        lo = "" if low is None else f"{'>' if low_open else '>='} {low:g}"
        hi = "" if high is None else f"{'<' if high_open else '<='} {high:g}"
        bounds = " and ".join(b for b in (lo, hi) if b)
        raise WorkloadError(f"{key}: expected a finite number{' ' + bounds if bounds else ''}, "
                            f"got {value!r}")
    return v


def choice(value: object, options: Iterable[str], key: str) -> str:
    """One of `options`, or a WorkloadError listing them."""
    options = tuple(options)
    if not isinstance(value, str) or value not in options:
        raise WorkloadError(f"{key}: expected one of {', '.join(options)}, got {value!r}")
    return value


def duration(value: object, key: str, *, positive: bool = False) -> float:
    """A finite duration in seconds (>= 0, or > 0 when `positive`)."""
    seconds = parse_unit(units.duration_s, value, key)
    if seconds < 0 or (positive and seconds == 0):
        raise WorkloadError(f"{key}: expected a duration {'>' if positive else '>='} 0, "
                            f"got {value!r}")
    return seconds


def rate(value: object, key: str) -> float:
    """A finite rate >= 0 in IOPS."""
    iops = parse_unit(units.frequency_per_s, value, key)
    if iops < 0:
        raise WorkloadError(f"{key}: expected a finite rate >= 0 IOPS, got {value!r}")
    return iops


def sequence(value: object, key: str, what: str) -> list[Any]:
    """A list (not a string or mapping), or a WorkloadError saying what was expected."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, list | tuple):
        raise WorkloadError(f"{key}: expected {what}, got {value!r}")
    return list(value)
