"""The app-wide :class:`~editor.pipeline.fanout.CapabilityMemory`, kept in QSettings as JSON.

Every job shares it: a gateway model that answered "n must be 1" is remembered per profile and
model, so later jobs fan out at once; so is one that could not stream previews, so later jobs
don't ask. The profile form shows what was learned, and Forget resets it.
"""

from __future__ import annotations

import json
import logging

from PySide6.QtCore import QSettings

from editor.pipeline.fanout import CapabilityMemory

__all__ = ["Capabilities", "learned_text"]

log = logging.getLogger(__name__)
_KEY = "fanout/capabilities"


class Capabilities:
    def __init__(self, settings: QSettings) -> None:
        self._settings = settings
        raw = settings.value(_KEY, "", type=str)
        doc: object = None
        if raw:
            try:
                doc = json.loads(str(raw))
            except ValueError:
                log.warning("capabilities: ignoring unreadable saved limits")
        self.memory = CapabilityMemory.from_json(doc)

    def save(self) -> None:
        self._settings.setValue(_KEY, json.dumps(self.memory.to_json()))
        self._settings.sync()

    def learned(self, profile: str) -> list[tuple[str, int]]:
        """(model, limit) pairs learned for one profile."""
        return [(model, n) for p, model, n in self.memory.items() if p == profile]

    def no_stream(self, profile: str) -> list[str]:
        """Models of one profile that get no streamed previews (learned)."""
        return [model for p, model in self.memory.no_stream_items() if p == profile]

    def markup_note(self, profile: str) -> str | None:
        """Why this profile's marks go as a mask (learned), or None."""
        if self.memory.carries_markup(profile) is False:
            return self.memory.markup_reason(profile) or "the service loses markup"
        return None

    def forget(self, profile: str) -> None:
        self.memory.forget(profile)
        self.save()


def learned_text(
    pairs: list[tuple[str, int]], no_stream: list[str] | None = None, markup: str | None = None
) -> str:
    """ "learned: 1 per request (gpt-image-1); no streamed previews (telea); marks sent as a
    mask (LiteLLM forwards markup as text)" or "" when nothing was learned."""
    parts = [f"learned: {n} per request" + (f" ({model})" if model else "") for model, n in pairs]
    parts += [
        "learned: no streamed previews" + (f" ({model})" if model else "")
        for model in no_stream or []
    ]
    if markup:
        parts.append(f"learned: marks sent as a mask ({markup})")
    return "; ".join(parts)
