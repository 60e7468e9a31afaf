"""What the model records per host write: the column layout of the `writes` table."""

from __future__ import annotations

import numpy as np

MODE_CODES = {"None": 0, "Async": 1, "Sync": 2, "SnapshotsOnly": 3}
MODE_NAMES = {code: name for name, code in MODE_CODES.items()}

WRITE_COLUMNS: dict[str, np.dtype] = {
    "volume": np.dtype(np.int32),
    "pair": np.dtype(np.int32),
    "mode": np.dtype(np.int8),
    "is_write": np.dtype(np.bool_),
    "size_bytes": np.dtype(np.int64),
    "first_block": np.dtype(np.int64),
    "parts_pending": np.dtype(np.int8),
    "t_issue_s": np.dtype(np.float64),
    "t_release_s": np.dtype(np.float64),
    "t_local_s": np.dtype(np.float64),
    "t_ack_s": np.dtype(np.float64),
    "t_sent_s": np.dtype(np.float64),
    "t_remote_arrival_s": np.dtype(np.float64),
    "t_durable_remote_s": np.dtype(np.float64),
    "t_remote_ack_s": np.dtype(np.float64),
    "t_failed_s": np.dtype(np.float64),
}
WRITE_FILL = {"pair": -1, "volume": -1}
