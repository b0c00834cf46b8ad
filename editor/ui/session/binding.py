"""The window's work kept in a session on disk, so nothing is lost: the view's part.

The rounds, their writes and the session itself belong to the :class:`Workspace`; this binds the
window to it: the mask is autosaved a moment after the last stroke and the prompt after the last
key, History hears when the session's records change, and a failed write (full disk…) shows a
plain message that does not block (everything stays in memory).
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from editor.store import RoundRecord, Session, SessionStore
from editor.ui.prompt.prompt_panel import PromptPanel
from editor.workspace import Workspace

__all__ = ["BindingHost", "SessionBinding"]


class BindingHost(Protocol):
    """What the session binding uses of the window."""

    @property
    def workspace(self) -> Workspace: ...
    @property
    def prompt_panel(self) -> PromptPanel: ...
    def show_message(self, text: str) -> None: ...


class SessionBinding(QObject):
    """``window.sessions``. Signals: ``rounds_changed()`` (History), ``write_failed(str)``."""

    rounds_changed = Signal()
    write_failed = Signal(str)

    def __init__(
        self,
        window: BindingHost,
        *,
        autosave_ms: int = 2000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.workspace = window.workspace
        self.mask_timer = QTimer(self, singleShot=True, interval=autosave_ms)
        self.mask_timer.timeout.connect(self.save_mask)
        self.prompt_timer = QTimer(self, singleShot=True, interval=800)
        self.prompt_timer.timeout.connect(self.save_prompt)
        window.prompt_panel.prompt.textChanged.connect(self._prompt_typed)
        self.workspace.rounds_changed.connect(self.rounds_changed.emit)
        self.workspace.problem.connect(self._problem)

    @property
    def store(self) -> SessionStore:
        return self.workspace.store

    @property
    def session(self) -> Session | None:
        return self.workspace.session

    @property
    def last_problem(self) -> str | None:
        return self.workspace.last_problem

    @property
    def busy(self) -> bool:
        return self.workspace.writes.busy

    async def flush(self) -> None:
        """Wait until every write asked for so far has ended."""
        await self.workspace.flush()

    def rounds(self) -> tuple[RoundRecord, ...]:
        return self.workspace.rounds()

    def unsaved(self, key: str) -> set[int]:
        return self.workspace.unsaved(key)

    def _problem(self, text: str) -> None:
        self.window.show_message(text)
        self.write_failed.emit(text)

    def _prompt_typed(self) -> None:
        self.workspace.prompt = self.window.prompt_panel.prompt.toPlainText()
        self.prompt_timer.start()

    def mask_changed(self) -> None:
        self.mask_timer.start()

    def save_mask(self) -> asyncio.Task[str | None]:
        self.mask_timer.stop()
        return self.workspace.save_mask()

    def save_prompt(self) -> None:
        self.prompt_timer.stop()
        self.workspace.save_prompt(self.window.prompt_panel.prompt.toPlainText())

    def close(self) -> None:
        """Window closing: save mask and prompt, close the session (blocking, it is the end)."""
        self.mask_timer.stop()
        self.prompt_timer.stop()
        self.workspace.prompt = self.window.prompt_panel.prompt.toPlainText()
        self.workspace.close()
