"""Simulated time as Element shows it: UTC ISO 8601 dates and asyncDelay durations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)  # simulated t = 0


def iso(t_s: float | None) -> str | None:
    """`2026-01-01T00:01:05Z` for t = 65 s (None stays None)."""
    if t_s is None:
        return None
    return (EPOCH + timedelta(seconds=t_s)).strftime("%Y-%m-%dT%H:%M:%SZ")


def duration_hms(seconds: float) -> str:
    """`HH:MM:SS.ffffff`, the form `asyncDelay` has been seen in."""
    micros = round(max(0.0, seconds) * 1e6)
    whole, frac = divmod(micros, 1_000_000)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{frac:06d}"
