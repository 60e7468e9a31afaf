"""replsim.cli: `replsim run` prints the summary, writes the folder, fails cleanly (exit 2)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from replsim.cli import main
from replsim.results import Results

QUICKSTART = Path(__file__).resolve().parent.parent / "scenarios" / "quickstart.yaml"
SHORT = ["--set", "run.duration=2s", "--set", "run.warmup=0.5s"]


@pytest.fixture
def no_figures(monkeypatch):
    """Figures are the plotting layer's business (and slow); most tests skip them."""
    monkeypatch.setattr(Results, "_write_extras", lambda self, folder: None)


def test_run_prints_the_summary_and_writes_the_folder(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(QUICKSTART), *SHORT, "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    lines = captured.out.splitlines()
    assert lines[0].startswith("quickstart: 2 s simulated in ")
    assert lines[0].endswith("(seed 1)")
    assert lines[1].split()[:3] == ["volume", "mode", "IOPS"]
    rows = {line.split()[0]: line.split() for line in lines[3:5]}
    assert rows["east.db"][1] == "Sync"
    assert rows["east.share"][1] == "Async"
    assert lines[-1] == f"results written to {out}/"
    assert (out / "manifest.json").is_file()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario"]["run"]["duration"] == "2s"
    assert manifest["simulated_s"] == 2.0
    results = Results.load(out)
    assert list(results.summary["volume"]) == ["east.db", "east.share"]


def test_seed_option_is_used_and_recorded(tmp_path, capsys, no_figures):
    out = tmp_path / "out"
    assert main(["run", str(QUICKSTART), *SHORT, "--seed", "9", "-o", str(out)]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith("(seed 9)")
    assert json.loads((out / "manifest.json").read_text())["seed"] == 9


def test_rerun_into_the_same_folder_replaces_it(tmp_path, capsys, no_figures):
    out = tmp_path / "out"
    assert main(["run", str(QUICKSTART), *SHORT, "-o", str(out)]) == 0
    assert main(["run", str(QUICKSTART), *SHORT, "--set", "run.name=again", "-o", str(out)]) == 0
    assert json.loads((out / "manifest.json").read_text())["scenario"]["run"]["name"] == "again"


def test_default_output_folder_is_results_slash_name(tmp_path, capsys, monkeypatch, no_figures):
    shutil.copy(QUICKSTART, tmp_path / "q.yaml")
    monkeypatch.chdir(tmp_path)
    assert main(["run", "q.yaml", *SHORT]) == 0
    assert (tmp_path / "results" / "quickstart" / "manifest.json").is_file()
    assert "results written to results/quickstart/" in capsys.readouterr().out


def test_refuses_to_replace_a_folder_that_is_not_a_results_folder(tmp_path, capsys, no_figures):
    out = tmp_path / "notes"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main(["run", str(QUICKSTART), *SHORT, "-o", str(out)]) == 2
    assert "not a replsim results folder" in capsys.readouterr().err
    assert (out / "keep.txt").read_text() == "mine"


def test_bad_scenario_prints_every_problem_and_returns_2(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "run: {duration: fast}\n"
        "clusters:\n"
        "  - {name: east, nodez: 4}\n"
        "  - {name: west, nodes: 1}\n"
        "volumes:\n"
        "  - {cluster: east, name: v, acess: readWrite}\n"
    )
    assert main(["run", str(path), "-o", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Traceback" not in captured.err
    assert captured.err.startswith(f"replsim: {path}: 4 problem(s)")
    for where in ("run.duration", "clusters[0].nodez", "clusters[1].nodes", "volumes[0].acess"):
        assert f"  - {where}: " in captured.err
    assert "did you mean 'nodes'?" in captured.err
    assert not (tmp_path / "out").exists()


def test_warmup_as_long_as_duration_is_refused(tmp_path, capsys):
    # quickstart has `warmup: 2s`, so shortening only the duration to 2s is not enough
    argv = ["run", str(QUICKSTART), "--set", "run.duration=2s", "-o", str(tmp_path / "out")]
    assert main(argv) == 2
    assert "run: warmup must be shorter than duration" in capsys.readouterr().err


def test_build_problems_return_2(tmp_path, capsys):
    argv = ["run", str(QUICKSTART), *SHORT, "--set", "workloads.0.volume=west/db-dr",
            "-o", str(tmp_path / "out")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "workloads[0]: " in err and "Traceback" not in err


def test_missing_file_returns_2(tmp_path, capsys):
    missing = tmp_path / "nope.yaml"
    assert main(["run", str(missing)]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err and "cannot read the file" in err


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("run.duration", "expected key.path=value"),
        ("=5s", "expected key.path=value"),
        ("run.name=[unclosed", "not valid YAML"),
        ("clusters.9.nodes=6", "is not an index of the list"),
        ("run.duration.x=1", "is not a mapping"),
        ("run.durration=5s", "did you mean 'duration'?"),
    ],
)
def test_bad_set_returns_2(tmp_path, capsys, setting, message):
    argv = ["run", str(QUICKSTART), "--set", setting, "-o", str(tmp_path / "out")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_set_values_are_read_as_yaml(tmp_path, capsys, no_figures):
    out = tmp_path / "out"
    argv = ["run", str(QUICKSTART), *SHORT, "--set", "clusters.0.nodes=6",
            "--set", "pairs.0.mode=async", "-o", str(out)]
    assert main(argv) == 0
    scenario = json.loads((out / "manifest.json").read_text())["scenario"]
    assert scenario["clusters"][0]["nodes"] == 6  # an int, not the string "6"
    assert "Async" in capsys.readouterr().out.split("east.db", 1)[1].splitlines()[0]


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["run"])
    assert info.value.code == 2
