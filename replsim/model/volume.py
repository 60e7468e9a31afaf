"""Volumes: Element fields, slice placement, QoS shaper, local commit path, dirty blocks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

from replsim.model.cluster import Cluster, Node
from replsim.model.qos import QosSettings, QosShaper
from replsim.model.schedule import call_later

BLOCK_BYTES = 4096
ACCESS_VALUES = ("readWrite", "readOnly", "locked", "replicationTarget", "snapMirrorTarget")


class DirtyBlocks:
    """Distinct 4 KiB blocks written since the last sync point (overwrites coalesce).

    `shadow` is an optional set of blocks already counted elsewhere (e.g. in snapshots
    still on their way to the target); `outside_shadow` counts dirty blocks not in it,
    so distinct data at risk is known in O(1) at every sample.
    """

    def __init__(self, shadow: set[int] | None = None) -> None:
        self._blocks: set[int] = set()
        self.shadow: set[int] = shadow if shadow is not None else set()
        self.outside_shadow = 0

    def mark(self, first_block: int, size_bytes: int) -> None:
        blocks, shadow = self._blocks, self.shadow
        for block in range(first_block, first_block - (-size_bytes // BLOCK_BYTES)):
            if block not in blocks:
                blocks.add(block)
                if block not in shadow:
                    self.outside_shadow += 1

    def recount(self) -> None:
        """Call after `shadow` changed."""
        self.outside_shadow = len(self._blocks - self.shadow) if self.shadow else len(self)

    def __len__(self) -> int:
        return len(self._blocks)

    def as_set(self) -> set[int]:
        """A copy of the dirty block indices."""
        return set(self._blocks)

    @property
    def bytes(self) -> int:
        return len(self._blocks) * BLOCK_BYTES

    def drain(self) -> np.ndarray:
        """Take every dirty block (sorted) and start a new interval."""
        blocks = np.fromiter(self._blocks, dtype=np.int64, count=len(self._blocks))
        self._blocks = set()
        self.outside_shadow = 0
        blocks.sort()
        return blocks


Item = tuple[int, Callable[[Any], None]]


class CommitPath:
    """A write's local commit: primary slice service, mirror hop, secondary, hop back.

    This is Element's Double Helix write: the primary slice service copies the data to
    the secondary slice service on another node before the write counts as committed.
    """

    def __init__(self, env: simpy.Environment, primary: Node, secondary: Node, hop_s: float):
        self.env = env
        self.primary = primary
        self.secondary = secondary
        self.hop_s = hop_s

    def commit(self, item: Item) -> None:
        """Commit `item = (row, done)`; `done(item)` is called once mirrored."""
        self.primary.slice_service.submit(item, self._primary_done)

    def _primary_done(self, item: Item) -> None:
        call_later(self.env, self.hop_s, self._at_secondary, item)

    def _at_secondary(self, item: Item) -> None:
        self.secondary.slice_service.submit(item, self._secondary_done)

    def _secondary_done(self, item: Item) -> None:
        call_later(self.env, self.hop_s, self._committed, item)

    @staticmethod
    def _committed(item: Item) -> None:
        item[1](item)


@dataclass
class Volume:
    """An Element volume on one cluster; `index` is its row key in result tables."""

    index: int
    cluster: Cluster
    volume_id: int
    name: str
    account_id: int
    size_bytes: int
    access: str
    qos: QosShaper
    path: CommitPath
    uuid: str
    create_time_s: float
    used_bytes: int = 0
    wire_bytes_factor: float = 1.0  # bytes on the WAN per byte written (data reduction)
    deleted: bool = False
    purged: bool = False
    delete_time_s: float | None = None
    pending_pairing: Any = None  # (volume pair UUID, mode) after StartVolumePairing
    consistency_group_uuid: str = "00000000-0000-0000-0000-000000000000"
    enable512e: bool = False
    attributes: dict = field(default_factory=dict)
    pairs: list = field(default_factory=list)
    snapshots: list = field(default_factory=list)
    source_pair: Any = None
    dirty: DirtyBlocks = field(default_factory=DirtyBlocks)

    @property
    def scope(self) -> str:
        return f"{self.cluster.name}.{self.name}"

    @property
    def blocks(self) -> int:
        return self.size_bytes // BLOCK_BYTES

    @property
    def qos_settings(self) -> QosSettings:
        return self.qos.settings
