"""Markov-modulated Poisson arrivals (MMPP) and on/off bursts.

A hidden state walks through `n` states; while in state `i` writes arrive as a Poisson process
of rate `rates[i]`. The state path is either a continuous-time Markov chain (a generator matrix,
or mean sojourn times plus jump probabilities) or, for on/off with `durations="fixed"`, a
deterministic square wave. The path is drawn from its own random stream, in blocks, and turned
into a piecewise-constant intensity for the exact time-rescaling engine in `intensity.py`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from replsim.workload.arrivals import DEFAULT_BLOCK_LEN
from replsim.workload.intensity import IntensityArrivals

STATE_BLOCK = 256


def _matrix(values: Sequence[Sequence[float]], n: int, name: str) -> np.ndarray:
    try:
        matrix = np.array(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an {n}x{n} matrix of numbers") from None
    if matrix.shape != (n, n) or not np.isfinite(matrix).all():
        raise ValueError(f"{name} must be an {n}x{n} matrix of finite numbers, got {values!r}")
    return matrix


def _irreducible(jump: np.ndarray) -> bool:
    """Every state reaches every other through jumps of positive probability."""
    n = len(jump)
    reach = (jump > 0) | np.eye(n, dtype=bool)
    for _ in range(max(1, math.ceil(math.log2(n))) + 1):
        reach = reach | ((reach.astype(int) @ reach.astype(int)) > 0)
    return bool(reach.all())


class StatePath:
    """A semi-Markov state path: sojourn means, a jump matrix, and a sojourn law.

    `time_average` is the long-run fraction of time in each state (jump-chain stationary
    distribution weighted by the mean sojourns), which gives the process's mean rate.
    """

    def __init__(
        self,
        rates_iops: Sequence[float],
        sojourn_means_s: Sequence[float],
        jump: np.ndarray,
        rng: np.random.Generator,
        fixed: bool = False,
        first_state: int | None = None,
    ) -> None:
        rates = np.array(rates_iops, dtype=float)
        means = np.array(sojourn_means_s, dtype=float)
        n = len(rates)
        if n < 1 or means.shape != (n,):
            raise ValueError("need one rate and one mean sojourn time per state")
        if not np.isfinite(rates).all() or (rates < 0).any():
            raise ValueError(f"state rates must be finite and >= 0, got {rates.tolist()}")
        if not np.isfinite(means).all() or (means <= 0).any():
            raise ValueError(f"mean sojourn times must be finite and > 0, got {means.tolist()}")
        if n > 1:
            if (jump < 0).any() or (np.diag(jump) != 0).any():
                raise ValueError("jump probabilities must be >= 0 with a zero diagonal")
            if not np.allclose(jump.sum(axis=1), 1.0, atol=1e-9):
                raise ValueError("each row of jump probabilities must sum to 1")
            if not _irreducible(jump):
                raise ValueError("every state must be reachable from every other")
            # Stationary law of the jump chain: the left eigenvector for eigenvalue 1.
            a = np.vstack([jump.T - np.eye(n), np.ones(n)])
            b = np.zeros(n + 1)
            b[-1] = 1.0
            nu = np.linalg.lstsq(a, b, rcond=None)[0]
            nu = np.clip(nu, 0.0, None)
        else:
            nu = np.ones(1)
        weights = nu * means
        self.time_average = weights / weights.sum()
        self.rates_iops = rates
        self.sojourn_means_s = means
        self.mean_iops = float(self.time_average @ rates)
        if self.mean_iops <= 0.0:
            raise ValueError("the long-run mean rate is 0: give some state a positive rate")
        self._cum_jump = np.cumsum(jump, axis=1) if n > 1 else np.ones((1, 1))
        self._rng = rng
        self._fixed = fixed
        self._n = n
        if first_state is None:
            first_state = int(rng.choice(n, p=self.time_average))
        self._state = first_state

    @property
    def start_s(self) -> float:
        return 0.0

    def next_segments(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The next `STATE_BLOCK` sojourns as constant-intensity segments."""
        rng = self._rng
        unit = np.ones(STATE_BLOCK) if self._fixed else rng.standard_exponential(STATE_BLOCK)
        jumps = rng.random(STATE_BLOCK)
        n, state = self._n, self._state
        if n <= 2:  # the chain alternates (or stays): no walk needed
            states = (state + np.arange(STATE_BLOCK + 1)) % n
            self._state = int(states[-1])
            states = states[:-1]
        else:
            states = np.empty(STATE_BLOCK, dtype=np.int64)
            cum = self._cum_jump
            for i in range(STATE_BLOCK):
                states[i] = state
                state = min(int(np.searchsorted(cum[state], jumps[i], side="right")), n - 1)
            self._state = state
        lengths = unit * self.sojourn_means_s[states]
        return lengths, self.rates_iops[states], np.zeros(STATE_BLOCK)


