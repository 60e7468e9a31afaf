"""Cluster pairs: the pairing records each cluster holds, and their derived status.

Each cluster numbers its own pairs (`clusterPairID` is local); the UUID is shared. A
pairing is pending (`Unconfigured`) until the second cluster completes it; removal is
per side, so the peer shows `Misconfigured` until it removes its record too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import simpy

from replsim.model.cluster import Cluster
from replsim.model.link import WanLink

MAX_CLUSTER_PAIRS = 4


@dataclass
class ClusterPairSide:
    cluster: Cluster
    pair_id: int
    removed: bool = False
    status: str = ""  # last recorded status; "" before the first record


@dataclass
class ClusterPair:
    """One pairing between two clusters over their WAN link."""

    env: simpy.Environment
    uuid: str
    link: WanLink | None
    sides: dict[str, ClusterPairSide] = field(default_factory=dict)
    created_s: float = 0.0
    connected_at_s: float = 0.0
    secret: dict = field(default_factory=dict)  # pairing credentials carried in the key
    key_used: bool = False

    @property
    def complete(self) -> bool:
        return len(self.sides) == 2

    @property
    def scope(self) -> str:
        return "<->".join(sorted(self.sides)) if self.complete else f"{next(iter(self.sides))}<->?"

    def peer(self, cluster: str) -> ClusterPairSide | None:
        for name, side in self.sides.items():
            if name != cluster:
                return side
        return None

    def derived_status(self, cluster: str) -> str:
        """Unconfigured (pending), Misconfigured (peer removed), Disconnected, Connected."""
        peer = self.peer(cluster)
        if peer is None:
            return "Unconfigured"
        if peer.removed:
            return "Misconfigured"
        if self.link is None or not self.link.up:
            return "Disconnected"
        if self.env.now < self.connected_at_s:
            return "Unconfigured"
        return "Connected"

    @property
    def established(self) -> bool:
        """Both sides hold the pairing and it has finished connecting (link may be down)."""
        return self.complete and not any(s.removed for s in self.sides.values()) and (
            self.env.now >= self.connected_at_s)
