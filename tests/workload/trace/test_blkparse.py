"""blkparse default output: Q (or D) events, sectors → bytes, non-data and summary lines."""

from __future__ import annotations

import pytest

from replsim.workload.errors import WorkloadError

from .fixtures import BLKPARSE, records, write


def test_queue_events_are_the_arrivals(tmp_path) -> None:
    got = records(write(tmp_path, "trace.txt", BLKPARSE), "blkparse")
    assert got == [
        (0.0, "8,0", 223490 * 512, 8 * 512, True, 1),
        (0.002, "8,16", 100 * 512, 16 * 512, False, 5),
        (1.5, "8,0", 1000 * 512, 256 * 512, True, 9),
    ]


def test_other_action_and_device(tmp_path) -> None:
    path = write(tmp_path, "trace.txt.gz", BLKPARSE, gz=True)
    got = records(path, "blkparse", blkparse_action="D", devices=frozenset({"8,0"}))
    assert got == [(0.00025, "8,0", 223490 * 512, 4096, True, 3)]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("  8,0    3       10     2.0   697  Q   W 1000 8 [x]",
         "a Q event needs 'RWBS sector \\+ count'"),
        ("  8,0    3       10     two   697  Q   W 1000 + 8 [x]", "time 'two' is not a number"),
        ("  8,0    3       10     2.0   697  Q   W x + 8 [x]", "sector 'x' is not an integer"),
        ("  8,0    3       10", "an event line needs"),
    ],
)
def test_malformed_event_lines(tmp_path, line: str, reason: str) -> None:
    path = write(tmp_path, "bad.txt", BLKPARSE.replace(BLKPARSE.splitlines()[8], line))
    with pytest.raises(WorkloadError, match=rf"bad.txt, line 9: {reason}"):
        records(path, "blkparse")
    assert len(records(path, "blkparse", malformed="skip")) == 2
