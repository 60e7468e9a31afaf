"""Link outages: scheduled windows and random failure/repair processes."""

from __future__ import annotations

import numpy as np
import simpy

from replsim.model.distributions import Distribution
from replsim.model.link import WanLink


class LinkOutages:
    """Takes a link down and up again: fixed windows, and/or up times drawn from `mtbf`
    and repair times from `mttr` (each a distribution: exponential or deterministic)."""

    def __init__(self, env: simpy.Environment, link: WanLink,
                 windows: list[tuple[float, float]], mtbf: Distribution | None,
                 mttr: Distribution | None, rng: np.random.Generator):
        if (mtbf is None) != (mttr is None):
            raise ValueError(f"{link.scope}: random failures need both mtbf and mttr")
        for start_s, duration_s in windows:
            if start_s < 0 or duration_s <= 0:
                raise ValueError(f"{link.scope}: outage windows need start >= 0, duration > 0")
        self.env = env
        self.link = link
        self.windows = sorted(windows)
        self.mtbf = mtbf
        self.mttr = mttr
        self.rng = rng
        self._down_reasons = 0
        for start_s, duration_s in self.windows:
            env.process(self._window(start_s, duration_s))
        if mtbf is not None:
            env.process(self._random())

    def _down(self) -> None:
        self._down_reasons += 1
        self.link.set_up(False)

    def _up(self) -> None:
        self._down_reasons -= 1
        if self._down_reasons == 0:
            self.link.set_up(True)

    def _window(self, start_s: float, duration_s: float):
        yield self.env.timeout(start_s - self.env.now)
        self._down()
        yield self.env.timeout(duration_s)
        self._up()

    def _random(self):
        while True:
            yield self.env.timeout(float(self.mtbf.draw(self.rng, 1)[0]))
            self._down()
            yield self.env.timeout(float(self.mttr.draw(self.rng, 1)[0]))
            self._up()
