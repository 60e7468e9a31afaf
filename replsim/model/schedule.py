"""One-event callbacks: a pure delay without a SimPy process per write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import simpy
from simpy.events import Timeout


def call_later(env: simpy.Environment, delay_s: float, fn: Callable[[Any], None], arg: Any) -> None:
    """Call `fn(arg)` after `delay_s` simulated seconds, at the cost of one event."""
    event = Timeout(env, delay_s, arg)
    event.callbacks.append(lambda ev: fn(ev._value))
