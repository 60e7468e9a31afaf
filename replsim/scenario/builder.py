"""Build a `ModelWorld` from a validated `Scenario`."""

from __future__ import annotations

from pathlib import Path

from replsim import rng as rngmod
from replsim.api.accounts import add_account
from replsim.api.errors import ApiError
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


def _add_account(world: ModelWorld, seed: int, cluster: str, username: str,
                 initiator: str | None = None, target: str | None = None):
    try:
        return add_account(world.clusters[cluster], seed, username, initiator, target)
    except ApiError as err:
        raise ValueError(f"{err.name}: {err.message}") from None


def failure_distributions(spec) -> tuple[Distribution | None, Distribution | None]:
    if spec is None:
        return None, None
    kind = "exponential" if spec.dist == "exponential" else "deterministic"
    return make_distribution(kind, spec.mtbf), make_distribution(kind, spec.mttr)


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
        sync_strict=scenario.model.sync_strict,
        slow_link_retry_s=scenario.model.slow_link_retry,
        resume_connect_s=scenario.model.resume_connect,
        metadata_bytes_per_block=scenario.model.metadata_bytes_per_block,
        local_sync_bytes_per_s=scenario.model.local_sync_rate,
        transfer_chunk_bytes=int(scenario.model.transfer_chunk),
        transfer_window_bytes=scenario.model.transfer_window,
        snapshot_metadata_bytes=scenario.model.snapshot_metadata,
        async_delay_warning_s=scenario.model.async_delay_warning,
    )
    world = ModelWorld(seed, params)
    base_dir = Path(origin).parent if origin != "<dict>" else None
    problems: list[str] = []

    def attempt(where: str, action) -> object:
        try:
            return action()
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            return None

    for i, c in enumerate(scenario.clusters):
        cluster = attempt(f"clusters[{i}]", lambda c=c: world.add_cluster(
            c.name, c.nodes, distribution(c.slice_service.commit_time), c.mirror_hop,
            c.node_iops, c.slice_service.servers, c.mvip, c.svip, c.version))
        if cluster is not None:
            cluster.admin_user, cluster.admin_password = c.username, c.password
            if c.unique_id is not None:
                cluster.identity.unique_id = c.unique_id
    mvips = [c.identity.mvip for c in world.clusters.values()]
    for i, mvip in enumerate(mvips):
        if mvips.index(mvip) != i:
            problems.append(f"clusters[{i}].mvip: {mvip} is already another cluster's MVIP")
    for i, link in enumerate(scenario.links):
        rtt = link.rtt
        attempt(f"links[{i}]", lambda link=link, rtt=rtt: world.add_link(
            link.between[0], link.between[1], link.bandwidth, rtt_s=rtt,
            distance_km=None if rtt is not None else link.distance,
            efficiency=link.efficiency,
            jitter=distribution(link.jitter) if link.jitter else None))
    for i, link in enumerate(scenario.links):
        if link.outages or link.failures:
            attempt(f"links[{i}]", lambda link=link: world.add_link_outages(
                link.between[0], link.between[1],
                [(o.start, o.duration) for o in link.outages],
                *failure_distributions(link.failures)))
    for i, a in enumerate(scenario.accounts):
        attempt(f"accounts[{i}]", lambda a=a: _add_account(
            world, seed, a.cluster, a.username, a.initiator_secret, a.target_secret))
    for v in scenario.volumes:  # accounts the volumes name but the scenario did not declare
        cluster = world.clusters.get(v.cluster)
        while cluster is not None and v.account_id >= cluster.next_account_id:
            _add_account(world, seed, v.cluster, f"account{cluster.next_account_id}")
    for i, v in enumerate(scenario.volumes):
        volume = attempt(f"volumes[{i}]", lambda v=v: world.create_volume(
            v.cluster, v.name, int(v.size), qos_settings(v.qos), v.access, v.account_id))
        if volume is None:
            continue
        if v.used > v.size:
            problems.append(f"volumes[{i}].used: larger than the volume's size")
        volume.used_bytes = int(v.used)
        for j, sched in enumerate(v.snapshot_schedules):
            attempt(f"volumes[{i}].snapshot_schedules[{j}]",
                    lambda volume=volume, sched=sched: world.add_snapshot_schedule(
                        volume, sched.name, sched.interval, sched.enable_remote_replication,
                        sched.retention, sched.ensure_serial_creation, sched.start))
    if problems:
        raise ScenarioError(origin, problems)
    for i, wl in enumerate(scenario.workloads):
        cluster, name = wl.volume.split("/", 1)
        volume = world.volume(cluster, name)

        def add(volume=volume, wl=wl):
            stream = rngmod.stream(seed, f"{volume.scope}.workload")
            workload = build_workload(wl.generator_spec(), volume.size_bytes, stream,
                                      base_dir=base_dir)
            volume.wire_bytes_factor = workload.wire_bytes_factor
            world.add_workload(volume, workload)
        attempt(f"workloads[{i}]", add)
    for i, p in enumerate(scenario.pairs):
        src = world.volume(*p.source.split("/", 1))
        dst = world.volume(*p.target.split("/", 1))

        def pair(p=p, src=src, dst=dst):
            a, b = src.cluster.name, dst.cluster.name
            if world.cluster_pair_between(a, b) is None:
                world.pair_clusters(a, b)
            return world.pair_volumes(src, dst, p.mode, in_sync=p.in_sync)
        attempt(f"pairs[{i}]", pair)
    if problems:
        raise ScenarioError(origin, problems)
    return world
