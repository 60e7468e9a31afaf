"""Shared look of the figures: colours, unit scales, axes helpers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.ticker as ticker
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from replsim.results import Results

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
    return [s for s in pair_state_spans(states, end_s) if state_colour(s.label)]


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


def state_colour(state: str) -> str | None:
    if state in STATE_COLOURS:
        return STATE_COLOURS[state]
    if state.startswith("Paused"):
        return "#fdae61"
    if state.startswith("Resuming"):
        return "#9ecae1"
    return None


def link_clusters(scope: str) -> frozenset[str] | None:
    """The two clusters a link ("link.a<->b"), direction ("link.a->b") or pair joins."""
    if scope.startswith("link."):
        name = scope.removeprefix("link.")
        sep = "<->" if "<->" in name else "->"
        return frozenset(name.split(sep, 1)) if sep in name else None
    if "->" in scope:  # a pair: "cluster.volume->cluster.volume"
        return frozenset(side.split(".", 1)[0] for side in scope.split("->", 1))
    return None


def outages_of(scope: str, outages: list[Span]) -> list[Span]:
    """Outages of the link under a pair or link direction (all of them if names don't say)."""
    clusters = link_clusters(scope)
    mine = [o for o in outages if clusters is not None and link_clusters(o.obj) == clusters]
    return mine if mine or clusters is None else []


# ---- scales ---------------------------------------------------------------------------------
def lag_scale(max_s: float) -> tuple[str, float]:
    """Unit for a delay (latency, RPO, lag) by its magnitude: ms, s, min or h."""
    for unit, factor, below in (("ms", 1e-3, 1.0), ("s", 1.0, 300.0), ("min", 60.0, 7200.0)):
        if not max_s >= below:  # NaN → smallest unit
            return unit, factor
    return "h", 3600.0


def clock_scale(end_s: float) -> tuple[str, float]:
    """Unit for the simulated-time axis: s up to 30 min, then min up to 4 h, then h."""
    if not end_s > 1800:
        return "s", 1.0
    return ("min", 60.0) if end_s <= 4 * 3600 else ("h", 3600.0)


def bytes_scale(max_bytes: float) -> tuple[str, float]:
    for unit, factor in (("TiB", 2.0**40), ("GiB", 2.0**30), ("MiB", 2.0**20)):
        if max_bytes >= factor:
            return unit, factor
    return "KiB", 1024.0


def fmt(value: float, unit: str) -> str:
    return f"{value:.3g} {unit}"


def fmt_duration(seconds: float) -> str:
    unit, factor = lag_scale(seconds)
    return fmt(seconds / factor, unit)


def end_s(results: Results) -> float:
    """End of the simulated run: the manifest's, else the last recorded time."""
    times = [float(results.manifest.get("simulated_s") or 0.0)]
    for frame in (results.rpo, results.links, results.states):
        if len(frame):
            times.append(float(frame["t_s"].max()))
    return max(times)


def warmup_s(results: Results) -> float:
    return float(results.manifest.get("warmup_s") or 0.0)


def time_axis(ax: Axes, results: Results) -> tuple[str, float]:
    unit, factor = clock_scale(end_s(results))
    ax.set_xlim(0, max(end_s(results), 1e-9) / factor)
    ax.set_xlabel(f"simulated time ({unit})")
    return unit, factor


def from_zero(ax: Axes, values: np.ndarray) -> None:
    """y from 0; an all-zero series gets a unit-high axis instead of a degenerate one."""
    ax.set_ylim(0, ax.get_ylim()[1] if np.nanmax(values, initial=0.0) > 0 else 1)


def empty(ax: Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center",
            color="0.4")
    ax.set_yticks([])


# ---- figure 1: ack latency -----------------------------------------------------------------
def cdf_index(n: int, body: int = 1500, tail: int = 600) -> np.ndarray:
    """Indices of a sorted sample to draw its CDF: thinned in the body, dense in the tail."""
    if n <= body + tail:
        return np.arange(n)
    return np.unique(np.concatenate([np.linspace(0, n - 1, body),
                                     n - np.geomspace(1, n, tail)]).astype(np.int64))


def log_ticks(ax: Axes, lo: float, hi: float) -> None:
    """Readable log-x ticks: 1-2-3-5 over a short range, 1-2-5, then decades only."""
    decades = np.log10(hi / lo)
    subs = (1.0, 2.0, 3.0, 5.0) if decades < 2.2 else (1.0, 2.0, 5.0) if decades < 3.5 else (1.0,)
    ax.xaxis.set_major_locator(ticker.LogLocator(base=10, subs=subs))
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(ticker.NullFormatter())


def widen(lo: float, hi: float, factor: float = 4.0) -> tuple[float, float]:
    """A log range spanning at least `factor`, so that a narrow one still gets labelled ticks."""
    if hi / lo >= factor:
        return lo, hi
    middle = np.sqrt(lo * hi)
    return middle / np.sqrt(factor), middle * np.sqrt(factor)


def guide(ax: Axes, y: float, name: str) -> None:
    ax.axhline(y, color="0.5", lw=0.8, ls=":")
    ax.annotate(name, (1.0, y), xycoords=("axes fraction", "data"), xytext=(3, 0),
                textcoords="offset points", va="center", fontsize="small", color="0.4")

def shade(ax: Axes, spans: Iterable[Span], factor: float, hatch: dict[str, str]) -> None:
    for span in spans:
        x0, x1 = span.start_s / factor, span.end_s / factor
        if span.label == "link down":
            patch = ax.axvspan(x0, x1, facecolor=OUTAGE_FILL, edgecolor="0.3",
                               hatch=hatch[span.obj], lw=0.8, zorder=0.6)
        else:
            patch = ax.axvspan(x0, x1, color=state_colour(span.label), alpha=STATE_ALPHA, lw=0,
                               zorder=0.5)
        patch.set_gid(f"{span.obj}|{span.label}")

def outage_handles(outages: list[Span], hatch: dict[str, str]) -> list[Patch]:
    return [Patch(facecolor=OUTAGE_FILL, edgecolor="0.3", hatch=hatch[link], label=f"{link} down")
            for link in dict.fromkeys(o.obj for o in outages)]

def hatches(outages: list[Span]) -> dict[str, str]:
    links = dict.fromkeys(o.obj for o in outages)
    return {link: OUTAGE_HATCHES[i % len(OUTAGE_HATCHES)] for i, link in enumerate(links)}

def pair_modes(results: Results) -> dict[str, str]:
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
