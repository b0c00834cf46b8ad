"""The right-hand column: prompt on top, Jobs/History/Stats in the middle, the gallery below.

The prompt takes its natural height as far as the others allow (its parameters scroll beyond
that): Jobs/History keep room for a few rows (a row more before the prompt gets all it wants)
and the gallery a full row of variants. What is left is shared between those two. Dragging a
handle sets a height or share the column keeps from then on.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSplitter, QWidget

__all__ = ["SidePanel"]

_GALLERY_SHARE = 0.55  # of the height beyond the minimums, until the user drags


def _min_height(widget: QWidget) -> int:
    return widget.minimumHeight() or max(0, widget.minimumSizeHint().height())


class SidePanel(QSplitter):
    def __init__(
        self, prompt: QWidget, tabs: QWidget, gallery: QWidget, *, tabs_comfort: int = 0
    ) -> None:
        """``tabs_comfort``: height the tabs get beyond their minimum before the prompt takes
        all of its natural height."""
        super().__init__(Qt.Orientation.Vertical)
        self._comfort = tabs_comfort
        self._panes = (prompt, tabs, gallery)
        for widget in self._panes:
            self.addWidget(widget)
        self.setChildrenCollapsible(False)
        self._prompt_height: int | None = None  # set by dragging the first handle
        self._gallery_share = _GALLERY_SHARE
        self._fitting = False
        self.splitterMoved.connect(self._on_moved)

    def _on_moved(self, _pos: int, index: int) -> None:
        prompt, tabs, gallery = self.sizes()
        if index == 1:
            self._prompt_height = prompt
        low_tabs, low_gallery = (_min_height(w) for w in self._panes[1:])
        extra = tabs + gallery - low_tabs - low_gallery
        if index == 2 and extra > 0:
            self._gallery_share = (gallery - low_gallery) / extra

    def fit(self) -> None:
        """Share the height out as the module doc says."""
        if self._fitting:
            return
        total = self.height() - 2 * self.handleWidth()
        prompt = self._panes[0]
        lows = [_min_height(w) for w in self._panes]
        wanted = self._prompt_height or prompt.sizeHint().height()
        top = max(lows[0], min(wanted, total - lows[1] - self._comfort - lows[2]))
        extra = max(0, total - top - lows[1] - lows[2])
        more = round(extra * self._gallery_share)
        self._fitting = True
        try:
            self.setSizes([top, lows[1] + extra - more, lows[2] + more])
        finally:
            self._fitting = False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            self.fit()  # the prompt grew or shrank (references, Advanced)
        return handled
