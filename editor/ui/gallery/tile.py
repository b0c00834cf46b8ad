"""The pieces of the gallery: one thumbnail tile, one job's header and tile grid."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QEnterEvent,
    QFont,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from editor.ui.gallery.flow import FlowLayout

__all__ = [
    "MIN_THUMB",
    "MISSING_TEXT",
    "THUMB",
    "ElidedLabel",
    "JobSection",
    "ThumbTile",
    "side_for_row",
    "tile_height",
]

MISSING_TEXT = "this result's file is missing"
THUMB = 144  # logical px: the long side of a thumbnail
MIN_THUMB = 88  # a short window shrinks the tiles down to this, to keep a whole row in view
_PAD = 6  # room around the thumbnail for the selection ring
_RADIUS = 8.0


def tile_height(side: int) -> int:
    """A tile's height for a thumbnail side (the selection ring needs room around it)."""
    return side + 2 * _PAD


def side_for_row(height: int) -> int:
    """The thumbnail side that lets a row of tiles fit in ``height`` px (within limits)."""
    return max(MIN_THUMB, min(THUMB, height - 2 * _PAD))


class ThumbTile(QWidget):
    """One variant: its thumbnail on a rounded card, a selection ring and an index badge."""

    clicked = Signal()
    double_clicked = Signal()

    def __init__(self, job_id: str, index: int, pixmap: QPixmap, tooltip: str) -> None:
        super().__init__()
        self.job_id, self.index = job_id, index
        self._pixmap = pixmap
        self._selected = False
        self._hover = False
        self.preview: str | None = None  # "preview 1/2" while provisional, None once final
        self.pending = pixmap.isNull()  # its thumbnail is read when it scrolls into view
        self.missing: str | None = None  # why there is no picture (its file is gone)
        self._side = THUMB
        self.setFixedSize(QSize(THUMB + 2 * _PAD, THUMB + 2 * _PAD))
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the gallery owns focus and keys
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(tooltip)
        self.setAccessibleName(f"Variant {index + 1}")

    def pixmap(self) -> QPixmap:
        return self._pixmap

    def set_side(self, side: int) -> None:
        """Show the thumbnail in a ``side`` px square (the pixmap is drawn scaled down)."""
        if side != self._side:
            self._side = side
            self.setFixedSize(QSize(side + 2 * _PAD, side + 2 * _PAD))
            self.update()

    def set_pixmap(self, pixmap: QPixmap) -> None:
        self._pixmap = pixmap
        self.pending = pixmap.isNull()
        self.update()

    def set_missing(self, text: str) -> None:
        """The variant's file is gone: a plain note instead of the picture."""
        self.missing = text
        self.pending = False
        self.setToolTip(text[:1].upper() + text[1:])
        self.setAccessibleName(f"Variant {self.index + 1}, {text}")
        self.update()

    def set_preview(self, label: str | None) -> None:
        """Mark the tile provisional (a streamed preview) with ``label``; None = final."""
        self.preview = label
        self.setAccessibleName(f"Variant {self.index + 1}" + (f", {label}" if label else ""))
        self.update()

    @property
    def selected(self) -> bool:
        return self._selected

    def set_selected(self, selected: bool) -> None:
        if selected != self._selected:
            self._selected = selected
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pal = self.palette()
        card = QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(pal.color(QPalette.ColorRole.AlternateBase))
        p.drawRoundedRect(card, _RADIUS, _RADIUS)
        # The thumbnail, centred in its square and clipped to rounded corners.
        dpr = self._pixmap.devicePixelRatio()
        w, h = self._pixmap.width() / dpr, self._pixmap.height() / dpr
        side = self._side
        scale = min(1.0, side / max(w, h, 1.0))
        w, h = w * scale, h * scale
        target = QRectF(_PAD + (side - w) / 2, _PAD + (side - h) / 2, w, h)
        clip = QPainterPath()
        clip.addRoundedRect(target, _RADIUS - 3, _RADIUS - 3)
        p.save()
        p.setClipPath(clip)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, scale < 1.0)
        p.drawPixmap(target, self._pixmap, QRectF(self._pixmap.rect()))
        p.restore()
        if self.missing:
            p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            box = QRectF(self.rect()).adjusted(_PAD + 6, _PAD + 6, -_PAD - 6, -_PAD - 6)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.missing)
        self._paint_badge(p, target)
        if self.preview:
            self._paint_preview(p, target)
        if self._selected:
            p.setPen(QPen(pal.color(QPalette.ColorRole.Highlight), 3.0))
        elif self._hover:
            p.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 1.5))
        else:
            p.end()
            return
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRoundedRect(card, _RADIUS, _RADIUS)
        p.end()

    def _paint_badge(self, p: QPainter, image: QRectF) -> None:
        """The variant number in a dark pill over the image's corner (readable on any image)."""
        text = str(self.index + 1)
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        font.setBold(True)
        p.setFont(font)
        tw = p.fontMetrics().horizontalAdvance(text)
        th = p.fontMetrics().height()
        pill = QRectF(image.left() + 5, image.bottom() - th - 7, tw + 12, th + 2)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 150))
        p.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        p.setPen(QColor(255, 255, 255))
        p.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_preview(self, p: QPainter, image: QRectF) -> None:
        """A dashed frame and the preview label: provisional at a glance."""
        assert self.preview is not None
        p.save()
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(QColor(255, 255, 255, 200), 1.5, Qt.PenStyle.DashLine))
        p.drawRoundedRect(image.adjusted(1, 1, -1, -1), _RADIUS - 3, _RADIUS - 3)
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.8))
        p.setFont(font)
        text = p.fontMetrics().elidedText(
            self.preview, Qt.TextElideMode.ElideRight, int(image.width()) - 16
        )
        tw, th = p.fontMetrics().horizontalAdvance(text), p.fontMetrics().height()
        pill = QRectF(image.left() + 5, image.top() + 5, tw + 10, th + 2)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(20, 20, 20, 170))
        p.drawRoundedRect(pill, 4, 4)
        p.setPen(QColor(255, 255, 255))
        p.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
        p.restore()

    def enterEvent(self, event: QEnterEvent) -> None:
        self._hover = True
        self.update()
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hover = False
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.double_clicked.emit()
            event.accept()
        else:
            super().mouseDoubleClickEvent(event)


