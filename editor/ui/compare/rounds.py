"""Rounds side by side (Ctrl+J, duplicating a round, lives in
:mod:`editor.ui.window.round_copy`).

The Rounds view (Ctrl+Shift+R opens and closes it, as does Esc) shows the 2–4 most recent rounds
as columns: prompt on top, variant pictures below, as large as the window lets every column be
without scrolling, drawn from the screen-sized proxies (not the gallery's small thumbnails);
clicking one shows it on the canvas. Ctrl+click a second one (from another round) to put the
two side by side below the columns (a handle between them sets the share), zoom and pan
synced. The window opens at most of the main window's size and can be maximised.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Coroutine
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPalette, QPixmap, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.core.prompt_matrix import marked_words
from editor.pipeline.jobs import Job
from editor.store import ResultRound, Results, ResultVariant, StoreError
from editor.ui.common.qimage import thumbnail_image
from editor.ui.compare.compare import CompareView
from editor.workspace import Workspace

T = TypeVar("T")

__all__ = ["RoundsHost", "RoundsView", "VariantPictures"]

MAX_COLUMNS = 4
_THUMB = 150  # until the window is laid out
_MIN_THUMB = 64
_MAX_THUMB = 1024
_BUTTON_FRAME = 8  # a tool button's frame around its icon
PICTURE_SIDE = 800  # the proxies are shrunk to this (logical px): sharp in the largest column


class VariantPictures(Protocol):
    """The gallery's pictures of each round's variants."""

    def variant_indices(self, job_id: str) -> list[int]: ...
    def thumbnail(self, job_id: str, index: int) -> QPixmap | None: ...
    def preview_label(self, job_id: str, index: int) -> str | None: ...


class RoundsHost(Protocol):
    """What the rounds view uses of the window around it."""

    @property
    def gallery(self) -> VariantPictures: ...
    @property
    def workspace(self) -> Workspace: ...
    @property
    def results(self) -> Results: ...
    def variant(self, key: str, index: int) -> ResultVariant: ...
    def show_variant(self, job_id: str, index: int) -> None: ...
    def show_message(self, text: str) -> None: ...
    def spawn(self, coro: Coroutine[Any, Any, T], what: str) -> asyncio.Task[T]: ...


def _prompts_of(entry: ResultRound | None) -> list[str]:
    if entry is None:
        return [""]
    if entry.params is not None and entry.params.prompts:
        return list(entry.params.prompts)
    return [entry.prompt]


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
        number = view.window_.results.number(job.key)
        self.status = QLabel(f"Round {number} · {job.status}")
        self.status.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.buttons: list[QToolButton] = []
        self._pixmaps: list[QPixmap | None] = []
        self.indices = view.window_.gallery.variant_indices(job.key)
        self.column = column = QVBoxLayout(self)
        column.setContentsMargins(8, 8, 8, 8)
        column.addWidget(self.prompt)
        column.addWidget(self.status)
        for index in self.indices:
            pixmap = view.window_.gallery.thumbnail(job.key, index)
            button = QToolButton()
            button.setAutoRaise(True)
            button.setIconSize(QSize(_THUMB, _THUMB))
            self._pixmaps.append(pixmap)
            if pixmap is not None:
                button.setIcon(QIcon(pixmap))
            label = view.window_.gallery.preview_label(job.key, index)
            button.setToolTip(f"Variant {index + 1}" + (f" ({label})" if label else ""))
            button.setAccessibleName(f"Round {number} variant {index + 1}")
            button.clicked.connect(lambda _=False, j=job.key, i=index: view.picked(j, i))
            self.buttons.append(button)
        self.grid = QGridLayout()
        self.grid.setSpacing(column.spacing())
        column.addLayout(self.grid)
        self.arrange(1)
        if not self.buttons:
            none = QLabel("No variants yet" if job.active else "No variants")
            none.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            column.addWidget(none)
        column.addStretch(1)

    def arrange(self, across: int) -> None:
        """The variants ``across`` to a row (wide columns put two or more side by side)."""
        for button in self.buttons:
            self.grid.removeWidget(button)
        for i, button in enumerate(self.buttons):
            self.grid.addWidget(button, i // across, i % across, Qt.AlignmentFlag.AlignHCenter)

    def header_height(self, width: int) -> int:
        """Height of the prompt and status above the thumbnails at this column width."""
        spacing = self.column.spacing()
        prompt = max(self.prompt.minimumHeight(), self.prompt.heightForWidth(width))
        return prompt + self.status.sizeHint().height() + 2 * spacing

    def use_pictures(self, pictures: dict[int, QPixmap]) -> None:
        """Sharper pictures (the proxies) in place of the gallery's thumbnails."""
        for i, index in enumerate(self.indices):
            if index in pictures:
                self._pixmaps[i] = pictures[index]
                self.buttons[i].setIcon(QIcon(pictures[index]))
        self.set_side(self.buttons[0].iconSize().width() if self.buttons else _THUMB)

    def set_side(self, side: int) -> None:
        for button, pixmap in zip(self.buttons, self._pixmaps, strict=True):
            button.setIconSize(QSize(side, side))
            if pixmap is not None and max(pixmap.width(), pixmap.height()) < side:
                # An icon never grows past its pixmap: hand it one of the size shown.
                dpr = pixmap.devicePixelRatio()
                big = pixmap.scaled(
                    round(side * dpr),
                    round(side * dpr),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
                big.setDevicePixelRatio(dpr)
                button.setIcon(QIcon(big))


class RoundsView(QDialog):
    """The most recent rounds side by side; refreshes as jobs finish."""

    def __init__(self, window: RoundsHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.setWindowTitle("Rounds")
        self.setModal(False)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.columns: list[_Column] = []
        self._row = QHBoxLayout()
        self._row.setSpacing(8)
        content = QWidget()
        content.setLayout(self._row)
        self._scroll = scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Every column fits across (the pictures shrink instead); only a very short window
        # scrolls, downwards.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        hint = QLabel(
            "Click a variant to show it · Ctrl+click a second one to compare the two here · "
            "Ctrl+J duplicates the current round to try another prompt on the same mask · "
            "Esc or Ctrl+Shift+R closes"
        )
        hint.setWordWrap(True)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.highlight = QCheckBox("Highlight what differs between the prompts")
        self.highlight.setChecked(True)
        self.highlight.toggled.connect(lambda _on: self._mark_prompts())
        self.compare = CompareView()
        self.compare.hide()
        self._first: tuple[str, int] | None = None
        self.task: asyncio.Future[None] | None = None
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(scroll)
        self.split.addWidget(self.compare)
        self.split.setChildrenCollapsible(False)
        self.split.splitterMoved.connect(lambda *_: self._fit_thumbnails())
        box = QVBoxLayout(self)
        box.addWidget(self.highlight)
        box.addWidget(self.split, 1)
        box.addWidget(hint)
        window.workspace.round_finished.connect(self._on_job)
        window.workspace.round_added.connect(self._on_job)
        self._pictures: asyncio.Task[None] | None = None
        self.refresh()
        host = parent.window() if parent is not None else None
        if host is not None and host.width() > 0:
            self.resize(round(host.width() * 0.85), round(host.height() * 0.85))
        else:
            self.resize(1100, 760)

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
        self.task = self.window_.spawn(self._compare_pair(a, b), "compare the two variants")
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
        if not self.compare.isVisible():
            self.compare.show()
            total = sum(self.split.sizes())
            self.split.setSizes([round(total * 0.45), total - round(total * 0.45)])
        self._fit_thumbnails()

    def _label(self, job_id: str, index: int) -> str:
        entry = self.window_.results.round(job_id)
        prompt = entry.prompt if entry is not None else ""
        short = prompt if len(prompt) <= 32 else prompt[:31] + "…"
        return f"Round {self.window_.results.number(job_id)} · variant {index + 1}: {short}"

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
        self._mark_prompts()
        self._fit_thumbnails()
        self._load_pictures()

    def _mark_prompts(self) -> None:
        """Each column's prompt with the words the others lack in bold, in the accent colour
        (a matrix round shows its rows' prompts, one per line)."""
        entries = [self.window_.results.round(c.job_id) for c in self.columns]
        texts = [_prompts_of(e) for e in entries]
        flat = [p for ps in texts for p in ps]
        marks = marked_words(flat) if self.highlight.isChecked() else [[] for _ in flat]
        accent = self.palette().color(QPalette.ColorRole.Link).name()
        at = 0
        for column, prompts in zip(self.columns, texts, strict=True):
            lines = []
            for prompt, words in zip(prompts, marks[at : at + len(prompts)], strict=True):
                if not words:
                    lines.append(html.escape(prompt))
                    continue
                lines.append(
                    " ".join(
                        f'<b style="color:{accent}">{html.escape(w)}</b>'
                        if differs
                        else html.escape(w)
                        for w, differs in words
                    )
                )
            at += len(prompts)
            column.prompt.setTextFormat(Qt.TextFormat.RichText)
            column.prompt.setText("<br>".join(lines))

    def _load_pictures(self) -> None:
        """The proxies of the columns' variants, read off the loop, then shown."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (a script): the gallery's thumbnails stay
        if self._pictures is not None:
            self._pictures.cancel()
        wanted = [(c, self.window_.results.variants(c.job_id)) for c in self.columns]

        dpr = self.devicePixelRatioF()

        def read() -> list[dict[int, QImage]]:
            # Decoded and shrunk here (QImage is made off the GUI thread safely); the loop
            # only turns each into a pixmap.
            out = []
            for _column, variants in wanted:
                found = {v.index: Results.load_proxy(v) for v in variants}
                out.append(
                    {
                        i: thumbnail_image(p, PICTURE_SIDE, dpr)
                        for i, p in found.items()
                        if p is not None
                    }
                )
            return out

        async def load() -> None:
            pictures = await asyncio.to_thread(read)
            for (column, _variants), images in zip(wanted, pictures, strict=True):
                if column in self.columns:
                    column.use_pictures({i: QPixmap.fromImage(im) for i, im in images.items()})

        self._pictures = self.window_.spawn(load(), "read the rounds' pictures")

    def thumbnail_side(self) -> int:
        """The side of the thumbnails now (0 without any)."""
        buttons = [b for c in self.columns for b in c.buttons]
        return buttons[0].iconSize().width() if buttons else 0

    def _fit_thumbnails(self) -> None:
        """The largest square thumbnails with which every column fits the view unscrolled."""
        if not self.columns:
            return
        area = self._scroll.viewport().size()
        n = len(self.columns)
        margins = self.columns[0].column.contentsMargins()
        inner = margins.left() + margins.right() + 2 * self.columns[0].frameWidth()
        width = (area.width() - self._row.spacing() * (n - 1)) // n - inner
        most = max(max(len(c.buttons) for c in self.columns), 1)
        header = max(c.header_height(width) for c in self.columns)
        spacing = self.columns[0].column.spacing()
        free = area.height() - header - margins.top() - margins.bottom() - 2 * inner
        # As many variants to a row as makes them largest: a wide, short column puts them
        # side by side, a tall narrow one stacks them.
        best, across = 0, 1
        for k in range(1, most + 1):
            rows = -(-most // k)
            side = min((width - (k - 1) * spacing) // k, (free - rows * spacing) // rows)
            if side > best:
                best, across = side, k
        for column in self.columns:
            column.arrange(across)
            column.set_side(max(_MIN_THUMB, min(_MAX_THUMB, best - _BUTTON_FRAME)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_thumbnails()

    def _on_job(self, _job: Job) -> None:
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        super().showEvent(event)
