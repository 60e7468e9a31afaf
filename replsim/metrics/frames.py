"""Turn a finished (or paused) model run into tidy pandas DataFrames, once, at the end."""

from __future__ import annotations

import numpy as np
import pandas as pd

from replsim.metrics.records import MODE_NAMES
from replsim.metrics.rpo import rpo_max_s, rpo_segments, rpo_time_mean_s, rpo_time_quantile_s
from replsim.metrics.stats import latency_summary
from replsim.model.world import ModelWorld


def writes_frame(world: ModelWorld) -> pd.DataFrame:
    """One row per host write, with the stage breakdown of its latency."""
    cols = world.path.writes.view()
    frame = pd.DataFrame({k: v for k, v in cols.items() if k not in ("parts_pending",)})
    frame = frame[frame.pop("is_write")].reset_index(drop=True)
    volumes = [v.scope for v in world.volumes]
    pairs = [p.scope for p in world.pairs]
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
    """RPO (Element's asyncDelay) and backlog per pair, sampled every sample interval."""
    frame = world.sampler.rpo.to_frame()
    frame["pair"] = pd.Categorical.from_codes(
        frame["pair"].to_numpy(), categories=[p.scope for p in world.pairs]
    )
    return frame


def links_frame(world: ModelWorld) -> pd.DataFrame:
    """Utilisation, queue and up/down per link direction, sampled every sample interval."""
    frame = world.sampler.link.to_frame()
    frame["link"] = pd.Categorical.from_codes(
        frame["link"].to_numpy(), categories=[d.scope for d in world.link_directions]
    )
    return frame


def summary_frame(world: ModelWorld, writes: pd.DataFrame, warmup_s: float = 0.0) -> pd.DataFrame:
    """Per volume with a workload: latency percentiles, exact RPO figures, bytes shipped."""
    t_end = world.now_s
    rows = []
    measured = writes[writes["t_issue_s"] >= warmup_s]
    for volume in world.volumes:
        if volume.index not in world.hosts:
            continue
        mine = measured[measured["volume"] == volume.scope]
        pair = volume.source_pair
        row: dict[str, object] = {
            "volume": volume.scope,
            "pair": pair.scope if pair else None,
            "mode": pair.mode if pair else "None",
            "writes": int(mine["t_ack_s"].notna().sum()),
            "write_iops": float(mine["t_ack_s"].notna().sum() / max(t_end - warmup_s, 1e-12)),
            "write_bytes": float(mine["size_bytes"].sum()),
        }
        latency = latency_summary(mine["ack_latency_s"].to_numpy())
        row.update({f"ack_{k}": v for k, v in latency.items() if k != "count"})
        if pair is not None:
            row.update(pair_rpo_figures(world, pair.index, warmup_s, t_end))
            row["bytes_shipped"] = pair.bytes_shipped
        rows.append(row)
    return pd.DataFrame(rows)


def pair_rpo_figures(world: ModelWorld, pair_index: int, t0_s: float, t1_s: float) -> dict:
    """Exact RPO mean/p99/max of one pair over [t0, t1], from write event times."""
    w = world.path.writes.view()
    mine = (w["pair"] == pair_index) & ~np.isnan(w["t_ack_s"])
    segments = rpo_segments(w["t_ack_s"][mine], w["t_durable_remote_s"][mine], t1_s)
    if t1_s <= t0_s:
        return {"rpo_mean_s": np.nan, "rpo_p99_s": np.nan, "rpo_max_s": np.nan}
    return {
        "rpo_mean_s": rpo_time_mean_s(segments, t0_s, t1_s),
        "rpo_p99_s": rpo_time_quantile_s(segments, t0_s, t1_s, 0.99),
        "rpo_max_s": rpo_max_s(segments, t0_s, t1_s),
    }
