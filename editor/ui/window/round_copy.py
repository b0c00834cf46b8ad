"""Prompt A/B rounds: Ctrl+J duplicates a round to try another wording.

:func:`duplicate_round` takes the current round — the round of the variant being looked at, else
the newest — puts its prompt, model and count back in the prompt panel with the prompt selected
for editing, and brings back the mask it was sent with (one undoable step), so Generate runs the
new wording on the same image and mask.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
from PySide6.QtWidgets import QStatusBar

from editor.core.markup_layer import Shape
from editor.core.mask_document import MaskDocument
from editor.core.references import Reference
from editor.pipeline import EditParams
from editor.store import ResultRound, Results, StoreError
from editor.ui.prompt.prompt_panel import PromptPanel
from editor.ui.session.binding import SessionBinding
from editor.workspace import Workspace

__all__ = ["RoundCopyHost", "current_round", "duplicate_round"]


class RoundCopyHost(Protocol):
    """What duplicating a round uses of the window."""

    @property
    def document(self) -> MaskDocument | None: ...
    @property
    def workspace(self) -> Workspace: ...
    @property
    def results(self) -> Results: ...
    @property
    def sessions(self) -> SessionBinding: ...
    @property
    def prompt_panel(self) -> PromptPanel: ...
    @property
    def shown_variant(self) -> tuple[str, int] | None: ...
    @property
    def selected_variant(self) -> tuple[str, int] | None: ...
    def show_message(self, text: str) -> None: ...
    def show_original(self) -> None: ...
    def set_markup_shapes(self, shapes: Sequence[Shape]) -> None: ...
    def statusBar(self) -> QStatusBar: ...


def _markup(w: RoundCopyHost, entry: ResultRound) -> tuple[Shape, ...]:
    """The markup the round was sent with, as its record keeps it."""
    session = w.sessions.session
    if session is None or entry.round_id is None:
        return ()
    try:
        return session.round(entry.round_id).markup
    except KeyError:
        return ()


def _regions(w: RoundCopyHost, entry: ResultRound) -> list[tuple[str, str, str, np.ndarray]]:
    """A round's regions with their masks (small PNGs, read here)."""
    session = w.sessions.session
    if session is None or entry.round_id is None:
        return []
    try:
        record = session.round(entry.round_id)
        masks = [session.load_mask(r.mask) for r in record.regions]
    except (KeyError, StoreError):
        return []
    return [
        (r.name, r.prompt, r.color, m)
        for r, m in zip(record.regions, masks, strict=True)
        if m is not None
    ]


def current_round(w: RoundCopyHost) -> ResultRound | None:
    """The round behind the variant being looked at, else the newest round."""
    pick = w.shown_variant or w.selected_variant
    entry = w.results.round(pick[0]) if pick is not None else None
    if entry is not None:
        return entry
    rounds = w.results.rounds()
    return rounds[-1] if rounds else None


def _asked(w: RoundCopyHost, entry: ResultRound) -> tuple[EditParams | None, np.ndarray | None]:
    """What a round was sent with: its parameters and mask (read from the session folder)."""
    params = entry.params
    session = w.sessions.session
    if session is None or entry.round_id is None:
        return params, None
    try:
        record = session.round(entry.round_id)
        mask = session.load_mask(record.mask) if record.mask is not None else None
    except (KeyError, StoreError):
        return params, None
    if params is None:
        params = record.params
    return params, mask


def _references(w: RoundCopyHost, entry: ResultRound, params: EditParams) -> tuple[Reference, ...]:
    """The round's references: in hand for a round of this run, else read from its folder."""
    session = w.sessions.session
    if params.references or session is None or entry.round_id is None:
        return params.references
    try:
        return session.load_references(entry.round_id)
    except (KeyError, StoreError) as e:
        w.show_message(f"The references of round {entry.key} could not be read: {e}")
        return ()


def duplicate_round(w: RoundCopyHost) -> ResultRound | None:
    """Ctrl+J: the current round's parameters back in the panel, prompt selected for editing."""
    entry = current_round(w)
    if entry is None or w.document is None:
        w.show_message("Run a round first (Ctrl+Enter); Ctrl+J then duplicates it for an A/B.")
        return None
    params, mask = _asked(w, entry)
    panel = w.prompt_panel
    panel.set_prompt(entry.prompt)
    if params is not None and params.api.model:
        panel.set_model(params.api.model)
    if params is not None:
        panel.n_spin.setValue(params.api.n or 1)
        panel.references_strip.set_references(_references(w, entry, params))  # kept for the A/B
    regions = _regions(w, entry)
    if regions:
        w.workspace.set_regions(regions)  # every region's mask and prompt back
    else:
        w.workspace.end_regions()
        doc = w.workspace.document
        assert doc is not None
        if mask is not None and mask.shape == (doc.height, doc.width):
            doc.replace(mask)  # a no-op when unchanged; else one undoable step
        elif mask is None and entry.round_id is not None:
            doc.clear()
    w.set_markup_shapes(_markup(w, entry))
    w.show_original()
    panel.focus_prompt()
    panel.prompt.selectAll()
    w.statusBar().showMessage(
        f"Duplicated round {entry.key} for A/B: edit the prompt, then Ctrl+Enter", 8000
    )
    return entry
