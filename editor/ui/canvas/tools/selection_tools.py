"""Routes the canvas's pointer and keys to the active selection tool and runs the engines.

The engines (editor.core.selection) are plain NumPy/OpenCV functions that release the GIL, so a
single worker thread keeps the window's loop free while a 24 MP wand or GrabCut runs. The same
thread then works out how the result joins the mask (the new content of the changed box and its
undo record, :meth:`MaskDocument.prepare`), so the GUI thread, reached through a queued Qt
signal, only writes that box in as one undo step. Should the mask have changed meanwhile, the
join is worked out again there. Esc sets the engine's cancel event and the result, if any, is
dropped.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter

from editor.core.markup_layer import ShapeKind
from editor.core.mask_document import MaskDocument, PreparedStep
from editor.core.selection import (
    DEFAULT_TOLERANCE,
    Cancelled,
    Selection,
    SelectionMode,
    mode_for_modifiers,
    prepare_selection,
)
from editor.ui.canvas.tools.base import CanvasView, SelectionTool

__all__ = ["SELECTION_TOOLS", "SelectionTools"]

SELECTION_TOOLS = ("lasso", "wand", "object")
TINY_SHARE = 0.001  # a selection under this share of the image is said to be tiny

Compute = Callable[[threading.Event], Selection]
# How a selection joins the mask, changing nothing yet (None: it does not join); runs on the
# worker thread, and again on the GUI thread if the mask changed in between.
Join = Callable[[MaskDocument, Selection], PreparedStep | None]


class SelectionTools(QObject):
    """The selection tools of one canvas and their shared settings.

    Signals: ``busy_changed(bool)`` (a tool runs off the loop), ``message(str)`` (a tool could not
    do what was asked, in words for the user), ``settings_changed()``.
    """

    busy_changed = Signal(bool)
    message = Signal(str)
    settings_changed = Signal()
    # A run's result came back after it was cancelled (Esc, another tool) and was dropped.
    dropped = Signal()
    # A word for the status bar about what a selection did (e.g. it took almost nothing).
    status = Signal(str)
    # (token, Selection | Exception, PreparedStep | None, pixels selected), emitted on the
    # worker thread
    _finished = Signal(object)

    def __init__(self, canvas: CanvasView) -> None:
        super().__init__()
        from editor.ui.canvas.tools.lasso_tool import LassoTool
        from editor.ui.canvas.tools.markup_tool import MarkupTool
        from editor.ui.canvas.tools.object_tool import ObjectTool
        from editor.ui.canvas.tools.wand_tool import WandTool

        self.canvas = canvas
        self.tools: dict[str, SelectionTool] = {
            "lasso": LassoTool(self),
            "wand": WandTool(self),
            "object": ObjectTool(self),
            "markup": MarkupTool(self),
        }
        self.markup_shape: ShapeKind = "pen"  # the toolbar's choice for the Markup tool
        self.active: SelectionTool | None = None
        self._mode = SelectionMode.ADD
        self._tolerance = DEFAULT_TOLERANCE
        self._contiguous = True
        self._executor: ThreadPoolExecutor | None = None
        self._tokens = itertools.count(1)
        self._running: tuple[int, threading.Event, MaskDocument, Join] | None = None
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)

    # -- settings (the toolbar writes these) ---------------------------------------------------

    @property
    def mode(self) -> SelectionMode:
        """The toolbar's choice: add to or subtract from the mask."""
        return self._mode

    @mode.setter
    def mode(self, mode: SelectionMode) -> None:
        if mode != self._mode:
            self._mode = mode
            self.settings_changed.emit()

    @property
    def tolerance(self) -> int:
        return self._tolerance

    @tolerance.setter
    def tolerance(self, value: int) -> None:
        value = min(255, max(0, int(value)))
        if value != self._tolerance:
            self._tolerance = value
            self.settings_changed.emit()

    @property
    def contiguous(self) -> bool:
        return self._contiguous

    @contiguous.setter
    def contiguous(self, value: bool) -> None:
        if bool(value) != self._contiguous:
            self._contiguous = bool(value)
            self.settings_changed.emit()

    def mode_for(self, mods: Qt.KeyboardModifier) -> SelectionMode:
        """Shift adds, Alt or Ctrl subtracts, otherwise the toolbar's switch."""
        M = Qt.KeyboardModifier
        return mode_for_modifiers(
            shift=bool(mods & M.ShiftModifier),
            alt=bool(mods & M.AltModifier),
            ctrl=bool(mods & M.ControlModifier),
            toolbar=self._mode,
        )

    # -- routing ---------------------------------------------------------------------------------

    def set_tool(self, name: str) -> None:
        """Make ``name`` the active tool (any other name: none); a shape in progress is dropped."""
        tool = self.tools.get(name)
        if tool is not self.active:
            if self.active is not None:
                self.active.cancel()
            self.active = tool
            self.canvas.update()

    def reset(self) -> None:
        """The image or document changed: forget shapes and abandon a running tool."""
        for tool in self.tools.values():
            tool.cancel()
        self.cancel_running()
        self.canvas.update()

    def wants_key(self, event: QKeyEvent) -> bool:
        """Whether the key is the tool's (it then wins over a window shortcut). Keys with Ctrl
        or Alt stay the window's (Ctrl+Shift+Backspace clears the mask)."""
        M = Qt.KeyboardModifier
        if event.modifiers() & (M.ControlModifier | M.AltModifier | M.MetaModifier):
            return False
        key = Qt.Key(event.key())
        if key == Qt.Key.Key_Escape and self.busy:
            return True
        return self.active is not None and self.active.wants_key(key)

    def key(self, key: Qt.Key, mods: Qt.KeyboardModifier) -> bool:
        if key == Qt.Key.Key_Escape and self.busy:
            self.cancel_running()
            return True
        return self.active is not None and self.active.key(key, mods)

    def paint(self, p: QPainter) -> None:
        if self.active is not None:
            p.save()
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            self.active.paint(p)
            p.restore()

    # -- running ---------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._running is not None

    def run(self, compute: Compute, join: Join | SelectionMode) -> bool:
        """Run ``compute`` and then ``join`` on the worker thread; the GUI thread commits the
        prepared step (a mode means: join the selection to the mask that way). Returns False
        when one already runs."""
        doc = self.canvas.document
        if self.busy or doc is None:
            return False
        if isinstance(join, SelectionMode):
            mode = join

            def join(d: MaskDocument, s: Selection) -> PreparedStep | None:
                return prepare_selection(d, s, mode)

        cancel = threading.Event()
        token = next(self._tokens)
        self._running = (token, cancel, doc, join)
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="selection")

        def work() -> None:
            prepared = None
            taken = 0
            result: Selection | Exception
            try:
                result = selection = compute(cancel)
                if not cancel.is_set():
                    prepared = join(doc, selection)
                    # Counted here: over a lasso's 17 MP box it is milliseconds of the loop.
                    taken = int(np.count_nonzero(selection.values))
            except Exception as e:  # delivered to the GUI thread, shown there
                result = e
            self._finished.emit((token, result, prepared, taken))

        self._executor.submit(work)
        self.busy_changed.emit(True)
        return True

    def cancel_running(self) -> None:
        if self._running is not None:
            self._running[1].set()
            self._running = None
            self.busy_changed.emit(False)

    def _on_finished(
        self, outcome: tuple[int, Selection | Exception, PreparedStep | None, int]
    ) -> None:
        token, result, prepared, taken = outcome
        running = self._running
        if running is None or running[0] != token:
            self.dropped.emit()  # cancelled meanwhile
            return
        self._running = None
        self.busy_changed.emit(False)
        _, _, doc, join = running
        if isinstance(result, Cancelled):
            return
        if isinstance(result, ValueError):
            self.message.emit(str(result))
            return
        if isinstance(result, Exception):
            raise result
        if doc is not self.canvas.document:
            return
        self._say_if_tiny(result, taken)
        if prepared is None:
            return
        if not doc.commit(prepared):
            # The mask changed while the worker prepared the step: join onto it as it is now.
            doc.end_stroke()
            again = join(doc, result)
            if again is not None:
                doc.commit(again)

    def _say_if_tiny(self, result: Selection, taken: int) -> None:
        """A selection of ``taken`` pixels under 0.1 % of the image is all but invisible
        under the overlay (and is what Generate would send): say so, with its size."""
        w, h = result.size
        if taken < TINY_SHARE * w * h:
            how = " — raise Tolerance to take more" if self.active is self.tools["wand"] else ""
            self.status.emit(f"The selection took {taken} px, under 0.1 % of the image{how}")

    def image(self) -> np.ndarray | None:
        return self.canvas.image_pixels()

    def shutdown(self) -> None:
        self.cancel_running()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
