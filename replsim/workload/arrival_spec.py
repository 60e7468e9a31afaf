"""Read the `arrival` (and `rate`) keys of a workload spec into an arrival process.

`arrival` is a kind name (`poisson`, `constant`) used with the workload's `rate`, or a mapping
`{kind: ..., ...}` for the parameterised kinds (`on_off`, `mmpp`, `diurnal`, `superpose`).
`rate` always means the long-run mean rate in IOPS, exactly what a timeline rate change sets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from replsim.workload import errors as e
from replsim.workload.arrivals import ArrivalProcess, ConstantArrivals, PoissonArrivals
from replsim.workload.diurnal import DAY_S, DiurnalArrivals, hourly_curve, points_curve
from replsim.workload.mmpp import MmppArrivals, OnOffArrivals
from replsim.workload.superpose import SuperposedArrivals

KIND_KEYS: dict[str, tuple[str, ...]] = {
    "poisson": ("kind", "rate"),
    "constant": ("kind", "rate"),
    "on_off": ("kind", "on", "off", "on_rate", "off_rate", "durations", "rate"),
    "mmpp": ("kind", "rates", "generator", "sojourn", "jump", "rate"),
    "diurnal": ("kind", "hourly", "points", "start_hour", "period", "rate"),
    "superpose": ("kind", "of", "rate"),
}


def _required_rate(rate: float | None, key: str) -> float:
    if rate is None:
        raise e.WorkloadError(f"{key}: required for an open-loop workload (or give closed_loop)")
    return rate


def _matrix(value: object, key: str) -> list[list[float]]:
    rows = e.sequence(value, key, "a matrix (a list of rows of numbers)")
    return [
        [e.number(x, f"{key}[{i}][{j}]") for j, x in enumerate(e.sequence(row, f"{key}[{i}]",
                                                                         "a row of numbers"))]
        for i, row in enumerate(rows)
    ]


def _poisson(spec: Mapping[str, Any], rate: float | None, rng: np.random.Generator,
             key: str) -> ArrivalProcess:
    return PoissonArrivals(_required_rate(rate, "rate"), rng)


def _constant(spec: Mapping[str, Any], rate: float | None, rng: np.random.Generator,
              key: str) -> ArrivalProcess:
    return ConstantArrivals(_required_rate(rate, "rate"), rng)


def _on_off(spec: Mapping[str, Any], rate: float | None, rng: np.random.Generator,
            key: str) -> ArrivalProcess:
    for required in ("on", "off", "on_rate"):
        if required not in spec:
            raise e.WorkloadError(f"{key}.{required}: required for an on_off arrival")
    on_s = e.duration(spec["on"], f"{key}.on", positive=True)
    off_s = e.duration(spec["off"], f"{key}.off", positive=True)
    on_rate = e.rate(spec["on_rate"], f"{key}.on_rate")
    off_rate = e.rate(spec.get("off_rate", 0.0), f"{key}.off_rate")
    durations = e.choice(spec.get("durations", "exponential"), ("exponential", "fixed"),
                         f"{key}.durations")
    return e.wrap(lambda: OnOffArrivals(on_s, off_s, on_rate, rng, off_rate_iops=off_rate,
                                        durations=durations, rate_iops=rate), key)


def _mmpp(spec: Mapping[str, Any], rate: float | None, rng: np.random.Generator,
          key: str) -> ArrivalProcess:
    if "rates" not in spec:
        raise e.WorkloadError(f"{key}.rates: required for an mmpp arrival (one rate per state)")
    rates = [e.rate(r, f"{key}.rates[{i}]")
             for i, r in enumerate(e.sequence(spec["rates"], f"{key}.rates", "a list of rates"))]
    if not rates:
        raise e.WorkloadError(f"{key}.rates: needs at least one state")
    if ("generator" in spec) == ("sojourn" in spec):
        raise e.WorkloadError(f"{key}: give either generator (transition rates per second) or "
                              "sojourn (mean time in each state)")
    generator = _matrix(spec["generator"], f"{key}.generator") if "generator" in spec else None
    sojourn = None
    if "sojourn" in spec:
        items = e.sequence(spec["sojourn"], f"{key}.sojourn", "a list of durations")
        sojourn = [e.duration(s, f"{key}.sojourn[{i}]", positive=True)
                   for i, s in enumerate(items)]
        if len(sojourn) != len(rates):
            raise e.WorkloadError(f"{key}.sojourn: expected {len(rates)} durations (one per "
                                  f"state), got {len(sojourn)}")
    jump = _matrix(spec["jump"], f"{key}.jump") if "jump" in spec else None
    return e.wrap(lambda: MmppArrivals(rates, rng, generator=generator, sojourn_s=sojourn,
                                       jump=jump, rate_iops=rate), key)


def _points(value: object, key: str) -> list[tuple[float, float]]:
    if isinstance(value, Mapping):
        items = list(value.items())
    else:
        items = []
        for i, pair in enumerate(e.sequence(value, key, "a list of [time, multiplier] pairs")):
            pair = e.sequence(pair, f"{key}[{i}]", "a [time, multiplier] pair")
            if len(pair) != 2:
                raise e.WorkloadError(f"{key}[{i}]: expected a [time, multiplier] pair")
            items.append((pair[0], pair[1]))
    return [(e.duration(t, f"{key}[{i}] time"), e.number(m, f"{key}[{i}] multiplier", low=0))
            for i, (t, m) in enumerate(items)]


def _diurnal(spec: Mapping[str, Any], rate: float | None, rng: np.random.Generator,
             key: str) -> ArrivalProcess:
    mean = _required_rate(rate, "rate")
    if ("hourly" in spec) == ("points" in spec):
        raise e.WorkloadError(f"{key}: give either hourly (24 multipliers) or points "
                              "([time, multiplier] pairs)")
    period = e.duration(spec.get("period", DAY_S), f"{key}.period", positive=True)
    start_hour = e.number(spec.get("start_hour", 0.0), f"{key}.start_hour", low=0, high=24,
                          high_open=True)
    if "hourly" in spec:
        values = e.sequence(spec["hourly"], f"{key}.hourly", "a list of 24 multipliers")
        multipliers = [e.number(v, f"{key}.hourly[{i}]", low=0) for i, v in enumerate(values)]
        curve = e.wrap(lambda: hourly_curve(multipliers, period, start_hour), f"{key}.hourly")
    else:
        points = _points(spec["points"], f"{key}.points")
        curve = e.wrap(lambda: points_curve(points, period, start_hour), f"{key}.points")
    return e.wrap(lambda: DiurnalArrivals(curve, mean, rng), key)


def _superpose(spec: Mapping[str, Any], rate: float | None, rng: np.random.Generator,
               key: str) -> ArrivalProcess:
    if "of" not in spec:
        raise e.WorkloadError(f"{key}.of: required: the list of component arrivals")
    parts = e.sequence(spec["of"], f"{key}.of", "a list of arrival mappings")
    if not parts:
        raise e.WorkloadError(f"{key}.of: needs at least one component")
    children = rng.spawn(len(parts))
    components = [build_arrivals(part, None, child, f"{key}.of[{i}]")
                  for i, (part, child) in enumerate(zip(parts, children, strict=True))]
    merged = e.wrap(lambda: SuperposedArrivals(components), key)
    if rate is not None:
        merged.set_rate(rate)
    return merged


BUILDERS: dict[str, Callable[[Mapping[str, Any], float | None, np.random.Generator, str],
                             ArrivalProcess]] = {
    "poisson": _poisson,
    "constant": _constant,
    "on_off": _on_off,
    "mmpp": _mmpp,
    "diurnal": _diurnal,
    "superpose": _superpose,
}


def build_arrivals(value: object, rate: float | None, rng: np.random.Generator,
                   key: str = "arrival") -> ArrivalProcess:
    """The arrival process `value` describes; `rate` is the workload's top-level `rate`."""
    if isinstance(value, str):
        if value in ("poisson", "constant"):
            return BUILDERS[value]({}, rate, rng, key)
        if value in BUILDERS:
            raise e.WorkloadError(f"{key}: {value!r} needs parameters; write it as a mapping, "
                                  f"e.g. {key}: {{kind: {value}, ...}} (see docs/workloads.md)")
        raise e.WorkloadError(f"{key}: expected one of {', '.join(BUILDERS)}, got {value!r}")
    spec = e.mapping(value, key, f"one of {', '.join(BUILDERS)} (a name, or a mapping "
                                 "with kind: and the kind's parameters)")
    kind = e.choice(spec.get("kind"), BUILDERS, f"{key}.kind")
    e.check_keys(spec, KIND_KEYS[kind], key)
    if "rate" in spec:
        if rate is not None:
            raise e.WorkloadError(f"{key}.rate: the rate is also given at the workload's top "
                                  "level; give it once")
        rate = e.rate(spec["rate"], f"{key}.rate")
    return BUILDERS[kind](spec, rate, rng, key)
