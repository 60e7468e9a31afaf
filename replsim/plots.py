"""Figures every run writes, and `replsim plot RESULTS_DIR`, which redraws them from a folder.

Every figure is drawn from the tables of `Results` alone, so a saved folder can be
replotted later. Pair states and link outages are intervals recovered from the `states`
table (exact transition times), not from the sampled `state` column.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import matplotlib.ticker as ticker
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from replsim.results import Results
from replsim.units import duration_s

DPI = 110
WIDTH_IN = 9.0
RPO_COLOUR = "#111111"
RISK_COLOUR = "#1a9850"
SKIP_COLOUR = "#d7301f"
OUTAGE_HATCHES = ("///", "\\\\\\", "xxx", "...")
OUTAGE_FILL = (0.5, 0.5, 0.5, 0.18)
PAIR_COLOURS = matplotlib.colormaps["Dark2"]  # pairs, distinct from link directions (tab10)
LINE_STYLES = ("-", "--", "-.", ":")  # so that identical curves stay visible
# Active and Idle are the normal states and stay unshaded; Paused* warm, Resuming* blues.
STATE_COLOURS = {
    "PausedManual": "#fdae61",
    "PausedManualRemote": "#fee08b",
    "PausedDisconnected": "#f46d43",
    "PausedMisconfigured": "#c51b7d",
    "PausedVolumeSizeMismatch": "#de77ae",
    "PausedSlowLink": "#d73027",
    "ResumingConnected": "#c6dbef",
    "ResumingRRSync": "#9ecae1",
    "ResumingLocalSync": "#6baed6",
    "ResumingDataTransfer": "#3182bd",
    "StoppedMisconfigured": "#969696",
}
STATE_ALPHA = 0.55


@dataclass(frozen=True)
class Span:
    """An interval of simulated time shaded on a figure: `label` of `obj` over [start, end)."""

    obj: str
    label: str
    start_s: float
    end_s: float


# ---- intervals from the states table --------------------------------------------------------
def pair_state_spans(states: pd.DataFrame, end_s: float) -> list[Span]:
    """Every volume pair state as an interval, from its transition to the next (or the end)."""
    spans = []
    rows = states[states["kind"] == "volume_pair"].sort_values("t_s", kind="stable")
    for obj, mine in rows.groupby("object", sort=False):
        times = mine["t_s"].to_numpy(dtype=float)
        ends = np.append(times[1:], max(end_s, times[-1]))
        spans += [Span(str(obj), str(state), float(t0), float(t1))
                  for state, t0, t1 in zip(mine["to_state"], times, ends, strict=True)
                  if t1 > t0]
    return spans


def shaded_state_spans(states: pd.DataFrame, end_s: float) -> list[Span]:
    """The pair state intervals the RPO figure shades: every state but Active/Idle/New."""
    return [s for s in pair_state_spans(states, end_s) if _state_colour(s.label)]


def outage_spans(states: pd.DataFrame, end_s: float) -> list[Span]:
    """Link outages (Down → Up, or Down → end of run) per link, from the states table."""
    spans = []
    rows = states[states["kind"] == "link"].sort_values("t_s", kind="stable")
    for obj, mine in rows.groupby("object", sort=False):
        down_at = None
        for t, state in zip(mine["t_s"].astype(float), mine["to_state"], strict=True):
            if state == "Down" and down_at is None:
                down_at = t
            elif state == "Up" and down_at is not None:
                spans.append(Span(str(obj), "link down", down_at, t))
                down_at = None
        if down_at is not None and end_s > down_at:
            spans.append(Span(str(obj), "link down", down_at, float(end_s)))
    return spans


def skipped_snapshots(states: pd.DataFrame) -> pd.DataFrame:
    """Scheduled snapshots that were not taken: t_s, schedule (object), cluster (side), cause."""
    mask = (states["kind"] == "snapshot_schedule") & (states["to_state"] == "skipped")
    return states[mask]


def _state_colour(state: str) -> str | None:
    if state in STATE_COLOURS:
        return STATE_COLOURS[state]
    if state.startswith("Paused"):
        return "#fdae61"
    if state.startswith("Resuming"):
        return "#9ecae1"
    return None


def _clusters(scope: str) -> frozenset[str] | None:
    """The two clusters a link ("link.a<->b"), direction ("link.a->b") or pair joins."""
    if scope.startswith("link."):
        name = scope.removeprefix("link.")
        sep = "<->" if "<->" in name else "->"
        return frozenset(name.split(sep, 1)) if sep in name else None
    if "->" in scope:  # a pair: "cluster.volume->cluster.volume"
        return frozenset(side.split(".", 1)[0] for side in scope.split("->", 1))
    return None


def _outages_of(scope: str, outages: list[Span]) -> list[Span]:
    """Outages of the link under a pair or link direction (all of them if names don't say)."""
    clusters = _clusters(scope)
    mine = [o for o in outages if clusters is not None and _clusters(o.obj) == clusters]
    return mine if mine or clusters is None else []


# ---- scales ---------------------------------------------------------------------------------
def _lag_scale(max_s: float) -> tuple[str, float]:
    """Unit for a delay (latency, RPO, lag) by its magnitude: ms, s, min or h."""
    for unit, factor, below in (("ms", 1e-3, 1.0), ("s", 1.0, 300.0), ("min", 60.0, 7200.0)):
        if not max_s >= below:  # NaN → smallest unit
            return unit, factor
    return "h", 3600.0


def _clock_scale(end_s: float) -> tuple[str, float]:
    """Unit for the simulated-time axis: s up to 30 min, then min up to 4 h, then h."""
    if not end_s > 1800:
        return "s", 1.0
    return ("min", 60.0) if end_s <= 4 * 3600 else ("h", 3600.0)


def _bytes_scale(max_bytes: float) -> tuple[str, float]:
    for unit, factor in (("TiB", 2.0**40), ("GiB", 2.0**30), ("MiB", 2.0**20)):
        if max_bytes >= factor:
            return unit, factor
    return "KiB", 1024.0


def _fmt(value: float, unit: str) -> str:
    return f"{value:.3g} {unit}"


def _fmt_duration(seconds: float) -> str:
    unit, factor = _lag_scale(seconds)
    return _fmt(seconds / factor, unit)


def _end_s(results: Results) -> float:
    """End of the simulated run: the manifest's, else the last recorded time."""
    times = [float(results.manifest.get("simulated_s") or 0.0)]
    for frame in (results.rpo, results.links, results.states):
        if len(frame):
            times.append(float(frame["t_s"].max()))
    return max(times)


def _warmup_s(results: Results) -> float:
    return float(results.manifest.get("warmup_s") or 0.0)


def _time_axis(ax: Axes, results: Results) -> tuple[str, float]:
    unit, factor = _clock_scale(_end_s(results))
    ax.set_xlim(0, max(_end_s(results), 1e-9) / factor)
    ax.set_xlabel(f"simulated time ({unit})")
    return unit, factor


def _from_zero(ax: Axes, values: np.ndarray) -> None:
    """y from 0; an all-zero series gets a unit-high axis instead of a degenerate one."""
    ax.set_ylim(0, ax.get_ylim()[1] if np.nanmax(values, initial=0.0) > 0 else 1)


def _empty(ax: Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center",
            color="0.4")
    ax.set_yticks([])


# ---- figure 1: ack latency -----------------------------------------------------------------
def _cdf_index(n: int, body: int = 1500, tail: int = 600) -> np.ndarray:
    """Indices of a sorted sample to draw its CDF: thinned in the body, dense in the tail."""
    if n <= body + tail:
        return np.arange(n)
    return np.unique(np.concatenate([np.linspace(0, n - 1, body),
                                     n - np.geomspace(1, n, tail)]).astype(np.int64))


def _log_ticks(ax: Axes, lo: float, hi: float) -> None:
    """Readable log-x ticks: 1-2-3-5 over a short range, 1-2-5, then decades only."""
    decades = np.log10(hi / lo)
    subs = (1.0, 2.0, 3.0, 5.0) if decades < 2.2 else (1.0, 2.0, 5.0) if decades < 3.5 else (1.0,)
    ax.xaxis.set_major_locator(ticker.LogLocator(base=10, subs=subs))
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(ticker.NullFormatter())


def _widen(lo: float, hi: float, factor: float = 4.0) -> tuple[float, float]:
    """A log range spanning at least `factor`, so that a narrow one still gets labelled ticks."""
    if hi / lo >= factor:
        return lo, hi
    middle = np.sqrt(lo * hi)
    return middle / np.sqrt(factor), middle * np.sqrt(factor)


def _guide(ax: Axes, y: float, name: str) -> None:
    ax.axhline(y, color="0.5", lw=0.8, ls=":")
    ax.annotate(name, (1.0, y), xycoords=("axes fraction", "data"), xytext=(3, 0),
                textcoords="offset points", va="center", fontsize="small", color="0.4")


def ack_latency_figure(results: Results) -> Figure:
    """Ack latency per volume and mode after the warm-up: CDF (body) and 1 − CDF (tail)."""
    fig, (ax, ax_tail) = plt.subplots(1, 2, figsize=(WIDTH_IN + 2, 5), layout="constrained",
                                      gridspec_kw={"width_ratios": (3, 2)})
    warmup = _warmup_s(results)
    writes = results.writes[results.writes["t_issue_s"] >= warmup]
    acked = writes.dropna(subset=["ack_latency_s"])
    after = f"writes issued after the {warmup:g} s warm-up" if warmup else "all writes"
    fig.suptitle(f"Host write ack latency per volume ({after})")
    if acked.empty:
        for axis, message in ((ax, "no acknowledged writes"), (ax_tail, "")):
            _empty(axis, message)
            axis.set_xticks([])
        return fig
    unit, factor = _lag_scale(float(acked["ack_latency_s"].median()))
    lo, hi, p50_min, n_max = np.inf, 0.0, np.inf, 1
    groups = acked.groupby(["volume", "mode"], observed=True, sort=False)  # in order of use
    for k, ((volume, mode), group) in enumerate(groups):
        lat = np.sort(group["ack_latency_s"].to_numpy()) / factor
        n = len(lat)
        failed = int(writes.loc[(writes["volume"] == volume) & (writes["mode"] == mode),
                                "t_failed_s"].notna().sum())
        p50, p99, p999 = np.quantile(lat, [0.5, 0.99, 0.999])
        stats = " · ".join(f"{name} {_fmt_duration(v * factor)}" for name, v in
                           (("p50", p50), ("p99", p99), ("p99.9", p999), ("max", lat[-1])))
        label = (f"{volume} ({mode}), {n} writes: {stats}"
                 + (f" · {failed} failed" if failed else ""))
        idx = _cdf_index(n)
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
            left, right = _widen(left / 1.2, hi * 1.2)
            axis.set_xlim(left, right)
            _log_ticks(axis, left, right)
    for q, name in ((0.5, "p50"), (0.99, "p99")):
        _guide(ax, q, name)
    ax_tail.set_yscale("log")
    ax_tail.set_ylim(0.5 / n_max, 1.0)
    for q, name in ((1e-2, "p99"), (1e-3, "p99.9"), (1e-4, "p99.99")):
        if q >= 1 / n_max:
            _guide(ax_tail, q, name)
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
def _shade(ax: Axes, spans: Iterable[Span], factor: float, hatch: dict[str, str]) -> None:
    for span in spans:
        x0, x1 = span.start_s / factor, span.end_s / factor
        if span.label == "link down":
            patch = ax.axvspan(x0, x1, facecolor=OUTAGE_FILL, edgecolor="0.3",
                               hatch=hatch[span.obj], lw=0.8, zorder=0.6)
        else:
            patch = ax.axvspan(x0, x1, color=_state_colour(span.label), alpha=STATE_ALPHA, lw=0,
                               zorder=0.5)
        patch.set_gid(f"{span.obj}|{span.label}")


def _outage_handles(outages: list[Span], hatch: dict[str, str]) -> list[Patch]:
    return [Patch(facecolor=OUTAGE_FILL, edgecolor="0.3", hatch=hatch[link], label=f"{link} down")
            for link in dict.fromkeys(o.obj for o in outages)]


def _hatches(outages: list[Span]) -> dict[str, str]:
    links = dict.fromkeys(o.obj for o in outages)
    return {link: OUTAGE_HATCHES[i % len(OUTAGE_HATCHES)] for i, link in enumerate(links)}


def _pair_modes(results: Results) -> dict[str, str]:
    """Mode(s) of each pair in the order its writes used them, e.g. 'Sync → Async'."""
    def scope(volume: str) -> str:  # "east/vol" → "east.vol"
        return str(volume).replace("/", ".", 1)

    modes = {f"{scope(p.get('source'))}->{scope(p.get('target'))}": str(p.get("mode", "Async"))
             for p in (results.manifest.get("scenario") or {}).get("pairs", []) or []}
    summary = results.summary
    if {"pair", "mode"} <= set(summary.columns):
        modes.update({str(p): str(m) for p, m in zip(summary["pair"], summary["mode"],
                                                     strict=True) if pd.notna(p)})
    writes = results.writes.dropna(subset=["pair"])
    modes.update({str(pair): " → ".join(dict.fromkeys(str(m) for m in group["mode"]))
                  for pair, group in writes.groupby("pair", observed=True, sort=False)})
    return modes


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
    end, warmup = _end_s(results), _warmup_s(results)
    _unit, factor = _time_axis(axes[-1], results)
    if not pairs:
        _empty(axes[0], "no replicated pairs")
        return fig
    states = shaded_state_spans(results.states, end)
    outages = outage_spans(results.states, end)
    hatch = _hatches(outages)
    modes = _pair_modes(results)
    shown: list[Span] = []
    for ax, pair in zip(axes, pairs, strict=True):
        rows = results.rpo[results.rpo["pair"] == pair]
        t = rows["t_s"].to_numpy() / factor
        rpo, risk = rows["rpo_s"].to_numpy(), rows["data_at_risk_bytes"].to_numpy()
        rpo_max, risk_max = _pair_maxima(results, pair, rpo, risk)
        r_unit, r_factor = _lag_scale(max(rpo_max, np.nanmax(rpo, initial=0.0)))
        b_unit, b_factor = _bytes_scale(max(risk_max, np.nanmax(risk, initial=0.0)))
        twin = ax.twinx()
        mine = [s for s in states if s.obj == pair] + _outages_of(pair, outages)
        _shade(twin, mine, factor, hatch)
        shown += mine
        twin.plot(t, risk / b_factor, color=RISK_COLOUR, lw=1.2, ls="--")
        ax.plot(t, rpo / r_factor, color=RPO_COLOUR, lw=1.5)
        ax.set_zorder(twin.get_zorder() + 1)
        ax.patch.set_visible(False)
        _from_zero(ax, rpo)
        _from_zero(twin, risk)
        ax.set_ylabel(f"RPO ({r_unit})")
        twin.set_ylabel(f"data at risk ({b_unit})", color=RISK_COLOUR)
        twin.tick_params(axis="y", colors=RISK_COLOUR)
        ax.grid(True, alpha=0.3)
        ax.set_title(f"{pair} ({modes.get(pair, 'no writes')}) · max RPO "
                     f"{_fmt(rpo_max / r_factor, r_unit)} · max data at risk "
                     f"{_fmt(risk_max / b_factor, b_unit)}", loc="left", fontsize="medium")
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
            handles.append(Patch(color=_state_colour(state), alpha=STATE_ALPHA))
            names.append(state)
    for patch in _outage_handles([s for s in shown if s.label == "link down"], hatch):
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
def link_figure(results: Results) -> Figure:
    """Per link direction: utilisation and queue; per pair: backlog; link outages hatched."""
    fig, (ax_util, ax_queue, ax_backlog) = plt.subplots(
        3, 1, figsize=(WIDTH_IN + 2, 8), sharex=True, layout="constrained")
    fig.suptitle("WAN link per direction: utilisation, queue, and replication backlog")
    end = _end_s(results)
    _unit, factor = _time_axis(ax_backlog, results)
    outages = outage_spans(results.states, end)
    hatch = _hatches(outages)
    for ax in (ax_util, ax_queue, ax_backlog):
        _shade(ax, outages, factor, hatch)
        ax.grid(True, alpha=0.3)
    links = results.links
    q_unit, q_factor = _bytes_scale(float(links["queued_bytes"].max()) if len(links) else 0)
    for link, rows in links.groupby("link", observed=True, sort=False):
        t = rows["t_s"].to_numpy() / factor
        busy = rows["utilisation"].to_numpy() * 100
        stats = (f"\nmean {np.nanmean(busy):.3g}%, peak {np.nanmax(busy):.3g}%"
                 if np.nanmax(busy, initial=0) > 0 else " (idle)")
        ax_util.plot(t, busy, lw=1.3, drawstyle="steps-pre", label=f"{link}{stats}")
        ax_queue.plot(t, rows["queued_bytes"].to_numpy() / q_factor, lw=1.3, label=str(link))
    ax_util.set_ylim(0, 105)
    ax_util.yaxis.set_major_formatter(ticker.PercentFormatter())
    ax_util.set_ylabel("utilisation")
    ax_util.set_title("utilisation of each direction (mean over each sample interval)",
                      loc="left", fontsize="medium")
    ax_queue.set_ylabel(f"queued ({q_unit})")
    ax_queue.set_title("bytes waiting to be serialised onto the link", loc="left",
                       fontsize="medium")
    rpo = results.rpo
    b_unit, b_factor = _bytes_scale(float(rpo["backlog_bytes"].max()) if len(rpo) else 0)
    modes = _pair_modes(results)
    for i, (pair, rows) in enumerate(rpo.groupby("pair", observed=True, sort=False)):
        ax_backlog.plot(rows["t_s"].to_numpy() / factor,
                        rows["backlog_bytes"].to_numpy() / b_factor, lw=1.3,
                        color=PAIR_COLOURS(i % PAIR_COLOURS.N),
                        label=f"{pair}\n({modes.get(str(pair), 'no writes')})")
    ax_backlog.set_ylabel(f"backlog ({b_unit})")
    ax_backlog.set_title("replication backlog per pair (acknowledged, queued for the link)",
                         loc="left", fontsize="medium")
    _from_zero(ax_queue, links["queued_bytes"].to_numpy())
    _from_zero(ax_backlog, rpo["backlog_bytes"].to_numpy())
    outside = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), "fontsize": "small",
               "frameon": False}
    if len(links):
        ax_util.legend(handles=ax_util.get_legend_handles_labels()[0]
                       + _outage_handles(outages, hatch), **outside)
        ax_queue.legend(**outside)
    else:
        _empty(ax_util, "no WAN links")
    if len(rpo):
        ax_backlog.legend(**outside)
    else:
        _empty(ax_backlog, "no replicated pairs")
    return fig


