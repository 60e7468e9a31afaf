"""Small trace files written by the tests themselves, one per format."""

from __future__ import annotations

import gzip
from pathlib import Path

from replsim.workload.trace.reader import TraceOptions, TraceReader

T0 = 128_166_372_000_000_000  # FILETIME ticks

MSR = "\n".join([
    f"{T0},src1,2,Write,4096,8192,1200",
    f"{T0 + 100_000},src1,2,Read,0,4096,900",           # 10 ms
    f"{T0 + 10_000_000},src1,0,Write,8192,4096,800",    # 1 s, another disk
    f"{T0 + 25_000_000},src1,2,Write,1073741824,65536,700",  # 2.5 s, 1 GiB offset
    f"{T0 + 30_000_001},src1,2,Write,12288,0,100",      # zero size: no data
]) + "\n"

BLKPARSE = """\
  8,0    3        1     0.000000000   697  Q   W 223490 + 8 [kjournald]
  8,0    3        2     0.000001000   697  G   W 223490 + 8 [kjournald]
  8,0    3        3     0.000250000   697  D   W 223490 + 8 [kjournald]
  8,0    3        4     0.001000000     0  C   W 223490 + 8 [0]
  8,16   1        1     0.002000000   700  Q   R 100 + 16 [dd]
  8,0    3        5     0.003000000   697  Q FWS [kjournald]
  8,0    3        6     0.004000000   697  Q  DS 5000 + 8 [fstrim]
  8,0    0        0     0.005000000     0  m   N cfq697 slice expired
  8,0    2        7     1.500000000   697  Q  WS 1000 + 256 [postgres]

CPU3 (8,0):
 Reads Queued:           0,        0KiB\t Writes Queued:           2,        8KiB
Total (8,0):
 Reads Queued:           1,        8KiB\t Writes Queued:           2,      132KiB
"""

FIO_V2 = """\
fio version 2 iolog
/dev/sdb add
/dev/sdb open
/dev/sdb write 0 4096
/dev/sdb wait 1000 0
/dev/sdb write 4096 4096
/dev/sdb wait 50 0
/dev/sdb read 8192 8192
/dev/sdb sync 0 0
/dev/sdb trim 0 4096
/dev/sdb wait 2000000 0
/dev/sdb write 12288 16384
/dev/sdb close
"""

FIO_V3 = """\
fio version 3 iolog
0 /dev/sdb add
0 /dev/sdb open
100 /dev/sdb write 0 4096
1100 /dev/sdb write 4096 4096
2100 /dev/sdc read 0 512
5000 /dev/sdb datasync 0 0
7100 /dev/sdb write 65536 131072
9000 /dev/sdb close
"""

CSV = """\
time_s,volume,offset_bytes,size_bytes,op
# a comment
0.5,db,0,4096,W
0.75,db,4096,8192,R

1.25,log,1048576,65536,W
"""


def write(tmp: Path, name: str, text: str, gz: bool = False) -> Path:
    path = tmp / name
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as out:
            out.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def records(path: Path, fmt: str, **options: object) -> list[tuple]:
    """Every kept record as (time_s, device, offset, size, is_write, line)."""
    reader = TraceReader(TraceOptions(path=path, format=fmt, **options), chunk_rows=2)
    out = []
    for chunk in reader:
        out.extend(zip(chunk.time_s.tolist(), chunk.device, chunk.offset_bytes.tolist(),
                       chunk.size_bytes.tolist(), chunk.is_write.tolist(), chunk.line.tolist(),
                       strict=True))
    return out
