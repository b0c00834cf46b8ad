"""How the main window is laid out: canvas stack in the middle; prompt, Jobs/History and the
gallery on the right; the status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMenu,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from editor import __version__

if TYPE_CHECKING:
    from editor.ui.window.main_window import MainWindow

__all__ = ["add_iteration_actions", "build_layout", "build_status_bar", "titled"]


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
    w.side_tabs.addTab(w.stats_panel, "Stats")
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


def add_iteration_actions(w: MainWindow) -> None:
    """Mask reuse in the Mask menu; A/B rounds in the Generate and View menus."""
    from editor.ui.canvas import mask_library as ml
    from editor.ui.compare.rounds import duplicate_round
    from editor.ui.window.actions import SHORTCUTS

    menus = {m.title().replace("&", ""): m for m in w.menuBar().findChildren(QMenu)}

    def add(menu: str, text: str, slot: object, keys: str = "", image: bool = True) -> QAction:
        a = QAction(text, w)
        a.triggered.connect(lambda _=False: slot())  # type: ignore[operator]
        if keys:
            a.setShortcut(QKeySequence(keys))
            a.setToolTip(f"{text.replace('…', '')} ({keys})")
            SHORTCUTS.append((menu, keys, text))
        menus[menu].addAction(a)
        w.addAction(a)
        if image:
            w.actions.needs_image.append(a)
        return a

    menus["Mask"].addSeparator()
    add("Mask", "Reuse Previous Round's Mask", lambda: ml.reuse_previous_mask(w), "Ctrl+Shift+M")
    add("Mask", "Mask Library…", lambda: ml.MaskLibrary(w).open(), "Ctrl+Shift+L")
    menus["Generate"].addSeparator()
    add("Generate", "Duplicate Round for A/B", lambda: duplicate_round(w), "Ctrl+D")
    add("View", "Rounds Side by Side", w.show_rounds, "Ctrl+Shift+R", image=False)


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
