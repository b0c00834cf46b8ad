"""Prompt A/B rounds: duplicate a round to try another wording, and see rounds side by side.

Ctrl+D (:func:`duplicate_round`) takes the current round — the job of the variant being looked
at, else the newest — puts its prompt, model and count back in the prompt panel with the prompt
selected for editing, and brings back the mask it was sent with (one undoable step), so Generate
runs the new wording on the same image and mask.

The Rounds view (Ctrl+Shift+R) shows the 2–4 most recent rounds as columns: prompt on top,
variant thumbnails below; clicking one shows it on the canvas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.pipeline.jobs import Job, JobState

if TYPE_CHECKING:
    from editor.ui.main_window import MainWindow

__all__ = ["RoundsView", "current_round", "duplicate_round"]

MAX_COLUMNS = 4
_THUMB = 150


def current_round(w: MainWindow) -> Job | None:
    """The job behind the variant being looked at, else the newest job."""
    pick = w.shown_variant or w.selected_variant
    if pick is not None and pick[0] not in w.sessions.restored:
        try:
            return w.jobs.get(pick[0])
        except KeyError:
            pass
    jobs = w.jobs.jobs
    return jobs[-1] if jobs else None


def duplicate_round(w: MainWindow) -> Job | None:
    """Ctrl+D: the current round's parameters back in the panel, prompt selected for editing."""
    job = current_round(w)
    if job is None or w.document is None:
        w.show_message("Run a round first (Ctrl+Enter); Ctrl+D then duplicates it for an A/B.")
        return None
    panel = w.prompt_panel
    panel.set_prompt(job.params.prompt)
    if job.params.model:
        panel.set_model(job.params.model)
    panel.n_spin.setValue(job.params.n or 1)
    mask = job.input.mask
    doc = w.document
    if mask is not None and mask.shape == (doc.height, doc.width):
        doc.replace(mask)  # a no-op when unchanged; else one undoable step
    elif mask is None:
        doc.clear()
    w.show_original()
    panel.focus_prompt()
    panel.prompt.selectAll()
    w.statusBar().showMessage(
        f"Duplicated round {job.id} for A/B: edit the prompt, then Ctrl+Enter", 8000
    )
    return job


class _Column(QFrame):
    def __init__(self, view: RoundsView, job: Job) -> None:
        super().__init__()
        self.job_id = job.id
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.prompt = QLabel(job.params.prompt)
        self.prompt.setTextFormat(Qt.TextFormat.PlainText)
        self.prompt.setWordWrap(True)
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.prompt.setMinimumHeight(40)
        self.status = QLabel(f"Round {job.id} · {job.status}")
        self.status.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.buttons: list[QToolButton] = []
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 8, 8, 8)
        column.addWidget(self.prompt)
        column.addWidget(self.status)
        for index in view.window_.gallery.variant_indices(job.id):
            pixmap = view.window_.gallery.thumbnail(job.id, index)
            button = QToolButton()
            button.setAutoRaise(True)
            button.setIconSize(QSize(_THUMB, _THUMB))
            if pixmap is not None:
                button.setIcon(QIcon(pixmap))
            label = view.window_.gallery.preview_label(job.id, index)
            button.setToolTip(f"Variant {index + 1}" + (f" ({label})" if label else ""))
            button.setAccessibleName(f"Round {job.id} variant {index + 1}")
            button.clicked.connect(
                lambda _=False, j=job.id, i=index: view.window_.show_variant(j, i)
            )
            self.buttons.append(button)
            column.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        if not self.buttons:
            none = QLabel("No variants yet" if job.active else "No variants")
            none.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            column.addWidget(none)
        column.addStretch(1)


class RoundsView(QDialog):
    """The most recent rounds side by side; refreshes as jobs finish."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("Rounds")
        self.setModal(False)
        self.columns: list[_Column] = []
        self._row = QHBoxLayout()
        self._row.setSpacing(8)
        content = QWidget()
        content.setLayout(self._row)
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        hint = QLabel("Ctrl+D duplicates the current round to try another prompt on the same mask")
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        box = QVBoxLayout(self)
        box.addWidget(scroll, 1)
        box.addWidget(hint)
        window.jobs.finished.connect(self._on_job)
        window.jobs.added.connect(self._on_job)
        self.refresh()
        self.resize(760, 560)

    def rounds(self) -> list[Job]:
        """Up to four recent rounds that were not cancelled, oldest on the left."""
        jobs = [j for j in self.window_.jobs.jobs if j.state is not JobState.CANCELLED]
        return jobs[-MAX_COLUMNS:]

    def refresh(self) -> None:
        for column in self.columns:
            self._row.removeWidget(column)
            column.setParent(None)
            column.deleteLater()
        self.columns = [_Column(self, job) for job in self.rounds()]
        for column in self.columns:
            self._row.addWidget(column, 1)

    def _on_job(self, _job: Job) -> None:
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        super().showEvent(event)
