"""Help ▸ Keyboard Shortcuts (a sheet built from the real actions) and Help ▸ About."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from editor import __version__
from editor.ui.common.icons import app_icon

__all__ = ["CANVAS_KEYS", "ShortcutsDialog", "show_about"]

CANVAS_KEYS: list[tuple[str, str, str]] = [
    ("Canvas", "Alt (hold)", "Swap paint and erase"),
    ("Canvas", "Space + drag, middle drag", "Pan"),
    ("Canvas", "Wheel, Ctrl+wheel, pinch", "Zoom about the pointer"),
    ("Canvas", "Two-finger scroll", "Pan (trackpad)"),
    ("Jobs", "Esc", "Close the rounds view, else leave Compare, else back to the original"),
    ("Prompt", "Up / Down at the first / last line", "Earlier prompts"),
    ("Prompt", "Ctrl+Enter", "Generate"),
    ("Compare", "S / W", "Side by side / wipe"),
    ("Compare", "Left / Right", "Move the wipe divider"),
]


def _sections(rows: Sequence[tuple[str, str, str]]) -> dict[str, list[tuple[str, str]]]:
    by_section: dict[str, list[tuple[str, str]]] = {}
    for section, keys, what in [*rows, *CANVAS_KEYS]:
        by_section.setdefault(section, []).append((keys, what.replace("…", "")))
    return by_section


class ShortcutsDialog(QDialog):
    """Every shortcut by menu, in a list that scrolls and a filter box above it.

    The dialog never grows past the screen it opens on; Esc first clears the filter, then closes.
    """

    def __init__(self, rows: Sequence[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by key or action, e.g. Ctrl+Z or mask")
        self.filter.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Keys", "Action"])
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        self.tree.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tree.header().setStretchLastSection(True)
        bold = QFont(self.tree.font())
        bold.setBold(True)
        self._items: list[tuple[QTreeWidgetItem, list[QTreeWidgetItem]]] = []
        for section, entries in _sections(rows).items():
            head = QTreeWidgetItem(self.tree, [section])
            head.setFirstColumnSpanned(True)
            head.setFont(0, bold)
            children = [QTreeWidgetItem(head, [keys, what]) for keys, what in entries]
            for row in children:
                row.setToolTip(1, row.text(1))
            self._items.append((head, children))
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, min(self.tree.columnWidth(0) + 24, 260))
        self.none = QLabel("No shortcut matches.")
        self.none.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.none.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.filter)
        box.addWidget(self.tree, 1)
        box.addWidget(self.none)
        box.addWidget(buttons)
        self.filter.textChanged.connect(self._apply_filter)
        self.filter.setFocus()
        self._fit_screen()

    def _fit_screen(self) -> None:
        """A comfortable size, but never larger than the screen's free area (frame included)."""
        parent = self.parentWidget()
        screen = (
            parent.screen() if parent is not None else None
        ) or QGuiApplication.primaryScreen()
        free = screen.availableGeometry().size() if screen is not None else QSize(1024, 700)
        width = min(720, free.width() - 40)
        height = min(760, free.height() - 80)
        self.setMaximumSize(free.width(), free.height() - 40)
        self.resize(width, height)

    def visible_rows(self) -> list[tuple[str, str]]:
        """(keys, action) of the rows the filter lets through, in order."""
        return [
            (row.text(0), row.text(1))
            for head, children in self._items
            if not head.isHidden()
            for row in children
            if not row.isHidden()
        ]

    def _apply_filter(self, text: str) -> None:
        words = text.casefold().split()
        shown = 0
        for head, children in self._items:
            section = head.text(0).casefold()
            hits = 0
            for row in children:
                hay = f"{section} {row.text(0)} {row.text(1)}".casefold()
                hit = all(word in hay for word in words)
                row.setHidden(not hit)
                hits += hit
            head.setHidden(not hits)
            shown += hits
        self.none.setVisible(shown == 0)
        self.tree.setVisible(shown > 0)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.filter.text():
            self.filter.clear()  # the first Esc empties the filter, the next one closes
            self.filter.setFocus()
            event.accept()
            return
        super().keyPressEvent(event)


def show_about(parent: QWidget) -> QMessageBox:
    box = QMessageBox(parent)
    box.setWindowTitle("About Inpaint Editor")
    box.setIconPixmap(app_icon().pixmap(96, 96))
    box.setText(f"<h3>Inpaint Editor {escape(__version__)}</h3>")
    box.setInformativeText(
        "Paint a mask, type a prompt, get variants back from any OpenAI-compatible image "
        "edits service — or from the local engine, offline."
    )
    box.open()
    return box
