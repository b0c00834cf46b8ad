"""The app-wide :class:`~editor.pipeline.fanout.CapabilityMemory`, kept in QSettings as JSON.

Every job shares it: a gateway model that answered "n must be 1" is remembered per profile and
model, so later jobs fan out at once; the profile form shows what was learned.
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

    def forget(self, profile: str) -> None:
        self.memory.forget(profile)
        self.save()


def learned_text(pairs: list[tuple[str, int]]) -> str:
    """ "learned: 1 per request (gpt-image-1)" or "" when nothing was learned."""
    return "; ".join(
        f"learned: {n} per request" + (f" ({model})" if model else "") for model, n in pairs
    )
