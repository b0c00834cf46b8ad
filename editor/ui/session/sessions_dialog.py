"""File ▸ Open Session…: the stored sessions with date, size and rounds; Open, Delete, Clean Up.

And File ▸ Save Session As…, which names the current session (it is always saved already).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from editor.store import SessionInfo, SessionStatus, StoreError
from editor.ui.session.restore import RestoreHost, restore_session

__all__ = ["SessionsDialog", "format_bytes", "rename_session"]

_ROLE = Qt.ItemDataRole.UserRole


def format_bytes(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


class SessionsDialog(QDialog):
    def __init__(self, window: RestoreHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.store = window.sessions.store
        self.task: asyncio.Task[bool] | None = None
        self.busy: asyncio.Task[None] | None = None  # a listing or deletion under way
        self.setWindowTitle("Open Session")
        self.resize(720, 460)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Name", "Last changed", "Size", "Rounds", ""])
        self.tree.setRootIsDecorated(False)
        self.tree.setIconSize(self.tree.iconSize() * 2)
        self.tree.itemDoubleClicked.connect(lambda *_: self.open_selected())
        self.summary = QLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = QPushButton("Open")
        self.delete_button = QPushButton("Delete")
        self.cleanup_button = QPushButton("Clean Up to Budget")
        self.buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.cleanup_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.clicked.connect(self.open_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.cleanup_button.clicked.connect(self.cleanup)
        self.buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.tree, 1)
        box.addWidget(self.summary)
        box.addWidget(self.buttons)
        self.refresh()

    def refresh(self, done: str = "") -> asyncio.Task[None]:
        """List the sessions again (the folders are walked off the loop); ``done`` is said
        after the summary."""
        return self._run(self._list(done), "list the sessions")

    def _run(self, work: Coroutine[Any, Any, None], what: str) -> asyncio.Task[None]:
        self.summary.setText("Reading the sessions folder…")
        for button in (self.delete_button, self.cleanup_button):
            button.setEnabled(False)
        self.busy = self.window_.spawn(work, what)
        return self.busy

    async def _list(self, done: str = "") -> None:
        try:
            infos = await self.store.list_sessions_async()
        except StoreError as e:
            self.summary.setText(str(e))
            infos = []
        else:
            self._fill(infos, done)
        for button in (self.delete_button, self.cleanup_button):
            button.setEnabled(True)

    def _fill(self, infos: list[SessionInfo], done: str) -> None:
        self.tree.clear()
        current = self.window_.sessions.session
        for info in infos:
            item = QTreeWidgetItem(
                [
                    info.name,
                    info.modified.astimezone().strftime("%Y-%m-%d %H:%M"),
                    format_bytes(info.size_bytes),
                    str(info.rounds),
                    _status(info, current.id if current else None),
                ]
            )
            item.setData(0, _ROLE, info.id)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if info.thumbnail is not None:
                item.setIcon(0, QIcon(QPixmap(str(info.thumbnail))))
            self.tree.addTopLevelItem(item)
        for col in range(1, 5):
            self.tree.resizeColumnToContents(col)
        self.tree.setColumnWidth(0, max(240, self.tree.columnWidth(0)))
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)
        total = sum(i.size_bytes for i in infos)
        budget = self.store.budget_bytes
        limit = f" of a {format_bytes(budget)} budget" if budget else ""
        self.summary.setText(f"{len(infos)} sessions, {format_bytes(total)}{limit}.{done}")

    def selected(self) -> str | None:
        item = self.tree.currentItem()
        return None if item is None else str(item.data(0, _ROLE))

    def open_selected(self) -> asyncio.Task[bool] | None:
        session_id = self.selected()
        if session_id is None:
            return None
        current = self.window_.sessions.session
        if current is not None and current.id == session_id:
            self.accept()
            return None
        self.task = self.window_.spawn(
            restore_session(self.window_, session_id, take_over=False), "open the session"
        )
        self.accept()
        return self.task

    def delete_selected(self) -> asyncio.Task[None] | None:
        """Delete the selected session's folder (off the loop), then list again."""
        session_id = self.selected()
        if session_id is None:
            return None

        async def delete() -> None:
            try:
                await self.store.delete_session_async(session_id)
            except StoreError as e:
                await self._list(f" {e}")
                return
            await self._list()

        return self._run(delete(), "delete the session")

    def cleanup(self) -> asyncio.Task[None]:
        """Delete the oldest sessions down to the storage budget (off the loop)."""

        async def clean() -> None:
            try:
                deleted = await self.store.cleanup_async()
            except StoreError as e:
                await self._list(f" {e}")
                return
            n = len(deleted)
            await self._list(f" Deleted {n} old session{'s' * (n != 1)}.")

        return self._run(clean(), "clean up old sessions")


def _status(info: SessionInfo, current: str | None) -> str:
    if info.id == current:
        return "this window"
    if info.status is SessionStatus.OPEN:
        return "open elsewhere"
    if info.status is SessionStatus.CRASHED:
        return "can be restored"
    return ""


def rename_session(
    window: RestoreHost, name: str | None = None, parent: QWidget | None = None
) -> bool:
    """Give the current session a name (asked for unless given). It is saved as you go."""
    session = window.sessions.session
    if session is None:
        window.show_message("There is no session yet: open an image first.")
        return False
    if name is None:
        name, ok = QInputDialog.getText(
            parent, "Save Session As", "Session name:", text=session.name
        )
        if not ok:
            return False
    try:
        session.rename(name)
    except (StoreError, ValueError) as e:
        window.show_message(f"The session could not be renamed: {e}")
        return False
    window.statusBar().showMessage(f"Session saved as “{session.name}”", 5000)
    return True
