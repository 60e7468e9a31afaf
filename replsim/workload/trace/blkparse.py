"""blktrace events as printed by `blkparse` with its default format.

Event lines: `maj,min cpu seq seconds.nanoseconds pid action RWBS sector + count [command]`
(sectors of 512 bytes). One action stands for the IO's arrival: `Q` (queued, the default) or
e.g. `D` (issued to the driver). RWBS containing `W` is a write, `R` a read; discards (`D`),
flush-only requests and zero-length requests carry no data and are skipped. Lines that are not
events (the per-CPU and total summaries blkparse prints at the end, blank lines) are ignored.
The device is `maj,min`.
"""

from __future__ import annotations

import re

from replsim.workload.trace.records import MalformedLineError, Record, parse_float, parse_int

SECTOR_BYTES = 512
ACTIONS = ("Q", "G", "I", "D", "C")
_DEVICE = re.compile(r"^\d+,\d+$")


class BlkparseParser:
    """Parses blkparse default output, keeping the events of one action."""

    def __init__(self, action: str = "Q") -> None:
        if action not in ACTIONS:
            raise ValueError(f"blkparse action must be one of {', '.join(ACTIONS)}, got "
                             f"{action!r}")
        self._action = action

    def __call__(self, line: str, lineno: int) -> Record | None:
        tokens = line.split()
        if not tokens or not _DEVICE.match(tokens[0]):
            return None
        if len(tokens) < 7:
            raise MalformedLineError("an event line needs 'dev cpu seq time pid action RWBS ...'")
        if tokens[5] != self._action:
            return None
        rwbs = tokens[6]
        if len(tokens) < 10 or tokens[8] != "+":
            if "F" in rwbs or "N" in rwbs:
                return None
            raise MalformedLineError(f"a {self._action} event needs 'RWBS sector + count'")
        time_s = parse_float(tokens[3], "time")
        sector = parse_int(tokens[7], "sector")
        count = parse_int(tokens[9], "sector count")
        if "D" in rwbs or count == 0:
            return None
        if "W" in rwbs:
            is_write = True
        elif "R" in rwbs:
            is_write = False
        else:
            return None
        return time_s, tokens[0], sector * SECTOR_BYTES, count * SECTOR_BYTES, is_write
