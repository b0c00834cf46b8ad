"""The canvas room: painting the mask over the picture, its toolbar, and mask import and reuse."""

from typing import TYPE_CHECKING, Any

from editor.ui.canvas.mask_canvas import MaskCanvas
from editor.ui.canvas.mask_toolbar import MaskToolbar

if TYPE_CHECKING:
    from editor.ui.canvas.expand_dialog import ExpandCanvasDialog, preview_while_open

__all__ = ["ExpandCanvasDialog", "MaskCanvas", "MaskToolbar", "preview_while_open"]


def __getattr__(name: str) -> Any:
    # The Expand Canvas dialog is imported when first opened, not with the window.
    if name in ("ExpandCanvasDialog", "preview_while_open"):
        from editor.ui.canvas import expand_dialog

        return getattr(expand_dialog, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
