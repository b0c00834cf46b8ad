"""Regions between the side panel, the workspace and the canvas: the panel asks, the workspace
changes, and the canvas shows every region in its colour with the painted one on top."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QColor

from editor.core.mask_document import MaskDocument
from editor.ui.canvas.mask_canvas import MaskCanvas
from editor.ui.common.overlay import MaskOverlay
from editor.ui.prompt.prompt_panel import PromptPanel
from editor.workspace import Workspace

__all__ = ["RegionsBinding", "RegionsHost"]


class RegionsHost(Protocol):
    @property
    def workspace(self) -> Workspace: ...
    @property
    def canvas(self) -> MaskCanvas: ...
    @property
    def prompt_panel(self) -> PromptPanel: ...
    def overlay_color(self) -> QColor: ...
    def show_message(self, text: str, cause: str | None = None) -> None: ...


class RegionsBinding:
    def __init__(self, window: RegionsHost) -> None:
        self.window = window
        panel = window.prompt_panel.regions
        ws = window.workspace
        panel.add_requested.connect(self.add)
        panel.remove_requested.connect(ws.remove_region)
        panel.selected.connect(ws.select_region)
        panel.renamed.connect(lambda i, name: ws.regions.update(i, name=name))
        panel.prompt_edited.connect(lambda i, text: ws.regions.update(i, prompt=text))
        panel.recolored.connect(lambda i, color: ws.regions.update(i, color=color))
        ws.regions.changed.connect(self.refresh)
        # The other regions' tints, kept per mask document: a rename or a prompt edit reuses
        # them, and one is re-tinted only when its mask changed (a 24 MP tint is ~100 MB and a
        # full pass on the window's loop).
        self._tints: dict[int, _Tint] = {}
        self._changed: set[int] = set()

    def add(self) -> None:
        ws = self.window.workspace
        if ws.document is None:
            self.window.show_message("Open an image first, then paint its regions.")
            return
        ws.add_region()
        self.window.prompt_panel.regions_section.set_expanded(True)

    def refresh(self) -> None:
        """The panel's list, the canvas's colours: after any change of regions or of which is
        painted."""
        w = self.window
        regions = w.workspace.regions
        rows = [(r.name, r.prompt, r.color) for r in regions.items]
        w.prompt_panel.regions.show_regions(rows, regions.active)
        w.prompt_panel.regions_section.set_summary(w.prompt_panel.regions.summary())
        current = regions.current
        opacity = w.canvas.overlay_opacity
        color = QColor(current.color) if current is not None else w.overlay_color()
        w.canvas.set_overlay(color, opacity)
        live = {id(r.document) for r in regions.items}
        for key in [k for k in self._tints if k not in live]:
            self._tints.pop(key).forget()
            self._changed.discard(key)
        shown = []
        for i, region in enumerate(regions.items):
            key = id(region.document)
            tint = self._tints.get(key)
            if tint is None or tint.document is not region.document:
                if tint is not None:
                    tint.forget()
                tint = self._tints[key] = _Tint(region.document, self._changed)
            if i == regions.active:
                continue  # the canvas tints the painted mask itself
            shown.append(
                (tint.show(region.color, opacity, key in self._changed), QColor(region.color))
            )
            self._changed.discard(key)
        w.canvas.set_region_overlays(shown)


class _Tint:
    """One region's tint, and a note of when its mask changed since it was made."""

    def __init__(self, document: MaskDocument, changed: set[int]) -> None:
        self.document = document
        self.overlay: MaskOverlay | None = None
        self._style: tuple[str, float] | None = None
        key = id(document)
        self._slot = lambda _rect: changed.add(key)
        document.changed.connect(self._slot)

    def show(self, color: str, opacity: float, changed: bool) -> MaskOverlay:
        if self.overlay is None:
            self.overlay = MaskOverlay(self.document.edit, QColor(color), opacity)
        elif (color, opacity) != self._style:
            self.overlay.set_style(QColor(color), opacity)  # re-tints all of it
        elif changed:
            self.overlay.refresh()
        self._style = (color, opacity)
        return self.overlay

    def forget(self) -> None:
        self.document.changed.disconnect(self._slot)
