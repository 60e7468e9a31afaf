"""The typed scenario schema: what a run needs, with units, defaults and validation.

Every field that carries a unit accepts a number in SI units or a string with a unit
("5ms", "100GiB", "1Gbps"). Unknown keys are errors. `docs/scenarios.md` documents each key.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from replsim import units
from replsim.scenario.timeline import Step
from replsim.scenario.types import Distance, Duration, Rate, Size, Strict


class RunSpec(Strict):
    name: str = "scenario"
    seed: int = 1
    duration: Duration = 60.0
    warmup: Duration = 0.0
    sample_interval: Annotated[float, BeforeValidator(units.duration_s), Field(gt=0)] = 0.5

    @model_validator(mode="after")
    def _warmup_inside(self) -> RunSpec:
        if self.warmup >= self.duration and self.duration > 0:
            raise ValueError("warmup must be shorter than duration")
        return self


class ModelSpec(Strict):
    sync_combine: Literal["parallel", "serial"] = "parallel"
    sync_timeout: Duration = 5.0
    pause_limit: Size = 3_145_728_000.0
    ack_size: Annotated[float, BeforeValidator(units.size_bytes), Field(ge=0)] = 0.0
    qos_window: Duration = 0.01
    sync_strict: bool = False
    slow_link_retry: Duration = 30.0
    resume_connect: Duration = 0.5
    metadata_bytes_per_block: float = Field(default=1.0, ge=0)
    local_sync_rate: Rate = 1e9
    transfer_chunk: Size = float(1 << 20)
    transfer_window: Size = float(8 << 20)
    snapshot_metadata: Annotated[float, BeforeValidator(units.size_bytes), Field(ge=0)] = 65536.0
    async_delay_warning: Duration = 0.0


class DistributionSpec(Strict):
    dist: Literal["deterministic", "exponential", "lognormal", "empirical"] = "deterministic"
    mean: Duration | None = None
    cv: float | None = Field(default=None, gt=0)
    samples: list[Duration] | None = None


class SliceServiceSpec(Strict):
    commit_time: DistributionSpec = DistributionSpec(dist="lognormal", mean=0.2e-3, cv=0.3)
    servers: int | None = Field(default=None, ge=1)


class ClusterSpec(Strict):
    name: str = Field(min_length=1)
    unique_id: str | None = Field(default=None, pattern=r"^[a-z0-9]{4}$")
    username: str = "admin"
    password: str = "admin"
    nodes: int = Field(default=4, ge=2, le=100)
    version: str = "12.3.0.958"
    mvip: str | None = None
    svip: str | None = None
    slice_service: SliceServiceSpec = SliceServiceSpec()
    mirror_hop: Duration = 50e-6
    node_iops: float = Field(default=50_000, gt=0)


class OutageSpec(Strict):
    start: Duration
    duration: Annotated[float, BeforeValidator(units.duration_s), Field(gt=0)]


class FailureSpec(Strict):
    """Random link failures: up times with mean `mtbf`, repairs with mean `mttr`."""

    mtbf: Annotated[float, BeforeValidator(units.duration_s), Field(gt=0)]
    mttr: Annotated[float, BeforeValidator(units.duration_s), Field(gt=0)]
    dist: Literal["exponential", "fixed"] = "exponential"


class LinkSpec(Strict):
    between: tuple[str, str]
    outages: list[OutageSpec] = []
    failures: FailureSpec | None = None
    distance: Distance | None = None
    rtt: Duration | None = None
    bandwidth: Rate = 125e6
    efficiency: float = Field(default=0.93, gt=0, le=1)
    jitter: DistributionSpec | None = None

    @model_validator(mode="after")
    def _one_delay(self) -> LinkSpec:
        if self.distance is None and self.rtt is None:
            # frozen model: set in place (returning a copy is ignored when built via __init__)
            object.__setattr__(self, "distance", 0.0)
        if self.distance is not None and self.rtt is not None:
            raise ValueError("give either distance or rtt, not both")
        return self


class QosSpec(Strict):
    minIOPS: float = 50  # noqa: N815 (Element's own spelling)
    maxIOPS: float = 15_000  # noqa: N815
    burstIOPS: float = 15_000  # noqa: N815
    burstTime: Duration = 60  # noqa: N815
    curve: dict[int, float] | None = None


class SnapshotScheduleSpec(Strict):
    name: str = "schedule"
    interval: Annotated[float, BeforeValidator(units.duration_s), Field(gt=0)]
    enable_remote_replication: bool = True
    retention: Duration | None = None
    ensure_serial_creation: bool = False
    start: Duration = 0.0


class VolumeSpec(Strict):
    cluster: str
    name: str = Field(min_length=1)
    size: Size = 100 * 2**30
    access: Literal["readWrite", "readOnly", "locked", "replicationTarget"] = "readWrite"
    account_id: int = Field(default=1, ge=1)
    used: Annotated[float, BeforeValidator(units.size_bytes), Field(ge=0)] = 0.0
    qos: QosSpec = QosSpec()
    snapshot_schedules: list[SnapshotScheduleSpec] = []


class WorkloadSpec(BaseModel):
    """`volume` plus the workload keys that `replsim.workload.spec` reads and checks."""

    model_config = ConfigDict(extra="allow", frozen=True)
    volume: str

    def generator_spec(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class PairSpec(Strict):
    source: str
    target: str
    mode: str = "Async"
    in_sync: bool = True


class AccountSpec(Strict):
    cluster: str
    username: str = Field(min_length=1, max_length=64)
    initiator_secret: str | None = Field(default=None, min_length=12, max_length=16)
    target_secret: str | None = Field(default=None, min_length=12, max_length=16)


class Scenario(Strict):
    run: RunSpec = RunSpec()
    model: ModelSpec = ModelSpec()
    clusters: list[ClusterSpec] = Field(min_length=1)
    links: list[LinkSpec] = []
    volumes: list[VolumeSpec] = []
    accounts: list[AccountSpec] = []
    workloads: list[WorkloadSpec] = []
    pairs: list[PairSpec] = []
    timeline: list[Step] = []
