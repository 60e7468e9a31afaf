"""Superposition: several independent arrival processes feeding one volume.

E.g. a steady Poisson background plus an on/off backup burst plus a daily cycle. Each
component keeps its own random stream and clock; the merged process returns the gap to the
earliest pending component arrival.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from replsim.workload.arrivals import ArrivalProcess, check_rate_iops


class SuperposedArrivals:
    """The merge of independent component processes.

    `set_rate(r)` scales every component by the same factor so the total long-run mean is `r`
    (the components keep their proportions). Each component's pending arrival is re-drawn
    from the time of the change, which is exact for the Poisson-type components and restarts
    a constant-rate component's period.
    """

    def __init__(self, components: Sequence[ArrivalProcess]) -> None:
        if not components:
            raise ValueError("a superposition needs at least one component")
        self._components = list(components)
        self._shares = [c.mean_rate_iops for c in self._components]
        total = sum(self._shares)
        if not total > 0.0:
            raise ValueError("the components' total mean rate is 0")
        self._shares = [share / total for share in self._shares]
        self._clock_s = 0.0
        self._next_s = [c.next_gap_s() for c in self._components]

    @property
    def components(self) -> list[ArrivalProcess]:
        """The component processes, in spec order."""
        return list(self._components)

    @property
    def clock_s(self) -> float:
        """Time of the last merged arrival returned."""
        return self._clock_s

    @property
    def mean_rate_iops(self) -> float:
        """Sum of the components' current long-run means."""
        return sum(c.mean_rate_iops for c in self._components)

    @property
    def rate_iops(self) -> float:
        """Alias of `mean_rate_iops`."""
        return self.mean_rate_iops

    def next_gap_s(self) -> float:
        """Gap to the earliest pending component arrival; inf when every component idles."""
        next_s = self._next_s
        i = min(range(len(next_s)), key=next_s.__getitem__)
        t = next_s[i]
        if t == math.inf:
            return math.inf
        gap = t - self._clock_s
        self._clock_s = t
        next_s[i] = t + self._components[i].next_gap_s()
        return gap

    def set_rate(self, rate_iops: float, now_s: float | None = None) -> None:
        """Scale all components so the total long-run mean is `rate_iops`, from `now_s`."""
        rate = check_rate_iops(rate_iops)
        t0 = self._clock_s if now_s is None else float(now_s)
        self._clock_s = t0
        for i, component in enumerate(self._components):
            component.set_rate(rate * self._shares[i], now_s=t0)
            self._next_s[i] = t0 + component.next_gap_s()
