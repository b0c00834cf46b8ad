"""History: the session's rounds as a tree (a round made from a variant sits under its round).

Each row: a thumbnail of its first variant, the prompt, the time and how it ended. Clicking a
round brings back its base image, its mask and its prompt — one undoable step for the image and
one for the mask. Interrupted or failed rounds can be sent again with Retry.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

import numpy as np
from PySide6.QtCore import QModelIndex, QSize, Qt
from PySide6.QtGui import QIcon, QPalette, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStatusBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from editor.core.markup_layer import Shape
from editor.core.references import Reference
from editor.pipeline.fanout import CapabilityMemory
from editor.pipeline.jobs import Job
from editor.store import BaseRef, RoundRecord, RoundState, StoreError, round_seq
from editor.ui.prompt.prompt_panel import PromptPanel
from editor.ui.session.binding import SessionBinding
from editor.workspace import Workspace

__all__ = ["HistoryPanel"]

_THUMB = 48
_STATE_TEXT = {
    RoundState.RUNNING: "running",
    RoundState.SUCCEEDED: "done",
    RoundState.FAILED: "failed",
    RoundState.CANCELLED: "cancelled",
    RoundState.INTERRUPTED: "interrupted",
}
_ROLE = Qt.ItemDataRole.UserRole


T = TypeVar("T")


class LearnedLimits(Protocol):
    """The learned per-service limits (n per request, no streaming) a Retry honours."""

    @property
    def memory(self) -> CapabilityMemory: ...


class HistoryHost(Protocol):
    """What the History tab uses of the window to restore and retry rounds."""

    @property
    def workspace(self) -> Workspace: ...
    @property
    def sessions(self) -> SessionBinding: ...
    @property
    def prompt_panel(self) -> PromptPanel: ...
    @property
    def capabilities(self) -> LearnedLimits: ...
    def show_original(self) -> None: ...
    def set_markup_shapes(self, shapes: Sequence[Shape]) -> None: ...
    def show_jobs(self) -> None: ...
    def show_message(self, text: str) -> None: ...
    def statusBar(self) -> QStatusBar: ...
    def spawn(self, coro: Coroutine[Any, Any, T], what: str) -> asyncio.Task[T]: ...


class HistoryPanel(QWidget):
    def __init__(self, window: HistoryHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Round", "Time", "State"])
        self.tree.setIconSize(QSize(_THUMB, _THUMB))
        self.tree.setRootIsDecorated(True)
        self.tree.setIndentation(14)
        self.tree.setUniformRowHeights(False)
        self.tree.setToolTip("Click a round to bring back its image, mask and prompt (undoable)")
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, header.ResizeMode.Stretch)
        header.setSectionResizeMode(1, header.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, header.ResizeMode.ResizeToContents)
        self.empty = QLabel("Rounds appear here as you generate.")
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.retry_button = QPushButton("Retry")
        self.retry_button.setToolTip("Send the selected round again, exactly as it was")
        self.retry_button.setEnabled(False)
        self.retry_button.clicked.connect(self._retry_selected)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.retry_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 2, 0, 0)
        box.setSpacing(2)
        box.addWidget(self.empty)
        box.addWidget(self.tree, 1)
        box.addLayout(buttons)
        self._thumbs: dict[str, QIcon] = {}
        self._followed: str | None = None  # the round the window shows
        self.task: asyncio.Task[bool] | None = None  # the last restore or retry (tests wait)
        self.tree.itemClicked.connect(lambda item, _col: self.restore(item.data(0, _ROLE)))
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        window.sessions.rounds_changed.connect(self.refresh)
        self.refresh()

    # -- the list -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Newest first, as Jobs and the gallery: a round made from a variant sits under its
        round."""
        rounds = self.window_.sessions.rounds()
        current = self.selected_round() or self._followed
        self.tree.clear()
        items: dict[str, QTreeWidgetItem] = {}
        for record in rounds:
            item = QTreeWidgetItem(
                [_title(record), _time(record.started), _STATE_TEXT[record.state]]
            )
            item.setData(0, _ROLE, record.id)
            item.setToolTip(0, _tooltip(record))
            item.setIcon(0, self._thumb(record))
            parent = items.get(record.base.round_id or "")
            if parent is not None:
                parent.insertChild(0, item)
                parent.setExpanded(True)
            else:
                self.tree.insertTopLevelItem(0, item)
            items[record.id] = item
            if record.id == current:
                self.tree.setCurrentItem(item)
        self.empty.setVisible(not rounds)
        self.tree.setVisible(bool(rounds))
        self._update_buttons()

    def highlight(self, round_id: str | None) -> None:
        """Follow what the window shows (a round's variant, or a round's image as the base)
        without restoring anything."""
        self._followed = round_id
        item = self.item(round_id) if round_id is not None else None
        if item is None:
            self.tree.clearSelection()
            self.tree.setCurrentIndex(QModelIndex())
        else:
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item)

    def item(self, round_id: str) -> QTreeWidgetItem | None:
        for item in self._walk():
            if item.data(0, _ROLE) == round_id:
                return item
        return None

    def _walk(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            if item is None:
                continue
            out.append(item)
            stack.extend(item.child(i) for i in range(item.childCount()))
        return out

    def selected_round(self) -> str | None:
        item = self.tree.currentItem()
        return None if item is None else str(item.data(0, _ROLE))

    def _thumb(self, record: RoundRecord) -> QIcon:
        key = f"{record.id}:{len(record.variants)}"
        if key not in self._thumbs:
            session = self.window_.sessions.session
            icon = QIcon()
            if session is not None and record.variants:
                try:  # the small proxy when there is one: no full-size decode here
                    index = record.variants[0].index
                    path = session.proxy_path(record.id, index) or session.variant_path(
                        record.id, index
                    )
                except KeyError:
                    path = None
                pixmap = QPixmap(str(path)) if path is not None else QPixmap()
                if not pixmap.isNull():
                    icon = QIcon(
                        pixmap.scaled(
                            _THUMB,
                            _THUMB,
                            Qt.AspectRatioMode.KeepAspectRatio,
                            Qt.TransformationMode.SmoothTransformation,
                        )
                    )
            self._thumbs[key] = icon
        return self._thumbs[key]

    def _update_buttons(self) -> None:
        record = self._record(self.selected_round())
        self.retry_button.setEnabled(record is not None and record.state.finished)
        if record is not None and record.state in (RoundState.INTERRUPTED, RoundState.FAILED):
            self.retry_button.setText("Retry")
        else:
            self.retry_button.setText("Send Again")

    def _record(self, round_id: str | None) -> RoundRecord | None:
        session = self.window_.sessions.session
        if session is None or round_id is None:
            return None
        try:
            return session.round(round_id)
        except KeyError:
            return None

    # -- restore and retry ----------------------------------------------------------------------

    def restore(self, round_id: str) -> asyncio.Task[bool] | None:
        """Bring back a round's base image, mask and prompt (undoable)."""
        record = self._record(round_id)
        if record is None:
            return None
        self.task = self.window_.spawn(self._restore(record), f"restore round {record.id}")
        return self.task

    async def _restore(self, record: RoundRecord) -> bool:
        w = self.window_
        ws = w.workspace
        grew = record.expansion is not None  # Expand Canvas: its grown frame is what it made
        loaded = await self._load(record, made=grew)
        if loaded is None or ws.image is None or ws.document is None:
            return False
        base, mask = loaded
        w.show_original()  # the canvas shows the round's image, as the message says
        label = f"Back to {round_name(record.id)}"
        made = BaseRef(record.id, 0) if grew else record.base
        if base.shape[:2] != ws.image.shape[:2]:  # a canvas of another size: image and mask
            ws.restore_canvas(base, mask, made, label)
        elif not np.array_equal(base, ws.image):
            ws.restore_image(base, made, label)
        document = ws.document
        assert document is not None
        edit = mask if mask is not None else np.zeros_like(document.edit)
        regions = []
        if record.regions:
            try:
                regions = await ws.round_regions(record)
            except (StoreError, KeyError) as e:
                w.show_message(f"The regions of {round_name(record.id)} could not be read: {e}")
        if regions:
            ws.set_regions(regions)  # every region's mask and prompt, each undoable
        else:
            ws.end_regions()
            if edit.shape == document.edit.shape and not np.array_equal(edit, document.edit):
                document.replace(edit)
        if grew:
            w.statusBar().showMessage(
                f"{round_name(record.id)}: back at the expanded canvas — Ctrl+Z to undo", 8000
            )
            return True
        w.prompt_panel.set_prompt(record.prompt)
        w.set_markup_shapes(record.markup)
        session = w.sessions.session
        refs: tuple[Reference, ...] = ()
        if record.references and session is not None:
            try:
                refs = await asyncio.to_thread(session.load_references, record.id)
            except (StoreError, KeyError) as e:
                w.show_message(f"The references of {round_name(record.id)} could not be read: {e}")
        w.prompt_panel.references_strip.set_references(refs)
        w.statusBar().showMessage(
            f"Back at {round_name(record.id)}: its image, mask{', markup' * bool(record.markup)} "
            "and prompt — Ctrl+Z to undo",
            8000,
        )
        return True

    async def _load(
        self, record: RoundRecord, *, made: bool = False
    ) -> tuple[np.ndarray, np.ndarray | None] | None:
        """The round's base (or, ``made``, its first variant) and mask, read off the loop."""
        session = self.window_.sessions.session
        if session is None:
            return None

        def read() -> tuple[np.ndarray, np.ndarray | None]:
            mask = session.load_mask(record.mask) if record.mask is not None else None
            if made:
                return session.load_variant(record.id, 0), mask
            return session.load_base(record.base), mask

        try:
            return await asyncio.to_thread(read)
        except (StoreError, KeyError) as e:
            self.window_.show_message(f"{round_name(record.id)} could not be read: {e}")
            return None

    def _retry_selected(self) -> None:
        round_id = self.selected_round()
        if round_id is not None:
            self.retry(round_id)

    def retry(self, round_id: str) -> asyncio.Task[bool] | None:
        record = self._record(round_id)
        if record is None:
            return None
        self.task = self.window_.spawn(self._retry(record), f"retry round {record.id}")
        return self.task

    async def _retry(self, record: RoundRecord) -> bool:
        w = self.window_
        if record.expansion is not None:
            name = round_name(record.id)
            w.show_message(
                f"{name[:1].upper()}{name[1:]} expanded the canvas; there is nothing to send."
            )
            return False
        panel = w.prompt_panel
        profile = next((p for p in panel.profiles() if p.id and p.id == record.profile), None)
        profile = profile or panel.profile()
        problem = profile.problem()
        if problem:
            w.show_message(problem)
            return False
        try:
            job: Job = await w.workspace.retry_stored(record, profile, w.capabilities.memory)
        except (StoreError, KeyError) as e:
            w.show_message(f"{round_name(record.id)} could not be read: {e}")
            return False
        w.show_jobs()
        w.statusBar().showMessage(f"{round_name(record.id)} sent again as job {job.id}", 6000)
        return True


def _title(record: RoundRecord) -> str:
    if record.expansion is not None:
        sides = zip(record.expansion.sides, ("left", "top", "right", "bottom"), strict=True)
        grown = ", ".join(f"+{n} {side}" for n, side in sides if n)
        return f"Expand canvas ({grown or 'no change'})\n{round_name(record.id)}"
    prompt = " ".join(record.prompt.split()) or "(no prompt)"
    prompt = prompt if len(prompt) <= 44 else prompt[:43] + "…"
    n = len(record.variants)
    return f"{prompt}\n{round_name(record.id)} · {n} variant{'s' * (n != 1)}"


def round_name(round_id: str) -> str:
    """ "Round 3" for the session's ``r0003``: the numbering the whole window uses."""
    seq = round_seq(round_id)
    return f"Round {seq if seq is not None else round_id}"


def _time(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%H:%M")
    except ValueError:
        return ""


def _tooltip(record: RoundRecord) -> str:
    lines = [record.prompt, f"{round_name(record.id)} · {_STATE_TEXT[record.state]}"]
    if not record.base.is_original:
        base = round_name(record.base.round_id or "")
        lines.append(f"Made from variant {(record.base.variant or 0) + 1} of {base}")
    if record.error:
        lines.append(record.error)
    return "\n".join(lines)
