"""Tablet pressure → brush size and opacity, as set in Preferences.

A curve bends the pen's pressure before it drives the brush: a gamma (1 = linear, above 1 needs
a firmer press), or a three-point curve through (0, 0), a movable middle point and (1, 1),
interpolated by a monotone cubic (Fritsch–Carlson) so more pressure never gives a smaller dab.
``minimum_size`` keeps a feather-light touch from vanishing. Pure functions, cheap enough to
evaluate per tablet event and to sample for the live preview.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, replace
from typing import Any

__all__ = ["PressureCurve", "PressureTarget", "pressure_factors"]


class PressureTarget(enum.Enum):
    SIZE = "size"
    OPACITY = "opacity"
    BOTH = "both"


@dataclass(frozen=True)
class PressureCurve:
    """Preferences for tablet pressure. ``midpoint`` set means the three-point curve, else gamma."""

    target: PressureTarget = PressureTarget.SIZE
    gamma: float = 1.0
    midpoint: tuple[float, float] | None = None
    minimum_size: float = 0.1  # fraction of the brush size at the lightest touch

    def __post_init__(self) -> None:
        if not (math.isfinite(self.gamma) and 0.1 <= self.gamma <= 10.0):
            raise ValueError(f"pressure gamma must be between 0.1 and 10, got {self.gamma}")
        if not (math.isfinite(self.minimum_size) and 0.0 <= self.minimum_size <= 1.0):
            raise ValueError(
                f"minimum size must be between 0 and 1 (a fraction), got {self.minimum_size}"
            )
        if self.midpoint is not None:
            mx, my = self.midpoint
            if not (0.0 < mx < 1.0 and 0.0 < my < 1.0):
                raise ValueError(
                    f"the curve's middle point must lie inside the unit square, got {self.midpoint}"
                )

    def curve(self, pressure: float) -> float:
        """The bent pressure, 0..1, non-decreasing in ``pressure`` (clamped to 0..1)."""
        p = min(1.0, max(0.0, float(pressure))) if math.isfinite(pressure) else 0.0
        if self.midpoint is None:
            return float(p**self.gamma)  # a float power of a float in 0..1: never complex
        return _monotone_cubic(self.midpoint, p)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target.value,
            "gamma": self.gamma,
            "midpoint": list(self.midpoint) if self.midpoint is not None else None,
            "minimum_size": self.minimum_size,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PressureCurve:
        """Settings read back from preferences; missing keys take the defaults, unknown keys
        are ignored, a bad value raises ``ValueError`` with a message fit for the user."""
        curve = cls()
        try:
            if "target" in data:
                curve = replace(curve, target=PressureTarget(data["target"]))
            if "gamma" in data:
                curve = replace(curve, gamma=float(data["gamma"]))
            if data.get("midpoint") is not None:
                mx, my = data["midpoint"]
                curve = replace(curve, midpoint=(float(mx), float(my)))
            if "minimum_size" in data:
                curve = replace(curve, minimum_size=float(data["minimum_size"]))
        except (TypeError, ValueError) as e:
            raise ValueError(f"pressure settings are not usable: {e}") from None
        return curve


def pressure_factors(settings: PressureCurve, pressure: float) -> tuple[float, float]:
    """``(size factor, opacity factor)`` for a pen pressure 0..1; the one not driven is 1."""
    c = settings.curve(pressure)
    size = settings.minimum_size + (1.0 - settings.minimum_size) * c
    drives_size = settings.target in (PressureTarget.SIZE, PressureTarget.BOTH)
    drives_opacity = settings.target in (PressureTarget.OPACITY, PressureTarget.BOTH)
    return (size if drives_size else 1.0, c if drives_opacity else 1.0)


def _monotone_cubic(mid: tuple[float, float], p: float) -> float:
    """The Fritsch–Carlson monotone cubic through (0, 0), ``mid`` and (1, 1) at ``p``."""
    xs, ys = (0.0, mid[0], 1.0), (0.0, mid[1], 1.0)
    d = [(ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]) for i in range(2)]  # both > 0
    # Harmonic mean inside keeps it monotone; one-sided ends, clamped to 3× the secant.
    m1 = 2.0 / (1.0 / d[0] + 1.0 / d[1])
    m0 = min(max(0.0, (3 * d[0] - m1) / 2), 3 * d[0])
    m2 = min(max(0.0, (3 * d[1] - m1) / 2), 3 * d[1])
    slopes = (m0, m1, m2)
    i = 0 if p <= xs[1] else 1
    h = xs[i + 1] - xs[i]
    t = (p - xs[i]) / h
    h00 = (1 + 2 * t) * (1 - t) ** 2
    h10 = t * (1 - t) ** 2
    h01 = t * t * (3 - 2 * t)
    h11 = t * t * (t - 1)
    value = h00 * ys[i] + h10 * h * slopes[i] + h01 * ys[i + 1] + h11 * h * slopes[i + 1]
    return min(1.0, max(0.0, value))
