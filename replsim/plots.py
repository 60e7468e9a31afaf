"""Figures every run writes: ack-latency CDF per pair, RPO and backlog over time, links."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import matplotlib.ticker as ticker
import numpy as np

from replsim.results import Results


def _label(volume: str, mode: str) -> str:
    return f"{volume} ({mode})"


def ack_latency_cdf(results: Results, path: Path) -> Path:
    """Empirical CDF of host ack latency per volume, log-x, in milliseconds."""
    fig, ax = plt.subplots(figsize=(7, 4.2))
    writes = results.writes.dropna(subset=["ack_latency_s"])
    for volume, group in writes.groupby("volume", observed=True):
        lat_ms = np.sort(group["ack_latency_s"].to_numpy()) * 1e3
        mode = str(group["mode"].iloc[-1])
        ax.plot(lat_ms, np.arange(1, len(lat_ms) + 1) / len(lat_ms),
                label=_label(str(volume), mode))
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda x, _: f"{x:g}"))
    ax.xaxis.set_minor_formatter(ticker.NullFormatter())
    ax.set_xlabel("host ack latency (ms, log scale)")
    ax.set_ylabel("fraction of writes ≤ x")
    ax.set_title("Ack latency per volume")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right", fontsize="small")
    return _save(fig, path)


def rpo_over_time(results: Results, path: Path) -> Path:
    """RPO (asyncDelay) and replication backlog per pair over simulated time."""
    fig, (ax_rpo, ax_backlog) = plt.subplots(2, 1, figsize=(7, 5.5), sharex=True)
    for pair, group in results.rpo.groupby("pair", observed=True):
        ax_rpo.plot(group["t_s"], group["rpo_s"] * 1e3, label=str(pair))
        ax_backlog.plot(group["t_s"], group["backlog_bytes"] / 2**20, label=str(pair))
    ax_rpo.set_ylabel("RPO (ms)")
    ax_rpo.set_title("RPO and un-replicated backlog per pair")
    ax_backlog.set_ylabel("backlog (MiB)")
    ax_backlog.set_xlabel("simulated time (s)")
    for ax in (ax_rpo, ax_backlog):
        ax.grid(True, alpha=0.3)
    if len(results.rpo):
        ax_rpo.legend(fontsize="small")
    return _save(fig, path)


def link_utilisation(results: Results, path: Path) -> Path:
    """Utilisation and queued bytes per link direction over simulated time."""
    fig, (ax_util, ax_queue) = plt.subplots(2, 1, figsize=(7, 5.5), sharex=True)
    for link, group in results.links.groupby("link", observed=True):
        ax_util.plot(group["t_s"], group["utilisation"] * 100, label=str(link))
        ax_queue.plot(group["t_s"], group["queued_bytes"] / 2**20, label=str(link))
    ax_util.set_ylabel("utilisation (%)")
    ax_util.set_title("WAN link per direction")
    ax_queue.set_ylabel("queued (MiB)")
    ax_queue.set_xlabel("simulated time (s)")
    for ax in (ax_util, ax_queue):
        ax.grid(True, alpha=0.3)
    if len(results.links):
        ax_util.legend(fontsize="small")
    return _save(fig, path)


FIGURES = {
    "ack_latency_cdf.png": ack_latency_cdf,
    "rpo_over_time.png": rpo_over_time,
    "link_utilisation.png": link_utilisation,
}


def write_figures(results: Results, folder: Path) -> list[Path]:
    """Every standard figure into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    return [make(results, folder / name) for name, make in FIGURES.items()]


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
