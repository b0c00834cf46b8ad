"""Image ▸ Expand Canvas… in the window: grow the image, keep the new area in the mask, undo.

The dialog (:class:`ExpandCanvasDialog`) chooses an Expansion while the canvas previews it;
accepting grows the image (:func:`expand_canvas`: transparent new area, mask = new area ∪ seam
band ∪ the mask painted so far) as one undoable step that swaps image *and* mask document, and
records the grown frame as a round of the session so restoring it brings the canvas back.
While the grown frame is the image, Generate first puts the new area and seam band back into
the mask (a cleared or inverted mask must still fill them).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QStatusBar, QWidget

from editor.core.expand import ExpandedCanvas, Expansion, expand_canvas, shrink_to_original
from editor.core.mask_document import MaskDocument
from editor.store import BaseRef, ExpansionRecord
from editor.ui.canvas.expand_dialog import ExpandCanvasDialog, preview_while_open
from editor.ui.canvas.mask_canvas import MaskCanvas
from editor.ui.common.undo_timeline import EditHistory, ImageRef
from editor.ui.session.binding import SessionBinding

__all__ = ["CanvasState", "ExpandHost", "Expander", "grown_from_round"]


@dataclass(frozen=True, slots=True, eq=False)
class CanvasState:
    """What an undo step of Expand Canvas brings back with the pixels (``ImageRef.base``): the
    session's name for them, the mask document of that size, the grown frame if it is one."""

    base: BaseRef
    document: MaskDocument
    grown: ExpandedCanvas | None = None


class ExpandHost(Protocol):
    """What expanding uses of the window."""

    @property
    def image(self) -> np.ndarray | None: ...
    @property
    def document(self) -> MaskDocument | None: ...
    @property
    def canvas(self) -> MaskCanvas: ...
    @property
    def history(self) -> EditHistory: ...
    @property
    def sessions(self) -> SessionBinding: ...
    def show_original(self) -> None: ...
    def replace_canvas(self, pixels: np.ndarray, document: MaskDocument) -> None: ...
    def show_message(self, text: str) -> None: ...
    def statusBar(self) -> QStatusBar: ...


class Expander:
    """``window.expander``: the dialog, the step, and the grown frame the image is (if any)."""

    def __init__(self, window: ExpandHost, parent: QWidget) -> None:
        self.window = window
        self.parent = parent
        self.dialog: ExpandCanvasDialog | None = None
        self._grown: dict[int, ExpandedCanvas] = {}  # id(pixels) → the grown frame they are

    def open_dialog(self) -> ExpandCanvasDialog | None:
        """Image ▸ Expand Canvas…: non-blocking, the canvas previews the new bounds."""
        w = self.window
        if w.image is None:
            w.show_message("Open an image first (Ctrl+O), then expand its canvas.")
            return None
        w.show_original()
        h, wd = w.image.shape[:2]
        dialog = ExpandCanvasDialog((wd, h), self.parent)
        preview_while_open(dialog, w.canvas)
        dialog.accepted.connect(lambda: self._accepted(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        # Beside the canvas, not over the preview it is there to show.
        host = self.parent
        corner = host.mapToGlobal(QPoint(host.width() - dialog.width() - 24, 72))
        dialog.move(corner)
        first = dialog.spins["left"]
        first.setFocus(Qt.FocusReason.OtherFocusReason)
        first.selectAll()
        return dialog

    def _accepted(self, dialog: ExpandCanvasDialog) -> None:
        expansion = dialog.expansion()
        if expansion is not None:
            self.expand(expansion)

    def expand(self, expansion: Expansion) -> ExpandedCanvas | None:
        """Grow the image by ``expansion`` (one undoable step, one round of the session)."""
        w = self.window
        if w.image is None or w.document is None:
            return None
        doc = w.document
        try:
            grown = expand_canvas(w.image, expansion, edit=None if doc.is_empty() else doc.edit)
        except ValueError as err:
            w.show_message(str(err))
            return None
        before_base = w.sessions.base_of(w.image)
        before = ImageRef(None, w.image, CanvasState(before_base, doc, self.grown()))
        document = MaskDocument(grown.size[0], grown.size[1], grown.mask)
        self.remember(grown)
        after = ImageRef(None, grown.pixels, CanvasState(before_base, document, grown))
        e = expansion
        label = f"Expand canvas by {e.left}, {e.top}, {e.right}, {e.bottom} px"
        w.history.push_image(before, after, label)
        w.replace_canvas(grown.pixels, document)
        w.sessions.record_expansion(grown, before_base, label)
        gw, gh = grown.size
        w.statusBar().showMessage(
            f"Canvas expanded to {gw} × {gh}: the new area is masked — type a prompt and "
            "Generate to fill it (Ctrl+Z to undo)",
            10000,
        )
        return grown

    def restore_canvas(
        self, pixels: np.ndarray, mask: np.ndarray | None, base: BaseRef, label: str
    ) -> None:
        """Back to a stored canvas of another size (History): image and mask document swap
        together as one undoable step."""
        w = self.window
        if w.image is None or w.document is None:
            return
        before = ImageRef(
            None, w.image, CanvasState(w.sessions.base_of(w.image), w.document, self.grown())
        )
        h, wd = pixels.shape[:2]
        document = MaskDocument(wd, h, mask if mask is not None and mask.shape == (h, wd) else None)
        w.sessions.remember_base(pixels, base)
        grown = self._stored_grown(pixels)
        w.history.push_image(
            before, ImageRef(None, pixels, CanvasState(base, document, grown)), label
        )
        w.replace_canvas(pixels, document)

    def remember(self, grown: ExpandedCanvas) -> None:
        self._grown[id(grown.pixels)] = grown

    def grown(self) -> ExpandedCanvas | None:
        """The grown frame the image is right now, None when it is not one."""
        image = self.window.image
        if image is None:
            return None
        found = self._grown.get(id(image))
        if found is not None and found.pixels is image:
            return found
        return self._stored_grown(image)

    def _stored_grown(self, image: np.ndarray) -> ExpandedCanvas | None:
        """A restored session's image that an expansion round made: rebuilt from its record."""
        sessions = self.window.sessions
        base = sessions.base_of(image)
        if sessions.session is None or base.round_id is None:
            return None
        try:
            record = sessions.session.round(base.round_id).expansion
        except KeyError:
            return None
        rebuilt = grown_from_round(image, record) if record is not None else None
        if rebuilt is None or not np.array_equal(rebuilt.pixels, image):
            return None
        grown = replace(rebuilt, pixels=image)
        self.remember(grown)
        return grown

    def before_generate(self) -> None:
        """The new area and seam band back into the mask (one undoable mask step if it
        changes), so what is sent always fills them."""
        grown, doc = self.grown(), self.window.document
        if grown is None or doc is None or (doc.width, doc.height) != grown.size:
            return
        covered = grown.including(np.asarray(doc.edit))
        if not np.array_equal(covered, doc.edit):
            doc.replace(covered)


def grown_from_round(pixels: np.ndarray, record: ExpansionRecord) -> ExpandedCanvas | None:
    """The grown frame a stored expansion round made, rebuilt from its pixels so a restored
    canvas keeps its new area and seam band in the mask; None if they don't fit."""
    try:
        expansion = Expansion(*record.sides)
        original = shrink_to_original(pixels, expansion)
        return expand_canvas(original, expansion, seam_band=record.seam_band)
    except ValueError:
        return None
