"""The right-hand column: prompt on top, Jobs/History/Stats in the middle, the gallery below.

Height goes out in this order: each part its minimum (the gallery a full row of variants,
Jobs/History one row, the prompt its text box and Generate); Jobs/History a few rows more
(``tabs_keep``); the prompt a little more (``prompt_more``), so the service shows; Jobs/History a
row more (``tabs_comfort``); the prompt up to the height it wants (it scrolls below that); what
is left is shared between Jobs/History and the gallery. While the prompt opens a section
(Advanced), it comes first: the section takes its room from Jobs/History and the gallery.
Dragging a handle sets a height or share the column keeps from then on.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSplitter, QWidget

__all__ = ["SidePanel"]

_GALLERY_SHARE = 0.7  # of the height beyond the minimums, until the user drags


def _min_height(widget: QWidget) -> int:
    return widget.minimumHeight() or max(0, widget.minimumSizeHint().height())


class SidePanel(QSplitter):
    def __init__(
        self,
        prompt: QWidget,
        tabs: QWidget,
        gallery: QWidget,
        *,
        tabs_keep: int = 0,
        prompt_more: int = 0,
        tabs_comfort: int = 0,
        prompt_wants: Callable[[], int] | None = None,
        prompt_first: Callable[[], bool] = lambda: False,
    ) -> None:
        """Heights in the order of the module's doc; ``prompt_wants()``: the prompt's height
        with nothing scrolled (its size hint otherwise); ``prompt_first()``: the prompt opened
        a section and comes before Jobs/History."""
        super().__init__(Qt.Orientation.Vertical)
        self._keep = tabs_keep
        self._more = prompt_more
        self._comfort = tabs_comfort
        self._prompt_wants = prompt_wants
        self._prompt_first = prompt_first
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
        natural = self._prompt_wants() if self._prompt_wants else prompt.sizeHint().height()
        wanted = self._prompt_height or natural
        left = max(0, total - sum(lows))
        want = max(0, wanted - lows[0])
        if self._prompt_first():
            steps = [("prompt", want), ("tabs", self._keep + self._comfort)]
        else:
            first = min(want, self._more)
            steps = [
                ("tabs", self._keep),
                ("prompt", first),
                ("tabs", self._comfort),
                ("prompt", want - first),
            ]
        given = {"prompt": 0, "tabs": 0}
        for part, amount in steps:
            take = min(left, amount)
            given[part] += take
            left -= take
        first, comfort = given["prompt"], given["tabs"]
        more = round(left * self._gallery_share)
        self._fitting = True
        try:
            self.setSizes([lows[0] + first, lows[1] + comfort + left - more, lows[2] + more])
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
