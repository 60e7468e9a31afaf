"""MSR Cambridge reader: FILETIME → seconds, device names, header, malformed lines."""

from __future__ import annotations

import pytest

from replsim.workload.errors import WorkloadError

from .fixtures import MSR, T0, records, write


def test_records_times_devices_and_zero_size(tmp_path) -> None:
    got = records(write(tmp_path, "src1_2.csv", MSR), "msr")
    assert got == [
        (0.0, "src1_2", 4096, 8192, True, 1),
        (0.01, "src1_2", 0, 4096, False, 2),
        (1.0, "src1_0", 8192, 4096, True, 3),
        (2.5, "src1_2", 1073741824, 65536, True, 4),
    ]


def test_filetime_keeps_100ns_resolution(tmp_path) -> None:
    text = f"{T0},h,0,Write,0,512,1\n{T0 + 1},h,0,Write,0,512,1\n"
    got = records(write(tmp_path, "t.csv", text), "msr")
    assert got[1][0] == pytest.approx(1e-7, abs=1e-15)


def test_header_line_and_gzip(tmp_path) -> None:
    text = "Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime\n" + MSR
    got = records(write(tmp_path, "src1_2.csv.gz", text, gz=True), "msr")
    assert [r[:5] for r in got] == [r[:5] for r in records(write(tmp_path, "p.csv", MSR), "msr")]
    assert got[0][5] == 2  # line numbers count the header


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("128166372000000000,src1,2,Write,4096", "expected 7 comma-separated fields"),
        ("soon,src1,2,Write,4096,8192,1", "Timestamp 'soon' is not an integer"),
        ("128166372000000000,src1,2,Flush,4096,8192,1", "Type must be Read or Write"),
        ("128166372000000000,src1,2,Write,-4096,8192,1", "Offset -4096 is negative"),
        ("128166372000000000,src1,2,Write,4096,8k,1", "Size '8k' is not an integer"),
    ],
)
def test_malformed_line_names_file_and_line(tmp_path, line: str, reason: str) -> None:
    path = write(tmp_path, "bad.csv", MSR.replace(MSR.splitlines()[2], line))
    with pytest.raises(WorkloadError, match=rf"bad.csv, line 3: {reason}.*malformed: skip"):
        records(path, "msr")
    assert len(records(path, "msr", malformed="skip")) == 3
