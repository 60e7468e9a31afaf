"""Link utilisation, link queues and replication backlog over time."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import matplotlib.ticker as ticker
import numpy as np
from matplotlib.figure import Figure

from replsim.plots.style import (
    PAIR_COLOURS,
    WIDTH_IN,
    bytes_scale,
    empty,
    end_s,
    from_zero,
    hatches,
    outage_handles,
    outage_spans,
    pair_modes,
    shade,
    time_axis,
)
from replsim.results import Results


def link_figure(results: Results) -> Figure:
    """Per link direction: utilisation and queue; per pair: backlog; link outages hatched."""
    fig, (ax_util, ax_queue, ax_backlog) = plt.subplots(
        3, 1, figsize=(WIDTH_IN + 2, 8), sharex=True, layout="constrained")
    fig.suptitle("WAN link per direction: utilisation, queue, and replication backlog")
    end = end_s(results)
    _unit, factor = time_axis(ax_backlog, results)
    outages = outage_spans(results.states, end)
    hatch = hatches(outages)
    for ax in (ax_util, ax_queue, ax_backlog):
        shade(ax, outages, factor, hatch)
        ax.grid(True, alpha=0.3)
    links = results.links
    q_unit, q_factor = bytes_scale(float(links["queued_bytes"].max()) if len(links) else 0)
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
    b_unit, b_factor = bytes_scale(float(rpo["backlog_bytes"].max()) if len(rpo) else 0)
    modes = pair_modes(results)
    for i, (pair, rows) in enumerate(rpo.groupby("pair", observed=True, sort=False)):
        ax_backlog.plot(rows["t_s"].to_numpy() / factor,
                        rows["backlog_bytes"].to_numpy() / b_factor, lw=1.3,
                        color=PAIR_COLOURS(i % PAIR_COLOURS.N),
                        label=f"{pair}\n({modes.get(str(pair), 'no writes')})")
    ax_backlog.set_ylabel(f"backlog ({b_unit})")
    ax_backlog.set_title("replication backlog per pair (acknowledged, queued for the link)",
                         loc="left", fontsize="medium")
    from_zero(ax_queue, links["queued_bytes"].to_numpy())
    from_zero(ax_backlog, rpo["backlog_bytes"].to_numpy())
    outside = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), "fontsize": "small",
               "frameon": False}
    if len(links):
        ax_util.legend(handles=ax_util.get_legend_handles_labels()[0]
                       + outage_handles(outages, hatch), **outside)
        ax_queue.legend(**outside)
    else:
        empty(ax_util, "no WAN links")
    if len(rpo):
        ax_backlog.legend(**outside)
    else:
        empty(ax_backlog, "no replicated pairs")
    return fig


# ---- figure 4: snapshot completion lag -----------------------------------------------------
