"""Prompt A/B rounds: duplicate a round to try another wording, and see rounds side by side.

Ctrl+D (:func:`duplicate_round`) takes the current round — the round of the variant being
looked at, else the newest — puts its prompt, model and count back in the prompt panel with the
prompt selected for editing, and brings back the mask it was sent with (one undoable step), so
Generate runs the new wording on the same image and mask.

The Rounds view (Ctrl+Shift+R) shows the 2–4 most recent rounds as columns: prompt on top,
variant thumbnails below; clicking one shows it on the canvas. Ctrl+click a second one (from
another round) to put the two side by side below the columns, zoom and pan synced.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import numpy as np
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

from editor.pipeline import EditParams
from editor.pipeline.jobs import Job
from editor.store import ResultRound, StoreError
from editor.ui.compare.compare import CompareView

if TYPE_CHECKING:
    from editor.ui.window.main_window import MainWindow

__all__ = ["RoundsView", "current_round", "duplicate_round"]

MAX_COLUMNS = 4
_THUMB = 150


def current_round(w: MainWindow) -> ResultRound | None:
    """The round behind the variant being looked at, else the newest round."""
    pick = w.shown_variant or w.selected_variant
    entry = w.results.round(pick[0]) if pick is not None else None
    if entry is not None:
        return entry
    rounds = w.results.rounds()
    return rounds[-1] if rounds else None


def _asked(w: MainWindow, entry: ResultRound) -> tuple[EditParams | None, np.ndarray | None]:
    """What a round was sent with: its parameters and mask (read from the session folder)."""
    params = entry.params
    session = w.sessions.session
    if session is None or entry.round_id is None:
        return params, None
    try:
        record = session.round(entry.round_id)
        mask = session.load_mask(record.mask) if record.mask is not None else None
    except (KeyError, StoreError):
        return params, None
    if params is None:
        params = record.params
    return params, mask


def duplicate_round(w: MainWindow) -> ResultRound | None:
    """Ctrl+D: the current round's parameters back in the panel, prompt selected for editing."""
    entry = current_round(w)
    if entry is None or w.document is None:
        w.show_message("Run a round first (Ctrl+Enter); Ctrl+D then duplicates it for an A/B.")
        return None
    params, mask = _asked(w, entry)
    panel = w.prompt_panel
    panel.set_prompt(entry.prompt)
    if params is not None and params.api.model:
        panel.set_model(params.api.model)
    if params is not None:
        panel.n_spin.setValue(params.api.n or 1)
    doc = w.document
    if mask is not None and mask.shape == (doc.height, doc.width):
        doc.replace(mask)  # a no-op when unchanged; else one undoable step
    elif mask is None and entry.round_id is not None:
        doc.clear()
    w.show_original()
    panel.focus_prompt()
    panel.prompt.selectAll()
    w.statusBar().showMessage(
        f"Duplicated round {entry.key} for A/B: edit the prompt, then Ctrl+Enter", 8000
    )
    return entry


class _Column(QFrame):
    def __init__(self, view: RoundsView, job: ResultRound) -> None:
        super().__init__()
        self.job_id = job.key
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.prompt = QLabel(job.prompt)
        self.prompt.setTextFormat(Qt.TextFormat.PlainText)
        self.prompt.setWordWrap(True)
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.prompt.setMinimumHeight(40)
        self.status = QLabel(f"Round {job.key} · {job.status}")
        self.status.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.buttons: list[QToolButton] = []
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 8, 8, 8)
        column.addWidget(self.prompt)
        column.addWidget(self.status)
        for index in view.window_.gallery.variant_indices(job.key):
            pixmap = view.window_.gallery.thumbnail(job.key, index)
            button = QToolButton()
            button.setAutoRaise(True)
            button.setIconSize(QSize(_THUMB, _THUMB))
            if pixmap is not None:
                button.setIcon(QIcon(pixmap))
            label = view.window_.gallery.preview_label(job.key, index)
            button.setToolTip(f"Variant {index + 1}" + (f" ({label})" if label else ""))
            button.setAccessibleName(f"Round {job.key} variant {index + 1}")
            button.clicked.connect(lambda _=False, j=job.key, i=index: view.picked(j, i))
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
        self.task: asyncio.Future[None] | None = None
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

    def compare_pair(self, a: tuple[str, int], b: tuple[str, int]) -> asyncio.Future[None]:
        """Two variants side by side (same image size), zoom and pan synced; their frames are
        read through the frame cache off the event loop."""
        self.task = asyncio.ensure_future(self._compare_pair(a, b))
        return self.task

    async def _compare_pair(self, a: tuple[str, int], b: tuple[str, int]) -> None:
        w = self.window_
        try:
            left = await w.results.frame(w.variant(*a))
            right = await w.results.frame(w.variant(*b))
        except (KeyError, StoreError) as e:
            w.show_message(f"Those variants could not be read: {e}")
            return
        if left.shape[:2] != right.shape[:2]:
            w.show_message("Those two variants come from images of different sizes.")
            return
        self.compare.set_images(left, right)
        self.compare.set_mode("side")
        self.compare.set_labels(self._label(*a), self._label(*b))
        self.compare.show()

    def _label(self, job_id: str, index: int) -> str:
        entry = self.window_.results.round(job_id)
        prompt = entry.prompt if entry is not None else ""
        short = prompt if len(prompt) <= 32 else prompt[:31] + "…"
        return f"Round {job_id} · v{index + 1}: {short}"

    def rounds(self) -> list[ResultRound]:
        """Up to four recent rounds that were not cancelled, oldest on the left."""
        rounds = [r for r in self.window_.results.rounds() if not r.cancelled]
        return rounds[-MAX_COLUMNS:]

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
