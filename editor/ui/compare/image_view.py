"""One zoomable, pannable picture for the compare view, optionally wiping to a second picture.

It reuses the canvas's view maths (:class:`~editor.ui.common.view_transform.ViewTransform`: zoom in
device
pixels per image pixel, centre in image coordinates) and its picture pyramid
(:class:`~editor.ui.common.overlay.ImageLayer`), so a view state copied between the canvas and the
compare views means the same thing everywhere.

Wipe: with a ``second`` layer, pixels left of the divider come from ``first`` and right of it from
``second``. The divider is stored as an image x, so it stays on the same image column through zoom
and pan. Drag near it (or press Left/Right; Shift for single pixels) to move it; drag elsewhere
pans. Wheel zooms about the cursor, F fits, 1 is 100 %, +/- zoom.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QWidget

from editor.ui.common.decor import checker_brush
from editor.ui.common.overlay import ImageLayer
from editor.ui.common.view_controls import ViewControls
from editor.ui.common.view_transform import ViewTransform

__all__ = ["ImageView"]

_BACKGROUND = QColor(38, 38, 41)  # the canvas's backdrop, so flipping views does not flash
_WHEEL_STEP = 1.25
_GRAB = 8.0  # widget px either side of the divider that grab it
_KEY_STEP = 0.02  # of the image width per Left/Right press


_PILL_MARGIN = 10.0  # from the view's edge
_PILL_PAD = 20.0  # text to the pill's ends


class ImageView(ViewControls, QWidget):
    """Draws ``first`` (and, in wipe mode, ``second`` right of the divider) with zoom and pan.

    Signals: ``view_changed()`` when zoom or centre moved, ``wipe_changed(float)`` with the
    divider's image x.
    """

    view_changed = Signal()
    wipe_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setMinimumSize(120, 90)
        self._view = ViewTransform()
        self._auto_fit = True
        self._first: ImageLayer | None = None
        self._second: ImageLayer | None = None
        self._wipe_enabled = False
        self._wipe_x = 0.5
        self._labels: tuple[str, str] = ("", "")
        self._hint = ""
        self._pan_from: QPointF | None = None
        self._dragging_wipe = False
        self._checker = checker_brush()
        self._update_cursor(None)

    # -- content --------------------------------------------------------------------------------

    def set_layers(self, first: ImageLayer | None, second: ImageLayer | None = None) -> None:
        """Show ``first`` (and ``second`` for wipe). Same-size pictures keep zoom, pan and
        divider (flipping variants keeps your place); a new size fits the view."""
        v = self._view
        size = (first.width, first.height) if first is not None else (1, 1)
        new_size = size != (v.image_w, v.image_h)
        self._first, self._second = first, second
        if new_size:
            v.image_w, v.image_h = size
            self._wipe_x = v.image_w / 2
            if first is not None:
                self.fit()
        self.update()

    def set_labels(self, left: str, right: str = "") -> None:
        """Names drawn as pills: ``left`` top-left, ``right`` top-right (wipe)."""
        self._labels = (left, right)
        self.update()

    def set_hint(self, text: str) -> None:
        """A note drawn at the bottom (or centred when there is no picture)."""
        self._hint = text
        self.update()

    # -- wipe -----------------------------------------------------------------------------------

    def set_wipe_enabled(self, enabled: bool) -> None:
        self._wipe_enabled = enabled
        self._update_cursor(None)
        self.update()

    def wipe_active(self) -> bool:
        return self._wipe_enabled and self._first is not None and self._second is not None

    @property
    def wipe_x(self) -> float:
        """Divider position in image x (0 … image width)."""
        return self._wipe_x

    def set_wipe_x(self, x: float) -> None:
        x = min(max(float(x), 0.0), float(self._view.image_w))
        if x != self._wipe_x:
            self._wipe_x = x
            self.update()
            self.wipe_changed.emit(x)

    def wipe_widget_x(self) -> float:
        """Widget x of the divider, on a whole device pixel."""
        self._sync_view_geometry()
        d = self._view.dpr
        return round(self._view.to_widget(self._wipe_x, 0)[0] * d) / d

    # -- view -----------------------------------------------------------------------------------

    @property
    def auto_fit(self) -> bool:
        """True while the view refits on resize (until the user zooms or pans)."""
        return self._auto_fit

    def _view_moved(self, zoom_changed: bool) -> None:
        # No zoom signal here: every move is one view_changed.
        self.update()
        self.view_changed.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._sync_view_geometry()
        if self._auto_fit and self._first is not None:
            self._view.fit()
            self.view_changed.emit()
        super().resizeEvent(event)

    # -- painting -------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        self._sync_view_geometry()
        clip = event.rect()
        p = QPainter(self)
        p.fillRect(clip, _BACKGROUND)
        if self._first is None:
            self._paint_pill(p, self._hint, Qt.AlignmentFlag.AlignCenter)
            p.end()
            return
        if self.wipe_active():
            assert self._second is not None
            x = self.wipe_widget_x()
            left = QRectF(0, 0, x, self.height()).toAlignedRect().intersected(clip)
            right = QRect(round(x), 0, self.width(), self.height()).intersected(clip)
            self._paint_layer(p, self._first, left)
            self._paint_layer(p, self._second, right)
            self._paint_divider(p, x)
        else:
            self._paint_layer(p, self._first, clip)
        A = Qt.AlignmentFlag
        left_label, right_label = self._labels
        self._paint_pill(p, left_label, A.AlignLeft | A.AlignTop)
        if self.wipe_active():
            self._paint_pill(p, right_label, A.AlignRight | A.AlignTop)
        self._paint_pill(p, self._hint, A.AlignHCenter | A.AlignBottom)
        p.end()

    def _paint_layer(self, p: QPainter, layer: ImageLayer, area: QRect) -> None:
        if area.isEmpty():
            return
        v = self._view
        src = v.rect_to_image(area.x(), area.y(), area.width(), area.height())
        if src is None:
            return
        p.save()
        p.setClipRect(area)
        if layer.has_alpha:
            x, y, w, h = v.rect_to_widget(0, 0, v.image_w, v.image_h)
            p.fillRect(QRect(x + 1, y + 1, w - 2, h - 2).intersected(area), self._checker)
        ox, oy = v.origin
        p.translate(ox, oy)
        p.scale(v.scale, v.scale)
        smooth = v.zoom <= 2.0 and abs(v.zoom - 1.0) > 1e-9
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, smooth)
        layer.draw(p, src, v.zoom)
        p.restore()

    def _paint_divider(self, p: QPainter, x: float) -> None:
        """A light line with a dark edge and a round grip, visible over any picture."""
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        h = float(self.height())
        p.setPen(QPen(QColor(0, 0, 0, 110), 3.0))
        p.drawLine(QPointF(x, 0), QPointF(x, h))
        p.setPen(QPen(QColor(255, 255, 255, 235), 1.0))
        p.drawLine(QPointF(x, 0), QPointF(x, h))
        c = QPointF(x, h / 2)
        p.setPen(QPen(QColor(0, 0, 0, 110), 1.0))
        p.setBrush(QColor(255, 255, 255, 235))
        p.drawEllipse(c, 13.0, 13.0)
        p.setPen(QPen(QColor(40, 40, 44), 1.6))
        for sign in (-1.0, 1.0):  # a chevron each way: "drag me sideways"
            tip = c + QPointF(sign * 7.5, 0)
            back = c + QPointF(sign * 3.5, 0)
            p.drawLine(tip, back + QPointF(0, -4))
            p.drawLine(tip, back + QPointF(0, 4))
        p.restore()

    def pill_text(self, text: str, align: Qt.AlignmentFlag) -> str:
        """``text`` as its pill shows it: elided to the room it has (the labels share the top
        edge, half each; the hint has the bottom or centre to itself)."""
        top = bool(align & Qt.AlignmentFlag.AlignTop)
        room = (self.width() / 2 if top else self.width()) - 2 * _PILL_MARGIN - _PILL_PAD
        return self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, max(0, int(room)))

    def hint_text(self) -> str:
        """The bottom note as drawn now (e.g. the leak line, elided in a narrow view)."""
        return self.pill_text(self._hint, Qt.AlignmentFlag.AlignBottom)

    def _paint_pill(self, p: QPainter, text: str, align: Qt.AlignmentFlag) -> None:
        """``text`` in a translucent dark pill at an edge of the view (readable on any image)."""
        if not text:
            return
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        font = QFont(self.font())
        p.setFont(font)
        fm = p.fontMetrics()
        margin = _PILL_MARGIN
        text = self.pill_text(text, align)
        w, h = fm.horizontalAdvance(text) + _PILL_PAD, fm.height() + 8.0
        if align & Qt.AlignmentFlag.AlignLeft:
            x = margin
        elif align & Qt.AlignmentFlag.AlignRight:
            x = self.width() - margin - w
        else:
            x = (self.width() - w) / 2
        if align & Qt.AlignmentFlag.AlignTop:
            y = margin
        elif align & Qt.AlignmentFlag.AlignBottom:
            y = self.height() - margin - h
        else:
            y = (self.height() - h) / 2
        pill = QRectF(x, y, w, h)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 150))
        p.drawRoundedRect(pill, h / 2, h / 2)
        p.setPen(QColor(255, 255, 255))
        p.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
        p.restore()

    # -- pointer --------------------------------------------------------------------------------

    def _near_divider(self, pos: QPointF) -> bool:
        return self.wipe_active() and abs(pos.x() - self.wipe_widget_x()) <= _GRAB

    def _update_cursor(self, pos: QPointF | None) -> None:
        if self._dragging_wipe or (pos is not None and self._near_divider(pos)):
            self.setCursor(Qt.CursorShape.SplitHCursor)
        elif self._pan_from is not None:
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        else:
            self.setCursor(Qt.CursorShape.OpenHandCursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos, button = event.position(), event.button()
        if self._first is None or button not in (
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.MiddleButton,
        ):
            super().mousePressEvent(event)
            return
        if button == Qt.MouseButton.LeftButton and self._near_divider(pos):
            self._dragging_wipe = True
        else:
            self._pan_from = pos
        self._update_cursor(pos)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._dragging_wipe:
            self.set_wipe_x(self.map_to_image(pos)[0])
        elif self._pan_from is not None:
            d = pos - self._pan_from
            self._pan_from = pos
            self.pan_by(d.x(), d.y())
        self._update_cursor(pos)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._dragging_wipe:
            self.set_wipe_x(self.map_to_image(event.position())[0])
        self._dragging_wipe = False
        self._pan_from = None
        self._update_cursor(event.position())

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """Double-click toggles fit ↔ 100 % about the pointer, like most image viewers."""
        if self._first is None or event.button() != Qt.MouseButton.LeftButton:
            return
        if self._near_divider(event.position()):
            return
        if self._auto_fit:
            self.set_zoom(1.0, event.position())
        else:
            self.fit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self._first is None:
            return
        pixel = event.pixelDelta()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if not pixel.isNull() and not ctrl:
            self.pan_by(pixel.x(), pixel.y())  # trackpad two-finger scroll pans
        else:
            notches = event.angleDelta().y() / 120.0
            if notches:
                self.zoom_by(_WHEEL_STEP**notches, event.position())
        event.accept()

    # -- keyboard -------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        K = Qt.Key
        key = event.key()
        if self._first is None:
            super().keyPressEvent(event)
        elif key == K.Key_F:
            self.fit()
        elif key == K.Key_1:
            self.set_zoom(1.0)
        elif key in (K.Key_Plus, K.Key_Equal):
            self.zoom_by(_WHEEL_STEP)
        elif key in (K.Key_Minus, K.Key_Underscore):
            self.zoom_by(1 / _WHEEL_STEP)
        elif key in (K.Key_Left, K.Key_Right) and self.wipe_active():
            fine = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            step = 1.0 if fine else max(1.0, self._view.image_w * _KEY_STEP)
            self.set_wipe_x(self._wipe_x + (step if key == K.Key_Right else -step))
        else:
            super().keyPressEvent(event)
