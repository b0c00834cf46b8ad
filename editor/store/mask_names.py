"""Names a person gave to a session's masks: the Mask Library's own entries.

The masks themselves are the session's deduplicated snapshots (``masks/<digest>.png``); this
file maps a snapshot to its name, so a named mask stays listed after the painting moves on.
"""

from __future__ import annotations

import logging

import numpy as np

from ._errors import StoreReadError
from ._fsio import read_json, write_json
from .session import Session

__all__ = ["NAMES_FILE", "mask_names", "name_mask"]

log = logging.getLogger(__name__)
NAMES_FILE = "names.json"


def mask_names(session: Session) -> dict[str, str]:
    """Snapshot ref → name, newest last; empty when none was named (or the file is unreadable)."""
    path = session.mask_path(NAMES_FILE)
    if not path.is_file():
        return {}
    try:
        raw = read_json(path, "the mask names")
    except StoreReadError as e:
        log.warning("%s", e)
        return {}
    if not isinstance(raw, dict):
        return {}
    return {str(ref): str(name) for ref, name in raw.items() if session.mask_path(ref).is_file()}


def name_mask(session: Session, edit: np.ndarray, name: str) -> str:
    """Keep ``edit`` under ``name`` (a new name for the same mask replaces the old one)."""
    name = " ".join(name.split())
    if not name:
        raise ValueError("A mask needs a name")
    ref = session.save_mask(edit)
    assert ref is not None
    names = {r: n for r, n in mask_names(session).items() if r != ref}
    names[ref] = name
    write_json(session.mask_path(NAMES_FILE), names, "the mask names")
    return ref
