"""Thumbnails of every variant of every job, newest job first, grouped under a header per job.

Each thumbnail is made once from the full-size pixels (strided pre-shrink + area averaging) and
kept as a small QPixmap only, so a session of many 24 MP variants costs kilobytes per tile.

Signals: ``variant_selected(job_id, index)`` when the user picks a thumbnail (click, arrow keys,
Home/End) — not on :meth:`Gallery.select`, so the window can set the selection without echo;
``variant_activated(job_id, index)`` on double-click or Enter (e.g. open compare).

Demo: ``python examples/gallery_demo.py``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QImage, QKeyEvent, QPalette, QPixmap, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QScrollArea,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from editor.core.prompt_matrix import differing_words
from editor.ui.common.qimage import thumbnail_image
from editor.ui.gallery.tile import (
    MIN_THUMB,
    THUMB,
    JobSection,
    ThumbTile,
    side_for_row,
    tile_height,
)

__all__ = ["THUMB", "Gallery"]


class Gallery(QWidget):
    """Variant thumbnails grouped by job; see the module doc for the signals."""

    variant_selected = Signal(str, int)
    variant_activated = Signal(str, int)
    thumbnails_wanted = Signal(list)  # [(job_id, index)] of tiles in view without a picture
    prompt_picked = Signal(str)  # a prompt matrix's row label was clicked: its whole prompt

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumWidth(THUMB + 40)
        self._sections: dict[str, JobSection] = {}
        self._order: list[str] = []  # newest first, as shown
        self._selected: ThumbTile | None = None
        self._side = THUMB  # tiles shrink in a short gallery so a whole row stays in view

        self._content = QWidget()
        self._column = QVBoxLayout(self._content)
        self._column.setContentsMargins(10, 10, 10, 10)
        self._column.setSpacing(18)
        self._column.addStretch(1)
        self._scroll = QScrollArea()
        self._scroll.setWidget(self._content)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The scroll area would eat the arrow keys for scrolling; the gallery handles them.
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._scroll.viewport().setBackgroundRole(QPalette.ColorRole.Base)
        self._content.setBackgroundRole(QPalette.ColorRole.Base)

        self._want_timer = QTimer(self, singleShot=True, interval=30)
        self._want_timer.timeout.connect(self._emit_wanted)
        self._scroll.verticalScrollBar().valueChanged.connect(lambda _v: self._want_timer.start())

        self._empty = _empty_state()
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self._empty)
        self._stack.addWidget(self._scroll)
        self.setMinimumHeight(self._chrome() + tile_height(MIN_THUMB))  # one row, always

    # -- jobs -----------------------------------------------------------------------------------

    def add_job(self, job_id: str, title: str, tooltip: str) -> None:
        """Show a new job at the top; a known ``job_id`` only gets its title/tooltip updated."""
        if job_id in self._sections:
            self._sections[job_id].set_header(title, tooltip)
            return
        section = JobSection(job_id, title, tooltip)
        self._sections[job_id] = section
        self._order.insert(0, job_id)
        self._column.insertWidget(0, section)
        self._stack.setCurrentWidget(self._scroll)
        self._scroll.verticalScrollBar().setValue(0)  # the new job is where the user looks

    def set_job_rows(self, job_id: str, prompts: list[str], per_row: int) -> None:
        """Show a job as a prompt matrix: a row per prompt, labelled with the words that set it
        apart, and a column per variant (variant i in row i // per_row)."""
        labels = differing_words(prompts)
        self._sections[job_id].set_rows(labels, prompts, per_row, self.prompt_picked.emit)

    def row_labels(self, job_id: str) -> list[str]:
        """A matrix job's row labels, top to bottom (empty for a one-prompt job)."""
        section = self._sections.get(job_id)
        return [] if section is None else [b.text() for b in section.row_labels]

    def set_job_status(self, job_id: str, text: str) -> None:
        """Status line of a job, e.g. "running 45 % · 3.2 s". ``KeyError`` if unknown."""
        self._sections[job_id].set_status(text)

    def remove_job(self, job_id: str) -> None:
        """Drop a job and its thumbnails (clears the selection if it was one of them)."""
        section = self._sections.pop(job_id, None)
        if section is None:
            return
        if self._selected is not None and self._selected.job_id == job_id:
            self._selected = None
        self._order.remove(job_id)
        self._column.removeWidget(section)
        section.setParent(None)
        section.deleteLater()
        if not self._sections:
            self._stack.setCurrentWidget(self._empty)

    def clear(self) -> None:
        for job_id in list(self._order):
            self.remove_job(job_id)

    def job_count(self) -> int:
        return len(self._sections)

    def job_ids(self) -> list[str]:
        """Job ids as shown, newest first."""
        return list(self._order)

    # -- variants -------------------------------------------------------------------------------

    def tile_maker(self) -> Callable[[np.ndarray], QImage]:
        """A function making tile pictures (QImages) as :meth:`add_variant` would, for a worker
        thread: the screen's pixel ratio is read here, on the GUI thread."""
        return functools.partial(thumbnail_image, max_side=THUMB, dpr=self.devicePixelRatioF())

    def add_variant(
        self,
        job_id: str,
        index: int,
        pixels: np.ndarray | QImage,
        tooltip: str,
        *,
        preview: str = "",
    ) -> None:
        """Add (or replace) variant ``index`` of ``job_id`` from full-size ``H×W×3|4`` uint8
        pixels, or from a :meth:`tile_maker` picture made beforehand (off the loop); only a
        thumbnail is kept. ``KeyError`` if the job is unknown.

        ``preview`` (e.g. "preview 1/2") marks a provisional tile for a streamed preview; adding
        the variant again without it (the final) clears the mark."""
        section = self._sections[job_id]
        thumb = pixels if isinstance(pixels, QImage) else self.tile_maker()(pixels)
        pixmap = QPixmap.fromImage(thumb)
        tile = section.tile(index)
        if tile is None:
            tile = ThumbTile(job_id, index, pixmap, tooltip)
            tile.set_side(self._side)
            tile.clicked.connect(lambda t=tile: self._on_click(t))
            tile.double_clicked.connect(lambda t=tile: self._on_double_click(t))
            section.insert_tile(tile)
        else:
            tile.set_pixmap(pixmap)
            tile.setToolTip(tooltip)
        tile.set_preview(preview or None)

    def add_placeholder(self, job_id: str, index: int, tooltip: str) -> None:
        """A tile whose thumbnail is read later: ``thumbnails_wanted`` asks for it once it is
        scrolled into view; :meth:`set_thumbnail` fills it in."""
        section = self._sections[job_id]
        if section.tile(index) is not None:
            return
        tile = ThumbTile(job_id, index, QPixmap(), tooltip)
        tile.set_side(self._side)
        tile.clicked.connect(lambda t=tile: self._on_click(t))
        tile.double_clicked.connect(lambda t=tile: self._on_double_click(t))
        section.insert_tile(tile)
        self._want_timer.start()

    def set_thumbnail(self, job_id: str, index: int, pixels: np.ndarray) -> None:
        section = self._sections.get(job_id)
        tile = None if section is None else section.tile(index)
        if tile is not None:
            dpr = self.devicePixelRatioF()
            tile.set_pixmap(QPixmap.fromImage(thumbnail_image(pixels, THUMB, dpr)))

    def mark_missing(self, job_id: str, index: int, text: str) -> None:
        section = self._sections.get(job_id)
        tile = None if section is None else section.tile(index)
        if tile is not None:
            tile.set_missing(text)

    def missing_label(self, job_id: str, index: int) -> str | None:
        section = self._sections.get(job_id)
        tile = None if section is None else section.tile(index)
        return None if tile is None else tile.missing

    def tile_keys(self) -> list[tuple[str, int]]:
        """Every tile as (job id, index) in reading order."""
        return [(t.job_id, t.index) for t in self._tiles()]

    def pending_in_view(self) -> list[tuple[str, int]]:
        """Tiles without a thumbnail yet that are within (or a screen near) the visible area."""
        viewport = self._scroll.viewport()
        top = self._scroll.verticalScrollBar().value()
        low, high = top - viewport.height(), top + 2 * viewport.height()
        out = []
        for tile in self._tiles():
            if not tile.pending:
                continue
            y = tile.mapTo(self._content, QPoint(0, 0)).y()
            if low <= y + tile.height() and y <= high:
                out.append((tile.job_id, tile.index))
        return out

    def _emit_wanted(self) -> None:
        wanted = self.pending_in_view()
        if wanted:
            self.thumbnails_wanted.emit(wanted)

    def showEvent(self, event: QShowEvent) -> None:
        self._want_timer.start()
        super().showEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._want_timer.start()
        super().resizeEvent(event)
        side = side_for_row(event.size().height() - self._chrome())
        if side != self._side:
            self._side = side
            for tile in self._tiles():
                tile.set_side(side)

    def _chrome(self) -> int:
        """Height around a row of tiles: the margins and a job's two-line header."""
        margins = self._column.contentsMargins()
        header = 2 * self.fontMetrics().height() + 1 + 6  # title, status, spacings
        return margins.top() + margins.bottom() + header

    def tile_side(self) -> int:
        """The thumbnails' side now (smaller in a short gallery)."""
        return self._side

    def preview_label(self, job_id: str, index: int) -> str | None:
        """The provisional mark of a tile ("preview 1/2"), None for a final (or no) tile."""
        section = self._sections.get(job_id)
        tile = None if section is None else section.tile(index)
        return None if tile is None else tile.preview

    def mark_previews(self, job_id: str, label: str, tooltip: str) -> int:
        """Re-label every provisional tile of a job (e.g. its stream was cut); how many."""
        section = self._sections.get(job_id)
        tiles = [] if section is None else [t for t in section.tiles if t.preview]
        for tile in tiles:
            tile.set_preview(label)
            tile.setToolTip(tooltip)
        return len(tiles)

    def variant_count(self, job_id: str) -> int:
        section = self._sections.get(job_id)
        return 0 if section is None else len(section.tiles)

    def variant_indices(self, job_id: str) -> list[int]:
        section = self._sections.get(job_id)
        return [] if section is None else [t.index for t in section.tiles]

    def thumbnail(self, job_id: str, index: int) -> QPixmap | None:
        """The small pixmap shown for a variant (e.g. for a jobs list icon)."""
        section = self._sections.get(job_id)
        tile = None if section is None else section.tile(index)
        return None if tile is None else tile.pixmap()

    # -- selection ------------------------------------------------------------------------------

    def select(self, job_id: str, index: int) -> None:
        """Highlight a variant and scroll to it, without emitting ``variant_selected``.
        An unknown variant clears the selection."""
        section = self._sections.get(job_id)
        self._set_selected(None if section is None else section.tile(index))

    def clear_selection(self) -> None:
        self._set_selected(None)

    def selected(self) -> tuple[str, int] | None:
        t = self._selected
        return None if t is None else (t.job_id, t.index)

    def _set_selected(self, tile: ThumbTile | None) -> None:
        if tile is self._selected:
            return
        if self._selected is not None:
            self._selected.set_selected(False)
        self._selected = tile
        if tile is not None:
            tile.set_selected(True)
            self._scroll.ensureWidgetVisible(tile, 8, 8)

    def _pick(self, tile: ThumbTile | None) -> None:
        """User selection: highlight and tell the window."""
        if tile is None or tile is self._selected:
            return
        self._set_selected(tile)
        self.variant_selected.emit(tile.job_id, tile.index)

    def _on_click(self, tile: ThumbTile) -> None:
        """A click always shows the tile, the highlighted one too (after Esc or Use as Base
        it is still highlighted but no longer shown)."""
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self._set_selected(tile)
        self.variant_selected.emit(tile.job_id, tile.index)

    def _on_double_click(self, tile: ThumbTile) -> None:
        self._pick(tile)
        self.variant_activated.emit(tile.job_id, tile.index)

    # -- keyboard -------------------------------------------------------------------------------

    def _tiles(self) -> list[ThumbTile]:
        """All tiles in reading order: newest job first, variants by index."""
        return [t for job_id in self._order for t in self._sections[job_id].tiles]

    def keyPressEvent(self, event: QKeyEvent) -> None:
        K = Qt.Key
        key = event.key()
        tiles = self._tiles()
        if not tiles or key not in (
            K.Key_Left, K.Key_Right, K.Key_Up, K.Key_Down,
            K.Key_Home, K.Key_End, K.Key_Return, K.Key_Enter,
        ):  # fmt: skip
            super().keyPressEvent(event)
            return
        cur = self._selected
        if key in (K.Key_Return, K.Key_Enter):
            if cur is not None:
                self.variant_activated.emit(cur.job_id, cur.index)
        elif cur is None or key == K.Key_Home:
            self._pick(tiles[0] if key != K.Key_End else tiles[-1])
        elif key == K.Key_End:
            self._pick(tiles[-1])
        elif key in (K.Key_Left, K.Key_Right):
            i = tiles.index(cur) + (1 if key == K.Key_Right else -1)
            self._pick(tiles[i] if 0 <= i < len(tiles) else None)
        else:
            self._pick(self._vertical_neighbour(tiles, cur, down=key == K.Key_Down))
        event.accept()

    def _vertical_neighbour(
        self, tiles: list[ThumbTile], cur: ThumbTile, *, down: bool
    ) -> ThumbTile | None:
        """The tile in the nearest row above/below, closest in x (rows may span jobs)."""

        def centre(t: ThumbTile) -> QPoint:
            return t.mapTo(self._content, t.rect().center())

        c = centre(cur)
        half = cur.height() // 2
        rows = [(centre(t), t) for t in tiles]
        if down:
            rows = [(p, t) for p, t in rows if p.y() > c.y() + half]
        else:
            rows = [(p, t) for p, t in rows if p.y() < c.y() - half]
        if not rows:
            return None
        row_y = (min if down else max)(p.y() for p, _ in rows)
        same_row = [(abs(p.x() - c.x()), i, t) for i, (p, t) in enumerate(rows) if p.y() == row_y]
        return min(same_row, key=lambda r: (r[0], r[1]))[2]


def _empty_state() -> QWidget:
    """What an empty gallery shows: a quiet hint of what will appear."""
    page = QWidget()
    page.setBackgroundRole(QPalette.ColorRole.Base)
    page.setAutoFillBackground(True)
    title = QLabel("Variants appear here")
    font = QFont(title.font())
    font.setPointSizeF(font.pointSizeF() * 1.15)
    font.setBold(True)
    title.setFont(font)
    hint = QLabel(
        "Paint a mask, write a prompt and generate.\nEach result lands here as a thumbnail."
    )
    for label in (title, hint):
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    hint.setWordWrap(True)
    box = QVBoxLayout(page)
    box.addStretch(1)
    box.addWidget(title)
    box.addWidget(hint)
    box.addStretch(1)
    return page
