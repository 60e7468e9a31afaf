"""A FIFO queue served by k identical servers, as long-lived SimPy processes.

Used for slice services. Customers are arbitrary items with a completion callback; a
server process pops the head of the queue, holds it for one service-time sample, then
calls the callback. No process is created per customer.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

import simpy

from replsim.model.distributions import Sampler


class FifoServer:
    """k servers draining one FIFO queue; service times sampled in FIFO start order."""

    def __init__(self, env: simpy.Environment, scope: str, service: Sampler, servers: int = 1):
        if servers < 1:
            raise ValueError(f"{scope}: servers must be >= 1, got {servers}")
        self.env = env
        self.scope = scope
        self.service = service
        self.servers = servers
        self.queue: deque[tuple[Any, Callable[[Any], None]]] = deque()
        self._idle: list[simpy.Event] = []
        self.busy = 0
        self.completed = 0
        self._busy_area_s = 0.0
        self._busy_since_s = 0.0
        for _ in range(servers):
            env.process(self._serve())

    def submit(self, item: Any, done: Callable[[Any], None]) -> None:
        """Queue `item`; `done(item)` is called when its service completes."""
        self.queue.append((item, done))
        if self._idle:
            self._idle.pop().succeed()

    def busy_time_s(self) -> float:
        """Server-seconds of service delivered up to now (for utilisation)."""
        return self._busy_area_s + self.busy * (self.env.now - self._busy_since_s)

    def _account(self, delta: int) -> None:
        now = self.env.now
        self._busy_area_s += self.busy * (now - self._busy_since_s)
        self._busy_since_s = now
        self.busy += delta

    def _serve(self):
        env, queue, next_service = self.env, self.queue, self.service.next
        while True:
            if not queue:
                wake = env.event()
                self._idle.append(wake)
                yield wake
                continue
            item, done = queue.popleft()
            self._account(+1)
            yield env.timeout(next_service())
            self._account(-1)
            self.completed += 1
            done(item)
