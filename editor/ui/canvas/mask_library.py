"""Mask reuse: import a mask in either convention, the previous round's mask, the session's masks.

Every way in replaces the mask as one undoable step (``MaskDocument.replace``), so Ctrl+Z brings
the painted mask back.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from PIL import Image
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from editor.core.imageio import ImageLoadError, load_mask
from editor.core.mask_document import MaskDocument
from editor.store import RoundRecord, Session, StoreError
from editor.store.mask_names import mask_names, name_mask
from editor.ui.common.files import MASK_FILTER
from editor.workspace import Workspace


class RoundSource(Protocol):
    """The open session and its rounds, where earlier masks are kept."""

    @property
    def session(self) -> Session | None: ...
    def rounds(self) -> Sequence[RoundRecord]: ...


class MaskHost(Protocol):
    """What mask import and the library use of the window."""

    @property
    def image(self) -> np.ndarray | None: ...
    @property
    def document(self) -> MaskDocument | None: ...
    @property
    def workspace(self) -> Workspace: ...
    @property
    def sessions(self) -> RoundSource: ...
    def show_message(self, text: str) -> None: ...
    def statusBar(self) -> QStatusBar: ...


__all__ = [
    "ImportMaskDialog",
    "MaskHost",
    "MaskLibrary",
    "detect_convention",
    "import_mask",
    "previous_mask",
    "reuse_previous_mask",
]

log = logging.getLogger(__name__)
_ICON = 96


def detect_convention(path: str | Path) -> str:
    """How a mask file marks the area to edit, in words (what :func:`load_mask` will do)."""
    try:
        with Image.open(path) as im:
            if im.mode in ("RGBA", "LA", "La", "RGBa", "PA") or (
                im.mode == "P" and im.has_transparency_data
            ):
                alpha = np.asarray(im.convert("RGBA").getchannel("A"))
                if int(alpha.min()) < 255:
                    return "transparent = edit (the API's convention)"
    except (OSError, ValueError):
        return "not readable as an image"
    return "white = edit, on black"


def import_mask(w: MaskHost, path: str | Path, *, invert: bool = False) -> bool:
    """Replace the mask by a file's (one undoable step); False with a message if it can't."""
    doc = w.document
    if doc is None:
        return False
    try:
        edit = load_mask(path, size=(doc.width, doc.height), invert=invert)
    except ImageLoadError as exc:
        w.show_message(f"Cannot use that mask: {exc}. The mask is unchanged.")
        return False
    doc.replace(edit)
    how = detect_convention(path) + (", inverted" if invert else "")
    w.statusBar().showMessage(f"Imported mask {Path(path).name} ({how}) — Ctrl+Z to undo", 8000)
    return True


def previous_mask(w: MaskHost) -> np.ndarray | None:
    """The mask the newest round of this image was sent with; None when there is none of this
    image's size."""
    return w.workspace.previous_mask()


def reuse_previous_mask(w: MaskHost) -> bool:
    mask = previous_mask(w)
    if mask is None or w.document is None:
        w.show_message("No earlier round of this image has a mask to reuse yet.")
        return False
    w.document.replace(mask)
    w.statusBar().showMessage("Reused the previous round's mask — Ctrl+Z to undo", 6000)
    return True


