"""Zoom, pan and fit for a widget that shows an image through a :class:`ViewTransform`.

Shared by the mask canvas and the compare view. A widget mixes :class:`ViewControls` in before
``QWidget``, sets ``self._view`` (a ``ViewTransform``) and ``self._auto_fit`` in its
``__init__``, and implements ``_view_moved(zoom_changed)``: repaint and tell its listeners.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF

from editor.ui.common.view_transform import ViewTransform

__all__ = ["ViewControls"]


class ViewControls:
    """The view-state, zoom and pan methods of an image widget (a mixin for ``QWidget``)."""

    _view: ViewTransform
    _auto_fit: bool

    if TYPE_CHECKING:  # given by the QWidget it is mixed into

        def width(self) -> int: ...
        def height(self) -> int: ...
        def devicePixelRatioF(self) -> float: ...

    def view_state(self) -> tuple[float, float, float]:
        """``(zoom, center_x, center_y)``: zoom in device px per image px, centre in image px."""
        v = self._view
        return v.zoom, v.center_x, v.center_y

    def set_view_state(self, zoom: float, center_x: float, center_y: float) -> None:
        v = self._view
        v.zoom, v.center_x, v.center_y = zoom, center_x, center_y
        v.clamp_center()
        self._auto_fit = False
        self._view_moved(zoom_changed=True)

    def map_to_image(self, pos: QPointF) -> tuple[float, float]:
        """Image coordinates of a widget (logical) position."""
        self._sync_view_geometry()
        return self._view.to_image(pos.x(), pos.y())

    def fit(self) -> None:
        self._sync_view_geometry()
        self._view.fit()
        self._auto_fit = True
        self._view_moved(zoom_changed=True)

    def set_zoom(self, zoom: float, about: QPointF | None = None) -> None:
        """Zoom to ``zoom`` (1.0 = 100 %) keeping the point under ``about`` (default: the
        middle of the widget) in place."""
        self._sync_view_geometry()
        p = about if about is not None else QPointF(self.width() / 2, self.height() / 2)
        self._view.set_zoom_about(zoom, p.x(), p.y())
        self._auto_fit = False
        self._view_moved(zoom_changed=True)

    def zoom_by(self, factor: float, about: QPointF | None = None) -> None:
        self.set_zoom(self._view.zoom * factor, about)

    def pan_by(self, dx: float, dy: float) -> None:
        """Move the image by ``(dx, dy)`` widget pixels."""
        self._sync_view_geometry()
        self._view.pan(dx, dy)
        self._auto_fit = False
        self._view_moved(zoom_changed=False)

    def _sync_view_geometry(self) -> None:
        """Give the view the widget's current size and device pixel ratio."""
        v = self._view
        v.widget_w, v.widget_h = float(self.width()), float(self.height())
        v.dpr = self.devicePixelRatioF()

    def _view_moved(self, zoom_changed: bool) -> None:
        """Zoom or centre changed: repaint and tell listeners (the widget's own)."""
        raise NotImplementedError
