"""The session room: the history tree of rounds, stored sessions, restore after a crash."""

from editor.ui.session.history_panel import HistoryPanel
from editor.ui.session.sessions_dialog import SessionsDialog

__all__ = ["HistoryPanel", "SessionsDialog"]