class ElidedLabel(QLabel):
    """A one-line label that shortens its text with "…" instead of growing the layout."""

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self._full = text
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(20)
        self._refresh()

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = text
        self._refresh()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._refresh()

    def _refresh(self) -> None:
        one_line = " ".join(self._full.split())
        self.setText(
            self.fontMetrics().elidedText(one_line, Qt.TextElideMode.ElideRight, self.width())
        )


class JobSection(QWidget):
    """A job: a header (prompt excerpt, status) over a flowing grid of its variant tiles."""

    def __init__(self, job_id: str, title: str, tooltip: str) -> None:
        super().__init__()
        self.job_id = job_id
        self.tiles: list[ThumbTile] = []  # sorted by variant index
        self.title = ElidedLabel(title)
        self.title.setToolTip(tooltip)
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        # Status under the title: a long "failed: …" message elides instead of hiding the prompt.
        self.status = ElidedLabel("")
        self.status.setToolTip(tooltip)
        self.status.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        header = QVBoxLayout()
        header.setContentsMargins(4, 0, 4, 0)
        header.setSpacing(1)
        header.addWidget(self.title)
        header.addWidget(self.status)
        self.grid = FlowLayout(spacing=6)
        # A prompt matrix (set_rows): a labelled row of tiles per prompt instead of one grid.
        self.rows: list[FlowLayout] = []
        self.row_labels: list[QToolButton] = []
        self.per_row = 1
        body = self.body = QVBoxLayout(self)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(6)
        body.addLayout(header)
        body.addLayout(self.grid)

    def set_header(self, title: str, tooltip: str) -> None:
        self.title.set_full_text(title)
        self.title.setToolTip(tooltip)
        self.status.setToolTip(tooltip)

    def set_status(self, text: str) -> None:
        self.status.set_full_text(text)

    def tile(self, index: int) -> ThumbTile | None:
        return next((t for t in self.tiles if t.index == index), None)

    def insert_tile(self, tile: ThumbTile) -> None:
        """Add ``tile`` in variant-index order (in its prompt's row for a matrix)."""
        pos = sum(1 for t in self.tiles if t.index < tile.index)
        self.tiles.insert(pos, tile)
        if not self.rows:
            self.grid.insert_widget(pos, tile)
            return
        row = min(tile.index // self.per_row, len(self.rows) - 1)
        in_row = sum(
            1 for t in self.tiles if t.index // self.per_row == row and t.index < tile.index
        )
        self.rows[row].insert_widget(in_row, tile)

    def set_rows(
        self, labels: list[str], prompts: list[str], per_row: int, pick: Callable[[str], None]
    ) -> None:
        """Lay the tiles out as a prompt matrix: a row per prompt under a label of the words
        that set it apart (a click on it hands ``pick`` the whole prompt), a column per
        variant. Called before any tile is added."""
        if self.rows or self.tiles:
            return
        self.per_row = max(1, per_row)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        for label, prompt in zip(labels, prompts, strict=True):
            button = QToolButton()
            button.setText(label)
            button.setAutoRaise(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setToolTip(f"{prompt}\n\nClick to put this prompt in the prompt box")
            button.clicked.connect(lambda _c=False, p=prompt: pick(p))
            self.row_labels.append(button)
            row = FlowLayout(spacing=6)
            self.rows.append(row)
            column.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
            column.addLayout(row)
        self.body.addLayout(column)
