"""The streaming reader: filters, chunking, gzip by content, errors, format sniffing."""

from __future__ import annotations

import gzip

import pytest

from replsim.workload.errors import WorkloadError
from replsim.workload.trace.reader import TraceOptions, TraceReader, sniff_format

from .fixtures import BLKPARSE, CSV, FIO_V2, FIO_V3, MSR, records, write


def test_window_reads_and_devices_filter(tmp_path) -> None:
    path = write(tmp_path, "src1_2.csv", MSR)
    assert [r[0] for r in records(path, "msr", window_start_s=0.005, window_end_s=2.0)] == [
        0.01, 1.0]
    assert all(r[4] for r in records(path, "msr", reads="drop"))
    assert {r[1] for r in records(path, "msr", devices=frozenset({"src1_0"}))} == {"src1_0"}


def test_chunk_size_does_not_change_the_records(tmp_path) -> None:
    path = write(tmp_path, "t.csv", CSV * 50)
    options = TraceOptions(path=path, format="csv")
    small = [r for c in TraceReader(options, chunk_rows=7) for r in c.time_s.tolist()]
    large = [r for c in TraceReader(options) for r in c.time_s.tolist()]
    assert small == large and len(small) == 150


def test_gzip_detected_by_content_not_name(tmp_path) -> None:
    path = tmp_path / "renamed.csv"
    path.write_bytes(gzip.compress(CSV.encode()))
    assert len(records(path, "csv")) == 3


def test_truncated_gzip_is_a_clear_error(tmp_path) -> None:
    data = gzip.compress((CSV * 2000).encode())
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(WorkloadError, match=r"cut.csv.gz, line \d+: cannot read the file"):
        records(path, "csv")


def test_missing_file_and_unknown_format(tmp_path) -> None:
    with pytest.raises(WorkloadError, match="cannot open the trace"):
        records(tmp_path / "none.csv", "csv")
    with pytest.raises(WorkloadError, match=r"trace\.format: expected one of msr, fio"):
        TraceReader(TraceOptions(path=tmp_path, format="spc"))


def test_devices_seen_are_counted_before_filtering(tmp_path) -> None:
    reader = TraceReader(TraceOptions(path=write(tmp_path, "m.csv", MSR), format="msr",
                                      devices=frozenset({"nope"})))
    assert list(reader) == []
    assert reader.devices_seen == {"src1_2": 3, "src1_0": 1}
    assert reader.ignored_lines == 1


@pytest.mark.parametrize(
    ("text", "fmt"),
    [(MSR, "msr"), (BLKPARSE, "blkparse"), (FIO_V2, "fio"), (FIO_V3, "fio"), (CSV, "csv"),
     ("Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime\n" + MSR, "msr"),
     (CSV.replace("time_s,volume,offset_bytes,size_bytes,op\n", ""), "csv")],
)
def test_sniff(tmp_path, text: str, fmt: str) -> None:
    assert sniff_format(write(tmp_path, "t.gz", text, gz=True)) == fmt


def test_sniff_refuses_unknown(tmp_path) -> None:
    with pytest.raises(WorkloadError, match="cannot tell the trace format"):
        sniff_format(write(tmp_path, "x.txt", "hello world\n"))
    with pytest.raises(WorkloadError, match="empty"):
        sniff_format(write(tmp_path, "e.txt", "\n"))
