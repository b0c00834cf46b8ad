"""The session room: the history tree of rounds, stored sessions, restore after a crash."""

from typing import TYPE_CHECKING, Any

from editor.ui.session.history_panel import HistoryPanel

if TYPE_CHECKING:
    from editor.ui.session.sessions_dialog import SessionsDialog

__all__ = ["HistoryPanel", "SessionsDialog"]


def __getattr__(name: str) -> Any:
    # The sessions dialog is imported when first opened, not with the window.
    if name == "SessionsDialog":
        from editor.ui.session.sessions_dialog import SessionsDialog

        return SessionsDialog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