class MmppArrivals(IntensityArrivals):
    """MMPP arrivals: a generator matrix (or sojourn means + jumps) and a rate per state.

    `rate_iops`, if given, rescales all state rates so the long-run mean is that rate.
    """

    def __init__(
        self,
        rates_iops: Sequence[float],
        rng: np.random.Generator,
        *,
        generator: Sequence[Sequence[float]] | None = None,
        sojourn_s: Sequence[float] | None = None,
        jump: Sequence[Sequence[float]] | None = None,
        rate_iops: float | None = None,
        block_len: int = DEFAULT_BLOCK_LEN,
    ) -> None:
        n = len(rates_iops)
        if n < 1:
            raise ValueError("an MMPP needs at least one state")
        if (generator is None) == (sojourn_s is None):
            raise ValueError("give either a generator matrix or mean sojourn times")
        if generator is not None:
            if jump is not None:
                raise ValueError("jump probabilities come from the generator; do not give both")
            q = _matrix(generator, n, "generator")
            off = q - np.diag(np.diag(q))
            if (off < 0).any():
                raise ValueError("generator off-diagonal rates must be >= 0")
            leave = off.sum(axis=1)
            if n > 1 and (leave <= 0).any():
                raise ValueError("every state must have a positive rate of leaving it")
            means = 1.0 / leave if n > 1 else np.array([1.0])
            jump_matrix = off / leave[:, None] if n > 1 else np.zeros((1, 1))
        else:
            assert sojourn_s is not None
            means = np.array(sojourn_s, dtype=float)
            if jump is None:
                jump_matrix = (np.ones((n, n)) - np.eye(n)) / max(n - 1, 1)
            else:
                jump_matrix = _matrix(jump, n, "jump")
        exp_rng, state_rng = rng.spawn(2)
        path = StatePath(rates_iops, means, jump_matrix, state_rng)
        self.path = path
        super().__init__(path, exp_rng, rate_iops, block_len)


class OnOffArrivals(IntensityArrivals):
    """Bursts: `on_rate` for on-periods of mean `on_s`, `off_rate` (default 0) in between.

    `durations="exponential"` (an MMPP, started in its stationary state) or `"fixed"` (a square
    wave whose first on-period starts at t = 0).
    """

    def __init__(
        self,
        on_s: float,
        off_s: float,
        on_rate_iops: float,
        rng: np.random.Generator,
        *,
        off_rate_iops: float = 0.0,
        durations: str = "exponential",
        rate_iops: float | None = None,
        block_len: int = DEFAULT_BLOCK_LEN,
    ) -> None:
        if durations not in ("exponential", "fixed"):
            raise ValueError(f"durations must be 'exponential' or 'fixed', got {durations!r}")
        exp_rng, state_rng = rng.spawn(2)
        fixed = durations == "fixed"
        path = StatePath(
            [on_rate_iops, off_rate_iops],
            [on_s, off_s],
            np.array([[0.0, 1.0], [1.0, 0.0]]),
            state_rng,
            fixed=fixed,
            first_state=0 if fixed else None,
        )
        self.path = path
        super().__init__(path, exp_rng, rate_iops, block_len)


def mmpp2_index_of_dispersion(
    rate_a: float, rate_b: float, leave_a: float, leave_b: float, window_s: float
) -> float:
    """Variance/mean of counts in a window for a stationary two-state MMPP (for tests, docs).

    IDC(T) = 1 + 2 (λa−λb)² πa πb / (λ̄ (ra+rb)) · (1 − (1 − e^{−(ra+rb)T}) / ((ra+rb)T)).
    """
    r = leave_a + leave_b
    pi_a, pi_b = leave_b / r, leave_a / r
    mean = pi_a * rate_a + pi_b * rate_b
    shape = 1.0 - (1.0 - math.exp(-r * window_s)) / (r * window_s)
    return 1.0 + 2.0 * (rate_a - rate_b) ** 2 * pi_a * pi_b / (mean * r) * shape
