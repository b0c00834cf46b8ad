"""Thin strips above the canvas: which variant is showing, and non-modal messages.

Also the empty-window drop target.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QTextDocumentFragment,
)
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from editor.ui.common.icons import app_icon

__all__ = ["NO_IMAGE", "DropTarget", "MessageBanner", "VariantBanner"]

NO_IMAGE = "no image"  # the cause of messages that opening an image answers


class _Strip(QFrame):
    def __init__(self, background: QColor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, background)
        palette.setColor(QPalette.ColorRole.WindowText, QColor(255, 255, 255))
        self.setPalette(palette)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(12, 5, 8, 5)
        self.row.addWidget(self.label, 1)

    def add_button(self, text: str, tooltip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tooltip)
        button.setAutoDefault(False)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # clicking keeps the canvas keys alive
        self.row.addWidget(button)
        return button


class VariantBanner(_Strip):
    """What the canvas shows instead of the image — "Round 3 · variant 2", or "Original (peek)"
    while \\ is held — with Original / Use as base / Save buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(QColor(46, 104, 190), parent)
        self._what = ""
        self.original_button = self.add_button("Original", "Back to the original (Esc)")
        self.base_button = self.add_button(
            "Use as base", "Make this variant the image; the mask stays (Ctrl+Z undoes)"
        )
        self.save_button = self.add_button("Save…", "Save this variant (Ctrl+S)")
        self.hide()

    def show_variant(self, round_number: int, index: int, count: int) -> None:
        self._what = f"Round {round_number} · variant {index + 1}"
        if count > 1:
            self._what += f" of {count}"
        self.set_peeking(False)
        self.show()

    def set_peeking(self, on: bool) -> None:
        """While \\ is held the canvas shows the original, and the banner says so."""
        if on:
            self.label.setText(f"<b>Original (peek)</b> — release \\ to see {self._what}")
        else:
            self.label.setText(
                f"<b>{self._what}</b> — Esc or Original to return, hold \\ to peek at the original"
            )

    def text(self) -> str:
        """The banner's words as a person reads them (no markup)."""
        return QTextDocumentFragment.fromHtml(self.label.text()).toPlainText()


class MessageBanner(_Strip):
    """A non-modal message (e.g. why Generate did nothing) with a close button.

    A message may name its ``cause`` (e.g. ``"no image"``); :meth:`resolve` hides it once the
    cause is gone, so no stale message greets the next step."""

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(QColor(176, 58, 46), parent)
        self.action_button = self.add_button("", "")
        self.action_button.clicked.connect(self._act)
        self.action_button.hide()
        self.close_button = self.add_button("Dismiss", "Hide this message")
        self.close_button.clicked.connect(self._dismiss)
        self.cause: str | None = None
        self._action: Callable[[], None] | None = None
        self.hide()

    def show_message(
        self,
        text: str,
        cause: str | None = None,
        action: tuple[str, Callable[[], None]] | None = None,
    ) -> None:
        """Show ``text``; ``action`` (label, what it does) adds a button, e.g. an Undo."""
        self.label.setText(text)
        self.cause = cause
        self._action = action[1] if action is not None else None
        self.action_button.setText(action[0] if action is not None else "")
        self.action_button.setVisible(action is not None)
        self.show()

    def _act(self) -> None:
        act = self._action
        self._dismiss()
        if act is not None:
            act()

    def resolve(self, cause: str) -> None:
        """``cause`` is gone: hide its message (another message stays)."""
        if self.cause == cause and self.isVisible():
            self._dismiss()

    def text(self) -> str:
        return self.label.text()

    def _dismiss(self) -> None:
        self.cause = None
        self._action = None
        self.action_button.hide()
        self.hide()
        self.closed.emit()


class DropTarget(QWidget):
    """What an empty window shows: a big friendly target with the app icon and an Open button."""

    open_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hover = False
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(96, 96))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("Open an image (Ctrl+O) or drop one here")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QLabel("PNG, JPEG, WebP, TIFF, BMP or GIF — or paste one with Ctrl+V")
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        button = QPushButton("Open Image…")
        button.setMinimumHeight(34)
        button.clicked.connect(self.open_clicked)
        box = QVBoxLayout(self)
        box.addStretch(1)
        for w in (icon, title, hint):
            box.addWidget(w)
        box.addSpacing(12)
        box.addWidget(button, 0, Qt.AlignmentFlag.AlignCenter)
        box.addStretch(1)

    def set_hover(self, hover: bool) -> None:
        self._hover = hover
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = self.palette().color(
            QPalette.ColorRole.Highlight if self._hover else QPalette.ColorRole.Mid
        )
        pen = QPen(color, 2.5 if self._hover else 1.5, Qt.PenStyle.DashLine)
        p.setPen(pen)
        r = self.rect().adjusted(40, 40, -40, -40)
        p.drawRoundedRect(r, 18, 18)
        p.end()
