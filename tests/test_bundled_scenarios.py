"""Every bundled scenario runs from the CLI and writes a complete results folder."""

from pathlib import Path

import pandas as pd
import pytest

from replsim.cli import main
from replsim.results import TABLES

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
SHORTER = {  # --set overrides that keep the suite fast but still show the behaviour
    "overload-pauselimit": ["run.duration=60s", "model.pause_limit=1GB",
                            "timeline.0.at=40s"],
    "async-outage-resync": ["run.duration=6min", "links.0.outages.0.start=1min",
                            "links.0.outages.0.duration=2min"],
    "snapshots-only-daily": ["run.duration=6h"],
    "qos-burst": ["run.duration=160s"],
    "fan-out": ["run.duration=40s"],
    "metro-sync-vs-async": ["run.duration=5s"],
}


def _scenarios() -> list[str]:
    return sorted(p.stem for p in SCENARIOS.glob("*.yaml"))


def test_every_scenario_has_a_header_saying_what_it_teaches():
    for name in _scenarios():
        first = (SCENARIOS / f"{name}.yaml").read_text().splitlines()[0]
        assert first.startswith(f"# {name} — "), name


@pytest.mark.parametrize("name", _scenarios())
def test_bundled_scenario_runs(name, tmp_path, capsys):
    out = tmp_path / name
    sets = [arg for s in SHORTER.get(name, []) for arg in ("--set", s)]
    assert main(["run", str(SCENARIOS / f"{name}.yaml"), "-o", str(out), "-q", *sets]) == 0
    printed = capsys.readouterr().out
    assert "results written to" in printed
    for table in TABLES:
        assert (out / f"{table}.parquet").is_file()
    assert (out / "summary.csv").is_file() and (out / "manifest.json").is_file()
    assert list((out / "figures").glob("*.png"))
    summary = pd.read_parquet(out / "summary.parquet")
    assert len(summary) >= 1 and (summary["writes"] > 0).all()
    assert not list(tmp_path.glob(".*"))  # no staging folder left behind
