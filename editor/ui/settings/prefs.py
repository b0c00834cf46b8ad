"""UI preferences kept in QSettings: brush size, mask overlay colour, theme, pressure curve.

Endpoint profiles and keys are not UI prefs: they live in :class:`editor.store.SettingsStore`.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor

from editor.core.selection import PressureCurve

__all__ = ["THEMES", "UiPrefs"]

THEMES = ("system", "light", "dark")
_DEFAULT_OVERLAY = "#ff2d6e"


class UiPrefs:
    """Typed access to the prefs in a QSettings (which the window owns)."""

    def __init__(self, settings: QSettings) -> None:
        self._s = settings

    @property
    def brush_size(self) -> int:
        try:
            return max(1, min(1000, int(str(self._s.value("ui/brush_size", 40)))))
        except ValueError:
            return 40

    @brush_size.setter
    def brush_size(self, value: int) -> None:
        self._s.setValue("ui/brush_size", int(value))

    @property
    def overlay_color(self) -> QColor:
        color = QColor(str(self._s.value("ui/overlay_color", _DEFAULT_OVERLAY)))
        return color if color.isValid() else QColor(_DEFAULT_OVERLAY)

    @overlay_color.setter
    def overlay_color(self, color: QColor) -> None:
        self._s.setValue("ui/overlay_color", QColor(color).name())

    @property
    def theme(self) -> str:
        value = str(self._s.value("ui/theme", "system"))
        return value if value in THEMES else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self._s.setValue("ui/theme", value if value in THEMES else "system")

    @property
    def pressure_curve(self) -> PressureCurve:
        """How tablet pressure drives the brush; an unreadable entry falls back to the default."""
        try:
            data = json.loads(str(self._s.value("ui/pressure_curve", "{}")))
            return PressureCurve.from_dict(data if isinstance(data, dict) else {})
        except ValueError:
            return PressureCurve()

    @pressure_curve.setter
    def pressure_curve(self, curve: PressureCurve) -> None:
        self._s.setValue("ui/pressure_curve", json.dumps(curve.to_dict()))

    @property
    def confirm_images_over(self) -> int:
        """Generate asks first when a prompt matrix would ask for more images than this."""
        try:
            return max(1, min(1000, int(str(self._s.value("ui/confirm_images_over", 12)))))
        except ValueError:
            return 12

    @confirm_images_over.setter
    def confirm_images_over(self, value: int) -> None:
        self._s.setValue("ui/confirm_images_over", int(value))

    def sync(self) -> None:
        self._s.sync()
