"""Read a scenario (YAML file or plain dict) and refuse it, whole, if anything is wrong.

Every problem is reported at once, each with the file, the key path and what was
expected; an unknown key names the nearest known key.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from replsim.model.pair import normalise_mode
from replsim.scenario.schema import Scenario


class ScenarioError(ValueError):
    """A scenario that cannot run; `problems` lists every reason."""

    def __init__(self, origin: str, problems: list[str]):
        self.origin = origin
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{origin}: {len(problems)} problem(s) in the scenario:\n{lines}")


def key_path(loc: tuple[Any, ...]) -> str:
    """('clusters', 0, 'name') → 'clusters[0].name'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The schema class that owns the key at `loc` (for near-miss suggestions)."""
    model: Any = Scenario
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if isinstance(model, type) else None
        if field is None:
            return None
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        candidates = [annotation, *args]
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)),
                     None)
        if model is None:
            return None
    return model if isinstance(model, type) else None


def describe_errors(error: ValidationError) -> list[str]:
    problems = []
    for item in error.errors():
        loc = tuple(p for p in item["loc"] if not (isinstance(p, str) and "[" in p))
        where = key_path(loc)
        if item["type"] == "extra_forbidden":
            owner = _model_at(loc)
            known = list(owner.model_fields) if owner else []
            close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else (
                f"; known keys: {', '.join(known)}" if known else "")
            problems.append(f"{where}: unknown key{hint}")
        else:
            message = item["msg"].removeprefix("Value error, ")
            problems.append(f"{where}: {message} (got {item.get('input')!r})"
                            if item["type"] != "missing" else f"{where}: required key missing")
    return problems


def _lenient_view(data: Mapping[str, Any]) -> SimpleNamespace:
    """The names a scenario defines, read from raw data that failed schema validation,
    so cross-reference problems are reported together with the schema problems."""
    def entries(key: str, fields: dict[str, type]) -> list[SimpleNamespace | None]:
        raw = data.get(key)
        out: list[SimpleNamespace | None] = []
        for entry in raw if isinstance(raw, list) else []:
            ok = isinstance(entry, dict) and all(isinstance(entry.get(f), t)
                                                 for f, t in fields.items())
            out.append(SimpleNamespace(**{f: entry[f] for f in fields}) if ok else None)
        return out

    links = [None if e is None or len(e.between) != 2 or not all(
        isinstance(x, str) for x in e.between) else e
        for e in entries("links", {"between": list})]
    return SimpleNamespace(
        clusters=entries("clusters", {"name": str}), links=links,
        volumes=entries("volumes", {"cluster": str, "name": str}),
        workloads=entries("workloads", {"volume": str}),
        accounts=entries("accounts", {"cluster": str}),
        pairs=entries("pairs", {"source": str, "target": str}), timeline=None)


def cross_reference_problems(scenario: Scenario | SimpleNamespace) -> list[str]:
    """Names that must refer to something defined elsewhere in the scenario."""
    problems = []

    def present(items):
        return [(i, item) for i, item in enumerate(items) if item is not None]

    clusters = [c.name for _, c in present(scenario.clusters)]
    for i, name in enumerate(clusters):
        if clusters.index(name) != i:
            problems.append(f"clusters[{i}].name: duplicate cluster name {name!r}")
    seen_links = set()
    for i, link in present(scenario.links):
        for end in link.between:
            if end not in clusters:
                problems.append(f"links[{i}].between: unknown cluster {end!r}; defined: "
                                f"{sorted(set(clusters))}")
        key = frozenset(link.between)
        if len(key) == 1:
            problems.append(f"links[{i}].between: a link joins two different clusters")
        if key in seen_links:
            problems.append(f"links[{i}].between: a second link between the same clusters")
        seen_links.add(key)
    volumes = []
    for i, vol in present(scenario.volumes):
        ref = f"{vol.cluster}/{vol.name}"
        if vol.cluster not in clusters:
            problems.append(f"volumes[{i}].cluster: unknown cluster {vol.cluster!r}")
        if ref in volumes:
            problems.append(f"volumes[{i}].name: duplicate volume {ref!r}")
        volumes.append(ref)

    def check_volume(where: str, ref: str) -> None:
        if ref not in volumes:
            close = difflib.get_close_matches(ref, volumes, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; defined: {volumes}"
            problems.append(f"{where}: unknown volume {ref!r} (write it as cluster/name){hint}")

    for i, wl in present(scenario.workloads):
        check_volume(f"workloads[{i}].volume", wl.volume)
    for i, account in present(scenario.accounts):
        if account.cluster not in clusters:
            problems.append(f"accounts[{i}].cluster: unknown cluster {account.cluster!r}")
    if scenario.timeline is not None:
        problems.extend(timeline_problems(scenario, clusters, seen_links, check_volume))
    for i, pair in present(scenario.pairs):
        check_volume(f"pairs[{i}].source", pair.source)
        check_volume(f"pairs[{i}].target", pair.target)
        src, dst = pair.source.split("/")[0], pair.target.split("/")[0]
        if src == dst and src in clusters:
            problems.append(f"pairs[{i}]: source and target are both on cluster {src!r}; "
                            "a pair joins volumes on two different clusters")
        elif src in clusters and dst in clusters and frozenset((src, dst)) not in seen_links:
            problems.append(f"pairs[{i}]: no link between clusters {src!r} and {dst!r}")
    return problems


def timeline_problems(scenario: Scenario, clusters: list[str], links: set[frozenset],
                      check_volume) -> list[str]:
    """Cluster, link, volume and method names, and `${id…}` references to earlier steps."""
    from replsim.api.registry import METHODS
    from replsim.scenario.timeline import references

    problems: list[str] = []
    order = sorted(range(len(scenario.timeline)), key=lambda i: scenario.timeline[i].at)
    known_ids: set[str] = set()
    for i in order:
        step = scenario.timeline[i]
        where = f"timeline[{i}]"
        if step.cluster is not None and step.cluster not in clusters:
            problems.append(f"{where}.cluster: unknown cluster {step.cluster!r}")
        if step.method is not None and step.method not in METHODS:
            close = difflib.get_close_matches(step.method, list(METHODS), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(f"{where}.method: unknown Element method {step.method!r}{hint}")
        for ref in references(step.params):
            if ref not in known_ids:
                problems.append(f"{where}.params: refers to '${{{ref}…}}', which no earlier "
                                "step with that id defines")
        for key in ("link_down", "link_up", "pair_clusters"):
            ends = getattr(step, key)
            if ends is not None:
                for end in ends:
                    if end not in clusters:
                        problems.append(f"{where}.{key}: unknown cluster {end!r}")
                if key != "pair_clusters" and frozenset(ends) not in links:
                    problems.append(f"{where}.{key}: no link between {ends[0]!r} and "
                                    f"{ends[1]!r}")
        for key in ("set_bandwidth", "set_rtt"):
            change = getattr(step, key)
            if change is not None and frozenset(change.between) not in links:
                problems.append(f"{where}.{key}.between: no link between "
                                f"{change.between[0]!r} and {change.between[1]!r}")
        if step.set_rate is not None:
            check_volume(f"{where}.set_rate.volume", step.set_rate.volume)
        if step.pair_volumes is not None:
            check_volume(f"{where}.pair_volumes.source", step.pair_volumes.source)
            check_volume(f"{where}.pair_volumes.target", step.pair_volumes.target)
            try:
                normalise_mode(step.pair_volumes.mode)
            except ValueError as exc:
                problems.append(f"{where}.pair_volumes.mode: {exc}")
        if step.id is not None:
            if step.id in known_ids:
                problems.append(f"{where}.id: {step.id!r} is used by an earlier step")
            known_ids.add(step.id)
    return problems


def read_scenario_file(path: str | os.PathLike) -> dict[str, Any]:
    """YAML file → dict, with a ScenarioError (not a traceback) for unreadable input."""
    origin = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(origin, [f"cannot read the file: {exc.strerror}"]) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(origin, [f"cannot read the file: not UTF-8 text ({exc.reason} "
                                     f"at byte {exc.start})"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ScenarioError(origin, [f"{where}not valid YAML ({getattr(exc, 'problem', exc)})"]
                            ) from None
    if not isinstance(data, dict):
        raise ScenarioError(origin, ["the file must hold a mapping of keys (run, clusters, …)"])
    return data


def set_override(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Apply `--set clusters.0.nodes=6`: walk dict keys and list indices, set the leaf."""
    parts = dotted.split(".")
    node: Any = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise ScenarioError("--set", [f"{dotted}: {part!r} is not an index of the list"])
            index = int(part)
            if last:
                node[index] = value
            else:
                node = node[index]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
        else:
            raise ScenarioError("--set", [f"{dotted}: {'.'.join(parts[:depth])} is not a mapping"])


def load_scenario(
    source: str | os.PathLike | Mapping[str, Any],
    overrides: Mapping[str, Any] | None = None,
) -> tuple[Scenario, dict[str, Any]]:
    """Validated scenario and the effective raw dict (for the manifest)."""
    if isinstance(source, Mapping):
        import copy

        origin, data = "<dict>", copy.deepcopy(dict(source))
    else:
        origin, data = str(source), read_scenario_file(source)
    for dotted, value in (overrides or {}).items():
        set_override(data, dotted, value)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = describe_errors(exc)
        problems += [p for p in cross_reference_problems(_lenient_view(data))
                     if p not in problems]
        raise ScenarioError(origin, problems) from None
    problems = cross_reference_problems(scenario)
    if problems:
        raise ScenarioError(origin, problems)
    return scenario, data
