"""Turn a finished (or paused) model run into tidy pandas DataFrames, once, at the end."""

from __future__ import annotations

import numpy as np
import pandas as pd

from replsim.metrics.records import MODE_NAMES
from replsim.metrics.rpo import (
    RpoSegments,
    rpo_max_s,
    rpo_segments,
    rpo_time_mean_s,
    rpo_time_quantile_s,
)
from replsim.metrics.stats import latency_summary
from replsim.model.pair import STATES
from replsim.model.world import ModelWorld


def unique_labels(labels: list[str]) -> list[str]:
    """Categorical labels must be unique: a repeated name gets `#n` (its position)."""
    seen = {label: labels.count(label) for label in labels}
    return [label if seen[label] == 1 else f"{label}#{i}" for i, label in enumerate(labels)]


def volume_labels(world: ModelWorld) -> list[str]:
    return unique_labels([v.scope for v in world.volumes])


def pair_labels(world: ModelWorld) -> list[str]:
    return unique_labels([p.scope for p in world.pairs])


def writes_frame(world: ModelWorld) -> pd.DataFrame:
    """One row per host write, with the stage breakdown of its latency."""
    cols = world.path.writes.view()
    frame = pd.DataFrame({k: v for k, v in cols.items() if k not in ("parts_pending",)})
    frame = frame[frame.pop("is_write")].reset_index(drop=True)
    volumes = volume_labels(world)
    pairs = pair_labels(world)
    frame["volume"] = pd.Categorical.from_codes(frame["volume"].to_numpy(), categories=volumes)
    frame["pair"] = pd.Categorical.from_codes(frame["pair"].to_numpy(), categories=pairs)
    mode_names = [MODE_NAMES[i] for i in sorted(MODE_NAMES)]
    frame["mode"] = pd.Categorical.from_codes(frame["mode"].to_numpy(), categories=mode_names)
    frame["ack_latency_s"] = frame["t_ack_s"] - frame["t_issue_s"]
    frame["qos_wait_s"] = frame["t_release_s"] - frame["t_issue_s"]
    frame["local_commit_s"] = frame["t_local_s"] - frame["t_release_s"]
    frame["link_s"] = frame["t_remote_arrival_s"] - frame["t_sent_s"]
    frame["remote_commit_s"] = frame["t_durable_remote_s"] - frame["t_remote_arrival_s"]
    frame["replication_lag_s"] = frame["t_durable_remote_s"] - frame["t_ack_s"]
    return frame


def rpo_frame(world: ModelWorld) -> pd.DataFrame:
    """RPO (asyncDelay), backlog, state and data at risk per pair, every sample interval."""
    frame = world.sampler.rpo.to_frame()
    frame["pair"] = pd.Categorical.from_codes(frame["pair"].to_numpy(),
                                              categories=pair_labels(world))
    frame["state"] = pd.Categorical.from_codes(frame["state"].to_numpy(), categories=STATES)
    return frame


def states_frame(world: ModelWorld) -> pd.DataFrame:
    """Every transition of pairs, cluster pairs, links and skipped scheduled snapshots."""
    return world.log.to_frame()


def snapshots_frame(world: ModelWorld) -> pd.DataFrame:
    """One row per snapshot taken on a source: when it was taken, when it reached the
    target, what it cost (the target's copies are the same snapshots, not rows)."""
    rows = [{
        "snapshot_id": s.snapshot_id, "volume": s.volume.scope, "name": s.name,
        "enable_remote_replication": s.enable_remote, "create_s": s.create_s,
        "remote_status": s.remote_status, "t_syncing_s": s.t_syncing_s,
        "t_present_s": s.t_present_s, "completion_lag_s": s.t_present_s - s.create_s,
        "delta_blocks": len(s.delta_blocks), "bytes_shipped": s.bytes_shipped,
        "deleted": s.deleted,
    } for s in world.snapshots if s.source_snapshot is None]  # target copies: same snapshot
    columns = ["snapshot_id", "volume", "name", "enable_remote_replication", "create_s",
               "remote_status", "t_syncing_s", "t_present_s", "completion_lag_s",
               "delta_blocks", "bytes_shipped", "deleted"]
    return pd.DataFrame(rows, columns=columns)


def links_frame(world: ModelWorld) -> pd.DataFrame:
    """Utilisation, queue and up/down per link direction, sampled every sample interval."""
    frame = world.sampler.link.to_frame()
    frame["link"] = pd.Categorical.from_codes(
        frame["link"].to_numpy(), categories=[d.scope for d in world.link_directions]
    )
    return frame


def snapshot_rpo_segments(base_s: float, present: list[tuple[float, float]],
                          t_end_s: float) -> RpoSegments:
    """RPO(t) = t − c(t), c stepping to each snapshot's creation time when it lands."""
    created = np.array([base_s] + [c for c, _ in present])
    starts = np.array([base_s] + [p for _, p in present])
    ends = np.append(starts[1:], max(t_end_s, starts[-1]))
    keep = ends > starts
    return RpoSegments(starts[keep], ends[keep], created[keep])


