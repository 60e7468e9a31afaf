"""The method table: each Element method with its params, registered by decorator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from replsim.api.params import Param

if TYPE_CHECKING:
    from replsim.api.dispatcher import Context

Handler = Callable[["Context", dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Method:
    name: str
    params: tuple[Param, ...]
    handler: Handler
    since: str = "9.6"


METHODS: dict[str, Method] = {}


def method(name: str, *params: Param) -> Callable[[Handler], Handler]:
    """Register `handler` as Element method `name` taking `params`."""
    def register(handler: Handler) -> Handler:
        METHODS[name] = Method(name, params, handler)
        return handler
    return register
