"""Checking a method's params the way Element reports problems.

Missing members give `xMissingParameter` (naming a near-miss spelling that was sent, such
as `volumeId` for `volumeID`); wrong JSON types give `xInvalidParameterType`; numbers below
a member's minimum (a negative `limit`) give `xInvalidParameter`; unknown members are
ignored, as Element ignores them.
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from replsim.api.errors import ApiError, missing

TYPE_NAMES = {"int": "integer", "str": "string", "bool": "boolean", "dict": "object",
              "list[int]": "array of integers", "list": "array", "number": "number",
              "any": "value"}


@dataclass(frozen=True)
class Param:
    name: str
    kind: str = "int"
    required: bool = False
    default: Any = None
    nullable: bool = False
    minimum: int | None = None  # numbers below it give xInvalidParameter


def _secret(member: str) -> bool:
    """Pairing keys, passwords and CHAP secrets are never echoed in messages."""
    lowered = member.lower()
    return any(word in lowered for word in ("key", "secret", "password"))


def _type_ok(value: Any, kind: str) -> bool:
    if kind == "any":
        return True
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "str":
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "dict":
        return isinstance(value, dict)
    if kind == "list":
        return isinstance(value, list)
    if kind == "list[int]":
        return isinstance(value, list) and all(_type_ok(v, "int") for v in value)
    raise ValueError(f"unknown param kind {kind}")


def parse(params: Mapping[str, Any], specs: tuple[Param, ...]) -> dict[str, Any]:
    """Checked params with defaults filled in."""
    out: dict[str, Any] = {}
    lowered = {str(k).lower(): k for k in params}
    for spec in specs:
        if spec.name not in params:
            if spec.required:
                near = lowered.get(spec.name.lower())
                hint = (f"; '{near}' was sent, member names are case-sensitive"
                        if near is not None else "")
                raise missing(spec.name, hint)
            out[spec.name] = spec.default
            continue
        value = params[spec.name]
        if value is None and (spec.nullable or not spec.required):
            out[spec.name] = spec.default if not spec.nullable else None
            continue
        if not _type_ok(value, spec.kind):
            shown = "***" if _secret(spec.name) else reprlib.repr(value)
            raise ApiError("xInvalidParameterType",
                           f"Invalid type for member=[{spec.name}]: expected "
                           f"{TYPE_NAMES[spec.kind]}, got {type(value).__name__} {shown}"[:300])
        if spec.minimum is not None and value < spec.minimum:
            raise ApiError("xInvalidParameter",
                           f"Invalid value for member=[{spec.name}]: {value}; "
                           f"must be >= {spec.minimum}")
        out[spec.name] = value
    return out
