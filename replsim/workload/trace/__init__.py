"""Block-trace replay: readers for MSR, fio iolog, blkparse and a simple CSV, and a source."""

from replsim.workload.trace.reader import FORMATS, TraceOptions, TraceReader, sniff_format
from replsim.workload.trace.replay import TraceSource, TraceStats
from replsim.workload.trace.spec import TRACE_KEYS, build_trace_source, trace_options
from replsim.workload.trace.writer import write_csv

__all__ = [
    "FORMATS",
    "TRACE_KEYS",
    "TraceOptions",
    "TraceReader",
    "TraceSource",
    "TraceStats",
    "build_trace_source",
    "sniff_format",
    "trace_options",
    "write_csv",
]
