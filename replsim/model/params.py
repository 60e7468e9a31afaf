"""Model-wide parameters. Where Element's value is not public, the default is an assumption."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelParams:
    sample_interval_s: float = 0.5
    sync_combine: str = "parallel"
    ack_bytes: float = 0.0
    qos_window_s: float = 0.01
    # pair lifecycle
    sync_timeout_s: float = 5.0
    sync_strict: bool = False
    pause_limit_bytes: float = 3_145_728_000.0
    slow_link_retry_s: float = 30.0
    resume_connect_s: float = 0.5
    metadata_bytes_per_block: float = 1.0
    local_sync_bytes_per_s: float = 1e9
    transfer_chunk_bytes: int = 1 << 20
    transfer_window_bytes: float = 8 * (1 << 20)
    snapshot_metadata_bytes: float = 64 * 1024
    async_delay_warning_s: float = 0.0  # remoteRepAsyncDelayExceeded fault above it; 0 = off
