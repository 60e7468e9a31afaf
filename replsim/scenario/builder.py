"""Build a `ModelWorld` from a validated `Scenario`."""

from __future__ import annotations

from replsim import rng as rngmod
from replsim.model.distributions import Distribution, make_distribution
from replsim.model.qos import DEFAULT_CURVE, QosSettings
from replsim.model.world import ModelParams, ModelWorld
from replsim.scenario.loader import ScenarioError
from replsim.scenario.schema import DistributionSpec, QosSpec, Scenario
from replsim.workload.spec import build_workload


def distribution(spec: DistributionSpec) -> Distribution:
    return make_distribution(spec.dist, spec.mean, spec.cv, spec.samples)


def qos_settings(spec: QosSpec) -> QosSettings:
    return QosSettings(
        min_iops=spec.minIOPS, max_iops=spec.maxIOPS, burst_iops=spec.burstIOPS,
        burst_time_s=spec.burstTime, curve=spec.curve or DEFAULT_CURVE,
    )


def build_world(scenario: Scenario, seed: int | None = None, origin: str = "<dict>") -> ModelWorld:
    """The model world the scenario describes, at t = 0, pairs established."""
    seed = scenario.run.seed if seed is None else seed
    params = ModelParams(
        sample_interval_s=scenario.run.sample_interval,
        sync_combine=scenario.model.sync_combine,
        ack_bytes=scenario.model.ack_size,
        sync_timeout_s=scenario.model.sync_timeout,
        pause_limit_bytes=scenario.model.pause_limit,
        qos_window_s=scenario.model.qos_window,
    )
    world = ModelWorld(seed, params)
    problems: list[str] = []

    def attempt(where: str, action) -> object:
        try:
            return action()
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            return None

    for i, c in enumerate(scenario.clusters):
        attempt(f"clusters[{i}]", lambda c=c: world.add_cluster(
            c.name, c.nodes, distribution(c.slice_service.commit_time), c.mirror_hop,
            c.node_iops, c.slice_service.servers, c.mvip, c.svip, c.version))
    for i, link in enumerate(scenario.links):
        rtt = link.rtt
        attempt(f"links[{i}]", lambda link=link, rtt=rtt: world.add_link(
            link.between[0], link.between[1], link.bandwidth, rtt_s=rtt,
            distance_km=None if rtt is not None else link.distance,
            efficiency=link.efficiency,
            jitter=distribution(link.jitter) if link.jitter else None))
    for i, v in enumerate(scenario.volumes):
        attempt(f"volumes[{i}]", lambda v=v: world.create_volume(
            v.cluster, v.name, int(v.size), qos_settings(v.qos), v.access, v.account_id))
    if problems:
        raise ScenarioError(origin, problems)
    for i, wl in enumerate(scenario.workloads):
        cluster, name = wl.volume.split("/", 1)
        volume = world.volume(cluster, name)

        def add(volume=volume, wl=wl):
            stream = rngmod.stream(seed, f"{volume.scope}.workload")
            world.add_workload(volume, build_workload(wl.generator_spec(), volume.size_bytes,
                                                      stream))
        attempt(f"workloads[{i}]", add)
    for i, p in enumerate(scenario.pairs):
        src = world.volume(*p.source.split("/", 1))
        dst = world.volume(*p.target.split("/", 1))
        attempt(f"pairs[{i}]", lambda p=p, src=src, dst=dst: world.pair_volumes(src, dst, p.mode))
    if problems:
        raise ScenarioError(origin, problems)
    return world
