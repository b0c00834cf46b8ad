"""The Regions list in the side panel: several areas changed in one round, each with its own
name, prompt and overlay colour. The canvas paints into the selected one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from editor.ui.common.signals import signals_blocked

__all__ = ["RegionsPanel"]

RegionRow = tuple[str, str, str]  # name, prompt ("" = the prompt box's), colour "#rrggbb"


def _swatch(color: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class RegionsPanel(QWidget):
    """Shows the regions it is given (:meth:`show_regions`) and asks for changes by signal;
    the window's binding makes them in the workspace."""

    add_requested = Signal()
    remove_requested = Signal(int)
    selected = Signal(int)
    renamed = Signal(int, str)
    prompt_edited = Signal(int, str)
    recolored = Signal(int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setMaximumHeight(110)
        self.list.setToolTip("Double-click a name to rename it; the canvas paints the selected")
        self.list.currentRowChanged.connect(self._on_row)
        self.list.itemChanged.connect(self._on_item)
        self.prompt = QLineEdit()
        self.prompt.setPlaceholderText("Its own prompt (empty: the prompt above)")
        self.prompt.editingFinished.connect(self._on_prompt)
        self.add = QPushButton("Add Region")
        self.add.setToolTip(
            "Paint another area with its own prompt; the mask so far becomes Region 1. "
            "Regions may not overlap"
        )
        self.add.clicked.connect(self.add_requested)
        self.remove = QPushButton("Remove")
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self.list.currentRow()))
        self.color = QPushButton("Colour…")
        self.color.clicked.connect(self._pick_color)
        self.hint = QLabel("One mask, one prompt. Add a region to change several areas at once.")
        self.hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add)
        buttons.addWidget(self.remove)
        buttons.addWidget(self.color)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 0, 0, 0)
        box.addWidget(self.hint)
        box.addWidget(self.list)
        box.addWidget(self.prompt)
        box.addLayout(buttons)
        self._rows: list[RegionRow] = []
        self.show_regions([], 0)

    def show_regions(self, rows: list[RegionRow], active: int) -> None:
        self._rows = list(rows)
        with signals_blocked(self.list):
            self.list.clear()
            for name, _prompt, color in rows:
                item = QListWidgetItem(_swatch(color), name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                self.list.addItem(item)
            if rows:
                self.list.setCurrentRow(active)
        has = bool(rows)
        for widget in (self.list, self.prompt, self.remove, self.color):
            widget.setVisible(has)
        self.hint.setVisible(not has)
        self.prompt.setText(rows[active][1] if has else "")

    def summary(self) -> str:
        return f"{len(self._rows)} regions" if self._rows else ""

    def _on_row(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.prompt.setText(self._rows[row][1])
            self.selected.emit(row)

    def _on_item(self, item: QListWidgetItem) -> None:
        row = self.list.row(item)
        if 0 <= row < len(self._rows) and item.text().strip() != self._rows[row][0]:
            self.renamed.emit(row, item.text())

    def _on_prompt(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._rows) and self.prompt.text().strip() != self._rows[row][1]:
            self.prompt_edited.emit(row, self.prompt.text())

    def _pick_color(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self._rows):
            return
        color = QColorDialog.getColor(QColor(self._rows[row][2]), self, "Region colour")
        if color.isValid():
            self.recolored.emit(row, color.name())
