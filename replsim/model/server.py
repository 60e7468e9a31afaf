"""A FIFO queue served by k identical servers, with no SimPy process per customer.

Used for slice services. Customers are arbitrary items with a completion callback; a
free server takes the head of the queue, holds it for one service-time sample, then
calls the callback and takes the next.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

import simpy
from simpy.events import Timeout

from replsim.model.distributions import Sampler


class FifoServer:
    """k servers draining one FIFO queue; service times sampled in FIFO start order.

    Driven by callbacks rather than a generator per server: starting a service schedules
    one Timeout whose callback finishes it and starts the next queued customer, so each
    customer costs exactly one SimPy event.
    """

    def __init__(self, env: simpy.Environment, scope: str, service: Sampler, servers: int = 1):
        if servers < 1:
            raise ValueError(f"{scope}: servers must be >= 1, got {servers}")
        self.env = env
        self.scope = scope
        self.service = service
        self.servers = servers
        self.queue: deque[tuple[Any, Callable[[Any], None]]] = deque()
        self.busy = 0
        self.completed = 0
        self._busy_area_s = 0.0
        self._busy_since_s = 0.0

    def submit(self, item: Any, done: Callable[[Any], None]) -> None:
        """Queue `item`; `done(item)` is called when its service completes."""
        if self.busy < self.servers:
            self._start(item, done)
        else:
            self.queue.append((item, done))

    def busy_time_s(self) -> float:
        """Server-seconds of service delivered up to now (for utilisation)."""
        return self._busy_area_s + self.busy * (self.env.now - self._busy_since_s)

    def _account(self, delta: int) -> None:
        now = self.env.now
        self._busy_area_s += self.busy * (now - self._busy_since_s)
        self._busy_since_s = now
        self.busy += delta

    def _start(self, item: Any, done: Callable[[Any], None]) -> None:
        self._account(+1)
        event = Timeout(self.env, self.service.next(), (item, done))
        event.callbacks.append(self._finish)

    def _finish(self, event: Timeout) -> None:
        item, done = event._value
        self._account(-1)
        self.completed += 1
        if self.queue:
            self._start(*self.queue.popleft())
        done(item)
