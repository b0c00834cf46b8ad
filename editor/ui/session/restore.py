"""Bring a stored session back into the window: after a crash (offered at start) or by choice.

Restored: the image (the base of the newest round, the original if none), the current mask, the
prompt, every variant into the gallery (as files: a tile reads its proxy when it scrolls into
view, a full frame is decoded only when shown), the rounds into History. Rounds that were
running when the app died come back as *interrupted*; History offers Retry for them.

:func:`offer_restore` shows a non-blocking question; tests call ``offer.accept_restore()``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, Protocol, TypeVar

from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget

from editor.store import Session, SessionInfo, StoreError
from editor.ui.gallery.gallery import Gallery
from editor.ui.prompt.prompt_panel import PromptPanel
from editor.ui.session.binding import SessionBinding
from editor.workspace import LoadedSession, Workspace, load_session

__all__ = ["RestoreHost", "RestoreOffer", "offer_restore", "restore_session"]

log = logging.getLogger(__name__)
T = TypeVar("T")


class RestoreHost(Protocol):
    """What bringing a session back uses of the window."""

    @property
    def sessions(self) -> SessionBinding: ...
    @property
    def workspace(self) -> Workspace: ...
    @property
    def gallery(self) -> Gallery: ...
    @property
    def prompt_panel(self) -> PromptPanel: ...
    def show_history(self) -> None: ...
    def show_message(self, text: str) -> None: ...
    def statusBar(self) -> QStatusBar: ...
    def spawn(self, coro: Coroutine[Any, Any, T], what: str) -> asyncio.Task[T]: ...


def apply_session(window: RestoreHost, session: Session, loaded: LoadedSession) -> None:
    """Show a loaded session in the window (UI thread)."""
    window.gallery.clear()
    window.workspace.restore(session, loaded)
    for record in session.rounds:
        items = loaded.variants.get(record.id, [])
        if not items:
            continue
        tip = record.prompt
        window.gallery.add_job(record.id, f"Round {record.id} · “{_excerpt(record.prompt)}”", tip)
        if record.params.prompts:
            window.gallery.set_job_rows(
                record.id, list(record.params.prompts), record.params.per_prompt
            )
        for v in items:
            window.gallery.add_placeholder(record.id, v.index, tip)
        window.gallery.set_job_status(record.id, f"{len(items)} saved")
    window.prompt_panel.set_prompt(loaded.prompt)
    window.prompt_panel.references_strip.set_references(loaded.references)
    notes = []
    if loaded.interrupted:
        n = len(loaded.interrupted)
        notes.append(
            f"{n} round{'s were' if n != 1 else ' was'} interrupted when the app stopped — "
            "select it in History and press Retry."
        )
    if loaded.problems:
        notes.append("Some files could not be read: " + "; ".join(loaded.problems[:3]))
    if notes:
        window.show_message(" ".join(notes))
    window.statusBar().showMessage(f"Restored session “{session.name}”", 8000)
    window.show_history()


async def restore_session(window: RestoreHost, session_id: str, *, take_over: bool = True) -> bool:
    """Open a stored session and show it; False (with a message) if it can't be read."""
    store = window.sessions.store
    try:
        session = await store.open_async(session_id, take_over=take_over)
        loaded = await asyncio.to_thread(load_session, session)
    except StoreError as e:
        window.show_message(f"The session could not be opened: {e}")
        return False
    apply_session(window, session, loaded)
    return True


class RestoreOffer(QMessageBox):
    """“Inpaint Editor did not close properly. Restore …?” — non-blocking (``open()``)."""

    def __init__(
        self, window: RestoreHost, info: SessionInfo, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.window_ = window
        self.info = info
        self.task: asyncio.Task[bool] | None = None
        when = info.modified.astimezone().strftime("%d %b %Y, %H:%M")
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle("Restore your work?")
        self.setText("<b>Inpaint Editor did not close properly last time.</b>")
        self.setInformativeText(
            f"Restore “{info.name}” ({info.rounds} round{'s' * (info.rounds != 1)}, last "
            f"changed {when})? Image, mask, prompt, all variants and history come back."
        )
        self.restore_button = self.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        self.decline_button = self.addButton("Don't Restore", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.restore_button)
        self.restore_button.clicked.connect(self.accept_restore)
        self.decline_button.clicked.connect(self.decline)

    def accept_restore(self) -> asyncio.Task[bool]:
        self.hide()
        if self.task is None:
            self.task = self.window_.spawn(
                restore_session(self.window_, self.info.id), "restore the last session"
            )
        return self.task

    def decline(self) -> None:
        self.hide()
        try:
            self.window_.sessions.store.dismiss_crashed(self.info.id)
        except StoreError as e:
            log.warning("could not dismiss session %s: %s", self.info.id, e)


async def offer_restore(
    window: RestoreHost, *, show: bool = True, parent: QWidget | None = None
) -> RestoreOffer | None:
    """If a session was left open by an app that died, ask whether to restore the newest one.
    The sessions folder is walked off the loop, so the window paints and answers meanwhile."""
    try:
        crashed = await window.sessions.store.find_crashed_async()
    except StoreError as e:
        log.warning("could not look for sessions to restore: %s", e)
        return None
    if not crashed:
        return None
    offer = RestoreOffer(window, crashed[0], parent)  # list_sessions: newest first
    if show:
        offer.open()
    return offer


def _excerpt(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
