"""The jobs room: a row per job with progress, Cancel and Retry; the session's cost and latency."""

from editor.ui.jobs.jobs_panel import JobsPanel
from editor.ui.jobs.stats_panel import StatsPanel

__all__ = ["JobsPanel", "StatsPanel"]
