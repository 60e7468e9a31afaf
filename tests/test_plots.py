"""replsim.plots: the figures every run writes, the spans they shade, and `replsim plot`."""

from __future__ import annotations

import argparse
from itertools import combinations, pairwise
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.image import imread

from replsim import cli, plots
from replsim.plots import Span, style
from replsim.results import Results
from replsim.world import World
from tests.builders import two_sites

QUICKSTART = Path(__file__).resolve().parents[1] / "scenarios" / "quickstart.yaml"
BASE = ["ack_latency_cdf.png", "rpo_over_time.png", "link_utilisation.png"]
PAIR = "east.vol->west.vol-dr"
LINK = "link.east<->west"


def _run(data: dict) -> Results:
    world = World.from_dict(data)
    world.run()
    return world.results()


@pytest.fixture(scope="module")
def quick() -> Results:
    world = World.from_scenario(QUICKSTART, overrides={"run.duration": 3, "run.warmup": 0.5})
    world.run()
    return world.results()


@pytest.fixture(scope="module")
def outage() -> Results:
    """Async over a 20 MB/s link that is down from 5 s to 15 s: pause, then resync."""
    return _run(two_sites(mode="Async", workload={"rate": 2000}, duration=30,
                          link={"outages": [{"start": 5, "duration": 10}], "bandwidth": 20e6}))


@pytest.fixture(scope="module")
def snapshots() -> Results:
    """SnapshotsOnly over a thin link with serial creation: lags grow, schedules skip."""
    data = two_sites(mode="SnapshotsOnly", workload={"rate": 50}, link={"bandwidth": 0.2e6},
                     duration=250)
    data["volumes"][0]["snapshot_schedules"] = [
        {"name": "every30s", "interval": 30, "ensure_serial_creation": True}]
    return _run(data)


@pytest.fixture(scope="module")
def runs(quick, outage, snapshots) -> dict[str, Results]:
    return {"quick": quick, "outage": outage, "snapshots": snapshots}


def _is_png(path: Path) -> bool:
    return path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _assert_no_overlapping_tick_labels(fig, name: str) -> None:
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        for labels in (ax.get_xticklabels(), ax.get_yticklabels()):
            boxes = [t.get_window_extent(renderer) for t in labels
                     if t.get_visible() and t.get_text()]
            for a, b in combinations(boxes, 2):
                assert not a.overlaps(b), f"{name}: overlapping tick labels"


@pytest.mark.parametrize(("run", "names"), [
    ("quick", BASE), ("outage", BASE), ("snapshots", [*BASE, "snapshot_lag.png"])])
def test_every_figure_is_a_readable_png_and_snapshot_lag_only_with_snapshots(
        runs, run, names, tmp_path, monkeypatch):
    save = plots._save

    def checked_save(fig, path):
        _assert_no_overlapping_tick_labels(fig, path.name)
        return save(fig, path)

    monkeypatch.setattr(plots, "_save", checked_save)
    paths = plots.write_figures(runs[run], tmp_path / "figures")
    assert [p.name for p in paths] == names
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == sorted(names)
    for path in paths:
        assert _is_png(path)
        assert path.stat().st_size > 20_000
        height, width = imread(path).shape[:2]
        assert 700 <= width <= 2000 and 400 <= height <= 2000
    assert plt.get_fignums() == []  # every figure closed after saving


def test_outage_span_comes_from_the_link_transitions(outage):
    assert plots.outage_spans(outage.states, 30.0) == [Span(LINK, "link down", 5.0, 15.0)]


def test_paused_and_resuming_spans_come_from_the_pair_transitions(outage):
    spans = plots.shaded_state_spans(outage.states, 30.0)
    assert all(s.obj == PAIR for s in spans)
    assert spans[0] == Span(PAIR, "PausedDisconnected", 10.0, 15.0)
    resuming = spans[1:]
    assert [s.label for s in resuming] == ["ResumingConnected", "ResumingRRSync",
                                           "ResumingLocalSync", "ResumingDataTransfer"]
    assert resuming[0].start_s == 15.0
    assert all(a.end_s == b.start_s for a, b in pairwise(resuming))
    every = plots.pair_state_spans(outage.states, 30.0)  # Active is a state, not shaded
    assert [s.label for s in every if s.label == "Active"] == ["Active", "Active"]
    assert every[-1].end_s == 30.0


def _shaded(fig) -> dict[str, tuple[float, float]]:
    return {p.get_gid(): (p.get_x(), p.get_x() + p.get_width())
            for ax in fig.axes for p in ax.patches if p.get_gid()}


def test_rpo_figure_shades_the_pause_and_hatches_the_outage(outage):
    fig = plots.rpo_figure(outage)
    try:
        shaded = _shaded(fig)
        assert shaded[f"{LINK}|link down"] == pytest.approx((5.0, 15.0))
        assert shaded[f"{PAIR}|PausedDisconnected"] == pytest.approx((10.0, 15.0))
        assert f"{PAIR}|Active" not in shaded
        legend = [t.get_text() for t in fig.legends[0].get_texts()]
        assert {"PausedDisconnected", "ResumingDataTransfer", f"{LINK} down"} <= set(legend)
        labels = {ax.get_ylabel() for ax in fig.axes}
        assert {"RPO (s)", "data at risk (MiB)"} <= labels
    finally:
        plt.close(fig)


