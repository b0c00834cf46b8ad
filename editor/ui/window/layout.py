"""How the main window is laid out: canvas stack in the middle; prompt, Jobs/History and the
gallery on the right; the status bar."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QStatusBar,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from editor import __version__
from editor.ui.canvas.mask_canvas import MaskCanvas
from editor.ui.prompt.prompt_panel import PromptPanel
from editor.ui.window.side_panel import SidePanel

__all__ = ["StatusLabels", "WindowLayout", "build_layout", "build_status_bar"]


@dataclass(frozen=True)
class WindowLayout:
    """The pieces of the layout the window switches between later."""

    stack: QStackedWidget  # drop target, editor, compare
    side_tabs: QTabWidget  # Jobs, History, Stats


@dataclass(frozen=True)
class StatusLabels:
    size: QLabel
    zoom: QLabel
    coverage: QLabel


def build_layout(
    window: QMainWindow,
    *,
    banners: tuple[QWidget, QWidget],  # the message banner, the variant banner
    canvas: QWidget,
    drop_target: QWidget,
    compare: QWidget,
    prompt: PromptPanel,
    tabs: tuple[tuple[QWidget, str], ...],
    gallery: QWidget,
    toolbar: QToolBar,
) -> WindowLayout:
    """Lay the widgets out in ``window``: the canvas stack in the middle, ``prompt``, the side
    ``tabs`` (widget, title) and ``gallery`` on the right, ``toolbar`` on top."""
    message, variant = banners
    # The variant banner floats over the canvas's top edge: the image never moves when it
    # comes or goes, so flicking between a variant and the original compares in place.
    editor = QWidget()
    overlay = QGridLayout(editor)
    overlay.setContentsMargins(0, 0, 0, 0)
    overlay.addWidget(canvas, 0, 0)
    overlay.addWidget(variant, 0, 0, Qt.AlignmentFlag.AlignTop)
    stack = QStackedWidget()
    for page in (drop_target, editor, compare):
        stack.addWidget(page)
    # Messages sit above every page, so one said before an image is open shows at once.
    centre = QWidget()
    column = QVBoxLayout(centre)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    column.addWidget(message)
    column.addWidget(stack, 1)

    side_tabs = QTabWidget()
    side_tabs.setDocumentMode(True)
    for widget, title in tabs:
        side_tabs.addTab(widget, title)
    # Jobs/History keep room for three rows (History's are 48 px thumbnails) and one more
    # before the prompt takes all it wants; only an opened Advanced takes them down to one.
    # The gallery keeps a row of variants.
    row = 48 + 6
    side_tabs.setMinimumHeight(side_tabs.tabBar().sizeHint().height() + 36 + row)
    side = SidePanel(
        prompt,
        side_tabs,
        gallery,
        tabs_keep=2 * row,
        prompt_more=130,
        tabs_comfort=row,
        prompt_wants=prompt.wanted_height,
        prompt_first=lambda: prompt.advanced.expanded() or prompt.regions_section.expanded(),
    )
    side.setMinimumWidth(330)
    main = QSplitter(Qt.Orientation.Horizontal)
    main.addWidget(centre)
    main.addWidget(side)
    main.setStretchFactor(0, 1)
    main.setStretchFactor(1, 0)
    main.setSizes([1060, 380])
    main.setChildrenCollapsible(False)
    window.setCentralWidget(main)
    window.addToolBar(toolbar)
    return WindowLayout(stack, side_tabs)


def build_status_bar(bar: QStatusBar, canvas: MaskCanvas) -> StatusLabels:
    labels = StatusLabels(QLabel(), QLabel(), QLabel())
    for label in (labels.size, labels.zoom, labels.coverage):
        label.setContentsMargins(8, 0, 8, 0)
        bar.addPermanentWidget(label)
    bar.showMessage(f"Inpaint Editor {__version__}", 4000)
    return labels
