"""Gateway model names: which known model a team's own name stands for.

A gateway exposes models under names its team chose (``team-image``, ``openai/gpt-image-2.6-flare``,
``azure-gpt-image-2``), so the model table can't size them. A profile may say "treat X like
gpt-image-2.6-flare"; without that, a name that contains a known model's name is taken for it.
``other`` means "none of these": the profile's sizes (or the image's own size) apply. The list
of models a name can stand for is the model table's (editor.core.models.alias_families).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = ["OTHER", "alias_family", "guess_family"]

OTHER = "other"


def guess_family(name: str | None, known: Iterable[str]) -> str | None:
    """The longest of ``known`` that ``name`` contains as a whole name (``openai/gpt-image-1``,
    ``azure-gpt-image-1`` → ``gpt-image-1``; ``gpt-image-1.5-x`` → ``gpt-image-1.5``)."""
    text = (name or "").strip().lower()
    if not text:
        return None
    best: str | None = None
    for candidate in known:
        # Not followed by a letter, a digit or a ".digit": gpt-image-1 is no part of gpt-image-1.5.
        pattern = rf"(?<![a-z0-9]){re.escape(candidate.lower())}(?![a-z0-9]|\.\d)"
        if re.search(pattern, text) and (best is None or len(candidate) > len(best)):
            best = candidate
    return best


def alias_family(
    name: str | None, aliases: Mapping[str, str] | None, known: Iterable[str]
) -> str | None:
    """The known model ``name`` stands for: the profile's alias first (``OTHER`` → None, no
    guessing), else a guess from the name; None when nothing fits."""
    key = (name or "").strip()
    chosen = (aliases or {}).get(key)
    if chosen is not None:
        return None if chosen == OTHER else chosen
    return guess_family(key, known)
