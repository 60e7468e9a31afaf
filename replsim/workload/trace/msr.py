"""SNIA IOTTA MSR Cambridge traces (Narayanan et al., FAST'08), one CSV line per IO.

Columns (no header in the distributed files; a `Timestamp,...` header line is accepted):
`Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime` — Timestamp in Windows FILETIME
(100 ns ticks since 1601), Type `Read`/`Write`, Offset and Size in bytes, ResponseTime in
ticks (ignored). Trace time is seconds since the file's first record, computed from integer
ticks so the 1e17-sized timestamps lose no precision. The device is `<Hostname>_<DiskNumber>`,
the name of the file the volume was published in (e.g. `src1_2`).
"""

from __future__ import annotations

from replsim.workload.trace.records import MalformedLineError, Record, parse_int

TICKS_PER_S = 10_000_000
FIELDS = "Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime"


class MsrParser:
    """Parses MSR lines; remembers the first timestamp as the trace's time origin."""

    def __init__(self) -> None:
        self._base_ticks: int | None = None

    def __call__(self, line: str, lineno: int) -> Record | None:
        if not line.strip():
            return None
        fields = line.split(",")
        if fields[0].strip().lower() == "timestamp" and self._base_ticks is None:
            return None
        if len(fields) != 7:
            raise MalformedLineError(f"expected 7 comma-separated fields ({FIELDS}), "
                                f"got {len(fields)}")
        ticks = parse_int(fields[0].strip(), "Timestamp")
        if self._base_ticks is None:
            self._base_ticks = ticks
        kind = fields[3].strip().lower()
        if kind == "write":
            is_write = True
        elif kind == "read":
            is_write = False
        else:
            raise MalformedLineError(f"Type must be Read or Write, got {fields[3].strip()!r}")
        offset = parse_int(fields[4].strip(), "Offset")
        size = parse_int(fields[5].strip(), "Size")
        if size == 0:
            return None
        device = f"{fields[1].strip()}_{fields[2].strip()}"
        return (ticks - self._base_ticks) / TICKS_PER_S, device, offset, size, is_write
