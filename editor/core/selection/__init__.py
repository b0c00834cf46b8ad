"""Selection tools for the mask: lasso, magic wand, object select, mask from transparency.

Each tool returns a :class:`Selection` (coverage inside the box it touched) computed from plain
NumPy arrays, with no shared state, so the window can run it on a worker thread and abandon it
through a cancel check; :func:`apply_selection` then adds, subtracts or replaces it in the mask
as one undo step (:func:`prepare_selection` works that step out off the window's thread). The
tablet pressure curve lives here too: it shapes the brush the same way.
"""

from editor.core.selection.cancel import CancelCheck, Cancelled
from editor.core.selection.combine import (
    Selection,
    SelectionMode,
    apply_selection,
    combine,
    mode_for_modifiers,
    prepare_selection,
)
from editor.core.selection.lasso import LassoPath, fill_polygon, snap_45
from editor.core.selection.magic_wand import DEFAULT_TOLERANCE, magic_wand
from editor.core.selection.object_select import HintStroke, object_select
from editor.core.selection.pressure_curve import PressureCurve, PressureTarget, pressure_factors
from editor.core.selection.transparency import NoTransparencyError, mask_from_transparency

__all__ = [
    "DEFAULT_TOLERANCE",
    "CancelCheck",
    "Cancelled",
    "HintStroke",
    "LassoPath",
    "NoTransparencyError",
    "PressureCurve",
    "PressureTarget",
    "Selection",
    "SelectionMode",
    "apply_selection",
    "combine",
    "fill_polygon",
    "magic_wand",
    "mask_from_transparency",
    "mode_for_modifiers",
    "object_select",
    "prepare_selection",
    "pressure_factors",
    "snap_45",
]
