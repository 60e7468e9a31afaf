"""The simple CSV: header, comments, blank lines, op, malformed lines."""

from __future__ import annotations

import pytest

from replsim.workload.errors import WorkloadError

from .fixtures import CSV, records, write


def test_records(tmp_path) -> None:
    assert records(write(tmp_path, "t.csv", CSV), "csv") == [
        (0.5, "db", 0, 4096, True, 3),
        (0.75, "db", 4096, 8192, False, 4),
        (1.25, "log", 1048576, 65536, True, 6),
    ]


@pytest.mark.parametrize(
    ("line", "reason"),
    [("0.9,db,0,4096", "expected 5 comma-separated fields"),
     ("0.9,db,0,4096,T", "op must be W or R"),
     ("nan,db,0,4096,W", "time_s 'nan' is not finite"),
     ("0.9,db,0,4.5,W", "size_bytes '4.5' is not an integer")],
)
def test_malformed(tmp_path, line: str, reason: str) -> None:
    path = write(tmp_path, "bad.csv", CSV + line + "\n")
    with pytest.raises(WorkloadError, match=rf"bad.csv, line 7: {reason}"):
        records(path, "csv")
    assert len(records(path, "csv", malformed="skip")) == 3
