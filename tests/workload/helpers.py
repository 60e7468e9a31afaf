"""Shared helpers for the workload tests: draw gaps, count arrivals in windows."""

from __future__ import annotations

import numpy as np

from replsim.workload.arrivals import ArrivalProcess


def gaps(process: ArrivalProcess, n: int) -> np.ndarray:
    """`n` consecutive gaps."""
    return np.array([process.next_gap_s() for _ in range(n)])


def times_until(process: ArrivalProcess, end_s: float) -> np.ndarray:
    """Arrival times in [0, end_s), accumulated as a host would."""
    out, t = [], 0.0
    while True:
        t += process.next_gap_s()
        if t >= end_s:
            return np.array(out)
        out.append(t)


def window_counts(times: np.ndarray, window_s: float, end_s: float) -> np.ndarray:
    """Arrivals per complete window of `window_s` in [0, end_s)."""
    n = int(end_s // window_s)
    return np.bincount((times[times < n * window_s] // window_s).astype(int), minlength=n)