class ImportMaskDialog(QDialog):
    """File, the convention detected, and an Invert switch."""

    def __init__(self, window: MaskHost, path: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.setWindowTitle("Import Mask")
        self.path = QLineEdit(path)
        self.path.setPlaceholderText("A PNG: transparent = edit, or white = edit on black")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.detected = QLabel()
        self.detected.setForegroundRole(self.detected.foregroundRole())
        self.invert = QCheckBox("Invert (edit where the file says keep)")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        box = QVBoxLayout(self)
        box.addLayout(row)
        box.addWidget(self.detected)
        box.addWidget(self.invert)
        box.addWidget(buttons)
        self.path.textChanged.connect(self._update)
        self._update()
        self.resize(520, self.sizeHint().height())

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import Mask", self.path.text(), MASK_FILTER)
        if path:
            self.path.setText(path)

    def _update(self) -> None:
        text = self.path.text().strip()
        ok = bool(text) and Path(text).is_file()
        self.detected.setText(f"Detected: {detect_convention(text)}" if ok else "")
        self.ok.setEnabled(ok)

    def accept(self) -> None:
        if import_mask(self.window_, self.path.text().strip(), invert=self.invert.isChecked()):
            super().accept()


def _mask_icon(image: np.ndarray | None, edit: np.ndarray) -> QIcon:
    """The image dimmed, the edit area tinted red: recognisable at a glance."""
    h, w = edit.shape
    step = max(1, max(h, w) // _ICON)
    small = edit[::step, ::step].astype(np.float32) / 255
    if image is not None and image.shape[:2] == edit.shape:
        base = image[::step, ::step, :3].astype(np.float32) * 0.55
    else:
        base = np.full((*small.shape, 3), 60, np.float32)
    tint = np.array([235, 60, 50], np.float32)
    rgb = base * (1 - small[..., None] * 0.7) + tint * small[..., None] * 0.7
    rgb = np.ascontiguousarray(rgb.clip(0, 255).astype(np.uint8))
    h2, w2 = rgb.shape[:2]
    qimage = QImage(rgb.data, w2, h2, rgb.strides[0], QImage.Format.Format_RGB888)
    return QIcon(QPixmap.fromImage(qimage.copy()))


class MaskLibrary(QDialog):
    """The session's saved masks as thumbnails; Use (or double-click) replaces the mask."""

    def __init__(self, window: MaskHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.setWindowTitle("Mask Library")
        self.list = QListWidget()
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(QSize(_ICON, _ICON))
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setMovement(QListWidget.Movement.Static)
        self.list.setSpacing(6)
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(lambda _item: self.use_selected())
        self.empty = QLabel("No saved masks in this session yet: they appear as rounds run.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.use_button = buttons.addButton("Use Mask", QDialogButtonBox.ButtonRole.AcceptRole)
        self.use_button.clicked.disconnect()
        self.use_button.clicked.connect(self.use_selected)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.list, 1)
        box.addWidget(self.empty)
        box.addLayout(self._add_row())
        box.addWidget(buttons)
        self.masks: list[np.ndarray] = []
        self.reload()
        self.resize(520, 400)

    def reload(self) -> None:
        """Masks of the session's rounds (newest first), then any other saved snapshot."""
        self.list.clear()
        self.masks = []
        w = self.window_
        session = w.sessions.session
        doc = w.document
        entries: list[tuple[str, str]] = []
        seen: set[str] = set()
        self.refs: list[str] = []
        named = mask_names(session) if session is not None else {}
        for ref, name in reversed(named.items()):  # the masks a person named, newest first
            seen.add(ref)
            entries.append((ref, name))
        for record in reversed(w.sessions.rounds()):
            if record.mask and record.mask not in seen:
                seen.add(record.mask)
                prompt = " ".join(record.prompt.split())
                entries.append((record.mask, prompt[:40] + ("…" if len(prompt) > 40 else "")))
        if session is None:
            entries = []
        elif session.mask_ref and session.mask_ref not in seen:
            entries.append((session.mask_ref, "current mask (autosaved)"))
        for ref, label in entries:
            assert session is not None
            try:
                edit = session.load_mask(ref)
            except StoreError as exc:
                log.warning("mask library: %s", exc)
                continue
            if edit is None or doc is None or edit.shape != (doc.height, doc.width):
                continue
            item = QListWidgetItem(_mask_icon(w.image, edit), label)
            item.setToolTip(f"{label}\nDouble-click to use it (Ctrl+Z undoes)")
            item.setData(Qt.ItemDataRole.UserRole, len(self.masks))
            self.masks.append(edit)
            self.refs.append(ref)
            self.list.addItem(item)
        self.empty.setVisible(not self.masks)
        self.use_button.setEnabled(bool(self.masks))
        if self.masks:
            self.list.setCurrentRow(0)
        self._update_add()

    def use(self, row: int) -> bool:
        doc = self.window_.document
        if doc is None or not 0 <= row < len(self.masks):
            return False
        doc.replace(self.masks[row])
        self.window_.statusBar().showMessage("Mask from the library — Ctrl+Z to undo", 6000)
        return True

    def _add_row(self) -> QHBoxLayout:
        """A name field and "Add Current Mask": keep the mask on the canvas in the library."""
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("Name for the current mask, e.g. saucer")
        self.add_button = QPushButton("Add Current Mask")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_current)
        row = QHBoxLayout()
        row.addWidget(self.new_name, 1)
        row.addWidget(self.add_button)
        return row

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in the name field adds the mask; it must not also press the default Use Mask.
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and self.new_name.hasFocus():
            self.add_current()
            event.accept()
            return
        super().keyPressEvent(event)

    def _update_add(self) -> None:
        doc = self.window_.document
        can = doc is not None and not doc.is_empty() and self.window_.sessions.session is not None
        self.add_button.setEnabled(can)
        self.add_button.setToolTip("" if can else "Paint a mask first: there is nothing to add")

    def add_current(self) -> bool:
        """Name the mask on the canvas and list it (first); False with a message if it can't."""
        w = self.window_
        doc, session = w.document, w.sessions.session
        if doc is None or doc.is_empty() or session is None:
            w.show_message("Paint a mask first: the library keeps the mask on the canvas.")
            return False
        name = self.new_name.text().strip() or f"Mask {len(mask_names(session)) + 1}"
        try:
            ref = name_mask(session, doc.edit.copy(), name)
        except (StoreError, ValueError) as exc:
            w.show_message(f"Could not add the mask to the library: {exc}")
            return False
        self.new_name.clear()
        self.reload()
        if ref in self.refs:
            self.list.setCurrentRow(self.refs.index(ref))
        w.statusBar().showMessage(f"Added “{name}” to the Mask Library", 6000)
        return True

    def use_selected(self) -> None:
        if self.use(self.list.currentRow()):
            self.accept()
