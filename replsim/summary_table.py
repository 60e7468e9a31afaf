"""The summary table a person reads after a run: per pair, latency and RPO in ms."""

from __future__ import annotations

import math
from numbers import Real

import pandas as pd

COLUMNS = (
    ("volume", "volume", None),
    ("mode", "mode", None),
    ("write_iops", "IOPS", 1),
    ("ack_p50_s", "ack p50 ms", 1e3),
    ("ack_p99_s", "ack p99 ms", 1e3),
    ("ack_p99.9_s", "ack p99.9 ms", 1e3),
    ("rpo_mean_s", "RPO mean ms", 1e3),
    ("rpo_p99_s", "RPO p99 ms", 1e3),
    ("rpo_max_s", "RPO max ms", 1e3),
    ("data_at_risk_max_bytes", "at risk max MiB", 1 / 2**20),
    ("time_paused_s", "paused s", 1),
)


def _cell(value: object, scale: float | None) -> str:
    if scale is None:
        return str(value)
    if value is None or value is pd.NA or (isinstance(value, Real) and math.isnan(value)):
        return "-"
    number = float(value) * scale
    return f"{number:.0f}" if abs(number) >= 100 else f"{number:.3g}"


def format_summary(summary: pd.DataFrame) -> str:
    """Fixed-width text table of the summary's headline columns."""
    present = [c for c in COLUMNS if c[0] in summary.columns]
    header = [title for _, title, _ in present]
    rows = [[_cell(rec[key], scale) for key, _, scale in present]
            for rec in summary.to_dict("records")]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) if i < 2 else h.rjust(w) for i, (h, w) in
                       enumerate(zip(header, widths, strict=True)))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in
                               enumerate(zip(row, widths, strict=True))))
    return "\n".join(lines)
