"""Volume statistics (asyncDelay from the model's RPO) and their errors."""

from __future__ import annotations

import pytest

from replsim.api.clock import duration_hms
from tests.api.helpers import (
    HMS,
    err,
    hms_seconds,
    model_pair,
    ok,
    paired_world,
    run_for,
    world,
    writes_between,
)
from tests.api.shapes import check_date, is_int

INT_FIELDS = ("accountID", "actualIOPS", "averageIOPSize", "burstIOPSCredit",
              "clientQueueDepth", "latencyUSec", "nonZeroBlocks", "normalizedIOPS", "readBytes",
              "readBytesLastSample", "readLatencyUSec", "readLatencyUSecTotal", "readOps",
              "readOpsLastSample", "samplePeriodMSec", "totalLatencyUSec", "unalignedReads",
              "unalignedWrites", "volumeID", "volumeSize", "writeBytes", "writeBytesLastSample",
              "writeLatencyUSec", "writeLatencyUSecTotal", "writeOps", "writeOpsLastSample",
              "zeroBlocks")


def stats(w, cluster="east", volume_id=1):
    return ok(w, cluster, "GetVolumeStats", volumeID=volume_id)["volumeStats"]


def test_get_volume_stats_shape_and_counts():
    w = world(rate=1000)
    run_for(w, 2.0)
    s = stats(w)
    for field in INT_FIELDS:
        assert is_int(s[field]), field
    assert isinstance(s["volumeUtilization"], float) and isinstance(s["throttle"], float)
    assert s["asyncDelay"] is None  # unpaired
    assert isinstance(s["metadataHosts"], dict) and isinstance(s["volumeAccessGroups"], list)
    check_date(s["timestamp"])
    assert s["timestamp"] == "2026-01-01T00:00:02Z"
    writes = writes_between(w, 0.0, w.now)
    acked = int((writes["t_ack_s"] == writes["t_ack_s"]).sum())
    assert s["writeOps"] == acked > 1500
    assert s["writeBytes"] == int(writes["size_bytes"][writes["t_ack_s"] == writes[
        "t_ack_s"]].sum())
    assert 500 <= s["actualIOPS"] <= 1500
    assert s["readOps"] == 0 and s["volumeSize"] == 100 * 2**30
    assert s["nonZeroBlocks"] + s["zeroBlocks"] == s["volumeSize"] // 4096


def test_async_delay_follows_the_model_rpo():
    w = paired_world(rate=1000)
    assert HMS.match(stats(w)["asyncDelay"])
    assert hms_seconds(stats(w)["asyncDelay"]) < 0.01  # Active, Async, 1 ms RTT
    assert stats(w, "west")["asyncDelay"] == "00:00:00.000000"  # an Active target: 0
    ok(w, "east", "ModifyVolumePair", volumeID=1, pausedManual=True)
    t_pause = w.now
    run_for(w, 3.0)
    delay = stats(w)["asyncDelay"]
    assert delay == duration_hms(model_pair(w).rpo_s(w.now))
    assert hms_seconds(delay) == pytest.approx(w.now - t_pause, abs=0.01)
    run_for(w, 62.0)
    assert hms_seconds(stats(w)["asyncDelay"]) == pytest.approx(w.now - t_pause, abs=0.01)
    assert stats(w)["asyncDelay"].startswith("00:01:0")
    ok(w, "east", "ModifyVolumePair", volumeID=1, pausedManual=False)
    run_for(w, 3.0)
    assert hms_seconds(stats(w)["asyncDelay"]) < 0.01
    ok(w, "east", "RemoveVolumePair", volumeID=1)
    assert stats(w)["asyncDelay"] is None
    assert stats(w, "west")["asyncDelay"] is not None  # still paired on its side


def test_sync_pair_has_zero_async_delay():
    w = paired_world(mode="Sync", rate=1000)
    assert stats(w)["asyncDelay"] == "00:00:00.000000"


def test_list_volume_stats():
    w = world(rate=500)
    run_for(w, 1.0)
    every = ok(w, "east", "ListVolumeStats")["volumeStats"]
    assert [s["volumeID"] for s in every] == [1]
    assert ok(w, "east", "ListVolumeStats", volumeIDs=[1])["volumeStats"][0]["writeOps"] == (
        stats(w)["writeOps"])
    err(w, "east", "ListVolumeStats", "xVolumeIDDoesNotExist", volumeIDs=[1, 2])
    err(w, "east", "ListVolumeStats", "xInvalidParameterType", volumeIDs=1)


def test_get_volume_stats_errors():
    w = world(rate=None)
    err(w, "east", "GetVolumeStats", "xVolumeIDDoesNotExist", volumeID=3)
    assert "volumeID" in err(w, "east", "GetVolumeStats", "xMissingParameter", volumeId=1)
    ok(w, "east", "DeleteVolume", volumeID=1)
    err(w, "east", "GetVolumeStats", "xVolumeIDDoesNotExist", volumeID=1)


@pytest.mark.parametrize("seconds,text", [
    (0.0, "00:00:00.000000"), (1.5, "00:00:01.500000"), (61.25, "00:01:01.250000"),
    (3600 * 27 + 5, "27:00:05.000000"), (-1.0, "00:00:00.000000"),
    (0.0000004, "00:00:00.000000"), (59.9999996, "00:01:00.000000"),
])
def test_duration_format(seconds, text):
    assert duration_hms(seconds) == text
