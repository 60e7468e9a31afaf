"""Resuming a pair: Element's Resuming* phases and the resync of distinct dirty blocks.

`ResumingConnected` → `ResumingRRSync` (the volume's metadata crosses the link) →
`ResumingLocalSync` (the target copies it) → `ResumingDataTransfer` (each distinct dirty
4 KiB block crosses once while new writes are forwarded) → `Active`. Every tracked write
becomes durable on the target when the resync completes.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from replsim.model.bulk import BulkTransfer
from replsim.model.schedule import call_later
from replsim.model.volume import BLOCK_BYTES


class ResyncPhases:
    """The resume sequence of a `VolumePair` (mixed into it)."""

    def begin_resume(self, cause: str) -> None:
        self.epoch += 1
        if self.initial_sync_pending:
            self.initial_sync_pending = False
            used = self.source.used_bytes
            if used > 0:
                self.resync_dirty.mark(0, int(used))
            self._track_earlier_writes()
        self._set_state("ResumingConnected", cause)
        self._resync_started_s = self.env.now
        call_later(self.env, self.params.resume_connect_s, self._rr_sync, self.epoch)

    def _track_earlier_writes(self) -> None:
        """The initial sync also ships what hosts wrote before the volumes were paired."""
        w = self.writes.view(copy=False)
        rows = np.flatnonzero((w["volume"] == self.source.index) & (w["pair"] == -1)
                              & w["is_write"] & ~np.isnan(w["t_ack_s"]))
        for row in rows.tolist():
            self.track(row)

    def _rr_sync(self, epoch: int) -> None:
        if epoch != self.epoch:
            return
        self._set_state("ResumingRRSync", "connected")
        self._metadata_bytes = self.source.blocks * self.params.metadata_bytes_per_block
        self.resync = BulkTransfer(self.forward, self._chunks(self._metadata_bytes),
                                   self.params.transfer_window_bytes,
                                   lambda e=epoch: self._local_sync(e), owner=self)
        self.resync.start()

    def _local_sync(self, epoch: int) -> None:
        if epoch != self.epoch:
            return
        self.resync = None
        self._set_state("ResumingLocalSync", "metadata copied to the target")
        delay_s = self._metadata_bytes / self.params.local_sync_bytes_per_s
        call_later(self.env, delay_s, self._data_transfer, epoch)

    def _data_transfer(self, epoch: int) -> None:
        if epoch != self.epoch:
            return
        blocks = self.resync_dirty.drain()
        self._resync_remaining = set(blocks.tolist())
        self._resync_blocks = len(blocks)
        self._set_state("ResumingDataTransfer", f"{len(blocks)} changed blocks to ship")
        self.resync = BulkTransfer(self.forward, self._block_chunks(blocks),
                                   self.params.transfer_window_bytes,
                                   lambda e=epoch: self._resync_done(e), owner=self)
        self.resync.start()

    def _resync_done(self, epoch: int) -> None:
        if epoch != self.epoch:
            return
        now = self.env.now
        bytes_shipped = self.resync.bytes_sent if self.resync else 0.0
        self.resync = None
        self._resync_remaining = set()
        w = self.writes
        rows = np.asarray(self.tracked_rows, dtype=np.int64)
        if len(rows):
            durable = w["t_durable_remote_s"]
            durable[rows] = np.where(np.isnan(durable[rows]), now, durable[rows])
        self.tracked_rows = []
        self.resyncs.append({
            "t_start_s": self._resync_started_s, "t_end_s": now,
            "duration_s": now - self._resync_started_s, "blocks": self._resync_blocks,
            "bytes": bytes_shipped, "metadata_bytes": self._metadata_bytes,
        })
        self._set_state(self._healthy_state(), "resync complete")
        if self.snapshots is not None:
            self.snapshots.kick()

    def _chunks(self, total_bytes: float) -> Iterator[float]:
        chunk = float(self.params.transfer_chunk_bytes)
        remaining = total_bytes
        while remaining > 0:
            yield min(chunk, remaining)
            remaining -= chunk

    def _block_chunks(self, blocks: np.ndarray) -> Iterator[float]:
        """Chunks of distinct dirty blocks, skipping blocks a forwarded write has covered."""
        per_chunk = max(1, self.params.transfer_chunk_bytes // BLOCK_BYTES)
        wire_per_block = BLOCK_BYTES * self.source.wire_bytes_factor
        remaining = self._resync_remaining
        count = 0
        for block in blocks.tolist():
            if block in remaining:
                remaining.discard(block)
                count += 1
                if count == per_chunk:
                    yield count * wire_per_block
                    count = 0
        if count:
            yield count * wire_per_block

    def _skip_forwarded(self, first_block: int, size_bytes: int) -> None:
        count = -(-size_bytes // BLOCK_BYTES)
        for block in range(first_block, first_block + count):
            self._resync_remaining.discard(block)
