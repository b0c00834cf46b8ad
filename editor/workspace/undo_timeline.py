"""One undo timeline for the window: mask steps, markup steps and image replacements ("Use as
base"), in order.

The mask keeps its own undo records (:class:`~editor.core.mask_document.MaskDocument`); this
only remembers *which kind* of step came when, plus which images an image step swapped — as
files in the session folder when they are there (read again on undo), so an hour of "use as
base" holds no frames — and Ctrl+Z walks back through both in the order the user made them.
Qt-free.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from editor.core.expand import ExpandedCanvas
from editor.core.markup_layer import MarkupLayer
from editor.core.mask_document import MaskDocument
from editor.store import ORIGINAL, BaseRef

__all__ = ["EditHistory", "ImageRef", "ImageStep"]

_MAX_IMAGE_STEPS = 20  # an image without a file holds its pixels; keep a bounded number


@dataclass(frozen=True, slots=True, eq=False)
class ImageRef:
    """An image an undo step brings back: its file, or its pixels when it has no file, and
    what the session calls it. A step that swapped the canvas's size (Expand Canvas) brings
    its mask ``document`` back with it, and the grown frame when the image was one."""

    path: Path | None = None
    pixels: np.ndarray | None = None
    base: BaseRef = ORIGINAL
    document: MaskDocument | None = None
    grown: ExpandedCanvas | None = None


@dataclass(frozen=True, slots=True)
class ImageStep:
    before: ImageRef
    after: ImageRef
    label: str


MARKUP = "markup"
# A MaskDocument = one mask step, replayed by that document itself (with several regions each
# has its own); MARKUP = one step of the markup layer.
_Entry = ImageStep | str | MaskDocument


class EditHistory:
    """Follows a document's pushes and owns image steps; ``set_image`` applies image steps."""

    def __init__(self, set_image: Callable[[ImageRef], None]) -> None:
        self._set_image = set_image
        self._doc: MaskDocument | None = None  # the document the newest steps are made on
        # Every document followed (several regions: one each), with its connection.
        self._followed: dict[int, tuple[MaskDocument, Callable[[], None]]] = {}
        # Told when undo or redo replays a step on a document that is not the current one.
        self.on_other_document: Callable[[MaskDocument], None] = lambda _doc: None
        self._undo: list[_Entry] = []
        self._redo: list[_Entry] = []
        self._replaying = False
        self._markup: MarkupLayer | None = None
        self.on_change: Callable[[], None] = lambda: None

    def follow_markup(self, layer: MarkupLayer | None) -> None:
        """Record the markup layer's steps in this timeline from now on (its earlier ones are
        not in it: a new layer comes with a new image)."""
        if self._markup is not None:
            self._markup.step_added.disconnect(self._on_markup_step)
        self._markup = layer
        self._undo = [e for e in self._undo if e != MARKUP]
        self._redo = [e for e in self._redo if e != MARKUP]
        if layer is not None:
            layer.step_added.connect(self._on_markup_step)
        self.on_change()

    def _on_markup_step(self) -> None:
        if self._replaying:
            return
        self._undo.append(MARKUP)
        self._redo.clear()
        self.on_change()

    def _connect(self, doc: MaskDocument) -> None:
        if id(doc) not in self._followed:
            slot = functools.partial(self._on_doc_state, doc)
            doc.undo_state_changed.connect(slot)
            self._followed[id(doc)] = (doc, slot)

    def _disconnect_all(self) -> None:
        for doc, slot in self._followed.values():
            doc.undo_state_changed.disconnect(slot)
        self._followed.clear()

    def attach(self, doc: MaskDocument | None) -> None:
        """Follow ``doc`` from now on and forget everything before (a new image was opened)."""
        self._disconnect_all()
        self._doc = doc
        self._undo.clear()
        self._redo.clear()
        if doc is not None:
            self._connect(doc)
        self.on_change()

    def follow(self, doc: MaskDocument) -> None:
        """Follow another document and keep the timeline (an image step that swaps the mask
        document with the image, as Expand Canvas does): mask steps before it replay on the
        document they were made on, which the image step brings back."""
        self._disconnect_all()
        self._doc = doc
        self._connect(doc)

    def also_follow(self, doc: MaskDocument) -> None:
        """Record ``doc``'s steps too, in the same timeline (another region's mask)."""
        self._connect(doc)

    def make_current(self, doc: MaskDocument) -> None:
        """New steps are expected on ``doc`` (the region being painted)."""
        self._connect(doc)
        self._doc = doc

    def forget(self, doc: MaskDocument) -> None:
        """Stop following ``doc`` and drop its steps (a region removed)."""
        found = self._followed.pop(id(doc), None)
        if found is not None:
            doc.undo_state_changed.disconnect(found[1])
        self._undo = [e for e in self._undo if e is not doc]
        self._redo = [e for e in self._redo if e is not doc]
        self.on_change()

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def push_image(self, before: ImageRef, after: ImageRef, label: str) -> None:
        self._undo.append(ImageStep(before, after, label))
        self._redo.clear()
        steps = [i for i, e in enumerate(self._undo) if isinstance(e, ImageStep)]
        if len(steps) > _MAX_IMAGE_STEPS:
            # Dropping an image step means nothing before it can be undone consistently.
            del self._undo[: steps[0] + 1]
        self.on_change()

    def undo(self) -> str | None:
        """Undo the newest step; returns its label ("mask" for mask steps), None if none."""
        if not self._undo:
            return None
        entry = self._undo.pop()
        self._redo.append(entry)
        self._replay(entry, undo=True)
        return _label(entry)

    def redo(self) -> str | None:
        if not self._redo:
            return None
        entry = self._redo.pop()
        self._undo.append(entry)
        self._replay(entry, undo=False)
        return _label(entry)

    def _replay(self, entry: _Entry, *, undo: bool) -> None:
        self._replaying = True
        try:
            if entry == MARKUP:
                if self._markup is not None:
                    _ = self._markup.undo() if undo else self._markup.redo()
            elif isinstance(entry, MaskDocument):
                if entry is not self._doc and id(entry) in self._followed:
                    self.on_other_document(entry)  # show that region before its step replays
                if undo:
                    entry.undo()
                else:
                    entry.redo()
            elif isinstance(entry, ImageStep):
                self._set_image(entry.before if undo else entry.after)
        finally:
            self._replaying = False
        self.on_change()

    def _on_doc_state(self, doc: MaskDocument) -> None:
        if self._replaying:
            return
        # Not our own undo/redo: the document recorded a new step (or cleared its history).
        if doc.can_undo and not doc.can_redo:
            self._undo.append(doc)
            self._redo.clear()
        elif not doc.can_undo and not doc.can_redo:
            self._undo = [e for e in self._undo if e is not doc]
            self._redo = [e for e in self._redo if e is not doc]
        self.on_change()


def _label(entry: _Entry) -> str:
    if isinstance(entry, ImageStep):
        return entry.label
    return MARKUP if entry == MARKUP else "mask"
