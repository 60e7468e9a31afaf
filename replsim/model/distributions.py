"""Service-time distributions (slice-service commit times, link jitter) and their samplers.

A distribution draws numpy blocks; a `Sampler` pops one value at a time from a block so
the per-write hot path is a list pop, while each component still consumes its own random
stream in the FIFO order of its customers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


class Distribution:
    """A non-negative random duration in seconds."""

    mean_s: float

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        raise NotImplementedError



@dataclass(frozen=True)
class Deterministic(Distribution):
    mean_s: float

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, self.mean_s)



@dataclass(frozen=True)
class Exponential(Distribution):
    mean_s: float

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.exponential(self.mean_s, n)



@dataclass(frozen=True)
class LogNormal(Distribution):
    """Parameterised by its own mean and coefficient of variation, as engineers quote them."""

    mean_s: float
    cv: float

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        sigma2 = math.log1p(self.cv**2)
        mu = math.log(self.mean_s) - sigma2 / 2
        return rng.lognormal(mu, math.sqrt(sigma2), n)



@dataclass(frozen=True)
class Empirical(Distribution):
    """Resamples measured values (e.g. host-visible commit latencies of a real cluster)."""

    samples_s: tuple[float, ...]

    @property
    def mean_s(self) -> float:  # type: ignore[override]
        return float(np.mean(self.samples_s))

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.choice(np.asarray(self.samples_s, dtype=float), n)



def make_distribution(
    kind: str, mean_s: float | None = None, cv: float | None = None,
    samples_s: Sequence[float] | None = None,
) -> Distribution:
    """Build a distribution by name; raises ValueError naming the bad parameter."""
    if kind == "empirical":
        if not samples_s:
            raise ValueError("empirical distribution needs a non-empty 'samples' list")
        if min(samples_s) < 0:
            raise ValueError("empirical samples must be non-negative durations")
        return Empirical(tuple(float(s) for s in samples_s))
    if mean_s is None or mean_s < 0:
        raise ValueError(f"{kind} distribution needs a non-negative 'mean', got {mean_s!r}")
    if kind == "deterministic":
        return Deterministic(mean_s)
    if kind == "exponential":
        return Exponential(mean_s)
    if kind == "lognormal":
        if cv is None or cv <= 0:
            raise ValueError(f"lognormal distribution needs 'cv' > 0, got {cv!r}")
        if mean_s <= 0:
            raise ValueError("lognormal distribution needs 'mean' > 0")
        return LogNormal(mean_s, cv)
    raise ValueError(
        f"unknown distribution {kind!r}; use deterministic, exponential, lognormal or empirical"
    )


class Sampler:
    """Pops one sample at a time from pre-drawn blocks of a distribution."""

    __slots__ = ("_block", "_buffer", "_dist", "_rng")

    def __init__(self, dist: Distribution, rng: np.random.Generator, block: int = 4096):
        self._dist = dist
        self._rng = rng
        self._block = block
        self._buffer: list[float] = []

    @property
    def dist(self) -> Distribution:
        return self._dist

    def next(self) -> float:
        if not self._buffer:
            self._buffer = self._dist.draw(self._rng, self._block)[::-1].tolist()
        return self._buffer.pop()
