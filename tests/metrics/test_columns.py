"""Columns: growable columnar recording."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from replsim.metrics.columns import Columns

SPEC = {"t_ack_s": "f8", "size_bytes": np.int64, "volume": "i4", "sync": bool}


def test_default_fill_values():
    cols = Columns(SPEC, initial_rows=4)
    row = cols.new_row()
    assert row == 0
    assert len(cols) == 1
    assert math.isnan(cols["t_ack_s"][0])
    assert cols["size_bytes"][0] == 0
    assert cols["volume"][0] == 0
    assert not cols["sync"][0]


def test_custom_fill_and_append():
    cols = Columns(SPEC, initial_rows=4, fill={"volume": -1})
    assert cols.append(t_ack_s=1.5, size_bytes=4096) == 0
    assert cols.append(volume=3, sync=True) == 1
    frame = cols.to_frame()
    assert list(frame.columns) == list(SPEC)
    assert frame["t_ack_s"].iloc[0] == 1.5
    assert math.isnan(frame["t_ack_s"].iloc[1])
    assert frame["size_bytes"].tolist() == [4096, 0]
    assert frame["volume"].tolist() == [-1, 3]
    assert frame["sync"].tolist() == [False, True]
    assert frame["size_bytes"].dtype == np.int64
    assert frame["volume"].dtype == np.int32
    assert frame["sync"].dtype == bool


def test_growth_doubles_and_preserves_rows():
    cols = Columns({"x": "f8", "n": "i8"}, initial_rows=2, fill={"n": -1})
    cached = cols["x"]
    for i in range(9):
        cols.append(x=float(i))
    assert len(cols) == 9
    assert cols.capacity == 16
    assert cols["x"] is not cached  # growth replaced the backing array: re-fetch
    assert cols["x"].shape == (16,)
    np.testing.assert_array_equal(cols.view()["x"], np.arange(9.0))
    np.testing.assert_array_equal(cols["n"], np.full(16, -1))
    assert np.isnan(cols["x"][9:]).all()


def test_zero_initial_rows():
    cols = Columns({"x": "f8"}, initial_rows=0)
    assert cols.capacity == 0
    assert cols.append(x=1.0) == 0
    assert cols.append(x=2.0) == 1
    assert cols.append(x=3.0) == 2
    assert cols.capacity == 4
    np.testing.assert_array_equal(cols.view()["x"], [1.0, 2.0, 3.0])


def test_write_through_backing_array():
    cols = Columns({"t_ack_s": "f8", "t_durable_s": "f8"}, initial_rows=8)
    rows = [cols.append(t_ack_s=float(i)) for i in range(3)]
    durable = cols["t_durable_s"]
    durable[rows[1]] = 7.0
    assert cols.to_frame()["t_durable_s"].iloc[1] == 7.0
    assert cols["t_durable_s"] is durable  # O(1) lookup returns the same array


def test_view_is_trimmed_and_copy_independent():
    cols = Columns({"x": "f8"}, initial_rows=8)
    for i in range(3):
        cols.append(x=float(i))
    view = cols.view()
    assert view["x"].shape == (3,)
    cols["x"][0] = 42.0
    assert view["x"][0] == 42.0  # a view sees writes
    copied = cols.view(copy=True)
    cols["x"][0] = 0.0
    assert copied["x"][0] == 42.0
    frame = cols.to_frame()
    frame.loc[1, "x"] = -5.0
    assert cols["x"][1] == 1.0  # the frame is a copy


def test_unknown_column_rolls_back():
    cols = Columns({"x": "f8", "y": "f8"}, initial_rows=2)
    cols.append(x=1.0)
    with pytest.raises(KeyError, match="unknown column 'z'"):
        cols.append(x=2.0, z=1.0)
    assert len(cols) == 1
    assert math.isnan(cols["x"][1])  # the partial row was reset to the fill
    assert cols.append(y=3.0) == 1
    assert math.isnan(cols["x"][1])


def test_bad_value_rolls_back():
    cols = Columns({"x": "f8"}, initial_rows=2)
    with pytest.raises(ValueError):
        cols.append(x="not a number")
    assert len(cols) == 0


def test_invalid_construction():
    with pytest.raises(ValueError, match="does not fit"):
        Columns({"n": "i8"}, fill={"n": math.nan})
    with pytest.raises(KeyError, match="unknown columns"):
        Columns({"n": "i8"}, fill={"m": 0})
    with pytest.raises(ValueError, match="initial_rows"):
        Columns({"n": "i8"}, initial_rows=-1)


def test_empty_frame_and_metadata():
    cols = Columns(SPEC, initial_rows=1)
    frame = cols.to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == list(SPEC)
    assert len(frame) == 0
    assert cols.names == tuple(SPEC)
    assert "t_ack_s" in cols and "nope" not in cols
    assert cols.dtypes["volume"] == np.dtype("i4")
    cols.reserve(100)
    assert cols.capacity >= 100
    assert "0 rows" in repr(cols)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {},
            optional={"a": st.floats(allow_nan=False), "b": st.integers(-(2**40), 2**40)},
        ),
        max_size=40,
    ),
    st.integers(0, 5),
)
def test_matches_list_of_dicts(records, initial_rows):
    cols = Columns({"a": "f8", "b": "i8"}, initial_rows=initial_rows, fill={"b": -1})
    for i, record in enumerate(records):
        assert cols.append(**record) == i
    expected = pd.DataFrame(
        {
            "a": [r.get("a", math.nan) for r in records],
            "b": [r.get("b", -1) for r in records],
        }
    ).astype({"a": "f8", "b": "i8"})
    pd.testing.assert_frame_equal(cols.to_frame(), expected)