# ---- figure 4: snapshot completion lag -----------------------------------------------------
def _schedule_intervals(results: Results) -> list[float]:
    """Distinct snapshot schedule intervals of the effective scenario, in seconds."""
    intervals = set()
    for volume in (results.manifest.get("scenario") or {}).get("volumes", []) or []:
        for schedule in volume.get("snapshot_schedules", []) or []:
            try:
                intervals.add(duration_s(schedule["interval"]))
            except (KeyError, TypeError, ValueError):
                continue
    return sorted(intervals)


def snapshot_figure(results: Results) -> Figure:
    """Per snapshot: creation → present-on-target lag and bytes shipped; skips marked."""
    fig, (ax_lag, ax_bytes) = plt.subplots(2, 1, figsize=(WIDTH_IN, 7), sharex=True,
                                           layout="constrained",
                                           gridspec_kw={"height_ratios": (2, 1)})
    fig.suptitle("Snapshot replication: completion lag (created → present on the target)")
    end = _end_s(results)
    _unit, factor = _time_axis(ax_bytes, results)
    snaps = results.snapshots
    snaps = snaps[snaps["enable_remote_replication"].astype(bool)]
    present = snaps["t_present_s"].notna().to_numpy()
    lag_s = np.where(present, snaps["completion_lag_s"].astype(float),
                     end - snaps["create_s"].astype(float))
    l_unit, l_factor = _lag_scale(float(np.nanmax(lag_s, initial=0.0)))
    s_unit, s_factor = _bytes_scale(float(snaps["bytes_shipped"].max()) if len(snaps) else 0)
    ms, stem = (4, 2.5) if len(snaps) <= 150 else (1.5, 0.6)  # many snapshots: finer marks
    for i, volume in enumerate(dict.fromkeys(snaps["volume"])):
        colour = f"C{i % 10}"
        mine = (snaps["volume"] == volume).to_numpy()
        t = snaps["create_s"].to_numpy(dtype=float)[mine] / factor
        lag, done = lag_s[mine] / l_factor, present[mine]
        label = (f"{volume}: {done.sum()} present, lag max {_fmt(lag[done].max(), l_unit)}"
                 if done.any() else f"{volume}: none present on the target")
        ax_lag.plot(t[done], lag[done], "o-", color=colour, ms=ms, lw=1.2, label=label)
        if (~done).any():
            ax_lag.plot(t[~done], lag[~done], "^", color=colour, mfc="white", ms=7,
                        label=f"{volume}: {(~done).sum()} not present by the end "
                              "(lag so far, at least)")
        shipped = snaps["bytes_shipped"].to_numpy(dtype=float)[mine] / s_factor
        ax_bytes.vlines(t, 0, shipped, color=colour, lw=stem, alpha=0.85)
        ax_bytes.plot(t, shipped, "o", color=colour, ms=ms - 1)
    for interval in _schedule_intervals(results) if len(snaps) else ():
        ax_lag.axhline(interval / l_factor, color="0.35", lw=1, ls="--",
                       label=f"schedule interval ({_fmt_duration(interval)})")
    skips = skipped_snapshots(results.states)
    if len(skips):
        causes = ", ".join(dict.fromkeys(str(c) for c in skips["cause"]))
        x = skips["t_s"].to_numpy(dtype=float) / factor
        ax_lag.vlines(x, 0, 1, transform=ax_lag.get_xaxis_transform(), color=SKIP_COLOUR,
                      lw=0.7, alpha=0.3, zorder=0.5)
        ax_lag.plot(x, np.zeros_like(x), "x", color=SKIP_COLOUR, ms=8, mew=2, clip_on=False,
                    zorder=3, label=f"scheduled snapshot skipped ×{len(x)} ({causes})")
    _from_zero(ax_lag, lag_s)
    ax_lag.set_ylabel(f"completion lag ({l_unit})")
    ax_lag.set_title("each snapshot at its creation time", loc="left", fontsize="medium")
    ax_lag.grid(True, alpha=0.3)
    _from_zero(ax_bytes, snaps["bytes_shipped"].to_numpy(dtype=float))
    ax_bytes.set_ylabel(f"shipped ({s_unit})")
    ax_bytes.set_title("bytes shipped per snapshot (its changed blocks)", loc="left",
                       fontsize="medium")
    ax_bytes.grid(True, axis="y", alpha=0.3)
    if snaps.empty:
        _empty(ax_lag, f"{len(results.snapshots)} snapshots, none with remote replication "
                       "enabled: nothing was replicated")
        _empty(ax_bytes, "")
    if ax_lag.get_legend_handles_labels()[0]:
        fig.legend(handles=ax_lag.get_legend_handles_labels()[0], loc="outside lower center",
                   ncol=2, fontsize="small", frameon=False)
    return fig


