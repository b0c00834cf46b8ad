"""Per-profile request statistics for a small panel: jobs, failures, latency, cost (Qt-free)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from editor.core.pricing import Cost

__all__ = ["LatencyStats", "ProfileStats", "percentile"]

RECENT = 50  # latencies kept for the sparkline (and the median / p95)


def percentile(values: list[float], q: float) -> float | None:
    """The ``q`` (0–100) percentile with linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * min(max(q, 0.0), 100.0) / 100.0
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(slots=True)
class LatencyStats:
    """Counts over a session and the most recent ``RECENT`` latencies (seconds, oldest first)."""

    count: int = 0
    failures: int = 0
    recent: deque[float] = field(default_factory=lambda: deque(maxlen=RECENT))

    def add(self, seconds: float | None, *, failed: bool = False) -> None:
        self.count += 1
        if failed:
            self.failures += 1
        if seconds is not None and seconds >= 0:
            self.recent.append(float(seconds))

    @property
    def median(self) -> float | None:
        return percentile(list(self.recent), 50)

    @property
    def p95(self) -> float | None:
        return percentile(list(self.recent), 95)

    def sparkline(self) -> list[float]:
        return list(self.recent)

    def as_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "failures": self.failures,
            "median_s": self.median,
            "p95_s": self.p95,
            "recent_s": [round(v, 4) for v in self.recent],
        }


@dataclass(slots=True)
class ProfileStats:
    """One profile's session: jobs, their failures, request latencies (each request of a
    fanned-out job counts), time to first byte, and the summed cost."""

    jobs: int = 0
    failed_jobs: int = 0
    latency: LatencyStats = field(default_factory=LatencyStats)
    ttfb: LatencyStats = field(default_factory=LatencyStats)
    cost: Cost | None = None
    remote: bool = False  # a job went to a service (not only the offline engines, which are free)

    def add_job(self, *, failed: bool, cost: Cost | None = None, local: bool = False) -> None:
        self.jobs += 1
        self.remote = self.remote or not local
        if failed:
            self.failed_jobs += 1
        if cost is not None:
            self.cost = cost if self.cost is None else self.cost + cost

    def add_request(self, total_s: float | None, ttfb_s: float | None, *, failed: bool) -> None:
        self.latency.add(total_s, failed=failed)
        if ttfb_s is not None:
            self.ttfb.add(ttfb_s)

    def as_json(self) -> dict[str, Any]:
        return {
            "jobs": self.jobs,
            "failed_jobs": self.failed_jobs,
            "latency": self.latency.as_json(),
            "ttfb": self.ttfb.as_json(),
            "cost": self.cost.as_json() if self.cost is not None else None,
        }
