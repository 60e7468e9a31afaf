"""Periodic samples of level quantities (RPO, backlog, link queue and utilisation).

Element reports volume stats on a 500 ms window; replsim samples at the same default
interval. These are level monitors; per-write tallies live in the `writes` table, and
exact RPO maxima and averages are computed from event times, not from these samples.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import simpy

from replsim.metrics.columns import Columns
from replsim.model.link import LinkDirection
from replsim.model.pair import STATE_CODES, VolumePair
from replsim.model.volume import BLOCK_BYTES

RPO_SAMPLE_COLUMNS = {
    "t_s": np.dtype(np.float64),
    "pair": np.dtype(np.int32),
    "rpo_s": np.dtype(np.float64),
    "backlog_bytes": np.dtype(np.float64),
    "state": np.dtype(np.int8),
    "dirty_blocks": np.dtype(np.int64),
    "data_at_risk_bytes": np.dtype(np.float64),
}
LINK_SAMPLE_COLUMNS = {
    "t_s": np.dtype(np.float64),
    "link": np.dtype(np.int32),
    "utilisation": np.dtype(np.float64),
    "queued_bytes": np.dtype(np.float64),
    "bytes_sent": np.dtype(np.float64),
    "up": np.dtype(np.bool_),
}


class Sampler:
    """Samples every pair and link direction each `interval_s` seconds."""

    def __init__(self, env: simpy.Environment, interval_s: float,
                 pairs: list[VolumePair], links: list[LinkDirection]):
        if interval_s <= 0:
            raise ValueError(f"sample interval must be > 0, got {interval_s}")
        self.env = env
        self.interval_s = interval_s
        self.pairs = pairs
        self.links = links
        self.rpo = Columns(RPO_SAMPLE_COLUMNS, initial_rows=1024)
        self.link = Columns(LINK_SAMPLE_COLUMNS, initial_rows=1024)
        self._last_busy_s: dict[int, float] = {}
        env.process(self._run())

    def sample(self) -> None:
        now = self.env.now
        self._sample_pairs(now, self.pairs)
        for index, direction in enumerate(self.links):
            busy_s = direction.busy_time_s()
            last = self._last_busy_s.get(index, 0.0)
            self._last_busy_s[index] = busy_s
            self.link.append(
                t_s=now, link=index, utilisation=(busy_s - last) / self.interval_s,
                queued_bytes=direction.queued_bytes, bytes_sent=direction.bytes_sent,
                up=direction.up,
            )

    def _sample_pairs(self, now: float, pairs: Iterable[VolumePair]) -> None:
        for pair in pairs:
            self.rpo.append(
                t_s=now, pair=pair.index, rpo_s=pair.rpo_s(now),
                backlog_bytes=pair.backlog_bytes, state=STATE_CODES[pair.state],
                dirty_blocks=len(pair.resync_dirty) + len(pair.source.dirty),
                data_at_risk_bytes=pair.data_at_risk_blocks() * BLOCK_BYTES)

    def _run(self):
        while True:
            yield self.env.timeout(self.interval_s)
            self.sample()