# ---- writing --------------------------------------------------------------------------------
FIGURES: dict[str, tuple[Callable[[Results], Figure], Callable[[Results], bool]]] = {
    "ack_latency_cdf.png": (ack_latency_figure, lambda r: True),
    "rpo_over_time.png": (rpo_figure, lambda r: True),
    "link_utilisation.png": (link_figure, lambda r: True),
    "snapshot_lag.png": (snapshot_figure, lambda r: len(r.snapshots) > 0),
}


def write_figures(results: Results, folder: str | os.PathLike) -> list[Path]:
    """Every figure that applies to this run into `folder`; returns the files written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [_render(build, results, folder / name)
            for name, (build, applies) in FIGURES.items() if applies(results)]


def _render(build: Callable[[Results], Figure], results: Results, path: Path) -> Path:
    """Build and save one figure; a figure is never left open, even when building fails."""
    before = set(plt.get_fignums())
    try:
        fig = build(results)
    except BaseException:
        for number in set(plt.get_fignums()) - before:
            plt.close(number)
        raise
    return _save(fig, path)


def _save(fig: Figure, path: Path) -> Path:
    try:
        fig.savefig(path, dpi=DPI)
    finally:
        plt.close(fig)
    return path


def plot_results(results_dir: str | os.PathLike,
                 output_dir: str | os.PathLike | None = None) -> list[Path]:
    """(Re)draw the figures of a saved results folder, by default into its `figures/`."""
    folder = Path(results_dir)
    results = Results.load(folder)  # FileNotFoundError naming the folder if it is not one
    return write_figures(results, Path(output_dir) if output_dir else folder / "figures")


def cmd_plot(args: argparse.Namespace) -> int:
    for path in plot_results(args.results_dir, args.output):
        print(path)
    return 0


def add_subcommand(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `plot RESULTS_DIR [-o DIR]` on the `replsim` command's subparsers."""
    plot = subparsers.add_parser("plot", help="redraw the figures of a results folder",
                                 description=plot_results.__doc__)
    plot.add_argument("results_dir", metavar="RESULTS_DIR", help="a folder `replsim run` wrote")
    plot.add_argument("-o", "--output", metavar="DIR",
                      help="where to write the figures (default RESULTS_DIR/figures)")
    plot.set_defaults(func=cmd_plot)
    return plot
