"""JSON-RPC dispatch per cluster: request dict in, Element response dict out.

Every call is applied at the world's current simulated time and recorded (secrets
masked) in the `api_calls` table. No request, however malformed, raises: the caller gets
Element's error envelope.
"""

from __future__ import annotations

import json
import reprlib
from dataclasses import dataclass
from typing import Any

import pandas as pd

import replsim.api.accounts
import replsim.api.cluster
import replsim.api.pairing
import replsim.api.snapshots
import replsim.api.stats
import replsim.api.volumes  # noqa: F401 - each module registers its methods
from replsim.api.errors import ApiError
from replsim.api.params import parse
from replsim.api.registry import METHODS
from replsim.model.cluster import Cluster
from replsim.model.world import ModelWorld

SECRET_MEMBERS = {"clusterPairingKey", "volumePairingKey", "password", "initiatorSecret",
                  "targetSecret", "key"}
SECRET_NAMES = {name.lower() for name in SECRET_MEMBERS}  # `clusterpairingkey` is masked too
RESULT_TEXT_LIMIT = 2000


@dataclass
class Context:
    """What a method sees: the whole world and the cluster it was sent to."""

    api: Api
    model: ModelWorld
    cluster: Cluster

    @property
    def now(self) -> float:
        return self.model.now_s


@dataclass
class ApiCall:
    t_s: float
    cluster: str
    method: str
    params: str
    outcome: str
    message: str
    result: str


def _secret(name: Any) -> bool:
    return isinstance(name, str) and name.lower() in SECRET_NAMES


def _masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): ("***" if _secret(k) and v not in (None, "") else _masked(v))
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(v) for v in value]
    return value


def _clip(text: str) -> str:
    return text if len(text) <= RESULT_TEXT_LIMIT else text[:RESULT_TEXT_LIMIT] + "…"


def _text(value: Any) -> str:
    """Masked JSON text for the api_calls table; never raises (odd keys, deep nesting)."""
    try:
        return _clip(json.dumps(_masked(value), sort_keys=True, default=str))
    except (RecursionError, TypeError, ValueError):
        return f"<{type(value).__name__} that is not JSON>"


class Api:
    """The Element endpoints of every cluster in one model world."""

    def __init__(self, model: ModelWorld):
        self.model = model
        self.calls: list[ApiCall] = []

    def call(self, cluster: str, request: Any) -> dict[str, Any]:
        """Apply one JSON-RPC request to `cluster` now; return Element's response."""
        if cluster not in self.model.clusters:
            raise ValueError(f"unknown cluster {cluster!r}; clusters: {list(self.model.clusters)}")
        request_id = request.get("id") if isinstance(request, dict) else None
        name = request.get("method") if isinstance(request, dict) else None
        params: Any = request.get("params", {}) if isinstance(request, dict) else None
        try:
            result = self._dispatch(cluster, request, name, params)
        except ApiError as err:
            message = _clip(err.message)
            self._record(cluster, name, params, err.name, message, None)
            return {"id": request_id, "error": {"code": 500, "name": err.name,
                                                "message": message}}
        except Exception as exc:
            message = _clip(f"internal simulator error: {type(exc).__name__}: {exc}")
            self._record(cluster, name, params, "xInternalError", message, None)
            return {"id": request_id, "error": {"code": 500, "name": "xInternalError",
                                                "message": message}}
        self._record(cluster, name, params, "ok", "", result)
        return {"id": request_id, "result": result}

    def _dispatch(self, cluster: str, request: Any, name: Any, params: Any) -> dict[str, Any]:
        if not isinstance(request, dict):
            raise ApiError("xInvalidRequest",
                           "a request must be one JSON object (batch arrays are not supported)")
        if name is None or name == "":
            raise ApiError("xMissingParameter", "Missing member=[method]")
        if not isinstance(name, str):
            raise ApiError("xInvalidParameterType",
                           "Invalid type for member=[method]: expected string")
        method = METHODS.get(name)
        if method is None:
            raise ApiError("xUnknownAPIMethod", _clip(f"Unknown method: method={name}"))
        if params is None:
            params = {}
        if not isinstance(params, dict):
            raise ApiError("xInvalidParameterType",
                           "Invalid type for member=[params]: expected object")
        checked = parse(params, method.params)
        context = Context(self, self.model, self.model.clusters[cluster])
        return method.handler(context, checked)

    def _record(self, cluster: str, name: Any, params: Any, outcome: str, message: str,
                result: Any) -> None:
        self.calls.append(ApiCall(
            self.model.now_s, cluster, _clip(name if isinstance(name, str) else reprlib.repr(name)),
            _text(params), outcome, message, _text(result) if result is not None else ""))

    def frame(self) -> pd.DataFrame:
        columns = ["t_s", "cluster", "method", "params", "outcome", "message", "result"]
        return pd.DataFrame([vars(c) for c in self.calls], columns=columns)
