"""fio iolog version 2 and 3 (`write_iolog=` output, `read_iolog=` input).

v2: first line `fio version 2 iolog`, then `filename action` (add, open, close) or
`filename action offset length` (read, write, sync, datasync, trim, wait). v2 has no
timestamps: time advances only at `wait` lines, whose offset field is a delay in microseconds
relative to the previous wait (fio's HOWTO; delays below 100 µs are discarded, as fio does);
the IOs in between are issued back to back.
v3: first line `fio version 3 iolog`, then `timestamp filename action [offset length]`; the
timestamp counts from the start of the log, in microseconds by default (what fio writes;
`time_unit_s` changes it); `wait` is not allowed. The device is the filename field.
"""

from __future__ import annotations

from replsim.workload.trace.records import (
    BadTraceFileError,
    MalformedLineError,
    Record,
    parse_int,
)

HEADERS = {"fio version 2 iolog": 2, "fio version 3 iolog": 3}
FILE_ACTIONS = ("add", "open", "close")
NO_DATA = ("sync", "datasync", "trim")
MIN_WAIT_US = 100


class FioParser:
    """Parses fio iolog v2/v3; the first line fixes the version."""

    def __init__(self, time_unit_s: float = 1e-6) -> None:
        # Divide by ticks per second when that is whole (1e6 for µs): 100 µs → exactly 1e-4 s.
        per_s = 1.0 / time_unit_s
        self._ticks_per_s = float(round(per_s)) if abs(per_s - round(per_s)) < 1e-6 else per_s
        self._version: int | None = None
        self._time_s = 0.0

    def __call__(self, line: str, lineno: int) -> Record | None:
        text = line.strip()
        if self._version is None:
            if text not in HEADERS:
                raise BadTraceFileError(f"not a fio iolog: line {lineno} should be 'fio version 2 "
                                   f"iolog' or 'fio version 3 iolog', got {text[:60]!r}")
            self._version = HEADERS[text]
            return None
        if not text:
            return None
        tokens = text.split()
        if self._version == 3:
            if len(tokens) not in (3, 5):
                raise MalformedLineError("expected 'timestamp filename action [offset length]'")
            time_s = parse_int(tokens[0], "timestamp") / self._ticks_per_s
            tokens = tokens[1:]
        else:
            if len(tokens) not in (2, 4):
                raise MalformedLineError("expected 'filename action [offset length]'")
            time_s = self._time_s
        if len(tokens) == 2:
            if tokens[1] not in FILE_ACTIONS:
                raise MalformedLineError(f"unknown file action {tokens[1]!r}; expected "
                                    f"{', '.join(FILE_ACTIONS)}")
            return None
        filename, action, offset_text, length_text = tokens
        if action == "wait":
            if self._version == 3:
                raise MalformedLineError("'wait' is not allowed in a version 3 iolog")
            delay_us = parse_int(offset_text, "wait delay")
            if delay_us >= MIN_WAIT_US:
                self._time_s += delay_us * 1e-6
            return None
        if action in NO_DATA:
            return None
        if action not in ("read", "write"):
            raise MalformedLineError(f"unknown action {action!r}; expected read, write, sync, "
                                "datasync, trim or wait")
        offset = parse_int(offset_text, "offset")
        length = parse_int(length_text, "length")
        if length == 0:
            return None
        return time_s, filename, offset, length, action == "write"
