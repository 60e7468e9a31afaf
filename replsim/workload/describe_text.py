"""The text `replsim workload describe` prints: tables per volume, side by side."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

Tables = dict[str, pd.DataFrame]


def summary_table(described: Mapping[str, Tables]) -> pd.DataFrame:
    """One column per volume, one row per metric."""
    return pd.concat({name: t["summary"]["value"] for name, t in described.items()}, axis=1)


def size_mix_table(described: Mapping[str, Tables]) -> pd.DataFrame:
    """Share of writes by size (rows: size in KiB), one column per volume."""
    columns = {name: t["sizes"].set_index("size_bytes")["share"] for name, t in described.items()}
    table = pd.concat(columns, axis=1).fillna(0.0).sort_index()
    table.index = [f"{s / 1024:g} KiB" for s in table.index]
    table.index.name = "write size"
    return table


def _fmt(value: object) -> str:
    if isinstance(value, str):
        return value
    v = float(value)  # type: ignore[arg-type]
    if math.isnan(v):
        return "–"
    if v.is_integer() and abs(v) < 1e15:
        return f"{int(v):,}"
    return f"{v:,.3f}" if abs(v) < 1e4 else f"{v:,.0f}"


def format_tables(described: Mapping[str, Tables]) -> str:
    """The text `replsim workload describe` prints."""
    summary = summary_table(described).map(_fmt)
    mix = size_mix_table(described).map(lambda s: f"{100 * s:.1f} %")
    return f"{summary.to_string()}\n\nwrite size mix\n{mix.to_string()}"
