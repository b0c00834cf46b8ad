"""Magic wand (W): a click selects the similar colour around it (or everywhere, not contiguous).

Tolerance and contiguity come from the toolbar (through the tool host); the flood fill runs on
the worker thread, so a 24 MP click leaves the window responsive.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from editor.core.selection import magic_wand
from editor.ui.canvas.tools.base import SelectionTool

__all__ = ["WandTool"]


class WandTool(SelectionTool):
    def press(self, x: float, y: float, button: Qt.MouseButton, mods: Qt.KeyboardModifier) -> bool:
        pixels = self.host.image()
        if button != Qt.MouseButton.LeftButton or pixels is None:
            return False
        h, w = pixels.shape[:2]
        if not (0 <= x < w and 0 <= y < h):
            return True  # a click beside the picture selects nothing
        tolerance, contiguous = self.host.tolerance, self.host.contiguous
        self.host.run(
            lambda cancel: magic_wand(
                pixels, x, y, tolerance=tolerance, contiguous=contiguous, cancel=cancel
            ),
            self.host.mode_for(mods),
        )
        return True
