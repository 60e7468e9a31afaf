"""Clusters and nodes: identity, slice services, and the volumes and pairs they hold."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import numpy as np
import simpy

from replsim import rng as rngmod
from replsim.model.distributions import Distribution, Sampler
from replsim.model.server import FifoServer

ELEMENT_VERSION = "12.3.0.958"
UNIQUE_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def stable_uuid(generator: np.random.Generator) -> str:
    """A version-4 UUID drawn from a component's own stream (deterministic per seed)."""
    return str(uuid.UUID(bytes=generator.bytes(16), version=4))


@dataclass(frozen=True)
class SliceServiceParams:
    """How one node's slice service commits writes (NVRAM write + metadata)."""

    commit_time: Distribution
    servers: int


@dataclass
class Node:
    """A storage node; its slice service is a FIFO server shared by every volume on it."""

    node_id: int
    name: str
    slice_service: FifoServer
    iops_capacity: float


@dataclass
class Account:
    """An Element account (owner of volumes, CHAP secrets)."""

    account_id: int
    username: str
    initiator_secret: str
    target_secret: str
    enable_chap: bool = True
    attributes: dict = field(default_factory=dict)
    status: str = "active"


@dataclass
class ClusterIdentity:
    name: str
    mvip: str
    svip: str
    unique_id: str
    uuid: str
    version: str


@dataclass
class Cluster:
    """An Element cluster: identity, nodes, the cluster-network hop between them."""

    identity: ClusterIdentity
    nodes: list[Node]
    mirror_hop_s: float
    volumes: dict[int, object] = field(default_factory=dict)
    next_volume_id: int = 1
    next_cluster_pair_id: int = 0
    next_snapshot_id: int = 0
    next_group_snapshot_id: int = 0
    accounts: dict[int, Account] = field(default_factory=dict)
    next_account_id: int = 1
    admin_user: str = "admin"
    admin_password: str = "admin"

    @property
    def name(self) -> str:
        return self.identity.name


def build_cluster(
    env: simpy.Environment,
    seed: int,
    name: str,
    node_count: int,
    slice_params: SliceServiceParams,
    mirror_hop_s: float,
    node_iops_capacity: float,
    mvip: str,
    svip: str,
    version: str = ELEMENT_VERSION,
) -> Cluster:
    """Create a cluster with `node_count` nodes, each with its own slice-service stream."""
    if node_count < 2:
        raise ValueError(f"cluster {name}: needs at least 2 nodes for Double Helix mirroring")
    ident_rng = rngmod.stream(seed, f"{name}.identity")
    unique_id = "".join(ident_rng.choice(list(UNIQUE_ID_ALPHABET), 4))
    identity = ClusterIdentity(name, mvip, svip, unique_id, stable_uuid(ident_rng), version)
    nodes = []
    for i in range(1, node_count + 1):
        scope = f"{name}.node{i}.slice"
        sampler = Sampler(slice_params.commit_time, rngmod.stream(seed, scope))
        server = FifoServer(env, scope, sampler, slice_params.servers)
        nodes.append(Node(i, f"{name}-node{i}", server, node_iops_capacity))
    return Cluster(identity, nodes, mirror_hop_s)
