"""One region of a round sent over several (editor.pipeline.regions)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Region"]


@dataclass(frozen=True, slots=True)
class Region:
    mask: np.ndarray  # H×W uint8, 255 = edit
    prompt: str  # "" = the round's own prompt
    name: str = ""
    color: str = ""  # its overlay colour in the window (kept with the round)
