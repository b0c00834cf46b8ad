"""The mask painting canvas: an image, a tinted mask overlay, brush/eraser/rectangle tools.

``MaskCanvas`` is a plain ``QWidget`` that draws everything itself rather than a
``QAbstractScrollArea``: a painting surface wants free zoom about the cursor, trackpad panning and
pinch without scroll bars fighting the view, and a view state of just ``(zoom, centre)`` that a
compare view can copy. The mapping lives in
:class:`~editor.ui.common.view_transform.ViewTransform`; the
pixels in :mod:`editor.ui.common.overlay`.

The canvas only maps pointer events to image coordinates and feeds them to the Qt-free
:class:`~editor.core.mask_document.MaskDocument`; the document reports dirty rectangles, the
overlay refreshes just those pixels and the widget repaints just their on-screen rectangle. A
large changed area (a lasso over most of a 24 MP frame, its undo) is re-tinted a band per loop
turn, so painting it never holds the window for more than a few milliseconds.

Controls: B brush, E eraser, R rectangle, L lasso, W magic wand, O object select, M markup (see
:mod:`editor.ui.canvas.tools`); Alt swaps paint/erase while held; ``[`` / ``]`` brush
size −/+ ~10 %; wheel or Ctrl+wheel or pinch zooms about the cursor (trackpad two-finger scroll
pans); ``+`` / ``-`` zoom, F fit, 1 100 %; space+drag or middle-drag pans.

Demo: ``python examples/canvas_demo.py IMAGE [MASK]``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, cast

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QCursor,
    QEnterEvent,
    QFocusEvent,
    QInputDevice,
    QKeyEvent,
    QMouseEvent,
    QNativeGestureEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
    QTabletEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QWidget

from editor.core.expand import Expansion
from editor.core.markup_layer import MarkupLayer
from editor.core.mask_document import MaskDocument
from editor.core.selection import PressureCurve, SelectionMode, pressure_factors
from editor.ui.canvas.tools import SELECTION_TOOLS, SelectionTools
from editor.ui.canvas.tools.markup_tool import paint_shapes
from editor.ui.canvas.tools.paint_tools import BrushTool, PaintTool, RectTool
from editor.ui.common.decor import (
    checker_brush,
    paint_brush_outline,
    paint_expansion_outline,
)
from editor.ui.common.overlay import ImageLayer, MaskOverlay
from editor.ui.common.view_controls import ViewControls
from editor.ui.common.view_transform import ViewTransform

__all__ = ["MaskCanvas", "Tool"]

Tool = Literal["brush", "eraser", "rect", "lasso", "wand", "object", "markup"]
_TOOLS: tuple[Tool, ...] = ("brush", "eraser", "rect", "lasso", "wand", "object", "markup")
_BACKGROUND = QColor(38, 38, 41)
_WHEEL_STEP = 1.25  # zoom factor per wheel notch / key press
# Changed areas larger than this are re-tinted in bands of this many pixels, one per loop turn
# (a band is a few milliseconds; a 14 MP lasso in one go held the loop 85–170 ms).
TINT_BAND_PIXELS = 1 << 21
MAX_BRUSH = 5000
_SELECTION_KEYS: dict[Qt.Key, Tool] = {
    Qt.Key.Key_L: "lasso",
    Qt.Key.Key_W: "wand",
    Qt.Key.Key_O: "object",
    Qt.Key.Key_M: "markup",
}


class MaskCanvas(ViewControls, QWidget):
    """Shows an image with a mask overlay and paints the mask with the pointer.

    Signals: ``brush_size_changed(int)``, ``hardness_changed(float)``, ``tool_changed(str)``,
    ``zoom_changed(float)``, ``view_changed()`` (zoom or centre moved), ``mask_edit_started()``
    (a press of a mask tool, before it touches the mask: the window shows the mask first).
    """

    brush_size_changed = Signal(int)
    hardness_changed = Signal(float)
    tool_changed = Signal(str)
    zoom_changed = Signal(float)
    view_changed = Signal()
    mask_edit_started = Signal()  # a mask tool is about to change the mask

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_TabletTracking, True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, False)
        self.setMinimumSize(200, 150)
        self._view = ViewTransform()
        self._auto_fit = True
        self._image: ImageLayer | None = None
        self._display: ImageLayer | None = None
        self._document: MaskDocument | None = None
        self._markup: MarkupLayer | None = None
        self._overlay: MaskOverlay | None = None
        self._overlay_color = QColor(255, 45, 110)
        self._overlay_opacity = 0.45
        self._overlay_visible = True
        self._tint_timer = QTimer(self, interval=0)
        self._tint_timer.timeout.connect(self._tint_next_band)
        self._tool: Tool = "brush"
        self._brush_size = 60
        self._hardness = 0.85
        self._hover: QPointF | None = None  # widget position of the pointer, if over us
        self._space = False
        self._alt = False
        self._pan_from: QPointF | None = None
        self._checker = checker_brush()
        self._expansion: Expansion | None = None
        # The view before a preview took over, put back when it ends: (zoom, cx, cy, auto fit).
        self._view_before_preview: tuple[float, float, float, bool] | None = None
        self.selection = SelectionTools(self)
        # Brush, eraser and rectangle: tool objects too (selection tools are in ``selection``).
        self._paint_tools: dict[str, PaintTool] = {
            "brush": BrushTool(self),
            "eraser": BrushTool(self),
            "rect": RectTool(self),
        }
        self._preview_overlay: MaskOverlay | None = None  # a dialog's mask preview (Feather)
        # The other regions' masks, each in its own colour, under the one being painted.
        self._region_overlays: list[tuple[MaskOverlay, QColor]] = []
        self.selection.settings_changed.connect(self._update_cursor)  # Add/Subtract shows
        self.pressure_curve = PressureCurve()  # Preferences ▸ tablet pressure
        self._pen_opacity = 1.0
        self.selection.busy_changed.connect(lambda _busy: self._update_cursor())
        self._update_cursor()

    # -- content --------------------------------------------------------------------------------

    def set_image(self, pixels: np.ndarray) -> None:
        """Show ``pixels`` (``H×W×3|4`` uint8); converted to a QImage once. Fits the view.

        A document of a different size is detached.
        """
        self._image = ImageLayer(pixels)
        self._display = None
        self.selection.reset()
        self._expansion = self._view_before_preview = None
        v = self._view
        v.image_w, v.image_h = self._image.width, self._image.height
        if self._document is not None and (
            self._document.width != v.image_w or self._document.height != v.image_h
        ):
            self.set_document(None)
        self.fit()
        self.update()

    def layer_maker(self) -> Callable[[np.ndarray], ImageLayer]:
        """A function making pixels ready to show at the current zoom, for a worker thread
        (size and zoom are read here, on the GUI thread); hand its layer to
        :meth:`set_display`."""
        size = None if self._image is None else (self._image.width, self._image.height)
        zoom = self._view.zoom
        return lambda pixels: ImageLayer(pixels, size=size).prepare(zoom)

    def set_display(self, pixels: np.ndarray | None, layer: ImageLayer | None = None) -> None:
        """Show other pixels (e.g. a variant) instead of the image; ``None`` goes back to the
        image. The mask and view stay as they are. Pixels smaller than the image with its
        aspect (a proxy) are drawn stretched over it. ``layer``: the same pixels made ready by
        a :meth:`layer_maker`."""
        if pixels is None:
            self._display = None
        elif layer is not None and layer.pixels is pixels:
            self._display = layer
        elif self._display is not None and self._display.pixels is pixels:
            pass  # already shown: its levels are built, keep them
        else:
            if self._image is None:
                raise ValueError("set_display() needs an image first")
            size = (self._image.width, self._image.height)
            h, w = pixels.shape[:2]
            if (w, h) != size and (
                w > size[0] or h > size[1] or abs(w / h - size[0] / size[1]) > 0.02
            ):
                raise ValueError("set_display() needs pixels the size (or aspect) of the image")
            self._display = ImageLayer(pixels, size=size)
        self.update()

    def display_pixels(self) -> np.ndarray | None:
        """The pixels shown instead of the image (a variant or its proxy), None for the image."""
        return None if self._display is None else self._display.pixels

    @property
    def document(self) -> MaskDocument | None:
        return self._document

    def set_document(self, doc: MaskDocument | None) -> None:
        """Edit ``doc`` (its size must match the image); ``None`` shows no mask."""
        if self._document is not None:
            self._document.changed.disconnect(self._on_document_changed)
        for tool in self._paint_tools.values():
            tool.cancel()
        self.selection.reset()
        if doc is not None:
            if self._image is None or (doc.width, doc.height) != (
                self._image.width,
                self._image.height,
            ):
                raise ValueError("the document must be the size of the image")
            doc.changed.connect(self._on_document_changed)
            self._overlay = MaskOverlay(doc.edit, self._overlay_color, self._overlay_opacity)
        else:
            self._overlay = None
        self._document = doc
        self.update()

    @property
    def markup(self) -> MarkupLayer | None:
        """The markup layer drawn over the image (M draws on it)."""
        return self._markup

    def set_markup(self, layer: MarkupLayer | None) -> None:
        if self._markup is not None:
            self._markup.changed.disconnect(self._repaint)
        self._markup = layer
        if layer is not None:
            layer.changed.connect(self._repaint)
        self.update()

    def _repaint(self) -> None:
        self.update()

    def begin_edit(self) -> None:
        """A tool is about to change what Generate sends: the window shows the image first."""
        self.mask_edit_started.emit()

    def set_overlay(self, color: QColor, opacity: float) -> None:
        """Tint of the editable area: ``color`` at ``opacity`` (0..1) where the mask is 255."""
        opacity_changed = float(opacity) != self._overlay_opacity
        self._overlay_color, self._overlay_opacity = QColor(color), float(opacity)
        if self._overlay is not None:
            self._overlay.set_style(self._overlay_color, self._overlay_opacity)
        if opacity_changed:
            for other, other_color in self._region_overlays:
                other.set_style(other_color, self._overlay_opacity)
        self.update()

    @property
    def overlay_opacity(self) -> float:
        """How strongly the editable area is tinted (0..1)."""
        return self._overlay_opacity

    @property
    def overlay_visible(self) -> bool:
        return self._overlay_visible

    def set_overlay_visible(self, visible: bool) -> None:
        self._overlay_visible = visible
        self.update()

    @property
    def expansion_preview(self) -> Expansion | None:
        return self._expansion

    def set_region_overlays(self, overlays: list[tuple[MaskOverlay, QColor]]) -> None:
        """Show these tints (the regions not being painted, each with its colour) under the
        painted one; :meth:`set_overlay`'s opacity applies to them too."""
        self._region_overlays = list(overlays)
        self.update()

    def preview_overlay(self, overlay: MaskOverlay | None) -> None:
        """Draw ``overlay`` (a mask a dialog previews, tinted as :meth:`overlay_style` says)
        instead of the document's; None: back to it."""
        self._preview_overlay = overlay
        self.update()

    def overlay_style(self) -> tuple[QColor, float]:
        """The mask tint's colour and opacity."""
        return QColor(self._overlay_color), self._overlay_opacity

    def preview_expansion(self, expansion: Expansion | None) -> None:
        """Show the bounds ``expansion`` would give the image: the new frame's outline and a
        checkerboard where pixels would be added, zoomed to fit the whole new frame. ``None``
        (or an empty expansion) ends the preview and puts the earlier view back."""
        if expansion is not None and expansion.is_empty:
            expansion = None
        if self._image is None or expansion == self._expansion:
            return
        v = self._view
        if expansion is None:
            before, self._view_before_preview = self._view_before_preview, None
            self._expansion = None
            if before is None or before[3]:
                self.fit()
            else:
                self.set_view_state(*before[:3])
            return
        if self._view_before_preview is None:
            self._view_before_preview = (v.zoom, v.center_x, v.center_y, self._auto_fit)
        self._expansion = expansion
        self._fit_expansion()
        self._view_moved(zoom_changed=True)

    def _fit_expansion(self) -> None:
        """Zoom and centre so the expanded frame fits; the centre may lie off the image."""
        assert self._expansion is not None
        self._sync_view_geometry()
        v, e = self._view, self._expansion
        new_w, new_h = e.new_size((v.image_w, v.image_h))
        frame = ViewTransform(new_w, new_h, v.widget_w, v.widget_h, v.dpr)
        v.zoom = frame.fit_zoom()
        v.center_x, v.center_y = new_w / 2 - e.left, new_h / 2 - e.top
        self._auto_fit = False

    def _on_document_changed(self, rect: tuple[int, int, int, int]) -> None:
        if self._overlay is None:
            return
        x0, y0, x1, y1 = rect
        if (x1 - x0) * (y1 - y0) > TINT_BAND_PIXELS:
            self._overlay.refresh_later(rect)
            self._tint_timer.start()
            return
        self._overlay.refresh(rect)
        self.update(QRect(*self._view.rect_to_widget(*rect)))

    @property
    def overlay_pending(self) -> bool:
        """Whether part of a large mask change still shows its old tint (for a loop turn or a
        few more)."""
        return self._overlay is not None and self._overlay.pending

    def _tint_next_band(self) -> None:
        band = None if self._overlay is None else self._overlay.refresh_next(TINT_BAND_PIXELS)
        if band is None:
            self._tint_timer.stop()
            return
        self.update(QRect(*self._view.rect_to_widget(*band)))

    # -- tools ----------------------------------------------------------------------------------

    @property
    def tool(self) -> Tool:
        return self._tool

    def set_tool(self, tool: str) -> None:
        if tool not in _TOOLS:
            raise ValueError(f"unknown tool {tool!r}; expected one of {_TOOLS}")
        if tool != self._tool:
            previous = self._paint_tool()
            if previous is not None:
                previous.cancel()  # a stroke under way ends as it is: one undo step
            self._tool = tool
            self.selection.set_tool(tool)
            self._update_cursor()
            self._update_hover()
            self.tool_changed.emit(tool)

    @property
    def brush_size(self) -> int:
        """Brush diameter in image pixels."""
        return self._brush_size

    @brush_size.setter
    def brush_size(self, size: int) -> None:
        size = min(MAX_BRUSH, max(1, int(size)))
        if size != self._brush_size:
            self._update_hover()
            self._brush_size = size
            self._update_hover()
            self.brush_size_changed.emit(size)

    @property
    def hardness(self) -> float:
        """Brush edge hardness, 0 (soft) … 1 (hard)."""
        return self._hardness

    @hardness.setter
    def hardness(self, value: float) -> None:
        value = min(1.0, max(0.0, float(value)))
        if value != self._hardness:
            self._hardness = value
            self.hardness_changed.emit(value)

    def erasing(self) -> bool:
        """The paint tools erase (the eraser, or the brush with Alt held; and the reverse)."""
        return (self._tool == "eraser") != self._alt

    @property
    def pen_opacity(self) -> float:
        """The pen's opacity from its pressure (1 for a mouse)."""
        return self._pen_opacity

    @property
    def overlay_color(self) -> QColor:
        return self.overlay_style()[0]

    def _paint_tool(self) -> PaintTool | None:
        return self._paint_tools.get(self._tool)

    def _painting(self) -> bool:
        tool = self._paint_tool()
        return tool is not None and tool.active

    # -- view -----------------------------------------------------------------------------------

    @property
    def zoom(self) -> float:
        return self._view.zoom

    def map_from_image(self, x: float, y: float) -> QPointF:
        self._sync_view_geometry()
        return QPointF(*self._view.to_widget(x, y))

    def _view_moved(self, zoom_changed: bool) -> None:
        self.update()
        if zoom_changed:
            self.zoom_changed.emit(self._view.zoom)
        self.view_changed.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._sync_view_geometry()
        if self._expansion is not None:
            self._fit_expansion()
            self.zoom_changed.emit(self._view.zoom)
            self.view_changed.emit()
        elif self._auto_fit and self._image is not None:
            self._view.fit()
            self.zoom_changed.emit(self._view.zoom)
            self.view_changed.emit()
        super().resizeEvent(event)

    # -- painting -------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        self._sync_view_geometry()
        clip = event.rect()
        p = QPainter(self)
        p.fillRect(clip, _BACKGROUND)
        layer = self._display or self._image
        if layer is None:
            p.setPen(QColor(150, 150, 155))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Open an image to paint a mask")
            p.end()
            return
        v = self._view
        frame = self._expansion_rect()
        if frame is not None:
            p.fillRect(frame.intersected(clip), self._checker)
        src = v.rect_to_image(clip.x(), clip.y(), clip.width(), clip.height())
        if src is not None:
            if layer.has_alpha:
                x, y, w, h = v.rect_to_widget(0, 0, v.image_w, v.image_h)
                p.fillRect(QRect(x + 1, y + 1, w - 2, h - 2).intersected(clip), self._checker)
            ox, oy = v.origin
            p.translate(ox, oy)
            p.scale(v.scale, v.scale)
            smooth = v.zoom <= 2.0 and abs(v.zoom - 1.0) > 1e-9
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, smooth)
            layer.draw(p, src, v.zoom)
            overlay = self._preview_overlay or self._overlay
            if self._overlay_visible and self._display is None:
                for other, _color in self._region_overlays:
                    other.draw(p, src, v.zoom)
            if overlay is not None and self._overlay_visible:
                overlay.draw(p, src, v.zoom)
            if self._markup is not None and self._markup.visible and self._display is None:
                paint_shapes(p, self._markup.shapes)
            p.resetTransform()
        if frame is not None:
            paint_expansion_outline(p, frame)
        tool = self._paint_tool()
        if tool is not None:
            tool.paint(p)
        self.selection.paint(p)
        self._paint_brush_outline(p)
        p.end()

    def _expansion_rect(self) -> QRect | None:
        """Widget rectangle of the previewed expanded frame."""
        e = self._expansion
        if e is None:
            return None
        v = self._view
        ax, ay = v.to_widget(-e.left, -e.top)
        bx, by = v.to_widget(v.image_w + e.right, v.image_h + e.bottom)
        return QRectF(QPointF(ax, ay), QPointF(bx, by)).toAlignedRect()

    def _paint_brush_outline(self, p: QPainter) -> None:
        c = self._outline_center()
        if c is not None:
            radius = self._brush_size / 2 * self._view.scale
            paint_brush_outline(p, c, radius, erase=self.erasing())

    def _outline_center(self) -> QPointF | None:
        if (
            self._hover is None
            or self._tool in ("rect", "lasso", "wand", "markup")
            or self._panning_mode()
        ):
            return None
        return self._hover

    def _outline_rect(self) -> QRect | None:
        c = self._outline_center()
        if c is None:
            return None
        r = self._brush_size / 2 * self._view.scale + 6
        return QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r).toAlignedRect()

    def _update_hover(self) -> None:
        r = self._outline_rect()
        if r is not None:
            self.update(r)

    # -- pointer --------------------------------------------------------------------------------

    def _panning_mode(self) -> bool:
        return self._space or self._pan_from is not None

    def _press(
        self, pos: QPointF, button: Qt.MouseButton, mods: Qt.KeyboardModifier, pressure: float
    ) -> bool:
        self._alt = bool(mods & Qt.KeyboardModifier.AltModifier)
        if button == Qt.MouseButton.MiddleButton or (
            button == Qt.MouseButton.LeftButton and self._space
        ):
            self._pan_from = pos
            self._update_cursor()
            return True
        if self.selection.active is not None:
            return self.selection.active.press(*self.map_to_image(pos), button, mods)
        if button != Qt.MouseButton.LeftButton or self._image is None:
            return False
        tool = self._paint_tool()
        return tool is not None and tool.press(*self.map_to_image(pos), pressure)

    def on_image(self, x: float, y: float) -> bool:
        v = self._view
        return 0 <= x < v.image_w and 0 <= y < v.image_h

    def _move(self, pos: QPointF, mods: Qt.KeyboardModifier, pressure: float) -> None:
        alt = bool(mods & Qt.KeyboardModifier.AltModifier)
        if alt != self._alt and not self._painting():
            self._alt = alt
        self._update_hover()
        self._hover = pos
        self._update_hover()
        if self._pan_from is not None:
            d = pos - self._pan_from
            self._pan_from = pos
            self.pan_by(d.x(), d.y())
        elif self.selection.active is not None:
            self.selection.active.move(*self.map_to_image(pos), mods)
        elif self._painting():
            tool = self._paint_tool()
            assert tool is not None
            tool.move(*self.map_to_image(pos), pressure)

    def _release(self, pos: QPointF, button: Qt.MouseButton) -> None:
        if self._pan_from is not None and button in (
            Qt.MouseButton.MiddleButton,
            Qt.MouseButton.LeftButton,
        ):
            self._pan_from = None
            self._update_cursor()
            self.update()
        elif self.selection.active is not None:
            self.selection.active.release(*self.map_to_image(pos), button)
        elif self._painting() and button == Qt.MouseButton.LeftButton:
            tool = self._paint_tool()
            assert tool is not None
            tool.release(*self.map_to_image(pos))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._pen_opacity = 1.0
        if not self._press(event.position(), event.button(), event.modifiers(), 1.0):
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._move(event.position(), event.modifiers(), 1.0)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._release(event.position(), event.button())

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        tool = self.selection.active
        if tool is None or not tool.double_click(
            *self.map_to_image(event.position()), event.button()
        ):
            super().mouseDoubleClickEvent(event)

    def tabletEvent(self, event: QTabletEvent) -> None:
        device = event.pointingDevice()
        has_pressure = device is not None and bool(
            device.capabilities() & QInputDevice.Capability.Pressure
        )
        pressure, self._pen_opacity = (
            pressure_factors(self.pressure_curve, event.pressure()) if has_pressure else (1.0, 1.0)
        )
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            handled = self._press(event.position(), event.button(), event.modifiers(), pressure)
            if not handled:
                event.ignore()
                return
        elif kind == QEvent.Type.TabletMove:
            self._move(event.position(), event.modifiers(), pressure)
        elif kind == QEvent.Type.TabletRelease:
            self._release(event.position(), event.button())
        event.accept()

    def enterEvent(self, event: QEnterEvent) -> None:
        self._hover = event.position()
        self._update_hover()
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._update_hover()
        self._hover = None
        super().leaveEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self._image is None:
            return
        pixel = event.pixelDelta()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if not pixel.isNull() and not ctrl:
            # Trackpad two-finger scroll: pan, like every other canvas app.
            self.pan_by(pixel.x(), pixel.y())
        else:
            notches = event.angleDelta().y() / 120.0
            if notches:
                self.zoom_by(_WHEEL_STEP**notches, event.position())
        event.accept()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and self.selection.wants_key(
            cast(QKeyEvent, event)
        ):
            event.accept()  # Esc/Return/Backspace act on the shape in progress, not the window
            return True
        if event.type() == QEvent.Type.NativeGesture:
            g = cast(QNativeGestureEvent, event)
            if g.gestureType() == Qt.NativeGestureType.ZoomNativeGesture:
                self.zoom_by(1.0 + g.value(), g.position())
                return True
            if g.gestureType() == Qt.NativeGestureType.SmartZoomNativeGesture:
                if abs(self.zoom - 1.0) < 1e-6:
                    self.fit()
                else:
                    self.set_zoom(1.0, g.position())
                return True
        return super().event(event)

    # -- keyboard -------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        K = Qt.Key
        if self.selection.key(key, event.modifiers()):
            return
        if key == K.Key_Space:
            if not event.isAutoRepeat():
                self._space = True
                self._update_hover()
                self._update_cursor()
        elif key == K.Key_Alt:
            self._alt = True
            self._update_hover()
            self._update_cursor()
        elif key == K.Key_B:
            self.set_tool("brush")
        elif key == K.Key_E:
            self.set_tool("eraser")
        elif key == K.Key_R:
            self.set_tool("rect")
        elif key in _SELECTION_KEYS:
            self.set_tool(_SELECTION_KEYS[key])
        elif key == K.Key_BracketRight:
            self.brush_size = max(self._brush_size + 1, round(self._brush_size * 1.1))
        elif key == K.Key_BracketLeft:
            self.brush_size = min(self._brush_size - 1, round(self._brush_size / 1.1))
        elif key in (K.Key_Plus, K.Key_Equal):
            self.zoom_by(_WHEEL_STEP, self._key_zoom_anchor())
        elif key in (K.Key_Minus, K.Key_Underscore):
            self.zoom_by(1 / _WHEEL_STEP, self._key_zoom_anchor())
        elif key == K.Key_F:
            self.fit()
        elif key == K.Key_1:
            self.set_zoom(1.0, self._key_zoom_anchor())
        else:
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self._update_cursor()
            self._update_hover()
        elif event.key() == Qt.Key.Key_Alt:
            self._alt = False
            self._update_hover()
            self._update_cursor()
        else:
            super().keyReleaseEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._space = self._alt = False
        self._update_cursor()
        super().focusOutEvent(event)

    def _key_zoom_anchor(self) -> QPointF | None:
        """Keys zoom about the pointer when it is over the canvas, else about the middle."""
        return self._hover

    def _update_cursor(self) -> None:
        if self._pan_from is not None:
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        elif self._space:
            self.setCursor(Qt.CursorShape.OpenHandCursor)
        elif self.selection.busy:
            self.setCursor(Qt.CursorShape.BusyCursor)
        elif self._tool in SELECTION_TOOLS:
            # A small − beside the cross while a selection would subtract (the toolbar's
            # Subtract, or Alt held), a + while it adds: the cue Photoshop's tools give.
            subtract = self.selection.mode is SelectionMode.SUBTRACT or self._alt
            self.setCursor(selection_cursor(subtract=subtract))
        elif self._tool in ("rect", "markup"):
            self.setCursor(Qt.CursorShape.CrossCursor)
        else:
            self.setCursor(QCursor(Qt.CursorShape.BlankCursor))

    # -- selection tools (editor.ui.canvas.tools) ----------------------------------------------

    def image_pixels(self) -> np.ndarray | None:
        """The image's pixels (not a shown variant's): what the selection tools look at."""
        return None if self._image is None else self._image.pixels

    def view_scale(self) -> float:
        """Widget pixels per image pixel."""
        self._sync_view_geometry()
        return self._view.scale


_CURSORS: dict[bool, QCursor] = {}


def selection_cursor(*, subtract: bool) -> QCursor:
    """A crosshair with a small + (adds to the mask) or − (subtracts) at its lower right."""
    cached = _CURSORS.get(subtract)
    if cached is not None:
        return cached
    px = QPixmap(32, 32)
    px.fill(Qt.GlobalColor.transparent)
    p = QPainter(px)
    for colour, width in ((QColor(0, 0, 0), 3), (QColor(255, 255, 255), 1)):
        pen = QPen(colour, width)
        p.setPen(pen)
        p.drawLine(11, 1, 11, 21)
        p.drawLine(1, 11, 21, 11)
        p.drawLine(20, 26, 28, 26)  # the sign's bar
        if not subtract:
            p.drawLine(24, 22, 24, 30)
    p.end()
    cursor = QCursor(px, 11, 11)
    _CURSORS[subtract] = cursor
    return cursor
