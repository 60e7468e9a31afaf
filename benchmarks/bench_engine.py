"""Engine throughput: simulated writes per wall second and SimPy events per write.

Runs, in one process and interleaved round-robin so the ratios share the machine's noise:
  * a bare SimPy M/M/1 baseline (one process per customer, `Resource`), the reference
    anchor of DESIGN.md (~110 k customers/s on these machines);
  * replsim Async and Sync (parallel) on two sites, open-loop Poisson 4 KiB writes.
Reports writes/s, events/write and each engine's ratio to the baseline.

    python benchmarks/bench_engine.py [--writes 100000] [--reps 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import simpy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from replsim import World
from tests.builders import two_sites


def baseline_mm1(customers: int) -> tuple[float, int]:
    """Classic SimPy M/M/1 at rho 0.8: one process per customer."""
    rng = np.random.default_rng(0)
    gaps = rng.exponential(1.25, customers).tolist()
    services = rng.exponential(1.0, customers).tolist()
    env = simpy.Environment()
    server = simpy.Resource(env, 1)

    def customer(service):
        with server.request() as req:
            yield req
            yield env.timeout(service)

    def source():
        for gap, service in zip(gaps, services, strict=True):
            yield env.timeout(gap)
            env.process(customer(service))

    env.process(source())
    return _timed_steps(env, float("inf"))


def _timed_steps(env: simpy.Environment, until: float) -> tuple[float, int]:
    events = 0
    started = time.perf_counter()
    try:
        while env.peek() < until:
            env.step()
            events += 1
    except simpy.core.EmptySchedule:
        pass
    return time.perf_counter() - started, events


def replsim_run(mode: str, writes: int) -> tuple[float, int, int]:
    rate = 5000.0
    world = World.from_dict(two_sites(mode=mode, workload={"rate": rate, "io_size": 4096},
                                      servers=None, duration=writes / rate))
    elapsed, events = _timed_steps(world.model.env, writes / rate)
    return elapsed, events, len(world.model.path.writes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writes", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    runs: dict[str, list[tuple[float, int, int]]] = {"simpy M/M/1": [], "Async": [], "Sync": []}
    for _ in range(args.reps):
        elapsed, events = baseline_mm1(args.writes)
        runs["simpy M/M/1"].append((elapsed, events, args.writes))
        for mode in ("Async", "Sync"):
            runs[mode].append(replsim_run(mode, args.writes))
    base = statistics.median(n / t for t, _, n in runs["simpy M/M/1"])
    print(f"{'engine':<14}{'writes/s':>12}{'events/write':>14}{'x SimPy M/M/1':>15}")
    for name, reps in runs.items():
        rate = statistics.median(n / t for t, _, n in reps)
        per_write = statistics.median(e / n for _, e, n in reps)
        print(f"{name:<14}{rate:>12,.0f}{per_write:>14.2f}{rate / base:>15.2f}")


if __name__ == "__main__":
    main()
