"""Write IOs in the simple trace CSV (`time_s,volume,offset_bytes,size_bytes,op`).

Times are written with `repr`, the shortest text that reads back as the same float, so a
generated workload exported here replays with identical times, sizes and offsets.
"""

from __future__ import annotations

import gzip
import math
from pathlib import Path
from typing import TextIO

from replsim.workload.offsets import BLOCK_BYTES
from replsim.workload.source import IoSource
from replsim.workload.trace.simplecsv import HEADER


def _open(path: Path) -> TextIO:
    if path.suffix == ".gz":
        return gzip.open(path, "wt", encoding="utf-8", newline="\n")
    return path.open("w", encoding="utf-8", newline="\n")


def write_csv(source: IoSource, path: str | Path, duration_s: float, volume: str = "vol",
              max_ios: int | None = None) -> int:
    """Write the source's IOs issued before `duration_s` (open loop); returns the count.

    The IOs are taken with `next_write`, so the source is consumed as a host would consume it.
    """
    path = Path(path)
    count = 0
    t = 0.0
    with _open(path) as out:
        out.write(HEADER + "\n")
        while max_ios is None or count < max_ios:
            gap, size, block, is_write = source.next_write()
            if math.isinf(gap):
                break
            t += gap
            if t >= duration_s:
                break
            out.write(f"{t!r},{volume},{block * BLOCK_BYTES},{size},{'W' if is_write else 'R'}\n")
            count += 1
    return count
