"""Ack-latency distribution per volume and mode."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from replsim.plots.style import (
    LINE_STYLES,
    WIDTH_IN,
    cdf_index,
    empty,
    fmt_duration,
    guide,
    lag_scale,
    log_ticks,
    warmup_s,
    widen,
)
from replsim.results import Results


def ack_latency_figure(results: Results) -> Figure:
    """Ack latency per volume and mode after the warm-up: CDF (body) and 1 − CDF (tail)."""
    fig, (ax, ax_tail) = plt.subplots(1, 2, figsize=(WIDTH_IN + 2, 5), layout="constrained",
                                      gridspec_kw={"width_ratios": (3, 2)})
    warmup = warmup_s(results)
    writes = results.writes[results.writes["t_issue_s"] >= warmup]
    acked = writes.dropna(subset=["ack_latency_s"])
    after = f"writes issued after the {warmup:g} s warm-up" if warmup else "all writes"
    fig.suptitle(f"Host write ack latency per volume ({after})")
    if acked.empty:
        for axis, message in ((ax, "no acknowledged writes"), (ax_tail, "")):
            empty(axis, message)
            axis.set_xticks([])
        return fig
    unit, factor = lag_scale(float(acked["ack_latency_s"].median()))
    lo, hi, p50_min, n_max = np.inf, 0.0, np.inf, 1
    groups = acked.groupby(["volume", "mode"], observed=True, sort=False)  # in order of use
    for k, ((volume, mode), group) in enumerate(groups):
        lat = np.sort(group["ack_latency_s"].to_numpy()) / factor
        n = len(lat)
        failed = int(writes.loc[(writes["volume"] == volume) & (writes["mode"] == mode),
                                "t_failed_s"].notna().sum())
        p50, p99, p999 = np.quantile(lat, [0.5, 0.99, 0.999])
        stats = " · ".join(f"{name} {fmt_duration(v * factor)}" for name, v in
                           (("p50", p50), ("p99", p99), ("p99.9", p999), ("max", lat[-1])))
        label = (f"{volume} ({mode}), {n} writes: {stats}"
                 + (f" · {failed} failed" if failed else ""))
        idx = cdf_index(n)
        style = {"lw": 1.8, "drawstyle": "steps-post", "ls": LINE_STYLES[k % len(LINE_STYLES)]}
        line, = ax.plot(lat[idx], (idx + 1) / n, label=label, **style)
        ax_tail.plot(lat[idx], (n - idx) / n, color=line.get_color(), **style)
        positive = lat[lat > 0]
        if len(positive):
            lo, hi = min(lo, positive[0]), max(hi, positive[-1])
            p50_min = min(p50_min, max(p50, positive[0]))
        n_max = max(n_max, n)
    for axis in (ax, ax_tail):
        axis.set_xscale("log")
        axis.grid(True, which="major", alpha=0.3)
    if hi > 0:
        for axis, left in ((ax, lo), (ax_tail, p50_min)):
            left, right = widen(left / 1.2, hi * 1.2)
            axis.set_xlim(left, right)
            log_ticks(axis, left, right)
    for q, name in ((0.5, "p50"), (0.99, "p99")):
        guide(ax, q, name)
    ax_tail.set_yscale("log")
    ax_tail.set_ylim(0.5 / n_max, 1.0)
    for q, name in ((1e-2, "p99"), (1e-3, "p99.9"), (1e-4, "p99.99")):
        if q >= 1 / n_max:
            guide(ax_tail, q, name)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(f"host ack latency ({unit}, log scale)")
    ax.set_ylabel("fraction of writes acknowledged within x")
    ax.set_title("distribution", loc="left", fontsize="medium")
    ax_tail.set_xlabel(f"host ack latency ({unit}, log scale)")
    ax_tail.set_ylabel("fraction of writes slower than x (log scale)")
    ax_tail.set_title("tail (from the fastest p50)", loc="left", fontsize="medium")
    fig.legend(loc="outside lower center", fontsize="small", frameon=False)
    return fig


# ---- figure 2: RPO, data at risk, pair states, outages -------------------------------------
