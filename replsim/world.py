"""`replsim.World`: the Python surface notebooks, tests and scripts use (SPEC §6)."""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Mapping
from importlib import metadata
from typing import Any

from tqdm import tqdm

from replsim.api import Api
from replsim.metrics.frames import (
    links_frame,
    rpo_frame,
    snapshots_frame,
    states_frame,
    summary_frame,
    writes_frame,
)
from replsim.model.world import ModelWorld
from replsim.results import Results
from replsim.scenario.builder import build_world
from replsim.scenario.executor import TimelineExecutor
from replsim.scenario.loader import load_scenario
from replsim.scenario.schema import Scenario


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in ("replsim", "simpy", "numpy", "pandas", "pydantic", "pyarrow"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "unknown"
    return found


class World:
    """A scenario's simulated world: advance it with `run`, read it with `results`."""

    def __init__(self, model: ModelWorld, scenario: Scenario, effective: dict[str, Any],
                 origin: str):
        self.model = model
        self.scenario = scenario
        self.effective = effective
        self.origin = origin
        self.wall_time_s = 0.0
        self.api = Api(model)
        self.timeline = TimelineExecutor(model, self.api.call, list(scenario.timeline), origin)

    def call(self, cluster: str, request: dict[str, Any]) -> dict[str, Any]:
        """Send one Element JSON-RPC request to `cluster` at the current simulated time."""
        return self.api.call(cluster, request)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], seed: int | None = None,
                  overrides: Mapping[str, Any] | None = None) -> World:
        return cls._build(data, seed, overrides)

    @classmethod
    def from_scenario(cls, path: str | os.PathLike, seed: int | None = None,
                      overrides: Mapping[str, Any] | None = None) -> World:
        return cls._build(path, seed, overrides)

    @classmethod
    def _build(cls, source, seed, overrides) -> World:
        scenario, effective = load_scenario(source, overrides)
        origin = "<dict>" if isinstance(source, Mapping) else str(source)
        if seed is not None:
            effective.setdefault("run", {})["seed"] = seed
        return cls(build_world(scenario, seed, origin), scenario, effective, origin)

    @property
    def now(self) -> float:
        return self.model.now_s

    @property
    def seed(self) -> int:
        return self.model.seed

    def run(self, until: float | None = None, progress: bool = False) -> None:
        """Advance to `until` seconds (default: the scenario's duration).

        With `progress`, show a progress bar in simulated seconds (for long runs).
        Raises `TimelineError` if a timeline step fails.
        """
        started = time.perf_counter()
        end = self.scenario.run.duration if until is None else until
        try:
            if not progress:
                self.model.run(end)
                return
            with tqdm(total=round(end - self.now, 3), unit="sim s", leave=False,
                      desc=self.scenario.run.name, file=sys.stderr) as bar:
                step = max((end - self.now) / 200, 1e-9)
                while self.now < end:
                    before = self.now
                    self.model.run(min(end, self.now + step))
                    bar.update(round(self.now - before, 3))
        finally:
            self.wall_time_s += time.perf_counter() - started

    def results(self) -> Results:
        """DataFrames of everything up to now (can be called mid-run)."""
        writes = writes_frame(self.model)
        warmup = min(self.scenario.run.warmup, self.now)
        manifest = {
            "scenario": self.effective,
            "origin": self.origin,
            "seed": self.seed,
            "simulated_s": self.now,
            "warmup_s": warmup,
            "wall_time_s": round(self.wall_time_s, 3),
            "versions": versions(),
            "assumptions": {
                "sync_combine": self.model.params.sync_combine,
                "sync_timeout_s": self.model.params.sync_timeout_s,
                "pause_limit_bytes (semantics inferred)": self.model.params.pause_limit_bytes,
            },
        }
        states = states_frame(self.model)
        return Results(
            writes=writes,
            rpo=rpo_frame(self.model),
            links=links_frame(self.model),
            states=states,
            snapshots=snapshots_frame(self.model),
            api_calls=self.api.frame(),
            summary=summary_frame(self.model, writes, warmup, states),
            manifest=manifest,
        )


def run_scenario(source: str | os.PathLike | Mapping[str, Any], seed: int | None = None,
                 overrides: Mapping[str, Any] | None = None) -> Results:
    """Load, run for the scenario's duration, return the results."""
    world = World._build(source, seed, overrides)
    world.run()
    return world.results()
