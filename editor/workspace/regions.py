"""Several regions on one image: each its own mask document, name, prompt and overlay colour.

No regions is the usual case: one mask, the prompt box's prompt. Adding a region turns the
current mask into "Region 1" and starts an empty "Region 2"; the canvas paints into the
selected one. Removing all but one goes back to one mask. Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from psygnal import Signal

from editor.core.mask_document import MaskDocument

__all__ = ["REGION_COLORS", "Region", "RegionSet"]

# Distinct hues for the overlays, the first the app's own mask colour.
REGION_COLORS = ("#ff2d6e", "#2d9cff", "#21c46b", "#ffb020", "#a35cff", "#00bfc4")


@dataclass(eq=False, slots=True)
class Region:
    name: str
    document: MaskDocument
    prompt: str = ""  # "" = the prompt box's
    color: str = REGION_COLORS[0]


class RegionSet:
    """The regions of the open image, in order, and which one is painted. ``changed()`` when
    one is added, removed, renamed or recoloured, or its prompt changes."""

    changed = Signal()

    def __init__(self) -> None:
        self.items: list[Region] = []
        self.active = 0

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    @property
    def current(self) -> Region | None:
        return self.items[self.active] if self.items else None

    def index_of(self, doc: MaskDocument) -> int | None:
        return next((i for i, r in enumerate(self.items) if r.document is doc), None)

    def _free_color(self) -> str:
        used = {r.color for r in self.items}
        return next((c for c in REGION_COLORS if c not in used), REGION_COLORS[len(self.items) % 6])

    def _free_name(self) -> str:
        names = {r.name for r in self.items}
        number = len(self.items) + 1
        while f"Region {number}" in names:
            number += 1
        return f"Region {number}"

    def add(self, current: MaskDocument, mask: np.ndarray | None = None) -> Region:
        """A new region (empty, or ``mask``); the first call also makes ``current`` — the
        mask painted so far — Region 1."""
        if not self.items:
            self.items.append(Region("Region 1", current, color=REGION_COLORS[0]))
        region = Region(
            self._free_name(),
            MaskDocument(current.width, current.height, mask),
            color=self._free_color(),
        )
        self.items.append(region)
        self.active = len(self.items) - 1
        self.changed.emit()
        return region

    def remove(self, index: int) -> Region:
        """Take region ``index`` out. With one left, regions end: it is the mask again."""
        region = self.items.pop(index)
        if len(self.items) == 1:
            self.items.clear()
        self.active = min(self.active, max(0, len(self.items) - 1))
        self.changed.emit()
        return region

    def update(
        self,
        index: int,
        *,
        name: str | None = None,
        prompt: str | None = None,
        color: str | None = None,
    ) -> None:
        region = self.items[index]
        if name is not None and name.strip():
            region.name = name.strip()
        if prompt is not None:
            region.prompt = prompt.strip()
        if color is not None:
            region.color = color
        self.changed.emit()

    def clear(self) -> None:
        if self.items:
            self.items.clear()
            self.active = 0
            self.changed.emit()
