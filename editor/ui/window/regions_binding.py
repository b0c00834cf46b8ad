"""Regions between the side panel, the workspace and the canvas: the panel asks, the workspace
changes, and the canvas shows every region in its colour with the painted one on top."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QColor

from editor.ui.canvas.mask_canvas import MaskCanvas
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
        w.canvas.set_region_overlays(
            [
                (r.document.edit, QColor(r.color))
                for i, r in enumerate(regions.items)
                if i != regions.active
            ]
        )
