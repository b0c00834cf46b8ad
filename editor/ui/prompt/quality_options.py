"""The result-quality choices of the prompt panel: context crop and colour match.

Context decides what the service sees (the whole frame, or a crop around the mask at a better
pixel density); colour match removes a service's colour cast using the unmasked ring around the
mask. Colour match defaults from the service's profile (on with its strength for remote
services, off for the Local engine); a choice the user makes is remembered per service in
``QSettings``, the context choice once for all.

:class:`Collapsible` is the panel's "Advanced" section: a header button that shows or hides a
form of rarely changed options.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.ui.common.services import Profile
from editor.ui.common.signals import signals_blocked

__all__ = ["CONTEXT_CHOICES", "Collapsible", "ResultOptions"]

CONTEXT_CHOICES: dict[str, str] = {
    "auto": "Auto",
    "whole": "Whole frame",
    "crop": "Crop around mask",
}
_CONTEXT_TIP = (
    "What the service is sent.\n"
    "Auto: a crop around the mask when that shows the masked area sharper, else the whole "
    "frame.\nWhole frame: the entire picture, scaled to the model's size (small areas of big "
    "photos come back soft).\nCrop around mask: the mask's box grown by the margin, so the "
    "area reaches the service at full detail; the result is pasted back at full resolution."
)
_MARGIN_TIP = (
    "Crop context: how much of the surroundings the service sees on each side of the mask, "
    "as a multiple of the mask's box (0.5 = half its size)"
)
_COLOR_TIP = (
    "Match the result's colour and tone to the original around the mask, removing a "
    "service's colour cast before pasting it in"
)
_KEY = "prompt_options"


class Collapsible(QWidget):
    """A header button (▸/▾ title) over a body; collapsed by default."""

    toggled = Signal(bool)

    def __init__(self, title: str, body: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body = body
        self.header = QToolButton()
        self.header.setText(title)
        self.header.setCheckable(True)
        self.header.setAutoRaise(True)
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setArrowType(Qt.ArrowType.RightArrow)
        self.header.toggled.connect(self.set_expanded)
        self.summary = QLabel()
        self.summary.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        # A long summary is cut with "…" (whole in the tooltip), never widening the panel.
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._summary = ""
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.header)
        top.addWidget(self.summary, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addLayout(top)
        box.addWidget(body)
        body.setVisible(False)

    def set_summary(self, text: str) -> None:
        """What the folded body holds that matters, shown beside the header."""
        self._summary = text
        self.summary.setToolTip(text)
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(0, self.summary.width())
        metrics = self.summary.fontMetrics()
        self.summary.setText(metrics.elidedText(self._summary, Qt.TextElideMode.ElideRight, width))

    def expanded(self) -> bool:
        return self.header.isChecked()

    def set_expanded(self, on: bool) -> None:
        self.header.setChecked(on)  # re-enters once through toggled when it changes
        self.header.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        if self.body.isVisibleTo(self) != on:
            self.body.setVisible(on)
            self.toggled.emit(on)


class ResultOptions:
    """The widgets (placed by the panel) and what they mean for ``EditParams``."""

    def __init__(self) -> None:
        self.settings: QSettings | None = None
        self._profile = ""
        self.context_combo = QComboBox()
        for mode, label in CONTEXT_CHOICES.items():
            self.context_combo.addItem(label, mode)
        self.context_combo.setToolTip(_CONTEXT_TIP)
        self.margin_spin = QDoubleSpinBox()
        self.margin_spin.setRange(0.1, 2.0)
        self.margin_spin.setSingleStep(0.1)
        self.margin_spin.setDecimals(1)
        self.margin_spin.setSuffix(" ×")
        self.margin_spin.setValue(0.5)
        self.margin_spin.setToolTip(_MARGIN_TIP)
        self.color_check = QCheckBox("Colour match")
        self.color_check.setToolTip(_COLOR_TIP)
        self.strength_slider = QSlider(Qt.Orientation.Horizontal)
        self.strength_slider.setRange(0, 100)
        self.strength_slider.setValue(100)
        self.strength_slider.setToolTip("How strongly colour match corrects (100 % = fully)")
        self.strength_label = QLabel("100 %")
        self.strength_label.setMinimumWidth(
            self.strength_label.fontMetrics().horizontalAdvance("100 %") + 4
        )
        self.strength_row = QWidget()
        row = QHBoxLayout(self.strength_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.strength_slider, 1)
        row.addWidget(self.strength_label)

        self.context_combo.currentIndexChanged.connect(self._context_changed)
        self.margin_spin.valueChanged.connect(self._context_changed)
        self.color_check.toggled.connect(self._color_changed)
        self.strength_slider.valueChanged.connect(self._color_changed)
        self._show_strength()

    # -- reading --------------------------------------------------------------------------------

    def context(self) -> str:
        return str(self.context_combo.currentData())

    def margin(self) -> float:
        return round(self.margin_spin.value(), 2)

    def color_match(self) -> bool:
        return self.color_check.isChecked()

    def strength(self) -> float:
        return self.strength_slider.value() / 100

    # -- writing --------------------------------------------------------------------------------

    def set_context(self, mode: str) -> None:
        index = self.context_combo.findData(mode)
        if index < 0:
            raise ValueError(f"unknown context {mode!r}; expected one of {list(CONTEXT_CHOICES)}")
        self.context_combo.setCurrentIndex(index)

    def bind_settings(self, settings: QSettings) -> None:
        """Restore the remembered choices and remember new ones in ``settings``."""
        self.settings = settings
        mode = str(settings.value(f"{_KEY}/context", "auto"))
        margin = _as_float(settings.value(f"{_KEY}/context_margin", 0.5), 0.5)
        with signals_blocked(self.context_combo, self.margin_spin):
            if self.context_combo.findData(mode) >= 0:
                self.set_context(mode)
            self.margin_spin.setValue(margin)
        if self._profile:
            self._load_color(self._profile, None)

    def apply_profile(self, profile: Profile) -> None:
        """A service was picked: its colour match (the user's remembered one, else the
        profile's default)."""
        self._profile = profile.name
        self._load_color(profile.name, profile)

    def _load_color(self, name: str, profile: Profile | None) -> None:
        on = profile.color_match if profile is not None else self.color_match()
        strength = profile.color_match_strength if profile is not None else self.strength()
        s = self.settings
        if s is not None and s.contains(f"{_KEY}/color/{name}/on"):
            on = _as_bool(s.value(f"{_KEY}/color/{name}/on"))
            strength = _as_float(s.value(f"{_KEY}/color/{name}/strength", strength), strength)
        with signals_blocked(self.color_check, self.strength_slider):
            self.color_check.setChecked(on)
            self.strength_slider.setValue(round(max(0.0, min(1.0, strength)) * 100))
        self._show_strength()

    def _context_changed(self) -> None:
        if self.settings is not None:
            self.settings.setValue(f"{_KEY}/context", self.context())
            self.settings.setValue(f"{_KEY}/context_margin", self.margin())

    def _color_changed(self) -> None:
        self._show_strength()
        if self.settings is not None and self._profile:
            self.settings.setValue(f"{_KEY}/color/{self._profile}/on", self.color_match())
            self.settings.setValue(f"{_KEY}/color/{self._profile}/strength", self.strength())

    def _show_strength(self) -> None:
        self.strength_label.setText(f"{self.strength_slider.value()} %")
        self.strength_row.setEnabled(self.color_match())


def _as_float(value: object, default: float) -> float:
    if not isinstance(value, (int, float, str)):
        return default
    try:
        return float(value)
    except ValueError:
        return default


def _as_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes", "on")
    return bool(value)
