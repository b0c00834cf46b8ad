"""The canvas room: painting the mask over the picture, its toolbar, and mask import and reuse."""

from editor.ui.canvas.expand_dialog import ExpandCanvasDialog, preview_while_open
from editor.ui.canvas.mask_canvas import MaskCanvas
from editor.ui.canvas.mask_toolbar import MaskToolbar

__all__ = ["ExpandCanvasDialog", "MaskCanvas", "MaskToolbar", "preview_while_open"]
