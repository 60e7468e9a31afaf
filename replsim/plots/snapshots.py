"""Snapshot completion lag and skipped scheduled snapshots."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from replsim.plots.style import (
    SKIP_COLOUR,
    WIDTH_IN,
    bytes_scale,
    empty,
    end_s,
    fmt,
    fmt_duration,
    from_zero,
    lag_scale,
    skipped_snapshots,
    time_axis,
)
from replsim.results import Results
from replsim.units import duration_s


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
    end = end_s(results)
    _unit, factor = time_axis(ax_bytes, results)
    snaps = results.snapshots
    snaps = snaps[snaps["enable_remote_replication"].astype(bool)]
    present = snaps["t_present_s"].notna().to_numpy()
    lag_s = np.where(present, snaps["completion_lag_s"].astype(float),
                     end - snaps["create_s"].astype(float))
    l_unit, l_factor = lag_scale(float(np.nanmax(lag_s, initial=0.0)))
    s_unit, s_factor = bytes_scale(float(snaps["bytes_shipped"].max()) if len(snaps) else 0)
    ms, stem = (4, 2.5) if len(snaps) <= 150 else (1.5, 0.6)  # many snapshots: finer marks
    for i, volume in enumerate(dict.fromkeys(snaps["volume"])):
        colour = f"C{i % 10}"
        mine = (snaps["volume"] == volume).to_numpy()
        t = snaps["create_s"].to_numpy(dtype=float)[mine] / factor
        lag, done = lag_s[mine] / l_factor, present[mine]
        label = (f"{volume}: {done.sum()} present, lag max {fmt(lag[done].max(), l_unit)}"
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
                       label=f"schedule interval ({fmt_duration(interval)})")
    skips = skipped_snapshots(results.states)
    if len(skips):
        causes = ", ".join(dict.fromkeys(str(c) for c in skips["cause"]))
        x = skips["t_s"].to_numpy(dtype=float) / factor
        ax_lag.vlines(x, 0, 1, transform=ax_lag.get_xaxis_transform(), color=SKIP_COLOUR,
                      lw=0.7, alpha=0.3, zorder=0.5)
        ax_lag.plot(x, np.zeros_like(x), "x", color=SKIP_COLOUR, ms=8, mew=2, clip_on=False,
                    zorder=3, label=f"scheduled snapshot skipped ×{len(x)} ({causes})")
    from_zero(ax_lag, lag_s)
    ax_lag.set_ylabel(f"completion lag ({l_unit})")
    ax_lag.set_title("each snapshot at its creation time", loc="left", fontsize="medium")
    ax_lag.grid(True, alpha=0.3)
    from_zero(ax_bytes, snaps["bytes_shipped"].to_numpy(dtype=float))
    ax_bytes.set_ylabel(f"shipped ({s_unit})")
    ax_bytes.set_title("bytes shipped per snapshot (its changed blocks)", loc="left",
                       fontsize="medium")
    ax_bytes.grid(True, axis="y", alpha=0.3)
    if snaps.empty:
        empty(ax_lag, f"{len(results.snapshots)} snapshots, none with remote replication "
                       "enabled: nothing was replicated")
        empty(ax_bytes, "")
    if ax_lag.get_legend_handles_labels()[0]:
        fig.legend(handles=ax_lag.get_legend_handles_labels()[0], loc="outside lower center",
                   ncol=2, fontsize="small", frameon=False)
    return fig


# ---- writing --------------------------------------------------------------------------------
