"""The reference images a round was sent with, to put back in the References strip.

A round of this run holds them in its ``EditParams``; a round read from the session folder
holds what its parameters recorded — each reference's file (``{"file": …}`` records, plain
paths, or references already decoded), read again here.
"""

from __future__ import annotations

from collections.abc import Mapping

from editor.core.imageio import ImageLoadError
from editor.core.references import Reference, load_reference

__all__ = ["round_references"]


def round_references(params: object) -> tuple[tuple[Reference, ...], list[str]]:
    """(references, problems): the round's references in order, and why any could not be
    read again (a moved or deleted file)."""
    if isinstance(params, Mapping):
        items = params.get("references") or ()
    else:
        items = getattr(params, "references", None) or ()
    refs: list[Reference] = []
    problems: list[str] = []
    for item in items if isinstance(items, list | tuple) else ():
        if isinstance(item, Reference):
            refs.append(item)
            continue
        path = item.get("path") or item.get("file") if isinstance(item, Mapping) else item
        if not isinstance(path, str) or not path:
            continue
        try:
            refs.append(load_reference(path))
        except (ImageLoadError, OSError) as e:
            problems.append(f"Reference {path} could not be read again: {e}")
    return tuple(refs), problems
