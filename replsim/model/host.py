"""Hosts: the drivers that send a workload's IOs to a volume (open or closed loop)."""

from __future__ import annotations

import math

import simpy

from replsim.model.schedule import call_later
from replsim.model.volume import Volume
from replsim.model.writepath import WritePath
from replsim.workload.source import ClosedLoop, WriteSource


class OpenLoopHost:
    """Issues IOs at the source's arrival times, whatever the latency (open loop)."""

    def __init__(self, env: simpy.Environment, path: WritePath, volume: Volume,
                 source: WriteSource):
        self.env = env
        self.path = path
        self.volume = volume
        self.source = source
        self._sleeping = False
        self.stopped = False
        self._resumed: simpy.Event | None = None
        self.process = env.process(self._run())

    def stop(self) -> None:
        """No more IO until `resume` (the volume was deleted)."""
        self.stopped = True
        if self._sleeping:
            self.process.interrupt("stop")

    def resume(self) -> None:
        """IO again (the volume was restored)."""
        if self.stopped:
            self.stopped = False
            if self._resumed is not None:
                self._resumed.succeed()

    def set_rate(self, rate_iops: float) -> None:
        """Change the arrival rate now; the pending gap is redrawn at the new rate."""
        self.source.set_rate(rate_iops, self.env.now)
        if self._sleeping:
            self.process.interrupt("rate")

    def _run(self):
        env, path, volume, source = self.env, self.path, self.volume, self.source
        while True:
            if self.stopped:
                self._resumed = env.event()
                yield self._resumed
                self._resumed = None
            gap_s, size, block, is_write = source.next_write()
            self._sleeping = True
            try:
                if math.isinf(gap_s):
                    yield env.event()  # idle until set_rate interrupts
                yield env.timeout(gap_s)
            except simpy.Interrupt:
                continue
            finally:
                self._sleeping = False
            path.issue(volume, size, block, is_write)


class ClosedLoopHost:
    """Keeps `queue_depth` IOs outstanding; each ack (plus think time) issues the next."""

    def __init__(self, env: simpy.Environment, path: WritePath, volume: Volume,
                 source: WriteSource, loop: ClosedLoop):
        self.env = env
        self.path = path
        self.volume = volume
        self.source = source
        self.loop = loop
        path.ack_listeners[volume.index] = self._acked
        self.stopped = False
        for _ in range(loop.queue_depth):
            call_later(env, 0.0, self._issue, None)

    def stop(self) -> None:
        """No more IO (the volume was deleted); outstanding IOs still complete."""
        self.stopped = True

    def resume(self) -> None:
        """Refill the queue depth (the volume was restored)."""
        if self.stopped:
            self.stopped = False
            for _ in range(self.loop.queue_depth):
                self._issue()

    def _issue(self, _: object = None) -> None:
        if self.stopped:
            return
        size, block, is_write = self.source.next_io()
        self.path.issue(self.volume, size, block, is_write)

    def _acked(self, row: int) -> None:
        think_s = self.loop.next_think_s()
        if think_s > 0:
            call_later(self.env, think_s, self._issue, None)
        else:
            self._issue()
