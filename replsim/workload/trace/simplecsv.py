"""replsim's own simple trace CSV: `time_s,volume,offset_bytes,size_bytes,op`.

One IO per line: time in seconds (any origin; a decimal number), a volume or device name,
byte offset and size (integers), op `W` (write) or `R` (read). An optional first line
`time_s,volume,offset_bytes,size_bytes,op`, blank lines and `#` comment lines are ignored.
`writer.py` writes this format, exactly enough to replay bit-for-bit.
"""

from __future__ import annotations

from replsim.workload.trace.records import MalformedLineError, Record, parse_float, parse_int

HEADER = "time_s,volume,offset_bytes,size_bytes,op"


class SimpleCsvParser:
    """Parses the simple CSV format."""

    def __call__(self, line: str, lineno: int) -> Record | None:
        text = line.strip()
        if not text or text.startswith("#"):
            return None
        fields = text.split(",")
        if fields[0].strip() == "time_s":
            return None
        if len(fields) != 5:
            raise MalformedLineError(f"expected 5 comma-separated fields ({HEADER}), "
                                     f"got {len(fields)}")
        time_s = parse_float(fields[0].strip(), "time_s")
        offset = parse_int(fields[2].strip(), "offset_bytes")
        size = parse_int(fields[3].strip(), "size_bytes")
        op = fields[4].strip().upper()
        if op not in ("W", "R"):
            raise MalformedLineError(f"op must be W or R, got {fields[4].strip()!r}")
        if size == 0:
            return None
        return time_s, fields[1].strip(), offset, size, op == "W"