def test_link_figure_hatches_the_outage_in_every_panel(outage):
    fig = plots.link_figure(outage)
    try:
        hatched = [ax for ax in fig.axes
                   if any(p.get_gid() == f"{LINK}|link down" for p in ax.patches)]
        assert len(hatched) == 3
        assert fig.axes[0].get_ylabel() == "utilisation"
        assert fig.axes[1].get_ylabel() == "queued (MiB)"
    finally:
        plt.close(fig)


def test_an_outage_still_open_at_the_end_runs_to_the_end():
    states = pd.DataFrame({"t_s": [2.0, 8.0, 20.0], "kind": ["link"] * 3,
                           "object": ["link.a<->b", "link.a<->b", "link.a<->c"],
                           "to_state": ["Down", "Up", "Down"]})
    assert plots.outage_spans(states, 30.0) == [Span("link.a<->b", "link down", 2.0, 8.0),
                                                Span("link.a<->c", "link down", 20.0, 30.0)]


def test_a_pair_is_marked_only_with_the_outages_of_its_own_link():
    outages = [Span("link.east<->west", "link down", 1, 2),
               Span("link.east<->north", "link down", 3, 4)]
    assert style.outages_of("east.db->north.db-dr", outages) == outages[1:]
    assert style.outages_of("link.west->east", outages) == outages[:1]


def test_snapshot_figure_marks_skips_and_snapshots_not_yet_present(snapshots):
    skipped = plots.skipped_snapshots(snapshots.states)
    assert list(skipped["t_s"]) == [60.0, 120.0, 150.0, 210.0, 240.0]
    fig = plots.snapshot_figure(snapshots)
    try:
        labels = [line.get_label() for line in fig.axes[0].get_lines()]
        assert any(lbl.startswith("scheduled snapshot skipped ×5") for lbl in labels)
        assert any("1 not present by the end" in lbl for lbl in labels)
        assert "schedule interval (30 s)" in labels
        assert fig.axes[0].get_ylabel() == "completion lag (s)"
    finally:
        plt.close(fig)


def test_units_follow_the_magnitude():
    assert [style.lag_scale(v)[0] for v in (0.004, 5.0, 4000.0, 1e5)] == ["ms", "s", "min", "h"]
    assert [style.bytes_scale(v)[0] for v in (3e5, 5e6, 3e9)] == ["KiB", "MiB", "GiB"]
    assert [style.clock_scale(v)[0] for v in (30, 3600, 86400)] == ["s", "min", "h"]


def test_latency_axis_is_log_in_ms_with_the_mode_in_the_legend(quick):
    fig = plots.ack_latency_figure(quick)
    try:
        ax = fig.axes[0]
        assert ax.get_xscale() == "log"
        assert ax.get_xlabel() == "host ack latency (ms, log scale)"
        legend = " ".join(t.get_text() for t in fig.legends[0].get_texts())
        assert "east.db (Sync)" in legend and "east.share (Async)" in legend
        assert "0.5 s warm-up" in fig.get_suptitle()
    finally:
        plt.close(fig)


def test_a_run_without_pairs_still_gets_its_figures(tmp_path):
    results = _run(two_sites(mode=None, duration=1.0, workload={"rate": 200}))
    paths = plots.write_figures(results, tmp_path)
    assert [p.name for p in paths] == BASE
    assert all(_is_png(p) for p in paths)


def test_plot_results_redraws_a_saved_folder(outage, tmp_path, monkeypatch):
    monkeypatch.setattr(Results, "_write_extras", lambda self, folder: None)
    folder = outage.save(tmp_path / "run")
    assert not (folder / "figures").exists()
    paths = plots.plot_results(folder)
    assert paths == [folder / "figures" / name for name in BASE]
    assert all(_is_png(p) for p in paths)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="replsim")
    plots.add_subcommand(parser.add_subparsers(dest="command", required=True))
    return parser


def test_plot_subcommand(snapshots, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(Results, "_write_extras", lambda self, folder: None)
    folder = snapshots.save(tmp_path / "run")
    args = _parser().parse_args(["plot", str(folder), "-o", str(tmp_path / "figs")])  # str paths
    assert (args.results_dir, args.output) == (str(folder), str(tmp_path / "figs"))
    assert args.func(args) == 0
    written = capsys.readouterr().out.split()
    assert written == [str(tmp_path / "figs" / name) for name in [*BASE, "snapshot_lag.png"]]
    assert all(_is_png(Path(p)) for p in written)
    args = _parser().parse_args(["plot", str(folder)])
    assert args.output is None


@pytest.mark.parametrize("missing", [False, True])
def test_a_folder_that_is_not_a_results_folder_is_refused(tmp_path, missing):
    folder = tmp_path / ("nowhere" if missing else "")
    with pytest.raises(FileNotFoundError, match=str(folder)):
        plots.plot_results(folder)
    assert not (folder / "figures").exists()


def test_the_command_exits_2_on_a_folder_that_is_not_a_results_folder(tmp_path, capsys,
                                                                       monkeypatch):
    build = cli.build_parser

    def with_plot() -> argparse.ArgumentParser:
        parser = build()
        subparsers = next(a for a in parser._actions
                          if isinstance(a, argparse._SubParsersAction))
        if "plot" not in subparsers.choices:
            plots.add_subcommand(subparsers)
        return parser

    monkeypatch.setattr(cli, "build_parser", with_plot)
    assert cli.main(["plot", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert str(tmp_path) in err and "not a replsim results folder" in err
