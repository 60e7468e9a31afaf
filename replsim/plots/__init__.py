"""Figures every run writes, and `replsim plot RESULTS_DIR`, which redraws them from a folder.

Every figure is drawn from the tables of `Results` alone, so a saved folder can be
replotted later. Pair states and link outages are intervals recovered from the `states`
table (exact transition times), not from the sampled `state` column.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from replsim.plots.latency import ack_latency_figure
from replsim.plots.links import link_figure
from replsim.plots.rpo import rpo_figure
from replsim.plots.snapshots import snapshot_figure
from replsim.plots.style import (
    DPI,
    Span,
    outage_spans,
    pair_state_spans,
    shaded_state_spans,
    skipped_snapshots,
)
from replsim.results import Results

__all__ = [
    "FIGURES", "Span", "ack_latency_figure", "add_subcommand", "link_figure", "outage_spans",
    "pair_state_spans", "plot_results", "rpo_figure", "shaded_state_spans", "skipped_snapshots",
    "snapshot_figure", "write_figures",
]

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
