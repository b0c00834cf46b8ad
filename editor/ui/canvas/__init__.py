"""The canvas room: painting the mask over the picture, its toolbar, and mask import and reuse."""

from editor.ui.canvas.mask_canvas import MaskCanvas
from editor.ui.canvas.mask_toolbar import MaskToolbar

__all__ = ["MaskCanvas", "MaskToolbar"]
