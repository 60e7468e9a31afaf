"""replsim.summary_table.format_summary: the fixed-width table printed after a run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from replsim.summary_table import COLUMNS, _cell, format_summary

HEADER = ["volume", "mode", "IOPS", "ack p50 ms", "ack p99 ms", "ack p99.9 ms", "RPO mean ms",
          "RPO p99 ms", "RPO max ms"]


def summary() -> pd.DataFrame:
    return pd.DataFrame([
        {"volume": "east.db", "pair": "east.db->west.db-dr", "mode": "Sync", "writes": 10,
         "write_iops": 1962.0, "ack_p50_s": 0.001179, "ack_p99_s": 0.002633,
         "ack_p99.9_s": 0.25, "rpo_mean_s": 0.0, "rpo_p99_s": 0.0, "rpo_max_s": 0.0,
         "bytes_shipped": 1.0},
        {"volume": "east.a-much-longer-name", "pair": None, "mode": "None", "writes": 10,
         "write_iops": 12.3456, "ack_p50_s": 0.0004931, "ack_p99_s": 0.000746,
         "ack_p99.9_s": 1.5, "rpo_mean_s": np.nan, "rpo_p99_s": np.nan, "rpo_max_s": np.nan,
         "bytes_shipped": np.nan},
    ])


@pytest.mark.parametrize("missing", [None, np.nan, float("nan"), np.float32("nan"), pd.NA])
def test_missing_values_print_as_dash(missing):
    assert _cell(missing, 1e3) == "-"
    assert _cell(missing, 1) == "-"


@pytest.mark.parametrize(
    ("value", "scale", "text"),
    [
        (0.001179, 1e3, "1.18"),
        (0.0004931, 1e3, "0.493"),
        (0.25, 1e3, "250"),
        (0.0999, 1e3, "99.9"),
        (0.09996, 1e3, "100"),
        (1.5, 1e3, "1500"),
        (0.0, 1e3, "0"),
        (1962.0, 1, "1962"),
        (12.3456, 1, "12.3"),
        (np.float64(0.002), 1e3, "2"),
        (np.int64(150), 1, "150"),
        ("east.db", None, "east.db"),
        ("Sync", None, "Sync"),
    ],
)
def test_cell_scaling_and_precision(value, scale, text):
    assert _cell(value, scale) == text


def test_table_header_rows_and_values():
    lines = format_summary(summary()).splitlines()
    assert len(lines) == 4
    assert [h.strip() for h in lines[0].split("  ") if h.strip()] == HEADER
    assert set(lines[1].replace(" ", "")) == {"-"}
    first = lines[2].split()
    assert first == ["east.db", "Sync", "1962", "1.18", "2.63", "250", "0", "0", "0"]
    second = lines[3].split()
    assert second == ["east.a-much-longer-name", "None", "12.3", "0.493", "0.746", "1500",
                      "-", "-", "-"]


def test_columns_are_aligned():
    lines = format_summary(summary()).splitlines()
    assert len({len(line) for line in lines}) == 1
    rule = lines[1]
    # column spans from the dashed rule: "----  -----  ..."
    spans, start = [], 0
    for chunk in rule.split("  "):
        spans.append((start, start + len(chunk)))
        start += len(chunk) + 2
    assert len(spans) == len(HEADER)
    for i, (lo, hi) in enumerate(spans):
        for line in (lines[0], lines[2], lines[3]):
            cell = line[lo:hi]
            assert cell.strip(), (i, line)
            if i < 2:  # text columns are left-aligned
                assert not cell.startswith(" ")
            else:  # numbers are right-aligned
                assert not cell.endswith(" ")
        # the separator between columns is blank in every line
        for line in (lines[0], lines[2], lines[3]):
            assert line[hi:hi + 2].strip() == ""
    # the widest cell sets the width of its column
    assert spans[0][1] - spans[0][0] == len("east.a-much-longer-name")
    assert spans[3][1] - spans[3][0] == len("ack p50 ms")


def test_only_present_columns_are_shown_in_schema_order():
    frame = summary()[["ack_p99_s", "mode", "volume", "bytes_shipped"]]
    lines = format_summary(frame).splitlines()
    assert lines[0].split("  ")[0] == "volume"
    assert [h.strip() for h in lines[0].split("  ") if h.strip()] == ["volume", "mode",
                                                                      "ack p99 ms"]
    assert "bytes" not in lines[0]


def test_columns_table_titles_are_unique():
    titles = [title for _, title, _ in COLUMNS]
    assert len(titles) == len(set(titles))


def test_empty_summary_has_header_only():
    frame = summary().iloc[0:0]
    lines = format_summary(frame).splitlines()
    assert len(lines) == 2
    assert [h.strip() for h in lines[0].split("  ") if h.strip()] == HEADER
