"""Columnar per-write recording during a run.

A run records one row per host write (arrival, ack, durable-on-target times, size, …).
Appending to Python lists of objects costs memory and makes the analysis slow, so rows live
in preallocated numpy arrays that grow by doubling (amortised O(1) per row) and are analysed
afterwards with vectorised code.

Growth replaces the backing arrays: an array obtained with ``cols["x"]`` is stale once a later
``append``/``new_row`` grows the table. Re-fetch after appending (``__getitem__`` is a dict
lookup, so that is cheap), or call :meth:`Columns.reserve` up front.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["Columns"]


def _default_fill(dtype: np.dtype) -> object:
    """NaN for floats (an unset time is visibly missing), NaT for datetimes, zero otherwise."""
    if dtype.kind in "fc":
        return np.nan
    if dtype.kind in "mM":
        return np.array("NaT", dtype=dtype)[()]
    if dtype.kind == "O":
        return None
    return np.zeros((), dtype=dtype)[()]


class Columns:
    """Preallocated, growable numpy columns; a row index is a record (a host write).

    Rows ``[0, len(self))`` are valid; the rest of each backing array holds the column's fill
    value, which is what a new row starts with. Only write to rows you obtained from
    :meth:`append` or :meth:`new_row`.
    """

    __slots__ = ("_arrays", "_capacity", "_dtypes", "_fill", "_len")

    def __init__(
        self,
        spec: Mapping[str, np.dtype | str],
        initial_rows: int = 65536,
        fill: Mapping[str, object] | None = None,
    ) -> None:
        if int(initial_rows) != initial_rows or initial_rows < 0:
            raise ValueError(f"initial_rows must be a non-negative integer, got {initial_rows!r}")
        self._dtypes: dict[str, np.dtype] = {name: np.dtype(dt) for name, dt in spec.items()}
        fill = dict(fill or {})
        unknown = sorted(set(fill) - set(self._dtypes))
        if unknown:
            raise KeyError(f"fill given for unknown columns {unknown}; columns are {self.names}")
        self._fill: dict[str, object] = {}
        for name, dtype in self._dtypes.items():
            value = fill[name] if name in fill else _default_fill(dtype)
            try:
                np.empty(1, dtype=dtype)[0] = value  # same (checked) conversion as append
            except (TypeError, ValueError, OverflowError) as exc:
                raise ValueError(
                    f"fill value {value!r} does not fit column {name!r} of dtype {dtype}"
                ) from exc
            self._fill[name] = value
        self._capacity = int(initial_rows)
        self._len = 0
        self._arrays: dict[str, np.ndarray] = {
            name: np.full(self._capacity, self._fill[name], dtype=dtype)
            for name, dtype in self._dtypes.items()
        }

    # -- recording -------------------------------------------------------------------------

    def new_row(self) -> int:
        """Add a row holding the fill values and return its index (the fastest path)."""
        row = self._len
        if row == self._capacity:
            self._grow(row + 1)
        self._len = row + 1
        return row

    def append(self, **values: object) -> int:
        """Add a row with the given column values (others get the fill) and return its index."""
        row = self.new_row()
        arrays = self._arrays
        try:
            for name, value in values.items():
                arrays[name][row] = value
        except KeyError as exc:
            self._undo_row(row)
            raise KeyError(f"unknown column {exc.args[0]!r}; columns are {self.names}") from None
        except (TypeError, ValueError, OverflowError):
            self._undo_row(row)
            raise
        return row

    def reserve(self, rows: int) -> None:
        """Make room for at least `rows` rows now, so cached arrays stay valid until then."""
        if rows > self._capacity:
            self._grow(rows)

    # -- access ----------------------------------------------------------------------------

    def __getitem__(self, name: str) -> np.ndarray:
        """The full backing array (capacity long) of a column; valid rows are ``[:len(self)]``.

        Stale after the table grows: re-fetch after appending rows.
        """
        return self._arrays[name]

    def __contains__(self, name: object) -> bool:
        return name in self._arrays

    def __len__(self) -> int:
        return self._len

    def __repr__(self) -> str:
        return f"Columns({len(self)} rows, capacity {self._capacity}, columns {list(self.names)})"

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in spec order."""
        return tuple(self._dtypes)

    @property
    def dtypes(self) -> dict[str, np.dtype]:
        """Column dtypes in spec order."""
        return dict(self._dtypes)

    @property
    def capacity(self) -> int:
        """Rows that fit before the backing arrays are next replaced."""
        return self._capacity

    def view(self, copy: bool = False) -> dict[str, np.ndarray]:
        """The valid rows of every column, spec order; views into the backing arrays unless
        `copy` (a view keeps seeing writes until the table grows, then it is a snapshot)."""
        n = self._len
        if copy:
            return {name: arr[:n].copy() for name, arr in self._arrays.items()}
        return {name: arr[:n] for name, arr in self._arrays.items()}

    def to_frame(self) -> pd.DataFrame:
        """The valid rows as a DataFrame (an independent copy), columns in spec order."""
        return pd.DataFrame(self.view(copy=True), columns=list(self.names), copy=False)

    # -- internals -------------------------------------------------------------------------

    def _grow(self, min_rows: int) -> None:
        capacity = max(2 * self._capacity, 1)
        while capacity < min_rows:
            capacity *= 2
        n = self._len
        for name, old in self._arrays.items():
            new = np.empty(capacity, dtype=old.dtype)
            new[:n] = old[:n]
            new[n:] = self._fill[name]
            self._arrays[name] = new
        self._capacity = capacity

    def _undo_row(self, row: int) -> None:
        for name, arr in self._arrays.items():
            arr[row] = self._fill[name]
        self._len = row
