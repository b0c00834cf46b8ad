"""The compare room: original and variant side by side, wipe, leak, and rounds side by side."""

from editor.ui.compare.compare import CompareView
from editor.ui.compare.rounds import RoundsView

__all__ = ["CompareView", "RoundsView"]
