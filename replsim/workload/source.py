"""One volume's stream of IOs: when, how big, where, and whether it is a write.

`WriteSource` pre-draws sizes, start blocks and read flags in numpy blocks and hands them out
one at a time as plain Python scalars, so the per-IO cost in the SimPy loop is a few list
indexings. Gaps come from the arrival process (open loop); a closed-loop driver instead uses
`next_io` together with a `ClosedLoop` holder.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from replsim.workload.arrivals import DEFAULT_BLOCK_LEN, ArrivalProcess
from replsim.workload.offsets import BlockChooser
from replsim.workload.sizes import SizeDistribution

THINK_DISTS = ("fixed", "exponential")


@runtime_checkable
class IoSource(Protocol):
    """What a host drives: generated (`WriteSource`) or replayed (`TraceSource`) IOs."""

    def next_write(self) -> tuple[float, int, int, bool]:
        """(gap_s, size_bytes, first_block, is_write); gap inf = nothing more for now."""
        ...

    def next_io(self) -> tuple[int, int, bool]:
        """(size_bytes, first_block, is_write) of the next IO, for a closed-loop host."""
        ...

    def set_rate(self, rate_iops: float, now_s: float | None = None) -> None:
        """Scale the source so its long-run mean rate is `rate_iops` (0 = idle)."""
        ...


class WriteSource:
    """Combines arrivals, sizes, offsets and the read/write mix of one volume.

    Each component owns its generator, so changing e.g. the read fraction or the rate does
    not shift the sizes or offsets drawn (common random numbers across what-if variants).
    Read flags come from one uniform per IO compared with `read_fraction`.
    """

    def __init__(
        self,
        arrivals: ArrivalProcess | None,
        sizes: SizeDistribution,
        blocks: BlockChooser,
        read_fraction: float = 0.0,
        read_rng: np.random.Generator | None = None,
        block_len: int = DEFAULT_BLOCK_LEN,
    ) -> None:
        if (
            isinstance(read_fraction, bool)
            or not isinstance(read_fraction, int | float | np.number)
            or not 0.0 <= float(read_fraction) <= 1.0
        ):
            raise ValueError(f"read_fraction must be in [0, 1], got {read_fraction!r}")
        if read_fraction > 0.0 and read_rng is None:
            raise ValueError("read_fraction > 0 needs a read_rng to draw the read flags")
        if block_len < 1:
            raise ValueError(f"block_len must be >= 1, got {block_len}")
        self.arrivals = arrivals
        self.sizes = sizes
        self.blocks = blocks
        self.read_fraction = float(read_fraction)
        self._read_rng = read_rng
        self._block_len = int(block_len)
        self._sizes_bytes: list[int] = []
        self._first_blocks: list[int] = []
        self._is_write: list[bool] = []
        self._pos = 0

    def _refill(self) -> None:
        """Draw the next block of IOs: sizes, then offsets, then read flags."""
        n = self._block_len
        sizes_bytes = self.sizes.draw(n)
        first_blocks = self.blocks.draw(n, sizes_bytes)
        if self.read_fraction > 0.0:
            assert self._read_rng is not None
            is_write = self._read_rng.random(n) >= self.read_fraction
            self._is_write = is_write.tolist()
        else:
            self._is_write = [True] * n
        self._sizes_bytes = sizes_bytes.tolist()
        self._first_blocks = first_blocks.tolist()
        self._pos = 0

    def next_io(self) -> tuple[int, int, bool]:
        """(size_bytes, first_block, is_write) of the next IO, without a gap (closed loop)."""
        pos = self._pos
        if pos >= len(self._sizes_bytes):
            self._refill()
            pos = 0
        self._pos = pos + 1
        return self._sizes_bytes[pos], self._first_blocks[pos], self._is_write[pos]

    def next_write(self) -> tuple[float, int, int, bool]:
        """(gap_s, size_bytes, first_block, is_write) of the next open-loop IO.

        While the rate is 0 the gap is `math.inf` and no IO is consumed: the placeholder
        `(inf, 0, 0, True)` tells the driver to idle until `set_rate`.
        """
        if self.arrivals is None:
            raise RuntimeError("this source is closed-loop (no arrival process); use next_io()")
        gap_s = self.arrivals.next_gap_s()
        if gap_s == math.inf:
            return gap_s, 0, 0, True
        pos = self._pos
        if pos >= len(self._sizes_bytes):
            self._refill()
            pos = 0
        self._pos = pos + 1
        return gap_s, self._sizes_bytes[pos], self._first_blocks[pos], self._is_write[pos]

    def set_rate(self, rate_iops: float, now_s: float | None = None) -> None:
        """Scale the arrival process to long-run mean `rate_iops` from the next gap on.

        `now_s` (optional) is the simulated time of the change; processes with a clock (daily
        profile, MMPP, superposition) move their clock there so their phase stays right.
        """
        if self.arrivals is None:
            raise RuntimeError("this source is closed-loop (no arrival process); no rate to set")
        self.arrivals.set_rate(rate_iops, now_s=now_s)


class _ExponentialThink:
    """Pre-drawn unit exponentials, popped one per completion (the host's hot path)."""

    def __init__(self, rng: np.random.Generator, block_len: int = DEFAULT_BLOCK_LEN) -> None:
        self._rng = rng
        self._block_len = block_len
        self._draws: list[float] = []
        self._pos = 0

    def pop(self) -> float:
        pos = self._pos
        if pos >= len(self._draws):
            self._draws = self._rng.standard_exponential(self._block_len).tolist()
            pos = 0
        self._pos = pos + 1
        return self._draws[pos]


@dataclass(frozen=True)
class ClosedLoop:
    """Closed-loop parameters: `queue_depth` IOs outstanding, each followed by a think time.

    Think time is `fixed` (exactly `think_time_s`) or `exponential` with mean `think_time_s`,
    drawn from the host's own stream `rng` (so each host's think times are independent).
    """

    queue_depth: int = 1
    think_time_s: float = 0.0
    think_dist: str = "fixed"
    rng: np.random.Generator | None = field(default=None, compare=False, repr=False)
    _think: _ExponentialThink | None = field(
        default=None, init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        qd = self.queue_depth
        if isinstance(qd, bool) or not isinstance(qd, int | np.integer) or qd < 1:
            raise ValueError(f"queue_depth must be an integer >= 1, got {qd!r}")
        think = self.think_time_s
        if (
            isinstance(think, bool)
            or not isinstance(think, int | float | np.number)
            or not math.isfinite(float(think))
            or think < 0
        ):
            raise ValueError(f"think_time_s must be a finite number >= 0, got {think!r}")
        if self.think_dist not in THINK_DISTS:
            raise ValueError(
                f"think_dist must be one of {', '.join(THINK_DISTS)}, got {self.think_dist!r}"
            )
        if self.think_dist == "exponential":
            if self.rng is None:
                raise ValueError("an exponential think time needs an rng")
            object.__setattr__(self, "_think", _ExponentialThink(self.rng))

    def next_think_s(self) -> float:
        """Seconds a slot waits after a completion before issuing its next IO."""
        if self._think is None:
            return float(self.think_time_s)
        return self._think.pop() * self.think_time_s
