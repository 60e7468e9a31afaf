"""replsim.results.Results: save a folder atomically, load it back unchanged."""

from __future__ import annotations

import copy
import json

import pandas as pd
import pytest

from replsim.results import TABLES, Results
from replsim.world import World
from tests.builders import two_sites

FILES = {f"{name}.parquet" for name in TABLES} | {"summary.csv", "manifest.json"}


@pytest.fixture(scope="module")
def results() -> Results:
    data = copy.deepcopy(two_sites(duration=1.0, workload={"rate": 300, "io_size": {
        "4KiB": 0.5, "32KiB": 0.5}}))
    world = World.from_dict(data)
    world.run()
    return world.results()


@pytest.fixture
def no_figures(monkeypatch):
    """Figures are the plotting layer's business (and slow); most tests skip them."""
    monkeypatch.setattr(Results, "_write_extras", lambda self, folder: None)


def test_save_writes_tables_summary_csv_and_manifest(results, tmp_path):
    out = results.save(tmp_path / "run")
    assert out == tmp_path / "run"
    assert {p.name for p in out.iterdir()} >= FILES
    # nothing but the folder itself next to it: the staging folder was renamed into place
    assert [p.name for p in tmp_path.iterdir()] == ["run"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == results.manifest["seed"]
    csv = pd.read_csv(out / "summary.csv")
    assert list(csv.columns) == list(results.summary.columns)
    assert list(csv["volume"]) == list(results.summary["volume"])
    pd.testing.assert_series_equal(csv["ack_p99_s"], results.summary["ack_p99_s"])


def test_save_creates_missing_parent_folders(results, tmp_path, no_figures):
    out = results.save(tmp_path / "a" / "b" / "run")
    assert (out / "manifest.json").is_file()


def test_load_round_trips_every_frame_exactly(results, tmp_path, no_figures):
    loaded = Results.load(results.save(tmp_path / "run"))
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(results, name),
                                      check_exact=True)
    assert loaded.manifest == json.loads(json.dumps(results.manifest, default=str))


def test_categorical_columns_come_back_categorical_with_all_categories(results, tmp_path,
                                                                       no_figures):
    loaded = Results.load(results.save(tmp_path / "run"))
    for table, column in [("writes", "volume"), ("writes", "pair"), ("writes", "mode"),
                          ("rpo", "pair"), ("links", "link")]:
        before, after = getattr(results, table)[column], getattr(loaded, table)[column]
        assert isinstance(before.dtype, pd.CategoricalDtype)
        assert isinstance(after.dtype, pd.CategoricalDtype), (table, column)
        # unused categories (e.g. the target volume, mode "SnapshotsOnly") survive too
        assert list(after.cat.categories) == list(before.cat.categories)
    assert "SnapshotsOnly" in list(loaded.writes["mode"].cat.categories)
    # ... and so does every other categorical column of every table
    for name in TABLES:
        before, after = getattr(results, name), getattr(loaded, name)
        for column in before.columns:
            if isinstance(before[column].dtype, pd.CategoricalDtype):
                assert after[column].dtype == before[column].dtype, (name, column)


def test_tables_are_every_frame_in_order(results):
    tables = results.tables()
    assert list(tables) == list(TABLES)
    assert {"writes", "rpo", "links", "summary"} <= set(tables)
    assert {f"{name}.parquet" for name in ("writes", "rpo", "links", "summary")} <= FILES
    for name, frame in tables.items():
        assert frame is getattr(results, name)


def test_saving_into_an_existing_folder_needs_overwrite(results, tmp_path, no_figures):
    out = results.save(tmp_path / "run")
    (out / "marker.txt").write_text("earlier run")
    with pytest.raises(FileExistsError, match="overwrite"):
        results.save(out)
    assert (out / "marker.txt").read_text() == "earlier run"
    results.save(out, overwrite=True)
    assert not (out / "marker.txt").exists()
    assert {p.name for p in out.iterdir()} >= FILES


def test_overwrite_refuses_a_folder_that_is_not_a_results_folder(results, tmp_path, no_figures):
    precious = tmp_path / "src"
    precious.mkdir()
    (precious / "code.py").write_text("print('hi')")
    with pytest.raises(FileExistsError, match="not a replsim results folder"):
        results.save(precious, overwrite=True)
    assert (precious / "code.py").read_text() == "print('hi')"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src"]


def test_overwrite_accepts_an_empty_folder(results, tmp_path, no_figures):
    (tmp_path / "run").mkdir()
    results.save(tmp_path / "run", overwrite=True)
    assert (tmp_path / "run" / "manifest.json").is_file()


@pytest.mark.parametrize("error", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_failed_save_leaves_nothing_behind(results, tmp_path, monkeypatch, no_figures, error):
    calls = []

    def fail(self, *args, **kwargs):
        calls.append(args)
        if len(calls) == 2:  # fail part-way, after one table was written
            raise error
        return original(self, *args, **kwargs)

    original = pd.DataFrame.to_parquet
    monkeypatch.setattr(pd.DataFrame, "to_parquet", fail)
    with pytest.raises(type(error)):
        results.save(tmp_path / "run")
    assert len(calls) == 2
    assert list(tmp_path.iterdir()) == []  # no folder, no hidden ".run.*" staging folder


def test_failed_overwrite_keeps_the_previous_results(results, tmp_path, monkeypatch, no_figures):
    out = results.save(tmp_path / "run")
    before = sorted(p.name for p in out.iterdir())

    def fail(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", fail)
    with pytest.raises(OSError, match="disk full"):
        results.save(out, overwrite=True)
    assert [p.name for p in tmp_path.iterdir()] == ["run"]
    assert sorted(p.name for p in out.iterdir()) == before
    monkeypatch.undo()
    pd.testing.assert_frame_equal(Results.load(out).writes, results.writes, check_exact=True)


def test_failure_in_the_extras_hook_also_leaves_nothing(results, tmp_path, monkeypatch):
    def fail(self, folder):
        (folder / "figures").mkdir()
        raise RuntimeError("no display")

    monkeypatch.setattr(Results, "_write_extras", fail)
    with pytest.raises(RuntimeError):
        results.save(tmp_path / "run")
    assert list(tmp_path.iterdir()) == []


def test_load_refuses_a_folder_without_manifest(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a replsim results folder"):
        Results.load(tmp_path)
