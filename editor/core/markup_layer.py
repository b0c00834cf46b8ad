"""The markup layer: the designer's arrows, circles and scribbles over the image, apart from the
mask, kept as shapes (a few numbers each, at any zoom) and drawn to pixels only when sent.

Every finished shape and every Clear is one undo step of the layer's own. ``step_added`` tells
a window timeline that the layer recorded a step (so Ctrl+Z can walk mask and markup steps in
the order they were made); ``changed`` fires on any change, undo and redo included. Qt-free.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from psygnal import Signal

from editor.core.deferred_imports import cv2

__all__ = [
    "MARKUP_COLOR",
    "MarkupLayer",
    "Shape",
    "ShapeKind",
    "default_width",
    "render_shapes",
]

ShapeKind = Literal["pen", "arrow", "ellipse"]
SHAPE_KINDS: tuple[ShapeKind, ...] = ("pen", "arrow", "ellipse")
# A clear red, as a designer marks a print: reads on most photos and is named easily in a
# prompt ("what is circled in red").
MARKUP_COLOR = (235, 30, 45)


def default_width(size: tuple[int, int]) -> int:
    """A line a model sees after downscaling: 0.6 % of the shorter side, at least 4 px."""
    return max(4, round(0.006 * min(size)))


@dataclass(frozen=True, slots=True)
class Shape:
    kind: ShapeKind
    points: tuple[tuple[float, float], ...]  # image pixels; arrow/ellipse: start and end
    width: int
    color: tuple[int, int, int] = MARKUP_COLOR

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "points": [[round(x, 2), round(y, 2)] for x, y in self.points],
            "width": self.width,
            "color": list(self.color),
        }

    @classmethod
    def from_json(cls, doc: Any) -> Shape:
        if not isinstance(doc, dict) or doc.get("kind") not in SHAPE_KINDS:
            raise ValueError("a markup shape has a kind: pen, arrow or ellipse")
        points = tuple((float(x), float(y)) for x, y in doc["points"])
        color = tuple(int(c) for c in doc.get("color", MARKUP_COLOR))
        if not points or len(color) != 3:
            raise ValueError("a markup shape has points and an RGB colour")
        return cls(doc["kind"], points, max(1, int(doc["width"])), (color[0], color[1], color[2]))

    def box(self) -> tuple[int, int, int, int]:
        """The shape's extent in image pixels, its line included (x0, y0, x1, y1)."""
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        pad = self.width * 3 + 2  # an arrow's head reaches past its end
        return (
            int(min(xs)) - pad,
            int(min(ys)) - pad,
            int(max(xs)) + pad + 1,
            int(max(ys)) + pad + 1,
        )

    def draw(self, canvas: np.ndarray) -> None:
        """Draw onto an RGBA canvas, anti-aliased."""
        color = (*self.color, 255)
        pts = np.asarray(self.points, np.float64)
        if self.kind == "pen":
            if len(pts) == 1:
                cv2.circle(canvas, _pt(pts[0]), max(1, self.width // 2), color, -1, cv2.LINE_AA)
            else:
                poly = np.rint(pts).astype(np.int32).reshape(-1, 1, 2)
                cv2.polylines(canvas, [poly], False, color, self.width, cv2.LINE_AA)
        elif self.kind == "arrow":
            a, b = pts[0], pts[-1]
            length = float(np.hypot(*(b - a)))
            tip = min(0.45, (self.width * 4) / length) if length > 0 else 0.1
            cv2.arrowedLine(canvas, _pt(a), _pt(b), color, self.width, cv2.LINE_AA, 0, tip)
        else:
            (x0, y0), (x1, y1) = pts[0], pts[-1]
            centre = _pt(((x0 + x1) / 2, (y0 + y1) / 2))
            axes = (max(1, round(abs(x1 - x0) / 2)), max(1, round(abs(y1 - y0) / 2)))
            cv2.ellipse(canvas, centre, axes, 0, 0, 360, color, self.width, cv2.LINE_AA)


def render_shapes(size: tuple[int, int], shapes: Sequence[Shape]) -> np.ndarray | None:
    """Shapes as RGBA pixels of ``size`` (w, h), transparent where unmarked; None for none."""
    if not shapes:
        return None
    w, h = size
    canvas = np.zeros((h, w, 4), np.uint8)
    for shape in shapes:
        shape.draw(canvas)
    return canvas


def _pt(p: Sequence[float]) -> tuple[int, int]:
    return round(float(p[0])), round(float(p[1]))


@dataclass
class _State:
    shapes: tuple[Shape, ...] = ()
    undo: list[tuple[Shape, ...]] = field(default_factory=list)
    redo: list[tuple[Shape, ...]] = field(default_factory=list)


class MarkupLayer:
    """Shapes over an image of ``size`` (w, h). Signals: ``changed()`` on every change,
    ``step_added()`` when a new undo step is recorded (not on undo/redo)."""

    changed = Signal()
    step_added = Signal()

    def __init__(self, size: tuple[int, int], shapes: Sequence[Shape] = ()) -> None:
        self.size = (int(size[0]), int(size[1]))
        self._state = _State(tuple(shapes))
        self._visible = True

    # -- reading ------------------------------------------------------------------------------

    @property
    def shapes(self) -> tuple[Shape, ...]:
        return self._state.shapes

    @property
    def empty(self) -> bool:
        return not self._state.shapes

    @property
    def visible(self) -> bool:
        """Shown on the canvas (it is sent either way)."""
        return self._visible

    @visible.setter
    def visible(self, on: bool) -> None:
        if bool(on) != self._visible:
            self._visible = bool(on)
            self.changed.emit()

    @property
    def can_undo(self) -> bool:
        return bool(self._state.undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._state.redo)

    def render(self) -> np.ndarray | None:
        """The layer as RGBA pixels at the image's size (transparent where unmarked); None
        when there is nothing on it."""
        return render_shapes(self.size, self._state.shapes)

    # -- changing -----------------------------------------------------------------------------

    def add(self, shape: Shape) -> None:
        self._record((*self._state.shapes, shape))

    def clear(self) -> None:
        if not self.empty:
            self._record(())

    def replace_all(self, shapes: Sequence[Shape]) -> None:
        """Put these shapes back as they were saved (History, restore): one undo step."""
        if tuple(shapes) != self._state.shapes:
            self._record(tuple(shapes))

    def undo(self) -> bool:
        if not self._state.undo:
            return False
        self._state.redo.append(self._state.shapes)
        self._state.shapes = self._state.undo.pop()
        self.changed.emit()
        return True

    def redo(self) -> bool:
        if not self._state.redo:
            return False
        self._state.undo.append(self._state.shapes)
        self._state.shapes = self._state.redo.pop()
        self.changed.emit()
        return True

    def _record(self, shapes: tuple[Shape, ...]) -> None:
        self._state.undo.append(self._state.shapes)
        self._state.redo.clear()
        self._state.shapes = shapes
        self.step_added.emit()
        self.changed.emit()

    # -- saving -------------------------------------------------------------------------------

    def to_json(self) -> list[dict[str, Any]]:
        return [s.to_json() for s in self._state.shapes]

    @staticmethod
    def shapes_from_json(doc: Any) -> tuple[Shape, ...]:
        """Saved shapes; raises ValueError for anything that is not a list of shapes."""
        if not isinstance(doc, list):
            raise ValueError("markup is a list of shapes")
        try:
            return tuple(Shape.from_json(d) for d in doc)
        except (KeyError, TypeError) as exc:
            raise ValueError(f"a markup shape could not be read: {exc}") from exc
