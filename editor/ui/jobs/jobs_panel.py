"""One row per job, newest on top: prompt, status with % and elapsed time, Cancel or Retry.

Binds to a :class:`~editor.pipeline.jobs.JobQueue`'s signals; it never drives jobs itself but
asks through ``cancel_requested`` / ``retry_requested`` so the window stays in charge.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from editor.pipeline.jobs import Job, JobQueue, JobState
from editor.ui.common.scroll_column import scroll_column

__all__ = [
    "CANCEL_NEWEST_KEY",
    "JobRow",
    "JobsPanel",
    "format_elapsed",
    "job_title",
    "replacement_of",
]

# Cancels the newest running job (Esc never does: the service may already bill it).
CANCEL_NEWEST_KEY = "Ctrl+."

_ERROR = QColor(220, 70, 60)
_WARNING = QColor(200, 130, 20)


def format_elapsed(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds:.2f} s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"


def job_title(job: Job, round_number: int | None = None) -> str:
    """ "Round 3 · “prompt…”" — named by the round the job makes, as everywhere in the window
    (by the job id until its round is known)."""
    prompt = " ".join(job.params.api.prompt.split())
    excerpt = prompt if len(prompt) <= 48 else prompt[:47] + "…"
    name = f"Round {round_number}" if round_number is not None else f"Job {job.id}"
    return f"{name} · “{excerpt}”"


def replacement_of(job: Job) -> str | None:
    """The model to switch to when the job failed on a shut-down model (the service said so)."""
    found = job.error_details.get("replacements")
    if job.state is JobState.FAILED and isinstance(found, list | tuple) and found:
        return str(found[0])
    return None


class JobRow(QFrame):
    cancel_clicked = Signal(str)
    retry_clicked = Signal(str)
    switch_clicked = Signal(str)  # a model name: use it instead of a shut-down one

    def __init__(self, job: Job, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(job_title(job))
        self.title.setToolTip(job.params.api.prompt)
        self.status = QLabel()
        self.status.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        for label in (self.title, self.status):  # a narrow panel wraps them, never clips
            label.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # a service's words are never markup
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        palette = self.error.palette()
        palette.setColor(QPalette.ColorRole.WindowText, _ERROR)
        self.error.setPalette(palette)
        self.warning = QLabel()  # some requests of a fanned-out job failed
        self.warning.setWordWrap(True)
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        palette = self.warning.palette()
        palette.setColor(QPalette.ColorRole.WindowText, _WARNING)
        self.warning.setPalette(palette)
        self.cost = QLabel()  # "$0.042 ≈ estimate" once the job is done
        self.cost.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.cost.hide()
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(5)
        self.button = QPushButton()
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self._clicked)
        self.switch_button = QPushButton()
        self.switch_button.setAutoDefault(False)
        self.switch_button.clicked.connect(self._switch)

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.cost)
        top.addWidget(self.button)
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 6, 8, 6)
        box.setSpacing(3)
        box.addLayout(top)
        box.addWidget(self.status)
        box.addWidget(self.bar)
        box.addWidget(self.error)
        box.addWidget(self.switch_button, 0, Qt.AlignmentFlag.AlignLeft)
        box.addWidget(self.warning)
        self.refresh()

    def set_cost(self, text: str, tooltip: str) -> None:
        self.cost.setText(text)
        self.cost.setToolTip(tooltip)
        self.cost.setVisible(bool(text))
        if text:
            self.setToolTip(f"{self.job.params.api.prompt}\nCost {text}\n{tooltip}")

    def refresh(self) -> None:
        job = self.job
        elapsed = format_elapsed(job.elapsed()) if job.started_at is not None else ""
        model = job.params.api.model or "default model"
        n = job.params.api.n or 1
        facts = f"{model} × {n}" + (f" · {job.input.profile}" if job.input.profile else "")
        self.status.setText(" · ".join(t for t in (job.status, elapsed, facts) if t))
        self.bar.setVisible(job.active)
        if job.fraction is None:
            self.bar.setRange(0, 0)  # busy indicator
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(round(job.fraction * 1000))
        self.error.setText(job.error or "")
        self.error.setVisible(bool(job.error))
        self.warning.setText(f"⚠ {job.warning}" if job.warning else "")
        self.warning.setVisible(bool(job.warning))
        if job.active:
            self.button.setText("Cancel")
            self.button.setToolTip(f"Stop this job ({CANCEL_NEWEST_KEY} stops the newest one)")
            self.button.setVisible(True)
        elif job.state in (JobState.FAILED, JobState.CANCELLED):
            self.button.setText("Retry")
            self.button.setToolTip("Run it again with the same image, mask and settings")
            self.button.setVisible(True)
        else:
            self.button.setVisible(False)
        switch = replacement_of(job)
        self.switch_button.setVisible(switch is not None)
        if switch is not None:
            self.switch_button.setText(f"Use {switch}")
            self.switch_button.setToolTip(
                f"Pick {switch} in the Model box (then Generate, or Retry sends the old model)"
            )

    def _switch(self) -> None:
        switch = replacement_of(self.job)
        if switch is not None:
            self.switch_clicked.emit(switch)

    def _clicked(self) -> None:
        if self.job.active:
            self.cancel_clicked.emit(self.job.id)
        else:
            self.retry_clicked.emit(self.job.id)


class JobsPanel(QWidget):
    """Rows for every job of ``queue``; a timer keeps the running ones' elapsed time fresh."""

    cancel_requested = Signal(str)
    retry_requested = Signal(str)
    switch_model_requested = Signal(str)

    def __init__(self, queue: JobQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._queue = queue
        self._rows: dict[str, JobRow] = {}
        self._column, self._empty = scroll_column(self, "No jobs yet. Ctrl+Enter sends the prompt.")
        self._timer = QTimer(self)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self._tick)
        queue.added.connect(self._on_added)
        queue.changed.connect(self._on_changed)
        for job in queue.jobs:
            self._on_added(job)

    def row(self, job_id: str) -> JobRow:
        return self._rows[job_id]

    def _on_added(self, job: Job) -> None:
        row = JobRow(job)
        row.cancel_clicked.connect(self.cancel_requested)
        row.retry_clicked.connect(self.retry_requested)
        row.switch_clicked.connect(self.switch_model_requested)
        self._rows[job.id] = row
        self._empty.hide()
        self._column.insertWidget(0, row)  # newest on top
        self._timer.start()

    def _on_changed(self, job: Job) -> None:
        row = self._rows.get(job.id)
        if row is not None:
            row.refresh()

    def _tick(self) -> None:
        active = [r for r in self._rows.values() if r.job.active]
        for row in active:
            row.refresh()
        if not active:
            self._timer.stop()
