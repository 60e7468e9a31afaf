"""Replay a block trace as one volume's IO source (the `WriteSource` interface).

Construction makes one streaming pass over the file (bounded memory) to check every line,
count records and find the time span; a bad trace is refused before the run starts. Replay then
streams the file again in chunks.

Time: trace time 0 (or the window start, if given) is simulated time 0, and a record at trace
time τ is issued at `(τ − origin) × time_scale` seconds. Every reader puts trace time 0 at the
trace's start (MSR: its first record; blkparse and fio v3: their own clocks; the simple CSV:
its `time_s` as written), so a CSV on an absolute clock needs `window.start`. Records out of
time order are issued at once (gap 0). When the trace ends the source returns gap = inf and
the host idles.
`set_rate(r)` rescales time from then on so the long-run mean rate becomes `r`.

Space: the byte offset becomes block `offset // 4096`, wrapped modulo the scenario volume's
blocks when the trace device is larger; an IO that would run past the volume's end is moved
back to end at the last block.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from replsim.workload.arrivals import check_rate_iops
from replsim.workload.errors import WorkloadError
from replsim.workload.offsets import BLOCK_BYTES
from replsim.workload.trace.reader import CHUNK_ROWS, TraceOptions, TraceReader

IDLE = (math.inf, 0, 0, True)
_Record = tuple[float, int, int, bool]


@dataclass
class TraceStats:
    """What the checking pass found (shown by `replsim workload describe`)."""

    records: int = 0
    writes: int = 0
    reads: int = 0
    first_s: float = math.nan
    last_s: float = math.nan
    out_of_order: int = 0
    wrapped: int = 0
    malformed_lines: int = 0
    malformed_examples: list[str] = field(default_factory=list)
    ignored_lines: int = 0
    devices_seen: dict[str, int] = field(default_factory=dict)


def to_blocks(chunk_offsets: np.ndarray, chunk_sizes: np.ndarray, volume_blocks: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """(first blocks, wrapped flags): offsets → 4 KiB blocks, wrapped into the volume."""
    span = -(-chunk_sizes // BLOCK_BYTES)
    raw = chunk_offsets // BLOCK_BYTES
    wrapped = raw + span > volume_blocks
    first = np.minimum(raw % volume_blocks, volume_blocks - span)
    return first, wrapped


class TraceSource:
    """A trace file replayed into one volume (see the module docstring for the rules)."""

    def __init__(
        self,
        options: TraceOptions,
        volume_blocks: int,
        time_scale: float = 1.0,
        chunk_rows: int = CHUNK_ROWS,
    ) -> None:
        if not (math.isfinite(time_scale) and time_scale > 0):
            raise WorkloadError(f"trace.time_scale: expected a number > 0, got {time_scale!r}")
        self.options = options
        self.volume_blocks = int(volume_blocks)
        self.time_scale = float(time_scale)
        self._chunk_rows = int(chunk_rows)
        self.stats = self._check()
        origin = options.window_start_s
        self.origin_s = 0.0 if origin is None else origin
        span = self.stats.last_s - self.origin_s
        self._trace_rate = self.stats.records / span if span > 0 else math.nan
        self.passes = 0
        self._records: Iterator[_Record] | None = None
        self._sim_anchor_s = 0.0
        self._trace_anchor_s = self.origin_s
        self._factor = self.time_scale
        self._clock_s = 0.0
        self._prev_clock_s = 0.0
        self._pending: _Record | None = None
        self._requeued: _Record | None = None
        self.ended = False

    # ---- the checking pass -------------------------------------------------------------
    def _check(self) -> TraceStats:
        reader = TraceReader(self.options, self._chunk_rows)
        stats = TraceStats()
        last = -math.inf
        for chunk in reader:
            sizes = chunk.size_bytes
            too_big = -(-sizes // BLOCK_BYTES) > self.volume_blocks
            if too_big.any():
                i = int(np.argmax(too_big))
                raise WorkloadError(
                    f"{self.options.path}, line {int(chunk.line[i])}: an IO of {int(sizes[i])} "
                    f"bytes is larger than the scenario volume ({self.volume_blocks} blocks)"
                )
            _, wrapped = to_blocks(chunk.offset_bytes, sizes, self.volume_blocks)
            times = chunk.time_s
            running = np.maximum.accumulate(np.concatenate([[last], times]))
            stats.out_of_order += int((times < running[:-1]).sum())
            last = float(running[-1])
            if stats.records == 0:
                stats.first_s = float(times[0])
            stats.records += len(times)
            stats.writes += int(chunk.is_write.sum())
            stats.wrapped += int(wrapped.sum())
        stats.reads = stats.records - stats.writes
        stats.last_s = last
        stats.malformed_lines = reader.malformed_lines
        stats.malformed_examples = reader.malformed_examples
        stats.ignored_lines = reader.ignored_lines
        stats.devices_seen = dict(reader.devices_seen)
        if stats.records == 0:
            raise WorkloadError(self._nothing_to_replay(stats))
        return stats

    def _nothing_to_replay(self, stats: TraceStats) -> str:
        o = self.options
        why = []
        if o.devices is not None:
            seen = ", ".join(sorted(stats.devices_seen)[:20]) or "none"
            why.append(f"device {', '.join(sorted(o.devices))} (devices in the file: {seen})")
        if o.window_start_s is not None or o.window_end_s is not None:
            why.append(f"window [{o.window_start_s}, {o.window_end_s}) s")
        if o.reads == "drop":
            why.append("reads dropped")
        detail = f" for {'; '.join(why)}" if why else ""
        return f"{o.path}: no IO records to replay{detail}"

    # ---- streaming -----------------------------------------------------------------------
    def _stream(self) -> Iterator[_Record]:
        for chunk in TraceReader(self.options, self._chunk_rows):
            first, _ = to_blocks(chunk.offset_bytes, chunk.size_bytes, self.volume_blocks)
            yield from zip(chunk.time_s.tolist(), chunk.size_bytes.tolist(), first.tolist(),
                           chunk.is_write.tolist(), strict=True)

    def _next_record(self) -> _Record | None:
        if self._records is None:
            self._records = self._stream()
            self.passes += 1
        return next(self._records, None)

    # ---- the source interface --------------------------------------------------------------
    @property
    def mean_rate_iops(self) -> float:
        """Long-run mean rate at the current time scale (records / scaled span)."""
        return 0.0 if self._factor == math.inf else self._trace_rate / self._factor

    @property
    def clock_s(self) -> float:
        """Simulated time of the last record returned."""
        return self._clock_s

    def next_write(self) -> tuple[float, int, int, bool]:
        """(gap_s, size_bytes, first_block, is_write) of the next record; inf at the end."""
        if self._factor == math.inf:
            return IDLE
        record = self._requeued
        if record is None:
            record = self._next_record()
            if record is None:
                self.ended = True
                self._pending = None
                return IDLE
        self._requeued = None
        target = self._sim_anchor_s + (record[0] - self._trace_anchor_s) * self._factor
        gap = target - self._clock_s
        if gap < 0.0:
            gap = 0.0
        self._prev_clock_s = self._clock_s
        self._clock_s += gap
        self._pending = record
        return gap, record[1], record[2], record[3]

    def next_io(self) -> tuple[int, int, bool]:
        """The next record's (size, block, is_write), ignoring time; wraps at the end."""
        record = self._requeued or self._next_record()
        self._requeued = None
        if record is None:
            self._records = None
            record = self._next_record()
            assert record is not None  # the checking pass found records
        return record[1], record[2], record[3]

    def set_rate(self, rate_iops: float, now_s: float | None = None) -> None:
        """Rescale time from now so the long-run mean rate is `rate_iops` (0 = pause).

        A host calls this while waiting for the record returned last, then abandons that wait:
        the record is returned again by the next `next_write`, re-timed. `now_s` is the time of
        the change; without it the change counts from the previous record's issue time.
        """
        rate = check_rate_iops(rate_iops)
        if now_s is not None:
            t_now = float(now_s)
        elif self._pending is not None:
            t_now = self._prev_clock_s
        else:
            t_now = self._clock_s
        if self._factor == math.inf:
            trace_now = self._trace_anchor_s
        else:
            trace_now = self._trace_anchor_s + (t_now - self._sim_anchor_s) / self._factor
        if self._pending is not None:
            self._requeued, self._pending = self._pending, None
        self._clock_s = t_now
        self._sim_anchor_s, self._trace_anchor_s = t_now, trace_now
        if rate == 0.0:
            self._factor = math.inf
        elif math.isnan(self._trace_rate):
            self._factor = self.time_scale
        else:
            self._factor = self._trace_rate / rate
