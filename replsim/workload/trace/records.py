"""What every trace parser produces: one record per data-carrying IO, or nothing.

A parser turns one text line into `(time_s, device, offset_bytes, size_bytes, is_write)`,
returns None for lines that carry no IO (headers, syncs, trims, file actions, other blktrace
actions, zero-length requests) and raises `MalformedLineError` for lines it cannot read.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

import numpy as np

Record = tuple[float, str, int, int, bool]


class MalformedLineError(ValueError):
    """A line that should carry an IO but cannot be read; the message says why."""


class BadTraceFileError(ValueError):
    """The file as a whole is not in the format (e.g. no fio iolog header); never skipped."""


class LineParser(Protocol):
    """Stateful per-file parser (formats such as fio v2 carry time from line to line)."""

    def __call__(self, line: str, lineno: int) -> Record | None: ...


class TraceChunk(NamedTuple):
    """A block of consecutive records, as numpy columns, with their line numbers."""

    time_s: np.ndarray
    device: list[str]
    offset_bytes: np.ndarray
    size_bytes: np.ndarray
    is_write: np.ndarray
    line: np.ndarray


def parse_int(text: str, what: str) -> int:
    """A non-negative decimal integer field, or MalformedLineError naming the field."""
    try:
        value = int(text)
    except ValueError:
        raise MalformedLineError(f"{what} {text!r} is not an integer") from None
    if value < 0:
        raise MalformedLineError(f"{what} {value} is negative")
    return value


def parse_float(text: str, what: str) -> float:
    """A finite number field, or MalformedLineError naming the field."""
    try:
        value = float(text)
    except ValueError:
        raise MalformedLineError(f"{what} {text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise MalformedLineError(f"{what} {text!r} is not finite")
    return value
