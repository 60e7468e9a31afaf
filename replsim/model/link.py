"""WAN links between two clusters: per direction, FIFO serialisation plus propagation.

A `LinkDirection` is a sender draining a FIFO of messages, one at a time. Each
message occupies the line for `bytes / (bandwidth × efficiency)` seconds, then reaches the
far end after the propagation delay (plus optional jitter). Delivery stays in order, as
on the TCP connections Element uses. Bandwidth, RTT and up/down may change at run time:
a change applies from the next message that starts serialising; a message already on
the wire completes (the outage boundary is at serialisation start).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

import simpy
from simpy.events import Timeout

from replsim.model.distributions import Sampler
from replsim.model.schedule import call_later

FIBRE_S_PER_KM = 5e-6


class LinkDirection:
    """One direction of a WAN link, shared by every volume pair between its two clusters."""

    def __init__(
        self,
        env: simpy.Environment,
        scope: str,
        bandwidth_bytes_per_s: float,
        one_way_delay_s: float,
        efficiency: float = 1.0,
        jitter: Sampler | None = None,
    ):
        self.env = env
        self.scope = scope
        self.bandwidth_bytes_per_s = bandwidth_bytes_per_s
        self.one_way_delay_s = one_way_delay_s
        self.efficiency = efficiency
        self.jitter = jitter
        self.up = True
        self.queue: deque[tuple[float, Callable[[Any], None], Any, object]] = deque()
        self.queued_bytes = 0.0
        self.bytes_sent = 0.0
        self.messages_sent = 0
        self._tx_start_s: float | None = None
        self._busy_area_s = 0.0
        self._last_delivery_s = 0.0
        self.on_state_change: list[Callable[[LinkDirection], None]] = []

    def send(self, nbytes: float, deliver: Callable[[Any], None], arg: Any,
             owner: object = None) -> None:
        """Queue a message of `nbytes`; `deliver(arg)` runs when it reaches the far end."""
        self.queue.append((nbytes, deliver, arg, owner))
        self.queued_bytes += nbytes
        if self._tx_start_s is None and self.up:
            self._transmit_next()

    def purge(self, owner: object) -> int:
        """Drop every queued (not yet serialising) message of `owner`; returns how many."""
        kept = deque(m for m in self.queue if m[3] is not owner)
        dropped = len(self.queue) - len(kept)
        if dropped:
            self.queue = kept
            self.queued_bytes = sum(m[0] for m in kept)
        return dropped

    def set_up(self, up: bool) -> None:
        if up == self.up:
            return
        self.up = up
        if up and self._tx_start_s is None and self.queue:
            self._transmit_next()
        for callback in self.on_state_change:
            callback(self)

    def set_bandwidth(self, bandwidth_bytes_per_s: float) -> None:
        if bandwidth_bytes_per_s <= 0:
            raise ValueError(f"{self.scope}: bandwidth must be > 0")
        self.bandwidth_bytes_per_s = bandwidth_bytes_per_s

    def set_one_way_delay(self, one_way_delay_s: float) -> None:
        if one_way_delay_s < 0:
            raise ValueError(f"{self.scope}: delay must be >= 0")
        self.one_way_delay_s = one_way_delay_s

    def busy_time_s(self) -> float:
        """Seconds the line has spent serialising up to now (for utilisation)."""
        if self._tx_start_s is None:
            return self._busy_area_s
        return self._busy_area_s + (self.env.now - self._tx_start_s)

    def _transmit_next(self) -> None:
        """Put the head of the queue on the wire (the line is idle and up)."""
        nbytes, deliver, arg, _ = self.queue.popleft()
        self.queued_bytes -= nbytes
        tx_s = nbytes / (self.bandwidth_bytes_per_s * self.efficiency)
        self._tx_start_s = self.env.now
        event = Timeout(self.env, tx_s, (nbytes, deliver, arg))
        event.callbacks.append(self._transmitted)

    def _transmitted(self, event: Timeout) -> None:
        nbytes, deliver, arg = event._value
        env = self.env
        self._busy_area_s += env.now - self._tx_start_s
        self._tx_start_s = None
        self.bytes_sent += nbytes
        self.messages_sent += 1
        delay_s = self.one_way_delay_s
        if self.jitter is not None:
            delay_s += self.jitter.next()
        arrive_s = max(env.now + delay_s, self._last_delivery_s)
        self._last_delivery_s = arrive_s
        call_later(env, arrive_s - env.now, deliver, arg)
        if self.up and self.queue:
            self._transmit_next()


class WanLink:
    """A link between two clusters: one `LinkDirection` each way."""

    def __init__(self, scope: str, a: str, b: str, forward: LinkDirection, reverse: LinkDirection):
        self.scope = scope
        self.directions = {(a, b): forward, (b, a): reverse}

    def direction(self, src: str, dst: str) -> LinkDirection:
        return self.directions[(src, dst)]

    @property
    def up(self) -> bool:
        return all(d.up for d in self.directions.values())

    @property
    def rtt_s(self) -> float:
        return sum(d.one_way_delay_s for d in self.directions.values())

    def set_up(self, up: bool) -> None:
        for d in self.directions.values():
            d.set_up(up)

    def set_bandwidth(self, bandwidth_bytes_per_s: float) -> None:
        for d in self.directions.values():
            d.set_bandwidth(bandwidth_bytes_per_s)

    def set_rtt(self, rtt_s: float) -> None:
        for d in self.directions.values():
            d.set_one_way_delay(rtt_s / 2)
