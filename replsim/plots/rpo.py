"""RPO and data at risk per pair, with pair states shaded and link outages hatched."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from replsim.plots.style import (
    RISK_COLOUR,
    RPO_COLOUR,
    STATE_ALPHA,
    STATE_COLOURS,
    WIDTH_IN,
    Span,
    bytes_scale,
    empty,
    end_s,
    fmt,
    from_zero,
    hatches,
    lag_scale,
    outage_handles,
    outage_spans,
    outages_of,
    pair_modes,
    shade,
    shaded_state_spans,
    state_colour,
    time_axis,
    warmup_s,
)
from replsim.results import Results


def _pair_maxima(results: Results, pair: str, rpo: np.ndarray, risk: np.ndarray):
    """Max RPO (exact, from the summary, after the warm-up) and max data at risk of a pair."""
    rpo_max, risk_max = np.nanmax(rpo, initial=0.0), np.nanmax(risk, initial=0.0)
    summary = results.summary
    row = summary[summary["pair"] == pair] if "pair" in summary else summary.iloc[:0]
    if len(row) and pd.notna(row.iloc[0].get("rpo_max_s")):
        rpo_max = float(row.iloc[0]["rpo_max_s"])
        if pd.notna(row.iloc[0].get("data_at_risk_max_bytes")):
            risk_max = float(row.iloc[0]["data_at_risk_max_bytes"])
    return rpo_max, risk_max


def _sample_interval_s(times: pd.Series) -> float:
    steps = np.diff(np.unique(times.to_numpy(dtype=float)))
    return float(np.median(steps)) if len(steps) else float("nan")


def rpo_figure(results: Results) -> Figure:
    """Per pair: RPO and data at risk over time, pair states shaded, link outages hatched."""
    pairs = [str(p) for p in results.rpo["pair"].drop_duplicates()]
    n = max(len(pairs), 1)
    fig, axes = plt.subplots(n, 1, figsize=(WIDTH_IN, 1.6 + 2.5 * n), sharex=True,
                             layout="constrained", squeeze=False)
    axes = axes[:, 0]
    fig.suptitle("RPO and data at risk per pair, with pair states and link outages")
    end, warmup = end_s(results), warmup_s(results)
    _unit, factor = time_axis(axes[-1], results)
    if not pairs:
        empty(axes[0], "no replicated pairs")
        return fig
    states = shaded_state_spans(results.states, end)
    outages = outage_spans(results.states, end)
    hatch = hatches(outages)
    modes = pair_modes(results)
    shown: list[Span] = []
    for ax, pair in zip(axes, pairs, strict=True):
        rows = results.rpo[results.rpo["pair"] == pair]
        t = rows["t_s"].to_numpy() / factor
        rpo, risk = rows["rpo_s"].to_numpy(), rows["data_at_risk_bytes"].to_numpy()
        rpo_max, risk_max = _pair_maxima(results, pair, rpo, risk)
        r_unit, r_factor = lag_scale(max(rpo_max, np.nanmax(rpo, initial=0.0)))
        b_unit, b_factor = bytes_scale(max(risk_max, np.nanmax(risk, initial=0.0)))
        twin = ax.twinx()
        mine = [s for s in states if s.obj == pair] + outages_of(pair, outages)
        shade(twin, mine, factor, hatch)
        shown += mine
        twin.plot(t, risk / b_factor, color=RISK_COLOUR, lw=1.2, ls="--")
        ax.plot(t, rpo / r_factor, color=RPO_COLOUR, lw=1.5)
        ax.set_zorder(twin.get_zorder() + 1)
        ax.patch.set_visible(False)
        from_zero(ax, rpo)
        from_zero(twin, risk)
        ax.set_ylabel(f"RPO ({r_unit})")
        twin.set_ylabel(f"data at risk ({b_unit})", color=RISK_COLOUR)
        twin.tick_params(axis="y", colors=RISK_COLOUR)
        ax.grid(True, alpha=0.3)
        ax.set_title(f"{pair} ({modes.get(pair, 'no writes')}) · max RPO "
                     f"{fmt(rpo_max / r_factor, r_unit)} · max data at risk "
                     f"{fmt(risk_max / b_factor, b_unit)}", loc="left", fontsize="medium")
        if warmup:
            ax.axvline(warmup / factor, color="0.4", lw=0.9, ls=":")
    handles = [plt.Line2D([], [], color=RPO_COLOUR, lw=1.5),
               plt.Line2D([], [], color=RISK_COLOUR, lw=1.2, ls="--")]
    names = ["RPO (left axis)", "data at risk (right axis)"]
    if warmup:
        handles.append(plt.Line2D([], [], color="0.4", lw=0.9, ls=":"))
        names.append("warm-up ends")
    present = {s.label for s in shown}
    for state in list(STATE_COLOURS) + sorted(present - set(STATE_COLOURS) - {"link down"}):
        if state in present:
            handles.append(Patch(color=state_colour(state), alpha=STATE_ALPHA))
            names.append(state)
    for patch in outage_handles([s for s in shown if s.label == "link down"], hatch):
        handles.append(patch)
        names.append(patch.get_label())
    note = (f"Curves are sampled every {_sample_interval_s(results.rpo['t_s']):g} s. In the "
            "panel titles max RPO is exact (from event times), max data at risk the largest "
            "sample" + (", both after the warm-up." if warmup else "."))
    legend = fig.legend(handles, names, loc="outside lower center", ncol=min(len(handles), 4),
                        fontsize="small", frameon=False, title=note,
                        title_fontproperties={"size": "small", "style": "italic"})
    legend.get_title().set_color("0.35")
    return fig


# ---- figure 3: link utilisation, queue, replication backlog -------------------------------
