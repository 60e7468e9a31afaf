"""Workload generation and replay: arrivals, IO sizes, locality, traces, per volume."""

from replsim.workload.arrivals import ArrivalProcess, ConstantArrivals, PoissonArrivals
from replsim.workload.diurnal import DiurnalArrivals, hourly_curve, points_curve
from replsim.workload.errors import WorkloadError
from replsim.workload.hotset import HotSetBlocks
from replsim.workload.intensity import IntensityArrivals
from replsim.workload.mmpp import MmppArrivals, OnOffArrivals
from replsim.workload.offsets import BLOCK_BYTES, BlockChooser, UniformBlocks
from replsim.workload.sequential import SequentialBlocks
from replsim.workload.sizes import DiscreteSizes, EmpiricalSizes, FixedSize, SizeDistribution
from replsim.workload.source import ClosedLoop, IoSource, WriteSource
from replsim.workload.spec import (
    ARRIVAL_KINDS,
    ARRIVALS,
    OFFSETS,
    SIZE_KINDS,
    STREAMS,
    Workload,
    build_workload,
)
from replsim.workload.superpose import SuperposedArrivals
from replsim.workload.trace import TraceSource, write_csv
from replsim.workload.zipf import ZipfBlocks

__all__ = [
    "ARRIVALS",
    "ARRIVAL_KINDS",
    "BLOCK_BYTES",
    "OFFSETS",
    "SIZE_KINDS",
    "STREAMS",
    "ArrivalProcess",
    "BlockChooser",
    "ClosedLoop",
    "ConstantArrivals",
    "DiscreteSizes",
    "DiurnalArrivals",
    "EmpiricalSizes",
    "FixedSize",
    "HotSetBlocks",
    "IntensityArrivals",
    "IoSource",
    "MmppArrivals",
    "OnOffArrivals",
    "PoissonArrivals",
    "SequentialBlocks",
    "SizeDistribution",
    "SuperposedArrivals",
    "TraceSource",
    "UniformBlocks",
    "Workload",
    "WorkloadError",
    "WriteSource",
    "ZipfBlocks",
    "build_workload",
    "hourly_curve",
    "points_curve",
    "write_csv",
]
