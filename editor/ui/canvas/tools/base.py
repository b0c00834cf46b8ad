"""What a selection tool sees of the canvas, and what the canvas asks of a tool."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainter, QPen

from editor.core.markup_layer import MarkupLayer
from editor.core.mask_document import MaskDocument

if TYPE_CHECKING:
    from editor.ui.canvas.tools.selection_tools import SelectionTools

__all__ = ["CanvasView", "SelectionTool", "outline_pens"]


class CanvasView(Protocol):
    """The canvas as the tools use it (image coordinates in, widget coordinates out)."""

    @property
    def document(self) -> MaskDocument | None: ...
    @property
    def markup(self) -> MarkupLayer | None: ...
    def begin_edit(self) -> None: ...
    @property
    def brush_size(self) -> int: ...
    def image_pixels(self) -> np.ndarray | None: ...
    def map_to_image(self, pos: QPointF) -> tuple[float, float]: ...
    def map_from_image(self, x: float, y: float) -> QPointF: ...
    def view_scale(self) -> float: ...
    def update(self) -> None: ...


class SelectionTool:
    """Default handling: nothing; a tool overrides what it uses. Positions are image pixels."""

    def __init__(self, host: SelectionTools) -> None:
        self.host = host

    def press(self, x: float, y: float, button: Qt.MouseButton, mods: Qt.KeyboardModifier) -> bool:
        return False

    def move(self, x: float, y: float, mods: Qt.KeyboardModifier) -> None:
        pass

    def release(self, x: float, y: float, button: Qt.MouseButton) -> None:
        pass

    def double_click(self, x: float, y: float, button: Qt.MouseButton) -> bool:
        return False

    def wants_key(self, key: Qt.Key) -> bool:
        """Whether ``key`` means something to the tool now (it then wins over window shortcuts)."""
        return False

    def key(self, key: Qt.Key, mods: Qt.KeyboardModifier) -> bool:
        return False

    def paint(self, p: QPainter) -> None:
        pass

    def cancel(self) -> None:
        """Forget any shape in progress (tool switched, document replaced)."""


def outline_pens() -> tuple[QPen, QPen]:
    """A dark pen under a dashed light one: an outline readable on any picture."""
    under = QPen(Qt.GlobalColor.black, 3)
    under.setCosmetic(True)
    over = QPen(Qt.GlobalColor.white, 1.5, Qt.PenStyle.DashLine)
    over.setCosmetic(True)
    return under, over
