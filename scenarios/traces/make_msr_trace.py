"""Write `msr-synthetic.csv.gz`: a small, deterministic block trace in SNIA MSR Cambridge format.

    python scenarios/traces/make_msr_trace.py

Two disks of one made-up server `synth`, 30 s of IO:
- `synth_0` (the one `scenarios/trace-replay.yaml` replays): a database-like volume — a steady
  ~80 IOPS of small random IO (70 % writes, 80 % of them to a hot 5 % of a 20 GiB disk),
  a sequential 64 KiB log stream, and three 2-second write bursts (~900 IOPS of 4–256 KiB
  writes, like a checkpoint) starting at 5 s, 15 s and 25 s;
- `synth_1`: a quiet second disk (~20 IOPS, mostly reads), so the device mapping matters.

Columns: Timestamp (Windows FILETIME, 100 ns ticks), Hostname, DiskNumber, Type (Read/Write),
Offset (bytes), Size (bytes), ResponseTime (ticks). Only the Python standard library is used
(`random.Random` with a fixed seed, gzip with a fixed mtime) so the bytes are identical on
every machine and Python version.
"""

from __future__ import annotations

import gzip
import math
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "msr-synthetic.csv.gz"
SEED = 20070222
START_TICKS = 128_166_372_000_000_000  # 2007-02-22 00:00 UTC, the week MSR was traced
TICKS_PER_S = 10_000_000
DURATION_S = 30.0
GIB = 2**30
BLOCK = 4096


def _poisson_times(rng: random.Random, rate: float, start: float, end: float) -> list[float]:
    times, t = [], start
    while True:
        t += -math.log(1.0 - rng.random()) / rate
        if t >= end:
            return times
        times.append(t)


def _choice(rng: random.Random, weighted: list[tuple[int, float]]) -> int:
    u, acc = rng.random(), 0.0
    for value, weight in weighted:
        acc += weight
        if u < acc:
            return value
    return weighted[-1][0]


def records(rng: random.Random) -> list[tuple[float, int, str, int, int]]:
    """(time_s, disk, Read|Write, offset_bytes, size_bytes), unsorted."""
    out = []
    disk_blocks = 20 * GIB // BLOCK
    hot_blocks = disk_blocks // 20
    for t in _poisson_times(rng, 80.0, 0.0, DURATION_S):
        is_write = rng.random() < 0.7
        hot = rng.random() < 0.8
        block = rng.randrange(hot_blocks) if hot else rng.randrange(hot_blocks, disk_blocks)
        size = _choice(rng, [(4096, 0.6), (8192, 0.3), (16384, 0.1)])
        out.append((t, 0, "Write" if is_write else "Read", block * BLOCK, size))
    log_offset = 18 * GIB
    for t in _poisson_times(rng, 15.0, 0.0, DURATION_S):
        out.append((t, 0, "Write", log_offset, 65536))
        log_offset += 65536
    for burst_start in (5.0, 15.0, 25.0):
        for t in _poisson_times(rng, 900.0, burst_start, burst_start + 2.0):
            size = _choice(rng, [(4096, 0.5), (65536, 0.3), (262144, 0.2)])
            block = rng.randrange(disk_blocks - size // BLOCK)
            out.append((t, 0, "Write", block * BLOCK, size))
    for t in _poisson_times(rng, 20.0, 0.0, DURATION_S):
        is_write = rng.random() < 0.2
        out.append((t, 1, "Write" if is_write else "Read", rng.randrange(disk_blocks) * BLOCK,
                    8192))
    return out


def main() -> None:
    rng = random.Random(SEED)
    lines = []
    for t, disk, kind, offset, size in sorted(records(rng)):
        ticks = START_TICKS + round(t * TICKS_PER_S)
        response = 2000 + rng.randrange(20000)
        lines.append(f"{ticks},synth,{disk},{kind},{offset},{size},{response}\n")
    with OUT.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                               mtime=0, compresslevel=9) as gz:
        gz.write("".join(lines).encode("ascii"))
    print(f"{OUT.name}: {len(lines)} records, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
