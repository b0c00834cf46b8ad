"""Where the image sits in the canvas: zoom and centre, and the mapping both ways.

``zoom`` is *device* pixels per image pixel, so 100 % shows every image pixel on exactly one
screen pixel on any display (crisp on high-DPI). Widget (logical) coordinates are device pixels
divided by ``dpr``. The view state is ``(zoom, center_x, center_y)`` with the centre in image
coordinates: independent of the widget size, so a second view can copy it to stay in sync.

The image origin is snapped to whole device pixels so 100 % is never drawn half a pixel off.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["MAX_ZOOM", "MIN_ZOOM", "ViewTransform"]

MIN_ZOOM = 0.01
MAX_ZOOM = 64.0


@dataclass(slots=True)
class ViewTransform:
    """Image ↔ widget mapping for an ``image_w × image_h`` image in a ``widget_w × widget_h``
    (logical pixels) widget with device pixel ratio ``dpr``."""

    image_w: int = 1
    image_h: int = 1
    widget_w: float = 1.0
    widget_h: float = 1.0
    dpr: float = 1.0
    zoom: float = 1.0
    center_x: float = 0.5
    center_y: float = 0.5

    @property
    def scale(self) -> float:
        """Logical widget pixels per image pixel."""
        return self.zoom / self.dpr

    @property
    def origin(self) -> tuple[float, float]:
        """Widget position of image point (0, 0), on a whole device pixel."""
        s, d = self.scale, self.dpr
        ox = self.widget_w / 2 - self.center_x * s
        oy = self.widget_h / 2 - self.center_y * s
        return round(ox * d) / d, round(oy * d) / d

    def to_image(self, wx: float, wy: float) -> tuple[float, float]:
        ox, oy = self.origin
        return (wx - ox) / self.scale, (wy - oy) / self.scale

    def to_widget(self, ix: float, iy: float) -> tuple[float, float]:
        ox, oy = self.origin
        return ox + ix * self.scale, oy + iy * self.scale

    def rect_to_widget(
        self, x0: float, y0: float, x1: float, y1: float
    ) -> tuple[int, int, int, int]:
        """Whole-pixel widget rect ``(x, y, w, h)`` that covers the image rect (plus 1 px)."""
        ax, ay = self.to_widget(x0, y0)
        bx, by = self.to_widget(x1, y1)
        left, top = math.floor(ax) - 1, math.floor(ay) - 1
        return left, top, math.ceil(bx) + 1 - left, math.ceil(by) + 1 - top

    def rect_to_image(
        self, wx: float, wy: float, ww: float, wh: float, pad: int = 2
    ) -> tuple[int, int, int, int] | None:
        """Image pixels ``(x0, y0, x1, y1)`` seen in a widget rect, padded and clipped."""
        ax, ay = self.to_image(wx, wy)
        bx, by = self.to_image(wx + ww, wy + wh)
        x0, y0 = max(0, math.floor(ax) - pad), max(0, math.floor(ay) - pad)
        x1, y1 = min(self.image_w, math.ceil(bx) + pad), min(self.image_h, math.ceil(by) + pad)
        if x0 >= x1 or y0 >= y1:
            return None
        return x0, y0, x1, y1

    def fit_zoom(self, margin: float = 0.96) -> float:
        """Zoom that shows the whole image with a small margin."""
        zx = self.widget_w * self.dpr / self.image_w
        zy = self.widget_h * self.dpr / self.image_h
        return clamp_zoom(min(zx, zy) * margin)

    def fit(self) -> None:
        self.zoom = self.fit_zoom()
        self.center_x, self.center_y = self.image_w / 2, self.image_h / 2

    def zoom_about(self, factor: float, wx: float, wy: float) -> None:
        """Multiply the zoom by ``factor`` keeping the image point under ``(wx, wy)`` in place."""
        self.set_zoom_about(self.zoom * factor, wx, wy)

    def set_zoom_about(self, zoom: float, wx: float, wy: float) -> None:
        ix, iy = self.to_image(wx, wy)
        self.zoom = clamp_zoom(zoom)
        s = self.scale
        # Solve widget_w/2 - cx*s + ix*s == wx for cx (before snapping the origin).
        self.center_x = ix - (wx - self.widget_w / 2) / s
        self.center_y = iy - (wy - self.widget_h / 2) / s
        self.clamp_center()

    def pan(self, dx: float, dy: float) -> None:
        """Move the image by ``(dx, dy)`` widget pixels."""
        self.center_x -= dx / self.scale
        self.center_y -= dy / self.scale
        self.clamp_center()

    def clamp_center(self) -> None:
        """Keep the view centre over the image so it can never be lost off screen."""
        self.center_x = min(max(self.center_x, 0.0), float(self.image_w))
        self.center_y = min(max(self.center_y, 0.0), float(self.image_h))


def clamp_zoom(zoom: float) -> float:
    return min(max(zoom, MIN_ZOOM), MAX_ZOOM)