def summary_frame(world: ModelWorld, writes: pd.DataFrame, warmup_s: float = 0.0,
                  states: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per volume with a workload: latency percentiles, exact RPO figures, bytes shipped."""
    t_end = world.now_s
    states = states_frame(world) if states is None else states
    labels = volume_labels(world)
    rows = []
    measured = writes[writes["t_issue_s"] >= warmup_s]
    for volume in world.volumes:
        if volume.index not in world.hosts:
            continue
        mine = measured[measured["volume"] == labels[volume.index]]
        pair = volume.source_pair or next(
            (p for p in reversed(world.pairs) if p.source is volume), None)
        row: dict[str, object] = {
            "volume": labels[volume.index],
            "pair": pair_labels(world)[pair.index] if pair else None,
            "mode": pair.mode if pair else "None",
            "writes": int(mine["t_ack_s"].notna().sum()),
            "write_iops": float(mine["t_ack_s"].notna().sum() / max(t_end - warmup_s, 1e-12)),
            "write_bytes": float(mine["size_bytes"].sum()),
        }
        latency = latency_summary(mine["ack_latency_s"].to_numpy())
        row.update({f"ack_{k}": v for k, v in latency.items() if k != "count"})
        row["failed_writes"] = int(mine["t_failed_s"].notna().sum())
        if pair is not None:
            row.update(pair_rpo_figures(world, pair, warmup_s, t_end))
            row["data_at_risk_max_bytes"] = _max_sampled(world, pair.index, warmup_s)
            row["bytes_shipped"] = pair.bytes_shipped
            row.update(lifecycle_figures(world, pair, warmup_s, t_end, states))
        rows.append(row)
    return pd.DataFrame(rows)


def _max_sampled(world: ModelWorld, pair_index: int, t0_s: float) -> float:
    samples = world.sampler.rpo.view()
    mine = (samples["pair"] == pair_index) & (samples["t_s"] >= t0_s)
    return float(samples["data_at_risk_bytes"][mine].max()) if mine.any() else 0.0


def lifecycle_figures(world: ModelWorld, pair, t0_s: float, t1_s: float,
                      states: pd.DataFrame) -> dict:
    """Time in each state, pauses, resyncs and skipped snapshots of one pair."""
    mine = states[(states["kind"] == "volume_pair") & (states["object"] == pair.scope)]
    times = mine["t_s"].to_numpy()
    names = mine["to_state"].to_list()
    out: dict[str, float] = {}
    for i, name in enumerate(names):
        start = max(times[i], t0_s)
        end = min(times[i + 1] if i + 1 < len(times) else t1_s, t1_s)
        if end > start:
            out[f"time_{name}_s"] = out.get(f"time_{name}_s", 0.0) + end - start
    paused = sum(v for k, v in out.items() if k.startswith("time_Paused"))
    resyncs = pair.resyncs
    skipped = sum(s.skipped for s in world.schedules if s.volume is pair.source)
    return {
        "time_paused_s": paused,
        "pause_count": pair.pause_count,
        "resync_count": len(resyncs),
        "resync_duration_max_s": max((r["duration_s"] for r in resyncs), default=np.nan),
        "resync_bytes": float(sum(r["bytes"] for r in resyncs)),
        "snapshots_skipped": skipped,
        **dict(sorted(out.items())),
    }


def pair_rpo_figures(world: ModelWorld, pair, t0_s: float, t1_s: float) -> dict:
    """Exact RPO mean/p99/max of one pair over [t0, t1], from event times.

    Async/Sync: from each write's ack and durable times. A pair that ran SnapshotsOnly
    throughout: from snapshot times (c(t) = creation time of the newest snapshot
    present on the target, or the pairing time before the first).
    """
    if pair.modes_seen == {"SnapshotsOnly"}:
        segments = snapshot_rpo_segments(pair.snapshots.recovery_base_s,
                                         pair.snapshots.present, t1_s)
    else:
        w = world.path.writes.view()
        mine = (w["pair"] == pair.index) & ~np.isnan(w["t_ack_s"])
        segments = rpo_segments(w["t_ack_s"][mine], w["t_durable_remote_s"][mine], t1_s)
    if t1_s <= t0_s:
        return {"rpo_mean_s": np.nan, "rpo_p99_s": np.nan, "rpo_max_s": np.nan}
    return {
        "rpo_mean_s": rpo_time_mean_s(segments, t0_s, t1_s),
        "rpo_p99_s": rpo_time_quantile_s(segments, t0_s, t1_s, 0.99),
        "rpo_max_s": rpo_max_s(segments, t0_s, t1_s),
    }
