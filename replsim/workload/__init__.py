"""Workload generation: arrivals, IO sizes, offsets and their assembly per volume."""

from replsim.workload.arrivals import ArrivalProcess, ConstantArrivals, PoissonArrivals
from replsim.workload.offsets import BLOCK_BYTES, BlockChooser, UniformBlocks
from replsim.workload.sizes import DiscreteSizes, EmpiricalSizes, FixedSize, SizeDistribution
from replsim.workload.source import ClosedLoop, WriteSource
from replsim.workload.spec import (
    ARRIVALS,
    OFFSETS,
    SIZE_KINDS,
    Workload,
    WorkloadError,
    build_workload,
)

__all__ = [
    "ARRIVALS",
    "BLOCK_BYTES",
    "OFFSETS",
    "SIZE_KINDS",
    "ArrivalProcess",
    "BlockChooser",
    "ClosedLoop",
    "ConstantArrivals",
    "DiscreteSizes",
    "EmpiricalSizes",
    "FixedSize",
    "PoissonArrivals",
    "SizeDistribution",
    "UniformBlocks",
    "Workload",
    "WorkloadError",
    "WriteSource",
    "build_workload",
]
