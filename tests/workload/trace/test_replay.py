"""TraceSource: timing, time scale, window, offsets wrapped into the volume, end of trace,
set_rate as time scaling, closed loop, and the checking pass."""

from __future__ import annotations

import math

import pytest

from replsim.workload.errors import WorkloadError
from replsim.workload.offsets import BLOCK_BYTES
from replsim.workload.trace.reader import TraceOptions
from replsim.workload.trace.replay import TraceSource

from .fixtures import CSV, MSR, write

GIB_BLOCKS = 2**30 // BLOCK_BYTES


def source(path, fmt="msr", volume_blocks=GIB_BLOCKS, time_scale=1.0, **options) -> TraceSource:
    return TraceSource(TraceOptions(path=path, format=fmt, **options), volume_blocks,
                       time_scale=time_scale, chunk_rows=2)


def drain(src: TraceSource) -> list[tuple[float, int, int, bool]]:
    """(issue time, size, block, is_write) until the trace ends, as a host sees them."""
    out, t = [], 0.0
    while True:
        gap, size, block, is_write = src.next_write()
        if math.isinf(gap):
            return out
        t += gap
        out.append((t, size, block, is_write))


def test_times_sizes_blocks_and_end(tmp_path) -> None:
    src = source(write(tmp_path, "m.csv", MSR))
    got = drain(src)
    assert [(round(t, 12), s, b, w) for t, s, b, w in got] == [
        (0.0, 8192, 1, True), (0.01, 4096, 0, False), (1.0, 4096, 2, True),
        (2.5, 65536, 0, True),  # a 1 GiB offset in a 1 GiB volume wraps to block 0
    ]
    assert src.next_write() == (math.inf, 0, 0, True) and src.ended
    assert src.stats.records == 4 and src.stats.writes == 3 and src.stats.wrapped == 1
    assert src.stats.ignored_lines == 1


def test_offsets_wrap_modulo_the_volume(tmp_path) -> None:
    text = ("time_s,volume,offset_bytes,size_bytes,op\n0,v,40960,4096,W\n1,v,45056,8192,W\n"
            "2,v,28672,16384,W\n")
    src = source(write(tmp_path, "w.csv", text), "csv", volume_blocks=8)
    # Blocks 10 and 11 wrap to 2 and 3; an IO at block 7 of 4 blocks is moved back to 4.
    assert [b for _, _, b, _ in drain(src)] == [2, 3, 4]
    assert src.stats.wrapped == 3


def test_time_scale_and_window(tmp_path) -> None:
    path = write(tmp_path, "m.csv", MSR)
    assert [t for t, *_ in drain(source(path, time_scale=2.0))] == pytest.approx(
        [0.0, 0.02, 2.0, 5.0])
    windowed = drain(source(path, window_start_s=0.5, window_end_s=3.0, devices=frozenset(
        {"src1_2"})))
    assert [t for t, *_ in windowed] == pytest.approx([2.0])


def test_set_rate_rescales_time_and_reissues_the_abandoned_record(tmp_path) -> None:
    text = "".join(f"{i},v,{i * 4096},4096,W\n" for i in range(11))  # 1 IOPS for 10 s
    src = source(write(tmp_path, "r.csv", text), "csv")
    assert src.mean_rate_iops == pytest.approx(1.1)
    assert src.next_write()[0] == 0.0
    assert src.next_write()[:3] == (1.0, 4096, 1)  # pending: the host waits for it...
    src.set_rate(11.0)                               # ...and is interrupted at t = 0
    gap, _, block, _ = src.next_write()
    assert (gap, block) == (pytest.approx(0.1), 1)   # same record, 10x faster
    assert src.next_write()[0] == pytest.approx(0.1)
    src.set_rate(0.0)
    assert src.next_write() == (math.inf, 0, 0, True)
    src.set_rate(1.1, now_s=50.0)                    # resume later: original speed
    gap, _, block, _ = src.next_write()  # record 2 again; trace time paused at 1.0 s
    assert block == 2 and gap == pytest.approx(1.0)
    assert src.clock_s == pytest.approx(51.0)


def test_set_rate_with_now_s_keeps_elapsed_progress(tmp_path) -> None:
    text = "0,v,0,4096,W\n10,v,4096,4096,W\n"
    src = source(write(tmp_path, "p.csv", text), "csv")
    src.next_write()
    assert src.next_write()[0] == 10.0
    src.set_rate(src.mean_rate_iops * 2, now_s=4.0)  # 4 of 10 s done; the rest twice as fast
    assert src.next_write()[0] == pytest.approx(3.0)


def test_closed_loop_next_io_wraps_around(tmp_path) -> None:
    src = source(write(tmp_path, "c.csv", CSV), "csv")
    ios = [src.next_io() for _ in range(7)]
    assert ios[:3] == ios[3:6] and ios[6] == ios[0] and src.passes == 3


def test_checking_pass_refuses_bad_traces(tmp_path) -> None:
    path = write(tmp_path, "m.csv", MSR)
    with pytest.raises(WorkloadError, match=r"no IO records to replay for device sdz \(devices "
                                            r"in the file: src1_0, src1_2\)"):
        source(path, devices=frozenset({"sdz"}))
    with pytest.raises(WorkloadError, match=r"m.csv, line 4: an IO of 65536 bytes is larger"):
        source(path, volume_blocks=8)
    with pytest.raises(WorkloadError, match=r"window \[10.0, None\)"):
        source(path, window_start_s=10.0)
    with pytest.raises(WorkloadError, match="time_scale"):
        source(path, time_scale=0.0)


def test_skipped_lines_are_counted(tmp_path) -> None:
    path = write(tmp_path, "s.csv", CSV + "oops\n1.5,db,0,4096,X\n")
    src = source(path, "csv", malformed="skip")
    assert src.stats.malformed_lines == 2 and len(drain(src)) == 3
    assert src.stats.malformed_examples[0].startswith("line 7:")


def test_out_of_order_records_issue_at_once(tmp_path) -> None:
    text = "0,v,0,4096,W\n2,v,0,4096,W\n1,v,0,4096,W\n3,v,0,4096,W\n"
    src = source(write(tmp_path, "o.csv", text), "csv")
    assert [t for t, *_ in drain(src)] == [0.0, 2.0, 2.0, 3.0]
    assert src.stats.out_of_order == 1
