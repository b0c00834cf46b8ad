"""Image ▸ Expand Canvas… in the window: grow the image, keep the new area in the mask, undo.

The dialog (:class:`ExpandCanvasDialog`) chooses an Expansion while the canvas previews it;
accepting asks the workspace to grow the image (:meth:`Workspace.expand`: transparent new area,
mask = new area ∪ seam band ∪ the mask painted so far, one undoable step that swaps image *and*
mask document, recorded as a round of the session). While the grown frame is the image,
Generate first puts the new area and seam band back into the mask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QStatusBar, QWidget

from editor.core.expand import ExpandedCanvas, Expansion
from editor.ui.canvas.mask_canvas import MaskCanvas
from editor.workspace import Workspace

if TYPE_CHECKING:  # the dialog is made when first asked for, not at start
    from editor.ui.canvas.expand_dialog import ExpandCanvasDialog

__all__ = ["ExpandHost", "Expander"]


class ExpandHost(Protocol):
    """What expanding uses of the window."""

    @property
    def workspace(self) -> Workspace: ...
    @property
    def canvas(self) -> MaskCanvas: ...
    def show_original(self) -> None: ...
    def show_message(self, text: str) -> None: ...
    def statusBar(self) -> QStatusBar: ...


class Expander:
    """``window.expander``: the dialog and the step (the workspace grows the canvas)."""

    def __init__(self, window: ExpandHost, parent: QWidget) -> None:
        self.window = window
        self.parent = parent
        self.dialog: ExpandCanvasDialog | None = None

    def open_dialog(self) -> ExpandCanvasDialog | None:
        """Image ▸ Expand Canvas…: non-blocking, the canvas previews the new bounds."""
        w = self.window
        image = w.workspace.image
        if image is None:
            w.show_message("Open an image first (Ctrl+O), then expand its canvas.")
            return None
        w.show_original()
        h, wd = image.shape[:2]
        from editor.ui.canvas.expand_dialog import ExpandCanvasDialog, preview_while_open

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
        ws = w.workspace
        if ws.image is None or ws.document is None:
            return None
        try:
            grown, _label = ws.expand(expansion)
        except ValueError as err:
            w.show_message(str(err))
            return None
        gw, gh = grown.size
        w.statusBar().showMessage(
            f"Canvas expanded to {gw} × {gh}: the new area is masked — type a prompt and "
            "Generate to fill it (Ctrl+Z to undo)",
            10000,
        )
        return grown

    def before_generate(self) -> None:
        self.window.workspace.before_generate()
