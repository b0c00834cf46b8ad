"""Read a stored session back: what the workspace needs to continue it (blocking; a worker
runs it). Only the image to edit is decoded; variants stay files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from editor.core.expand import ExpandedCanvas, Expansion, expand_canvas, shrink_to_original
from editor.core.markup_layer import Shape
from editor.core.references import Reference
from editor.store import (
    ORIGINAL,
    BaseRef,
    ExpansionRecord,
    ResultVariant,
    RoundState,
    Session,
    StoreError,
)

__all__ = ["LoadedSession", "grown_from_round", "load_session"]


@dataclass
class LoadedSession:
    name: str
    image: np.ndarray
    base: BaseRef
    mask: np.ndarray | None
    prompt: str
    # Round id → its variants as files (nothing decoded: tiles read their proxies in view).
    variants: dict[str, list[ResultVariant]] = field(default_factory=dict)
    interrupted: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    references: tuple[Reference, ...] = ()  # the newest round's, back in the strip
    markup: tuple[Shape, ...] = ()  # the newest round's, back on the markup layer


def _variant_size(path: Path, fallback: tuple[int, int]) -> tuple[int, int]:
    """The stored frame's (width, height) from its header (no decode)."""
    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, ValueError):
        return fallback


def load_session(session: Session) -> LoadedSession:
    """Read what the window needs to show a session (blocking: run it in a thread). Only the
    image to edit is decoded; variants stay files."""
    original = session.load_original()
    problems: list[str] = []
    variants: dict[str, list[ResultVariant]] = {}
    for record in session.rounds:
        items = []
        for v in record.variants:
            path = session.round_dir(record.id) / v.file
            proxy = session.proxy_path(record.id, v.index)
            size = _variant_size(path, session.size)
            items.append(ResultVariant(record.id, v.index, size, path, proxy, v.revised_prompt))
        if items:
            variants[record.id] = items
    image, base = original, ORIGINAL
    newest = session.rounds[-1] if session.rounds else None
    # An expansion round (Expand Canvas) made its one variant the image to edit.
    want = newest.base if newest is not None else ORIGINAL
    if newest is not None and newest.expansion is not None and newest.variant(0) is not None:
        want = BaseRef(newest.id, 0)
    try:
        mask = session.load_mask()
    except StoreError as e:
        problems.append(str(e))
        mask = None
    if not want.is_original:
        try:
            pixels = session.load_base(want)
        except (StoreError, KeyError) as e:
            problems.append(str(e))
        else:
            # A grown canvas differs from the original in size; its mask was saved with it.
            if pixels.shape == original.shape or (
                mask is not None and mask.shape == pixels.shape[:2]
            ):
                image, base = pixels, want
    if mask is not None and mask.shape != image.shape[:2]:
        mask = None
    name = session.original_name or session.name
    interrupted = [r.id for r in session.rounds if r.state is RoundState.INTERRUPTED]
    asked = [r for r in session.rounds if r.expansion is None]
    refs: tuple[Reference, ...] = ()
    if asked and asked[-1].references:
        try:
            refs = session.load_references(asked[-1].id)
        except (StoreError, KeyError) as e:
            problems.append(str(e))
    markup = asked[-1].markup if asked else ()
    if asked and asked[-1].base != base:
        markup = ()  # drawn on another image
    return LoadedSession(
        name, image, base, mask, session.prompt, variants, interrupted, problems, refs, markup
    )


def grown_from_round(pixels: np.ndarray, record: ExpansionRecord) -> ExpandedCanvas | None:
    """The grown frame a stored expansion round made, rebuilt from its pixels so a restored
    canvas keeps its new area and seam band in the mask; None if they don't fit."""
    try:
        expansion = Expansion(*record.sides)
        original = shrink_to_original(pixels, expansion)
        return expand_canvas(original, expansion, seam_band=record.seam_band)
    except ValueError:
        return None
