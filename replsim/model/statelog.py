"""Every state transition of pairs, cluster pairs and links, with its time and cause."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

STATE_COLUMNS = ("t_s", "kind", "object", "side", "from_state", "to_state", "cause")


@dataclass
class StateLog:
    """Append-only list of transitions; rare events, so plain tuples are fine."""

    rows: list[tuple] = field(default_factory=list)

    def record(self, t_s: float, kind: str, obj: str, side: str, old: str, new: str,
               cause: str) -> None:
        self.rows.append((t_s, kind, obj, side, old, new, cause))

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=list(STATE_COLUMNS))
