"""Stream a trace file as chunks of IO records, filtered, with bounded memory.

`TraceReader` reads the file line by line (gzip or plain), hands each line to the format's
parser, applies the device, window and read filters, and yields numpy chunks of at most
`chunk_rows` records. Malformed lines raise `WorkloadError("<file>, line N: ...")`, or are
skipped and counted when `malformed="skip"`.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from replsim.workload.errors import WorkloadError
from replsim.workload.trace.blkparse import BlkparseParser
from replsim.workload.trace.fio import HEADERS as FIO_HEADERS
from replsim.workload.trace.fio import FioParser
from replsim.workload.trace.msr import MsrParser
from replsim.workload.trace.records import (
    BadTraceFileError,
    LineParser,
    MalformedLineError,
    TraceChunk,
)
from replsim.workload.trace.simplecsv import SimpleCsvParser
from replsim.workload.trace.textfile import open_text

CHUNK_ROWS = 65_536
MAX_DEVICES_SEEN = 1000
MAX_EXAMPLES = 5


@dataclass(frozen=True)
class TraceOptions:
    """Which file, in which format, and which of its records to keep."""

    path: Path
    format: str
    devices: frozenset[str] | None = None
    window_start_s: float | None = None
    window_end_s: float | None = None
    reads: str = "keep"
    malformed: str = "error"
    fio_time_unit_s: float = 1e-6
    blkparse_action: str = "Q"


FORMATS: dict[str, Callable[[TraceOptions], LineParser]] = {
    "msr": lambda o: MsrParser(),
    "fio": lambda o: FioParser(o.fio_time_unit_s),
    "blkparse": lambda o: BlkparseParser(o.blkparse_action),
    "csv": lambda o: SimpleCsvParser(),
}


class TraceReader:
    """One pass over a trace file; counters describe what was skipped."""

    def __init__(self, options: TraceOptions, chunk_rows: int = CHUNK_ROWS) -> None:
        if options.format not in FORMATS:
            raise WorkloadError(f"trace.format: expected one of {', '.join(FORMATS)}, got "
                                f"{options.format!r}")
        self.options = options
        self.chunk_rows = int(chunk_rows)
        self.malformed_lines = 0
        self.malformed_examples: list[str] = []
        self.ignored_lines = 0
        self.devices_seen: dict[str, int] = {}

    def _bad(self, lineno: int, reason: str) -> None:
        where = f"{self.options.path}, line {lineno}"
        if self.options.malformed == "error":
            raise WorkloadError(f"{where}: {reason} (set trace.malformed: skip to skip and "
                                "count such lines)")
        self.malformed_lines += 1
        if len(self.malformed_examples) < MAX_EXAMPLES:
            self.malformed_examples.append(f"line {lineno}: {reason}")

    def __iter__(self) -> Iterator[TraceChunk]:
        o = self.options
        parser = FORMATS[o.format](o)
        start, end = o.window_start_s, o.window_end_s
        keep_reads = o.reads == "keep"
        devices, seen = o.devices, self.devices_seen
        cols: tuple[list, ...] = ([], [], [], [], [], [])
        lineno = 0
        with open_text(o.path) as stream:
            try:
                for lineno, line in enumerate(stream, 1):
                    try:
                        record = parser(line, lineno)
                    except MalformedLineError as exc:
                        self._bad(lineno, str(exc))
                        continue
                    except BadTraceFileError as exc:
                        raise WorkloadError(f"{o.path}: {exc}") from None
                    if record is None:
                        self.ignored_lines += 1
                        continue
                    time_s, device, offset, size, is_write = record
                    if device in seen:
                        seen[device] += 1
                    elif len(seen) < MAX_DEVICES_SEEN:
                        seen[device] = 1
                    if start is not None and time_s < start:
                        continue
                    if end is not None and time_s >= end:
                        break
                    if (devices is not None and device not in devices) or (
                        not is_write and not keep_reads
                    ):
                        continue
                    for col, value in zip(cols, (time_s, device, offset, size, is_write,
                                                 lineno), strict=True):
                        col.append(value)
                    if len(cols[0]) >= self.chunk_rows:
                        yield _chunk(cols)
                        cols = ([], [], [], [], [], [])
            except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
                raise WorkloadError(f"{o.path}, line {lineno + 1}: cannot read the file "
                                    f"({exc})") from None
        if cols[0]:
            yield _chunk(cols)


def _chunk(cols: tuple[list, ...]) -> TraceChunk:
    times, devices, offsets, sizes, writes, lines = cols
    return TraceChunk(
        np.array(times, dtype=float),
        devices,
        np.array(offsets, dtype=np.int64),
        np.array(sizes, dtype=np.int64),
        np.array(writes, dtype=bool),
        np.array(lines, dtype=np.int64),
    )


_BLKPARSE = re.compile(r"^\s*\d+,\d+\s+\d+\s+\d+\s+\d+\.\d+\s+\d+\s+[A-Za-z]\s")


def sniff_format(path: Path) -> str:
    """Guess the format from the first lines; a WorkloadError if nothing fits."""
    lines: list[str] = []
    with open_text(path) as stream:
        try:
            for line in stream:
                if line.strip():
                    lines.append(line.strip())
                if len(lines) >= 20:
                    break
        except (OSError, EOFError, zlib.error) as exc:
            raise WorkloadError(f"{path}: cannot read the file ({exc})") from None
    if not lines:
        raise WorkloadError(f"{path}: the trace is empty")
    if lines[0] in FIO_HEADERS:
        return "fio"
    if any(_BLKPARSE.match(line) for line in lines):
        return "blkparse"
    data = [line for line in lines if not line.startswith("#")]
    if data and data[0].lower().startswith("timestamp,hostname"):
        return "msr"
    if data and data[0].startswith("time_s,"):
        return "csv"
    fields = [line.split(",") for line in data]
    if fields and all(len(f) == 7 for f in fields):
        return "msr"
    if fields and all(len(f) == 5 for f in fields):
        return "csv"
    raise WorkloadError(f"{path}: cannot tell the trace format from its first lines; give "
                        f"the format ({', '.join(FORMATS)})")
