"""The References strip under the prompt: images sent after the edited one.

Tiles are labelled as the prompt names them ("image 2", "image 3", …). Add with "+", by
dropping files or images, or by pasting (Ctrl+V while the strip has focus). The current model
decides whether references may go at all and how many (``set_model_spec``); the strip says why
in plain words instead of taking what would be refused.

Each tile keeps a small thumbnail; the pixels live once, in the :class:`Reference`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QMimeData, QSize, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.core.deferred_imports import cv2
from editor.core.imageio import ImageLoadError
from editor.core.models import ModelSpec
from editor.core.references import (
    Reference,
    load_reference,
    reference_label,
    references_refusal,
)
from editor.ui.common.files import IMAGE_FILTER, qimage_to_pixels
from editor.ui.common.overlay import to_qimage

__all__ = ["ReferenceTile", "ReferencesStrip"]

THUMB = 48  # thumbnail side, logical pixels: a compact row under the prompt
_PASTED = "pasted.png"


def thumbnail(pixels: np.ndarray, side: int = THUMB) -> QPixmap:
    """A small copy of ``pixels`` (long side ``side``), so a tile never holds the full image."""
    h, w = pixels.shape[:2]
    s = min(1.0, side / max(w, h))
    size = (max(1, round(w * s)), max(1, round(h * s)))
    small = cv2.resize(pixels, size, interpolation=cv2.INTER_AREA) if s < 1 else pixels
    return QPixmap.fromImage(to_qimage(small))


class ReferenceTile(QFrame):
    """One reference: its thumbnail with the label ("image 2") along the bottom and a remove
    button in the corner, so a row of them stays one thumbnail tall."""

    remove_requested = Signal()

    def __init__(self, thumb: QPixmap, label: str, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setToolTip(f"{label}: {name}")
        self.setFixedSize(QSize(THUMB + 4, THUMB + 4))
        self.image = QLabel(self)
        self.image.setPixmap(thumb)
        self.image.setGeometry(2, 2, THUMB, THUMB)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label = QLabel(label, self)
        small = self.label.font()
        small.setPointSizeF(small.pointSizeF() * 0.8)
        self.label.setFont(small)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Readable over any picture: light text on a dark band.
        self.label.setStyleSheet("color: white; background: rgba(0, 0, 0, 150);")
        tall = self.label.sizeHint().height()
        self.label.setGeometry(2, 2 + THUMB - tall, THUMB, tall)
        self.remove_button = QToolButton(self)
        self.remove_button.setText("×")
        self.remove_button.setToolTip(f"Remove {label}")
        self.remove_button.setStyleSheet(
            "QToolButton { color: white; background: rgba(0, 0, 0, 150); border: none;"
            " border-radius: 8px; } QToolButton:hover { background: rgba(200, 40, 40, 220); }"
        )
        self.remove_button.setGeometry(THUMB + 2 - 16, 2, 16, 16)
        self.remove_button.clicked.connect(self.remove_requested)


class ReferencesStrip(QWidget):
    """A row of reference tiles with "+", drops and paste. ``changed()`` after any change;
    :meth:`references` gives them in order."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip(
            "Reference images, sent after the edited one: name them in the prompt "
            "(“the bottle from image 2”). Add, drop or paste (Ctrl+V)."
        )
        self._refs: list[Reference] = []
        self._thumbs: list[QPixmap] = []
        self._spec: ModelSpec | None = None
        self.tiles: list[ReferenceTile] = []

        # Empty, the strip is one line ("+ Add reference image"); with tiles, a "+" after them.
        self.add_button = QToolButton()
        self.add_button.setAutoRaise(True)
        self.add_button.setToolTip("Add reference images…")
        self.add_button.clicked.connect(self.choose_files)
        self._row = QHBoxLayout()
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(4)
        self._row.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._row.addStretch(1)
        row_widget = QWidget()
        row_widget.setLayout(self._row)
        self.row_area = QScrollArea()
        self.row_area.setWidget(row_widget)
        self.row_area.setWidgetResizable(True)
        self.row_area.setFrameShape(QFrame.Shape.NoFrame)
        self.row_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.row_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Many tiles scroll sideways; the row grows by the scroll bar only while it shows.
        self.row_area.horizontalScrollBar().rangeChanged.connect(
            lambda _lo, _hi: self._refresh_height()
        )
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.message.hide()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(self.row_area)
        box.addWidget(self.message)
        self._refresh_height()

    # -- reading --------------------------------------------------------------------------------

    def references(self) -> tuple[Reference, ...]:
        return tuple(self._refs)

    def labels(self) -> list[str]:
        return [t.label.text() for t in self.tiles]

    def problem(self) -> str:
        """Why the current references can't be sent to the current model ("" when they can)."""
        if self._spec is None:
            return ""
        return references_refusal(self._spec, len(self._refs)) or ""

    # -- writing --------------------------------------------------------------------------------

    def set_references(self, refs: tuple[Reference, ...] | list[Reference]) -> None:
        """Show ``refs`` (a restored round), replacing what was there. Nothing is refused: a
        round's references stay even when the model can't take them; the message says so."""
        self._refs = list(refs)
        self._thumbs = [thumbnail(r.pixels) for r in self._refs]
        self._rebuild()
        self._say("")
        self.changed.emit()

    def set_model_spec(self, spec: ModelSpec) -> None:
        self._spec = spec
        refusal = references_refusal(spec, 1)
        self.add_button.setToolTip(refusal or "Add reference images…")
        self._say("")

    def add_reference(self, ref: Reference) -> bool:
        """Append ``ref`` unless the model refuses one more (then the message says why)."""
        if self._spec is not None:
            refusal = references_refusal(self._spec, len(self._refs) + 1)
            if refusal is not None:
                self._say(refusal)
                return False
        self._refs.append(ref)
        self._thumbs.append(thumbnail(ref.pixels))
        self._rebuild()
        self._say("")
        self.changed.emit()
        return True

    def add_files(self, paths: list[str]) -> int:
        """Load and add each file; a file that can't be read is named in the message and the
        rest still come in. Returns how many were added."""
        added = 0
        problems: list[str] = []
        for path in paths:
            try:
                ref = load_reference(path)
            except ImageLoadError as e:
                problems.append(str(e))
                continue
            except OSError as e:
                problems.append(f"Could not read {path}: {e.strerror or e}")
                continue
            if not self.add_reference(ref):
                problems.append(self.message.text())
                break
            added += 1
        if problems:
            self._say(" ".join(problems))
        return added

    def add_mime(self, mime: QMimeData) -> int:
        """Files or an image from a drop or the clipboard."""
        paths = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()] if mime.hasUrls() else []
        if paths:
            return self.add_files(paths)
        if mime.hasImage():
            image = mime.imageData()
            if isinstance(image, QImage) and not image.isNull():
                return int(self.add_reference(Reference(qimage_to_pixels(image), name=_PASTED)))
        self._say("There is no image to add here.")
        return 0

    def remove_at(self, index: int) -> None:
        del self._refs[index]
        del self._thumbs[index]
        self._rebuild()
        self._say("")
        self.changed.emit()

    def choose_files(self) -> None:
        if self._spec is not None:
            refusal = references_refusal(self._spec, len(self._refs) + 1)
            if refusal is not None:  # say why before a file dialog whose choice would be refused
                self._say(refusal)
                return
        paths, _ = QFileDialog.getOpenFileNames(self, "Add Reference Images", "", IMAGE_FILTER)
        if paths:
            self.add_files(paths)

    def paste(self) -> int:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None:
            self._say("There is no image to add here.")
            return 0
        return self.add_mime(mime)

    # -- events ---------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        # In the window, Ctrl+V is also File ▸ Paste Image (a new image!); with the strip
        # focused the paste is a reference, so the strip claims the key first.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Paste)
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste()
            event.accept()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)  # so Ctrl+V reaches the strip
        super().mousePressEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasUrls() or mime.hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        self.add_mime(event.mimeData())
        event.acceptProposedAction()

    # -- internals ------------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        text = text or self.problem()
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _rebuild(self) -> None:
        for tile in self.tiles:
            self._row.removeWidget(tile)
            tile.deleteLater()
        self.tiles = []
        for i, (ref, thumb) in enumerate(zip(self._refs, self._thumbs, strict=True)):
            tile = ReferenceTile(thumb, reference_label(i), ref.name)
            tile.remove_requested.connect(lambda i=i: self.remove_at(i))
            self._row.insertWidget(i, tile)
            self.tiles.append(tile)
        self._refresh_height()

    def _refresh_height(self) -> None:
        if self.tiles:
            self.add_button.setText("+")
            self.add_button.setAutoRaise(False)
            self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.add_button.setFixedSize(QSize(28, THUMB))
            tall = self.tiles[0].height()
            bar = self.row_area.horizontalScrollBar()
            if bar.maximum() > 0:
                tall += bar.sizeHint().height()
        else:
            self.add_button.setText("+  Add reference image")
            self.add_button.setAutoRaise(True)
            self.add_button.setMinimumSize(QSize(0, 0))
            self.add_button.setMaximumSize(QSize(16777215, 16777215))
            self.add_button.adjustSize()
            tall = self.add_button.sizeHint().height()
        self.row_area.setFixedHeight(tall)
