"""The scenario timeline: Element API calls, faults and workload changes at set times.

An API step carries `method` and `params` exactly as a JSON-RPC request would, sent to
`cluster`. A step with an `id` keeps its result; later params may refer to it as
`"${id.member}"` (e.g. `"${ckey.clusterPairingKey}"`). A failing call stops the run with
the call, its time and the Element error, unless the step names that error in
`expect_error`. Shortcuts expand to the documented orders of operations.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from replsim import units
from replsim.scenario.types import Duration, Rate, Strict

REFERENCE = re.compile(r"\$\{([A-Za-z_][\w-]*)((?:\.[\w-]+)*)\}")
ACTIONS = ("method", "link_down", "link_up", "set_bandwidth", "set_rtt", "set_rate",
           "pair_clusters", "pair_volumes")


class LinkChange(Strict):
    between: tuple[str, str]
    bandwidth: Rate | None = None
    rtt: Annotated[float, BeforeValidator(units.duration_s), Field(ge=0)] | None = None


class RateChange(Strict):
    volume: str
    rate: Annotated[float, BeforeValidator(units.frequency_per_s), Field(ge=0)]


class VolumePairing(Strict):
    source: str
    target: str
    mode: str = "Async"


class Step(Strict):
    """One timeline entry: a time and exactly one action."""

    at: Duration = 0.0
    id: str | None = Field(default=None, pattern=r"^[A-Za-z_][\w-]*$")
    cluster: str | None = None
    method: str | None = None
    params: dict[str, Any] = {}
    expect_error: str | None = None
    link_down: tuple[str, str] | None = None
    link_up: tuple[str, str] | None = None
    set_bandwidth: LinkChange | None = None
    set_rtt: LinkChange | None = None
    set_rate: RateChange | None = None
    pair_clusters: tuple[str, str] | None = None
    pair_volumes: VolumePairing | None = None

    @model_validator(mode="after")
    def _one_action(self) -> Step:
        present = [a for a in ACTIONS if getattr(self, a) is not None]
        if len(present) != 1:
            raise ValueError(f"a step needs exactly one of: {', '.join(ACTIONS)} "
                             f"(found {present or 'none'})")
        if self.method is not None and self.cluster is None:
            raise ValueError("an API call step needs 'cluster' (which cluster receives it)")
        if self.method is None and (self.params or self.expect_error or self.cluster):
            raise ValueError("'cluster', 'params' and 'expect_error' belong to API call steps")
        if self.set_bandwidth is not None and self.set_bandwidth.bandwidth is None:
            raise ValueError("set_bandwidth needs 'bandwidth'")
        if self.set_rtt is not None and self.set_rtt.rtt is None:
            raise ValueError("set_rtt needs 'rtt'")
        return self

    @property
    def action(self) -> str:
        return next(a for a in ACTIONS if getattr(self, a) is not None)


def references(value: Any) -> list[str]:
    """Step ids a params value refers to."""
    if isinstance(value, str):
        return [m.group(1) for m in REFERENCE.finditer(value)]
    if isinstance(value, dict):
        return [r for v in value.values() for r in references(v)]
    if isinstance(value, list):
        return [r for v in value for r in references(v)]
    return []


def resolve(value: Any, saved: dict[str, Any]) -> Any:
    """Replace `${id.member}` with the saved result's value (whole-string refs keep type)."""
    if isinstance(value, dict):
        return {k: resolve(v, saved) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, saved) for v in value]
    if not isinstance(value, str):
        return value

    def lookup(match: re.Match) -> Any:
        found: Any = saved[match.group(1)]
        for part in filter(None, match.group(2).split(".")):
            if isinstance(found, list) and part.isdigit():
                found = found[int(part)]
            elif isinstance(found, dict) and part in found:
                found = found[part]
            else:
                raise KeyError(f"${{{match.group(1)}{match.group(2)}}}: no member {part!r}")
        return found

    whole = REFERENCE.fullmatch(value)
    if whole:
        return lookup(whole)
    return REFERENCE.sub(lambda m: str(lookup(m)), value)
