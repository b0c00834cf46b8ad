"""A scrolling column of cards with a placeholder for when it is empty (jobs and stats panels)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

__all__ = ["scroll_column"]


def scroll_column(
    owner: QWidget, empty_text: str, *, wrap: bool = False
) -> tuple[QVBoxLayout, QLabel]:
    """Fill ``owner`` with a vertically scrolling column; return the column and its
    placeholder label (shown first, above the stretch). Insert items at ``count() - 1`` to keep
    them above the stretch."""
    content = QWidget()
    column = QVBoxLayout(content)
    column.setContentsMargins(6, 6, 6, 6)
    column.setSpacing(6)
    empty = QLabel(empty_text)
    empty.setWordWrap(wrap)
    empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
    column.addWidget(empty)
    column.addStretch(1)
    scroll = QScrollArea()
    scroll.setWidget(content)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    box = QVBoxLayout(owner)
    box.setContentsMargins(0, 0, 0, 0)
    box.addWidget(scroll)
    return column, empty
