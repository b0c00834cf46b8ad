"""A tool's result (:class:`Selection`) and how it joins the edit mask: add, subtract or replace.

Tools return their coverage only inside the rectangle they touched, so combining a small
selection into a 24 MP mask costs that rectangle, not the frame. :func:`apply_selection` goes
through :meth:`MaskDocument.apply`, so every finished selection is one undo step;
:func:`prepare_selection` works the same step out on a worker thread, for
:meth:`MaskDocument.commit` to make on the document's own.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from editor.core.mask_document import MaskDocument, PreparedStep, Rect

__all__ = [
    "Selection",
    "SelectionMode",
    "apply_selection",
    "combine",
    "mode_for_modifiers",
    "prepare_selection",
]


class SelectionMode(enum.Enum):
    ADD = "add"
    SUBTRACT = "subtract"
    REPLACE = "replace"


def mode_for_modifiers(
    *, shift: bool = False, alt: bool = False, ctrl: bool = False, toolbar: SelectionMode
) -> SelectionMode:
    """Shift adds, Alt or Ctrl subtracts (winning over Shift); otherwise the toolbar's choice."""
    if alt or ctrl:
        return SelectionMode.SUBTRACT
    if shift:
        return SelectionMode.ADD
    return toolbar


@dataclass(frozen=True)
class Selection:
    """Coverage ``values`` (``uint8``, 255 = selected, between = soft edge) inside ``box``.

    ``box`` is ``(x0, y0, x1, y1)`` in image pixels (exclusive ends) of an image of
    ``size = (width, height)``; pixels outside the box are not selected.
    """

    size: tuple[int, int]
    box: Rect
    values: np.ndarray

    def __post_init__(self) -> None:
        x0, y0, x1, y1 = self.box
        w, h = self.size
        if not (0 <= x0 <= x1 <= w and 0 <= y0 <= y1 <= h):
            raise ValueError(f"selection box {self.box} lies outside the {w}×{h} image")
        if self.values.dtype != np.uint8 or self.values.shape != (y1 - y0, x1 - x0):
            raise ValueError(
                f"selection values must be uint8 of shape {(y1 - y0, x1 - x0)}, "
                f"got {self.values.dtype} {self.values.shape}"
            )

    @classmethod
    def full(cls, coverage: np.ndarray) -> Selection:
        """A selection given as a whole-image array (bool, or uint8 with 255 = selected)."""
        a = np.asarray(coverage)
        if a.dtype == np.bool_:
            a = a.view(np.uint8) * np.uint8(255)
        if a.ndim != 2:
            raise ValueError(f"a selection is a 2-D array, got shape {a.shape}")
        h, w = a.shape
        return cls((w, h), (0, 0, w, h), np.ascontiguousarray(a, dtype=np.uint8))

    @property
    def is_empty(self) -> bool:
        return self.values.size == 0 or not bool(self.values.any())

    def to_full(self) -> np.ndarray:
        """The selection as a whole-image ``uint8`` array."""
        w, h = self.size
        out = np.zeros((h, w), np.uint8)
        x0, y0, x1, y1 = self.box
        out[y0:y1, x0:x1] = self.values
        return out


def combine(edit: np.ndarray, selection: Selection, mode: SelectionMode) -> np.ndarray:
    """A new mask: ``edit`` with ``selection`` added (max), subtracted (min with its complement)
    or replacing it. ``edit`` is left as it was."""
    op, within = _join(edit.shape, selection, mode)
    if within is None:
        return op(edit)
    x0, y0, x1, y1 = within
    out = edit.copy()
    out[y0:y1, x0:x1] = op(edit[y0:y1, x0:x1])
    return out


def _join(
    shape: tuple[int, ...], selection: Selection, mode: SelectionMode
) -> tuple[Callable[[np.ndarray], np.ndarray], Rect | None]:
    """How ``selection`` changes a mask of ``shape``: a function of the mask inside the
    rectangle it returns (``None``: the whole mask) giving that rectangle's new content."""
    h, w = shape
    if selection.size != (w, h):
        sw, sh = selection.size
        raise ValueError(f"the selection is for a {sw}×{sh} image, the mask is {w}×{h}")
    if mode is SelectionMode.REPLACE:
        return (lambda _edit: selection.to_full()), None

    def op(region: np.ndarray) -> np.ndarray:
        out: np.ndarray = region.copy()
        if mode is SelectionMode.ADD:
            np.maximum(out, selection.values, out=out)
        else:
            np.minimum(out, 255 - selection.values, out=out)
        return out

    return op, selection.box


def apply_selection(document: MaskDocument, selection: Selection, mode: SelectionMode) -> None:
    """Combine ``selection`` into the document's mask as one undo step (none if nothing changes)."""
    document.apply(*_join(document.edit.shape, selection, mode))


def prepare_selection(
    document: MaskDocument, selection: Selection, mode: SelectionMode
) -> PreparedStep:
    """What :func:`apply_selection` would do, worked out without changing the document (on a
    worker thread: only the selection's box is read, and the undo record is copied there)."""
    return document.prepare(*_join(document.edit.shape, selection, mode))
