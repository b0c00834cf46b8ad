"""Photoshop's Deselect / Reselect for the mask: Clear Mask (Ctrl+D) remembers the mask it
removed, Reselect (Ctrl+Shift+D) puts it back as one undoable step — also after other edits."""

from __future__ import annotations

import weakref

import numpy as np

from editor.core.mask_document import MaskDocument

__all__ = ["ClearedMask"]


class ClearedMask:
    """The last mask cleared, per document (a new image's document has none)."""

    def __init__(self) -> None:
        self._cleared: weakref.WeakKeyDictionary[MaskDocument, np.ndarray] = (
            weakref.WeakKeyDictionary()
        )

    def clear(self, doc: MaskDocument) -> None:
        if not doc.is_empty():
            self._cleared[doc] = doc.edit.copy()
        doc.clear()

    def reselect(self, doc: MaskDocument) -> bool:
        """Bring the last cleared mask back; False when this document cleared none."""
        mask = self._cleared.get(doc)
        if mask is None:
            return False
        doc.replace(mask)
        return True
