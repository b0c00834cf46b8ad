"""Cost and latency of this session, per profile: a small tab beside Jobs and History.

:class:`SessionStats` turns each finished job into numbers (Qt-free pricing and stats from
:mod:`editor.core`): the cost of its usage at the profile's prices (marked "≈ estimate" when a
default price or a guessed token split went into it), and each request's time to first byte and
total time. :class:`StatsPanel` shows them with a tiny sparkline of recent latencies.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from editor.core.models import model_spec
from editor.core.pricing import Cost, PriceTable, parse_usage
from editor.core.stats import ProfileStats
from editor.pipeline.jobs import Job, JobState
from editor.ui.common.scroll_column import scroll_column

__all__ = ["SessionStats", "Sparkline", "StatsPanel", "cost_text", "job_cost"]


def cost_text(cost: Cost | None) -> str:
    """ "$0.042 ≈ estimate", "$0.04" (the user's own prices), "" without usage or prices."""
    if cost is None:
        return ""
    amount = f"${cost.amount:.3f}" if cost.amount < 1 else f"${cost.amount:.2f}"
    return f"{amount} ≈ estimate" if cost.estimate else amount


def cost_tooltip(cost: Cost | None) -> str:
    if cost is None:
        return "No cost: the service reported no usage, or there is no price for this model"
    lines = [
        f"Text input ${cost.text_input:.4f}",
        f"Image input ${cost.image_input:.4f}",
        f"Image output ${cost.image_output:.4f}",
    ]
    if cost.estimate:
        lines.append("An estimate: default prices or a guessed token split (Settings ▸ Prices)")
    return "\n".join(lines)


def job_cost(job: Job, prices: PriceTable) -> Cost | None:
    """What a finished job's requests cost at ``prices`` (None: no usage or no price)."""
    outcome = job.outcome
    if outcome is None:
        return None
    model = job.params.api.model
    costs = [prices.cost(model, r.usage) for r in outcome.requests if r.usage is not None]
    if not outcome.requests and parse_usage(outcome.result.usage) is not None:
        costs = [prices.cost(model, outcome.result.usage)]
    found = [c for c in costs if c is not None]
    if not found:
        return None
    total = found[0]
    for c in found[1:]:
        total = total + c
    return total


class SessionStats:
    """Per-profile numbers of this session (profile name → :class:`ProfileStats`)."""

    def __init__(self) -> None:
        self.profiles: dict[str, ProfileStats] = {}
        # (profile, model) → (dollars, images) of this session's priced rounds: what the next
        # image will likely cost, said before a prompt matrix is sent.
        self._spent: dict[tuple[str, str], tuple[float, int]] = {}

    def cost_per_image(self, profile: str, model: str) -> float | None:
        spent, images = self._spent.get((profile or "—", model), (0.0, 0))
        return spent / images if images else None

    def record(self, job: Job, prices: PriceTable) -> Cost | None:
        stats = self.profiles.setdefault(job.input.profile or "—", ProfileStats())
        failed = job.state is not JobState.SUCCEEDED
        cost = job_cost(job, prices)
        stats.add_job(failed=failed, cost=cost, local=model_spec(job.params.api.model).local)
        outcome = job.outcome
        images = (
            sum(r.n for r in outcome.requests if r.ok) or len(outcome.variants)
            if outcome is not None
            else 0
        )
        if cost is not None and images:
            key = (job.input.profile or "—", job.params.api.model or "")
            spent, counted = self._spent.get(key, (0.0, 0))
            self._spent[key] = (spent + cost.amount, counted + images)
        if outcome is not None and outcome.requests:
            for r in outcome.requests:
                stats.add_request(r.total_s, r.ttfb_s, failed=not r.ok)
        elif job.state is not JobState.CANCELLED:
            stats.add_request(job.elapsed(), None, failed=failed)
        return cost


class Sparkline(QWidget):
    """Recent latencies as a thin line, newest on the right; the p95 level dotted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: list[float] = []
        self.setMinimumHeight(26)
        self.setToolTip("Recent request times, oldest on the left")

    def sizeHint(self) -> QSize:
        return QSize(160, 28)

    def set_values(self, values: list[float]) -> None:
        self.values = list(values)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if len(self.values) < 2:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        r = QRectF(self.rect()).adjusted(2, 3, -2, -3)
        top = max(self.values) or 1.0
        step = r.width() / (len(self.values) - 1)
        path = QPainterPath()
        for i, v in enumerate(self.values):
            pt = QPointF(r.left() + i * step, r.bottom() - v / top * r.height())
            path.lineTo(pt) if i else path.moveTo(pt)
        p.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 1.5))
        p.drawPath(path)
        last = path.currentPosition()
        p.setBrush(self.palette().color(QPalette.ColorRole.Highlight))
        p.drawEllipse(last, 2.2, 2.2)
        p.end()


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


class _ProfileCard(QFrame):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(f"<b>{name}</b>")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.values: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(1)
        rows = ("Jobs", "Latency", "First byte", "Cost")
        for i, key in enumerate(rows):
            label = QLabel(key)
            label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            value = QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            grid.addWidget(label, i, 0)
            grid.addWidget(value, i, 1)
        grid.setColumnStretch(1, 1)
        self.spark = Sparkline()
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 6, 8, 6)
        box.setSpacing(3)
        box.addWidget(self.title)
        box.addLayout(grid)
        box.addWidget(self.spark)

    def show_stats(self, s: ProfileStats) -> None:
        failed = f" · {s.failed_jobs} failed" if s.failed_jobs else ""
        self.values["Jobs"].setText(f"{s.jobs}{failed}")
        lat, ttfb = s.latency, s.ttfb
        self.values["Latency"].setText(f"median {_seconds(lat.median)} · p95 {_seconds(lat.p95)}")
        self.values["First byte"].setText(
            f"median {_seconds(ttfb.median)} · p95 {_seconds(ttfb.p95)}"
        )
        free = s.jobs and not s.remote
        self.values["Cost"].setText(
            cost_text(s.cost) or ("free (local)" if free else "— (no usage reported)")
        )
        self.values["Cost"].setToolTip(cost_tooltip(s.cost))
        self.spark.set_values(lat.sparkline())


class StatsPanel(QWidget):
    """One card per profile used this session."""

    def __init__(self, stats: SessionStats, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stats = stats
        self.cards: dict[str, _ProfileCard] = {}
        self._column, self._empty = scroll_column(
            self, "Cost and timings of this session's jobs show here.", wrap=True
        )

    def refresh(self) -> None:
        for name, s in self.stats.profiles.items():
            card = self.cards.get(name)
            if card is None:
                card = self.cards[name] = _ProfileCard(name)
                self._column.insertWidget(self._column.count() - 1, card)
            card.show_stats(s)
        self._empty.setVisible(not self.cards)

    def text(self) -> str:
        """Everything the cards say, for tests and accessibility."""
        parts: list[str] = []
        for name, card in self.cards.items():
            parts.append(name)
            parts.extend(f"{k}: {v.text()}" for k, v in card.values.items())
        return "\n".join(parts)
