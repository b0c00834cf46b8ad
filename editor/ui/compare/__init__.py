"""The compare room: original and variant side by side, wipe, leak, and rounds side by side."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from editor.ui.compare.compare import CompareView
    from editor.ui.compare.rounds import RoundsView

__all__ = ["CompareView", "RoundsView"]


def __getattr__(name: str) -> Any:
    # The views are imported when the window first shows one, not with the window.
    if name == "CompareView":
        from editor.ui.compare.compare import CompareView

        return CompareView
    if name == "RoundsView":
        from editor.ui.compare.rounds import RoundsView

        return RoundsView
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
