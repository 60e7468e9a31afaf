"""fio iolog v2 (time from wait lines) and v3 (timestamps), actions, malformed lines."""

from __future__ import annotations

import pytest

from replsim.workload.errors import WorkloadError
from replsim.workload.trace.reader import TraceOptions, TraceReader

from .fixtures import FIO_V2, FIO_V3, records, write


def test_v2_waits_advance_time_and_short_waits_are_discarded(tmp_path) -> None:
    got = records(write(tmp_path, "v2.log", FIO_V2), "fio")
    assert [r[:5] for r in got] == [
        (0.0, "/dev/sdb", 0, 4096, True),
        (0.001, "/dev/sdb", 4096, 4096, True),
        (0.001, "/dev/sdb", 8192, 8192, False),   # the 50 µs wait is below fio's 100 µs
        (2.001, "/dev/sdb", 12288, 16384, True),
    ]


def test_v3_timestamps_in_microseconds_and_configurable(tmp_path) -> None:
    path = write(tmp_path, "v3.log.gz", FIO_V3, gz=True)
    got = records(path, "fio")
    assert [(r[0], r[1], r[4]) for r in got] == [
        (100e-6, "/dev/sdb", True), (1100e-6, "/dev/sdb", True), (2100e-6, "/dev/sdc", False),
        (7100e-6, "/dev/sdb", True)]
    assert records(path, "fio", fio_time_unit_s=1e-9)[-1][0] == pytest.approx(7100e-9)
    assert [r[1] for r in records(path, "fio", devices=frozenset({"/dev/sdc"}))] == ["/dev/sdc"]


def test_missing_header_is_a_file_error_even_when_skipping(tmp_path) -> None:
    path = write(tmp_path, "nohdr.log", FIO_V2.split("\n", 1)[1])
    with pytest.raises(WorkloadError, match=r"nohdr.log: not a fio iolog: line 1"):
        records(path, "fio", malformed="skip")


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (FIO_V2.replace("/dev/sdb write 4096 4096", "/dev/sdb scribble 4096 4096"), 6,
         "unknown action 'scribble'"),
        (FIO_V2.replace("/dev/sdb write 4096 4096", "/dev/sdb write 4096"), 6,
         "expected 'filename action"),
        (FIO_V2.replace("/dev/sdb open", "/dev/sdb reopen"), 3, "unknown file action"),
        (FIO_V3.replace("1100 /dev/sdb write", "1100 /dev/sdb wait"), 5,
         "'wait' is not allowed in a version 3 iolog"),
        (FIO_V3.replace("2100 /dev/sdc", "later /dev/sdc"), 6, "timestamp 'later'"),
    ],
)
def test_malformed_lines(tmp_path, text: str, line: int, reason: str) -> None:
    path = write(tmp_path, "bad.log", text)
    with pytest.raises(WorkloadError, match=rf"bad.log, line {line}: {reason}"):
        records(path, "fio")
    reader = TraceReader(TraceOptions(path=path, format="fio", malformed="skip"))
    kept = sum(len(c.time_s) for c in reader)
    assert reader.malformed_lines == 1
    assert reader.malformed_examples[0].startswith(f"line {line}: ")
    assert kept == len(records(path, "fio", malformed="skip"))
