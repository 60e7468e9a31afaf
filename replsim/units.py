"""Parse quantities with units ("5ms", "100GiB", "1Gbps") into SI floats.

Everything inside replsim is seconds, bytes and bytes per second; user input may carry
units as strings. Plain numbers are taken to be already in SI units.
"""

from __future__ import annotations

import math
import numbers
import re

_NUMBER = r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"
_PATTERN = re.compile(rf"^\s*{_NUMBER}\s*([A-Za-zµμ/]*)\s*$")

DURATION_S = {
    "": 1.0, "s": 1.0, "sec": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "μs": 1e-6,
    "ns": 1e-9, "min": 60.0, "h": 3600.0, "d": 86400.0,
}
SIZE_BYTES = {
    "": 1.0, "b": 1.0, "B": 1.0,
    "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
    "KiB": 2.0**10, "MiB": 2.0**20, "GiB": 2.0**30, "TiB": 2.0**40,
    "k": 1e3, "K": 1e3,
}
RATE_BYTES_PER_S = {
    "": 1.0, "B/s": 1.0, "Bps": 1.0,
    "KB/s": 1e3, "MB/s": 1e6, "GB/s": 1e9, "KiB/s": 2.0**10, "MiB/s": 2.0**20,
    "GiB/s": 2.0**30, "bps": 1 / 8, "Kbps": 1e3 / 8, "kbps": 1e3 / 8, "Mbps": 1e6 / 8,
    "Gbps": 1e9 / 8, "Tbps": 1e12 / 8,
}
DISTANCE_KM = {"": 1.0, "km": 1.0, "m": 1e-3, "mi": 1.609344}
FREQUENCY_PER_S = {"": 1.0, "/s": 1.0, "iops": 1.0, "IOPS": 1.0, "Hz": 1.0}


class UnitError(ValueError):
    """A quantity that could not be parsed; the message says what was expected."""


def _parse(value: object, table: dict[str, float], kind: str) -> float:
    units = ", ".join(sorted(u for u in table if u))
    # numbers.Real also admits numpy scalars (np.int64, np.float32); bool is not a quantity.
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return _finite(float(value), value, kind)
    if not isinstance(value, str):
        raise UnitError(f"expected a {kind} (a number, or a string with one of: {units}), "
                        f"got {value!r}")
    match = _PATTERN.match(value)
    if match is None or match.group(2) not in table:
        raise UnitError(f"cannot read {value!r} as a {kind}; use a number and one of: {units}")
    return _finite(float(match.group(1)) * table[match.group(2)], value, kind)


def _finite(number: float, value: object, kind: str) -> float:
    if not math.isfinite(number):
        raise UnitError(f"{value!r} is not a finite {kind}")
    return number


def duration_s(value: object) -> float:
    """Seconds from `"5ms"`, `"2min"`, `0.5` …"""
    return _parse(value, DURATION_S, "duration")


def size_bytes(value: object) -> float:
    """Bytes from `"4KiB"`, `"100GB"`, `4096` …"""
    return _parse(value, SIZE_BYTES, "size")


def rate_bytes_per_s(value: object) -> float:
    """Bytes per second from `"1Gbps"` (bits), `"100MB/s"` (bytes) …"""
    return _parse(value, RATE_BYTES_PER_S, "data rate")


def distance_km(value: object) -> float:
    """Kilometres from `"80km"`, `80` …"""
    return _parse(value, DISTANCE_KM, "distance")


def frequency_per_s(value: object) -> float:
    """Events per second from `"2000iops"`, `"50/s"`, `2000` …"""
    return _parse(value, FREQUENCY_PER_S, "rate")
