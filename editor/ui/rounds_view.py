"""Prompt A/B rounds: duplicate a round to try another wording, and see rounds side by side.

Ctrl+D (:func:`duplicate_round`) takes the current round — the job of the variant being looked
at, else the newest — puts its prompt, model and count back in the prompt panel with the prompt
selected for editing, and brings back the mask it was sent with (one undoable step), so Generate
runs the new wording on the same image and mask.

The Rounds view (Ctrl+Shift+R) shows the 2–4 most recent rounds as columns: prompt on top,
variant thumbnails below; clicking one shows it on the canvas. Ctrl+click a second one (from
another round) to put the two side by side below the columns, zoom and pan synced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
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
from editor.ui.compare import CompareView

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
            button.clicked.connect(lambda _=False, j=job.id, i=index: view.picked(j, i))
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
        hint = QLabel(
            "Click a variant to show it · Ctrl+click a second one to compare the two here · "
            "Ctrl+D duplicates the current round to try another prompt on the same mask"
        )
        hint.setWordWrap(True)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.compare = CompareView()
        self.compare.hide()
        self._first: tuple[str, int] | None = None
        box = QVBoxLayout(self)
        box.addWidget(scroll, 1)
        box.addWidget(self.compare, 2)
        box.addWidget(hint)
        window.jobs.finished.connect(self._on_job)
        window.jobs.added.connect(self._on_job)
        self.refresh()
        self.resize(760, 560)

    def picked(self, job_id: str, index: int) -> None:
        """A plain click shows the variant; Ctrl+click compares it with the one shown before."""
        ctrl = QApplication.keyboardModifiers() & Qt.KeyboardModifier.ControlModifier
        if ctrl and self._first is not None and self._first != (job_id, index):
            self.compare_pair(self._first, (job_id, index))
            return
        self._first = (job_id, index)
        self.window_.show_variant(job_id, index)

    def compare_pair(self, a: tuple[str, int], b: tuple[str, int]) -> None:
        """Two variants side by side (same image size), zoom and pan synced."""
        w = self.window_
        left, right = w.variant(*a).pixels, w.variant(*b).pixels
        if left.shape[:2] != right.shape[:2]:
            w.show_message("Those two variants come from images of different sizes.")
            return
        self.compare.set_images(left, right)
        self.compare.set_mode("side")
        self.compare.set_labels(self._label(*a), self._label(*b))
        self.compare.show()

    def _label(self, job_id: str, index: int) -> str:
        prompt = self.window_.jobs.get(job_id).params.prompt
        short = prompt if len(prompt) <= 32 else prompt[:31] + "…"
        return f"Round {job_id} · v{index + 1}: {short}"

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
