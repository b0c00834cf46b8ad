"""Selection tools on the mask canvas: lasso, magic wand, object select.

Each tool keeps its own pointer and key handling in its module; :class:`SelectionTools` routes
the canvas's events to the active one and runs the slow engines off the window's loop.
"""

from editor.ui.canvas.tools.selection_tools import SELECTION_TOOLS, SelectionTools

__all__ = ["SELECTION_TOOLS", "SelectionTools"]
