"""Volume statistics (with `asyncDelay` from the model) and replication sync jobs."""

from __future__ import annotations

from typing import Any

import numpy as np

from replsim.api import lookup
from replsim.api.clock import duration_hms, iso
from replsim.api.objects import SLICE_SERVICE_ID_BASE, slice_service_id
from replsim.api.params import Param
from replsim.api.registry import method
from replsim.model.qos import cost_4k_units
from replsim.model.volume import BLOCK_BYTES, Volume

SAMPLE_S = 0.5  # Element's stats window


def async_delay(volume: Volume, now_s: float) -> str | None:
    """Time since the volume was last in sync with its remote; None when unpaired."""
    if not volume.pairs:
        return None
    pair = volume.pairs[0]
    if volume is pair.target and pair.state in ("Active", "Idle"):
        return duration_hms(0.0)
    return duration_hms(pair.rpo_s(now_s))


def volume_stats(ctx, volume: Volume) -> dict[str, Any]:
    """Element's volumeStats, measured from the model's recorded IOs."""
    w = ctx.model.path.writes.view(copy=False)
    mine = w["volume"] == volume.index
    done = mine & ~np.isnan(w["t_ack_s"])
    writes = done & w["is_write"]
    reads = done & ~w["is_write"]
    recent = done & (w["t_ack_s"] >= ctx.now - SAMPLE_S)
    recent_writes = recent & w["is_write"]
    recent_reads = recent & ~w["is_write"]
    latency = w["t_ack_s"] - w["t_issue_s"]
    in_flight = int((mine & np.isnan(w["t_ack_s"]) & np.isnan(w["t_failed_s"])).sum())
    recent_ops = int(recent.sum())
    recent_bytes = float(w["size_bytes"][recent].sum())
    actual_iops = recent_ops / SAMPLE_S
    qos = volume.qos.settings
    cost = float(np.sum(cost_4k_units(w["size_bytes"][recent], qos.curve))) if recent_ops else 0.0
    normalized_iops = cost / SAMPLE_S
    distinct = len(np.unique(w["first_block"][writes]))

    def usec(mask: np.ndarray) -> int:
        return round(float(latency[mask].mean()) * 1e6) if mask.any() else 0

    return {
        "accountID": volume.account_id,
        "actualIOPS": round(actual_iops),
        "asyncDelay": async_delay(volume, ctx.now),
        "averageIOPSize": round(recent_bytes / recent_ops) if recent_ops else 0,
        "burstIOPSCredit": int(volume.qos.credit_4k_units(ctx.now)),
        "clientQueueDepth": in_flight,
        "desiredMetadataHosts": None,
        "latencyUSec": usec(recent),
        "metadataHosts": {"deadSecondaries": [],
                          "liveSecondaries": [SLICE_SERVICE_ID_BASE
                                              + volume.path.secondary.node_id],
                          "primary": slice_service_id(volume)},
        "nonZeroBlocks": min(volume.blocks, volume.used_bytes // BLOCK_BYTES + distinct),
        "normalizedIOPS": round(normalized_iops),
        "readBytes": int(w["size_bytes"][reads].sum()),
        "readBytesLastSample": int(w["size_bytes"][recent_reads].sum()),
        "readLatencyUSec": usec(recent_reads),
        "readLatencyUSecTotal": round(float(latency[reads].sum()) * 1e6),
        "readOps": int(reads.sum()),
        "readOpsLastSample": int(recent_reads.sum()),
        "samplePeriodMSec": int(SAMPLE_S * 1000),
        "throttle": 0.0,
        "timestamp": iso(ctx.now),
        "totalLatencyUSec": round(float(latency[done].sum()) * 1e6),
        "unalignedReads": 0,
        "unalignedWrites": 0,
        "volumeAccessGroups": [],
        "volumeID": volume.volume_id,
        "volumeSize": volume.size_bytes,
        "volumeUtilization": normalized_iops / qos.max_iops if qos.max_iops else 0.0,
        "writeBytes": int(w["size_bytes"][writes].sum()),
        "writeBytesLastSample": int(w["size_bytes"][recent_writes].sum()),
        "writeLatencyUSec": usec(recent_writes),
        "writeLatencyUSecTotal": round(float(latency[writes].sum()) * 1e6),
        "writeOps": int(writes.sum()),
        "writeOpsLastSample": int(recent_writes.sum()),
        "zeroBlocks": volume.blocks - min(volume.blocks,
                                          volume.used_bytes // BLOCK_BYTES + distinct),
    }


@method("GetVolumeStats", Param("volumeID", "int", required=True))
def get_volume_stats(ctx, params: dict[str, Any]) -> dict[str, Any]:
    return {"volumeStats": volume_stats(ctx, lookup.volume(ctx.cluster, params["volumeID"]))}


@method("ListVolumeStats", Param("volumeIDs", "list[int]"),
        Param("includeVirtualVolumes", "bool", default=True))
def list_volume_stats(ctx, params: dict[str, Any]) -> dict[str, Any]:
    if params["volumeIDs"] is None:
        volumes = [v for _, v in sorted(ctx.cluster.volumes.items()) if not v.deleted]
    else:
        volumes = [lookup.volume(ctx.cluster, vid) for vid in params["volumeIDs"]]
    return {"volumeStats": [volume_stats(ctx, v) for v in volumes]}


def _job(ctx, pair, stage: str, branch: str, total: float, done: float, started: float,
         snapshot_id: int = 0) -> dict[str, Any]:
    elapsed = max(ctx.now - started, 0.0)
    rate = done / elapsed if elapsed > 0 else 0.0
    remaining = (total - done) / rate if rate > 0 else None
    return {
        "blocksPerSecond": rate / BLOCK_BYTES, "branchType": branch, "bytesPerSecond": rate,
        "cloneID": 0, "currentBytes": int(done), "dstServiceID": slice_service_id(pair.target),
        "dstVolumeID": pair.target.volume_id, "elapsedTime": int(elapsed), "groupCloneID": 0,
        "nodeID": pair.source.path.primary.node_id,
        "percentComplete": int(100 * done / total) if total else 0,
        "remainingTime": int(remaining) if remaining is not None else None,
        "sliceID": pair.source.volume_id, "snapshotID": snapshot_id,  # the SDK requires it
        "srcServiceID": slice_service_id(pair.source),
        "srcVolumeID": pair.source.volume_id, "stage": stage, "totalBytes": int(total),
        "type": "remote",
    }


@method("ListSyncJobs")
def list_sync_jobs(ctx, params: dict[str, Any]) -> dict[str, Any]:
    jobs = []
    for pair in ctx.model.pairs:
        if pair.source.cluster is not ctx.cluster:
            continue
        transfer = pair.resync
        if pair.state in ("ResumingRRSync", "ResumingLocalSync"):
            done = pair._metadata_bytes if pair.state == "ResumingLocalSync" else (
                transfer.bytes_sent - transfer.in_flight_bytes if transfer else 0.0)
            jobs.append(_job(ctx, pair, "metadata", "volume", pair._metadata_bytes, done,
                             pair._resync_started_s))
        elif pair.state == "ResumingDataTransfer" and transfer is not None:
            total = pair._resync_blocks * BLOCK_BYTES
            jobs.append(_job(ctx, pair, "data", "volume", total,
                             transfer.bytes_sent - transfer.in_flight_bytes,
                             pair._resync_started_s))
        shipper = pair.snapshots
        if shipper is not None and shipper.busy and shipper._transfer is not None:
            snap = shipper.queue[0]
            total = len(snap.delta_blocks) * BLOCK_BYTES + pair.params.snapshot_metadata_bytes
            sent = shipper._transfer.bytes_sent - shipper._transfer.in_flight_bytes
            jobs.append(_job(ctx, pair, "data", "snapshot", total, sent, snap.t_syncing_s,
                             snap.snapshot_id))
    return {"syncJobs": jobs}
