"""How the main window is laid out: canvas stack in the middle; prompt, Jobs/History and the
gallery on the right; the status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from editor import __version__

if TYPE_CHECKING:
    from editor.ui.main_window import MainWindow

__all__ = ["build_layout", "build_status_bar", "titled"]


def build_layout(w: MainWindow) -> None:
    editor = QWidget()
    column = QVBoxLayout(editor)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    column.addWidget(w.message_banner)
    column.addWidget(w.variant_banner)
    column.addWidget(w.canvas, 1)
    w.stack = QStackedWidget()
    for page in (w.drop_target, editor, w.compare):
        w.stack.addWidget(page)

    w.side_tabs = QTabWidget()
    w.side_tabs.setDocumentMode(True)
    w.side_tabs.addTab(w.jobs_panel, "Jobs")
    w.side_tabs.addTab(w.history_panel, "History")
    side = QSplitter(Qt.Orientation.Vertical)
    side.addWidget(w.prompt_panel)
    side.addWidget(w.side_tabs)
    side.addWidget(titled("Variants", w.gallery))
    side.setStretchFactor(0, 0)
    side.setStretchFactor(1, 0)
    side.setStretchFactor(2, 1)
    side.setSizes([340, 220, 400])
    side.setMinimumWidth(330)
    main = QSplitter(Qt.Orientation.Horizontal)
    main.addWidget(w.stack)
    main.addWidget(side)
    main.setStretchFactor(0, 1)
    main.setStretchFactor(1, 0)
    main.setSizes([1060, 380])
    main.setChildrenCollapsible(False)
    w.setCentralWidget(main)
    w.addToolBar(w.mask_toolbar)


def build_status_bar(w: MainWindow) -> None:
    bar = w.statusBar()
    w.size_label = QLabel()
    w.zoom_label = QLabel()
    w.coverage_label = QLabel()
    for label in (w.size_label, w.zoom_label, w.coverage_label):
        label.setContentsMargins(8, 0, 8, 0)
        bar.addPermanentWidget(label)
    w.canvas.zoom_changed.connect(lambda z: w.zoom_label.setText(f"Zoom {z * 100:.0f} %"))
    bar.showMessage(f"Inpaint Editor {__version__}", 4000)


def titled(title: str, body: QWidget) -> QWidget:
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 4, 0, 0)
    column.setSpacing(2)
    label = QLabel(f"<b>{title}</b>")
    label.setContentsMargins(8, 0, 0, 0)
    column.addWidget(label)
    column.addWidget(body, 1)
    return box
