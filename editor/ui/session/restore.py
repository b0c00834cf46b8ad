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
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
from PIL import Image
from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget

from editor.core.markup_layer import Shape
from editor.core.references import Reference
from editor.store import (
    ORIGINAL,
    BaseRef,
    ResultRound,
    Results,
    ResultVariant,
    RoundState,
    Session,
    SessionInfo,
    StoreError,
)
from editor.ui.gallery.gallery import Gallery
from editor.ui.prompt.prompt_panel import PromptPanel
from editor.ui.session.binding import SessionBinding

__all__ = [
    "LoadedSession",
    "RestoreHost",
    "RestoreOffer",
    "load_session",
    "offer_restore",
    "restore_session",
]

log = logging.getLogger(__name__)
T = TypeVar("T")


class RestoreHost(Protocol):
    """What bringing a session back uses of the window."""

    @property
    def sessions(self) -> SessionBinding: ...
    @property
    def gallery(self) -> Gallery: ...
    @property
    def results(self) -> Results: ...
    @property
    def prompt_panel(self) -> PromptPanel: ...
    def set_image(
        self,
        pixels: np.ndarray,
        name: str = ...,
        notes: Sequence[str] = ...,
        mask: np.ndarray | None = ...,
    ) -> None: ...
    def show_history(self) -> None: ...
    def set_markup_shapes(self, shapes: Sequence[Shape]) -> None: ...
    def show_message(self, text: str) -> None: ...
    def statusBar(self) -> QStatusBar: ...
    def spawn(self, coro: Coroutine[Any, Any, T], what: str) -> asyncio.Task[T]: ...


@dataclass
class LoadedSession:
    name: str
    image: np.ndarray
    base: BaseRef
    mask: np.ndarray | None
    prompt: str
    # Round id → its variants as files (nothing decoded: tiles read their proxies in view).
    variants: dict[str, list[ResultVariant]] = field(default_factory=dict)
    interrupted: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    references: tuple[Reference, ...] = ()  # the newest round's, back in the strip
    markup: tuple[Shape, ...] = ()  # the newest round's, back on the markup layer


def _variant_size(path: Path, fallback: tuple[int, int]) -> tuple[int, int]:
    """The stored frame's (width, height) from its header (no decode)."""
    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, ValueError):
        return fallback


def load_session(session: Session) -> LoadedSession:
    """Read what the window needs to show a session (blocking: run it in a thread). Only the
    image to edit is decoded; variants stay files."""
    original = session.load_original()
    problems: list[str] = []
    variants: dict[str, list[ResultVariant]] = {}
    for record in session.rounds:
        items = []
        for v in record.variants:
            path = session.round_dir(record.id) / v.file
            proxy = session.proxy_path(record.id, v.index)
            size = _variant_size(path, session.size)
            items.append(ResultVariant(record.id, v.index, size, path, proxy, v.revised_prompt))
        if items:
            variants[record.id] = items
    image, base = original, ORIGINAL
    newest = session.rounds[-1] if session.rounds else None
    # An expansion round (Expand Canvas) made its one variant the image to edit.
    want = newest.base if newest is not None else ORIGINAL
    if newest is not None and newest.expansion is not None and newest.variant(0) is not None:
        want = BaseRef(newest.id, 0)
    try:
        mask = session.load_mask()
    except StoreError as e:
        problems.append(str(e))
        mask = None
    if not want.is_original:
        try:
            pixels = session.load_base(want)
        except (StoreError, KeyError) as e:
            problems.append(str(e))
        else:
            # A grown canvas differs from the original in size; its mask was saved with it.
            if pixels.shape == original.shape or (
                mask is not None and mask.shape == pixels.shape[:2]
            ):
                image, base = pixels, want
    if mask is not None and mask.shape != image.shape[:2]:
        mask = None
    name = session.original_name or session.name
    interrupted = [r.id for r in session.rounds if r.state is RoundState.INTERRUPTED]
    asked = [r for r in session.rounds if r.expansion is None]
    refs: tuple[Reference, ...] = ()
    if asked and asked[-1].references:
        try:
            refs = session.load_references(asked[-1].id)
        except (StoreError, KeyError) as e:
            problems.append(str(e))
    markup = asked[-1].markup if asked else ()
    if asked and asked[-1].base != base:
        markup = ()  # drawn on another image
    return LoadedSession(
        name, image, base, mask, session.prompt, variants, interrupted, problems, refs, markup
    )


def apply_session(window: RestoreHost, session: Session, loaded: LoadedSession) -> None:
    """Show a loaded session in the window (UI thread)."""
    binding = window.sessions
    binding.restoring = True
    try:
        window.gallery.clear()
        window.results.clear()
        window.set_image(loaded.image, loaded.name, mask=loaded.mask)
    finally:
        binding.restoring = False
    binding.remember_base(loaded.image, loaded.base)
    for record in session.rounds:
        items = loaded.variants.get(record.id, [])
        window.results.add_round(
            ResultRound(
                record.id,
                record.prompt,
                None,
                record.profile or "",
                round_id=record.id,
                base=record.base,
                status=record.state.value,
                cancelled=record.state is RoundState.CANCELLED,
            )
        )
        if not items:
            continue
        tip = record.prompt
        window.gallery.add_job(record.id, f"Round {record.id} · “{_excerpt(record.prompt)}”", tip)
        for v in items:
            window.results.add_variant(v)
            window.gallery.add_placeholder(record.id, v.index, tip)
        window.gallery.set_job_status(record.id, f"{len(items)} saved")
    binding.adopt(session)
    window.prompt_panel.set_prompt(loaded.prompt)
    window.prompt_panel.references_strip.set_references(loaded.references)
    window.set_markup_shapes(loaded.markup)
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


def offer_restore(
    window: RestoreHost, *, show: bool = True, parent: QWidget | None = None
) -> RestoreOffer | None:
    """If a session was left open by an app that died, ask whether to restore the newest one."""
    try:
        crashed = window.sessions.store.find_crashed()
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
