"""The mask toolbar: tool buttons, brush size and hardness, overlay colour and opacity.

Each control is bound both ways to the canvas (napari's one-control-per-property pattern):
the control writes the canvas property, the canvas signal writes back with the control's own
signals blocked, so ``[`` / ``]`` on the canvas move the slider and the slider moves the brush
without feedback loops. Sliders take focus only by Tab, so clicking them leaves the canvas
keyboard shortcuts alive.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QLabel,
    QSlider,
    QSpinBox,
    QToolBar,
    QToolButton,
    QWidget,
)

from editor.core.selection import SelectionMode
from editor.ui.canvas.mask_canvas import MAX_BRUSH, MaskCanvas
from editor.ui.canvas.tolerance_spin import ToleranceSpin
from editor.ui.canvas.tools import SELECTION_TOOLS
from editor.ui.common.icons import tool_icon
from editor.ui.common.signals import signals_blocked

__all__ = ["MaskToolbar"]

_TOOL_TIPS = {
    "lasso": "Lasso (L): drag freehand or click corners; Return, a double-click or the start "
    "point closes, Backspace drops a point, Esc cancels, Shift snaps to 45°",
    "wand": "Magic Wand (W): click a colour to select the area around it",
    "object": "Object Select (O): drag a box around an object; then left strokes keep, "
    'right strokes remove ("not this")',
    "markup": "Markup (M): draw arrows, circles and scribbles that show the 2.6 models where to "
    "edit, on a layer of their own (Shift: arrow, Ctrl: ellipse)",
}
_SHAPES = (("pen", "Pen"), ("arrow", "Arrow"), ("ellipse", "Ellipse"))
_SIZE_STEPS = 1000  # the size slider is logarithmic: fine control for small brushes


def _size_to_slider(size: int) -> int:
    return round(math.log(max(1, size)) / math.log(MAX_BRUSH) * _SIZE_STEPS)


def _slider_to_size(value: int) -> int:
    return max(1, round(math.exp(value / _SIZE_STEPS * math.log(MAX_BRUSH))))


def _swatch(color: QColor) -> QIcon:
    px = QPixmap(32, 32)
    px.fill(Qt.GlobalColor.transparent)
    p = QPainter(px)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QColor(0, 0, 0, 120))
    p.setBrush(color)
    p.drawRoundedRect(4, 4, 24, 24, 5, 5)
    p.end()
    return QIcon(px)


class MaskToolbar(QToolBar):
    def __init__(self, canvas: MaskCanvas, parent: QWidget | None = None) -> None:
        super().__init__("Mask tools", parent)
        self.setObjectName("mask-toolbar")
        self.canvas = canvas
        # Tools as icons (their names and keys in the tooltips), as in Krita and Photoshop:
        # the bar then keeps every control in view at 1024 px, whatever the tool.
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)

        self.tool_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for name, label, key in (
            ("brush", "Brush", "B"),
            ("eraser", "Eraser", "E"),
            ("rect", "Rectangle", "R"),
            ("lasso", "Lasso", "L"),
            ("wand", "Magic Wand", "W"),
            ("object", "Object Select", "O"),
            ("markup", "Markup", "M"),
        ):
            act = QAction(tool_icon(name), label, self)
            act.setCheckable(True)
            act.setToolTip(
                _TOOL_TIPS.get(name, f"{label} ({key}); hold Alt to swap paint and erase")
            )
            act.triggered.connect(lambda _=False, n=name: self._pick_tool(n))
            group.addAction(act)
            self.addAction(act)
            self.tool_actions[name] = act
        self.tool_actions[canvas.tool].setChecked(True)
        self.addSeparator()
        self._add_selection_controls()

        self.size_slider = QSlider(Qt.Orientation.Horizontal)
        self.size_slider.setRange(0, _SIZE_STEPS)
        self.size_slider.setFixedWidth(130)
        self.size_spin = QSpinBox()
        self.size_spin.setRange(1, MAX_BRUSH)
        self.size_spin.setSuffix(" px")
        for w in (self.size_slider, self.size_spin):
            w.setToolTip("Brush diameter in image pixels ([ smaller, ] larger)")
        self._brush_widgets = [
            self.addWidget(QLabel(" Size ")),
            self.addWidget(self.size_slider),
            self.addWidget(self.size_spin),
        ]

        self.hardness_slider = QSlider(Qt.Orientation.Horizontal)
        self.hardness_slider.setRange(0, 100)
        self.hardness_slider.setFixedWidth(80)
        self.hardness_slider.setToolTip("Brush edge: soft (left) to hard (right)")
        self._brush_widgets += [
            self.addWidget(QLabel("  Hardness ")),
            self.addWidget(self.hardness_slider),
        ]
        self.addSeparator()

        self._color = QColor(255, 45, 110)
        self._opacity = 0.45
        self.color_button = QToolButton()
        self.color_button.setIcon(_swatch(self._color))
        self.color_button.setToolTip("Colour of the mask overlay")
        self.color_button.clicked.connect(self._pick_color)
        self.opacity_slider = QSlider(Qt.Orientation.Horizontal)
        self.opacity_slider.setRange(5, 95)
        self.opacity_slider.setValue(round(self._opacity * 100))
        self.opacity_slider.setFixedWidth(80)
        self.opacity_slider.setToolTip("Opacity of the mask overlay")
        self.addWidget(QLabel(" Overlay "))
        self.addWidget(self.color_button)
        self.addWidget(self.opacity_slider)

        for w in (self.size_slider, self.hardness_slider, self.opacity_slider):
            w.setFocusPolicy(Qt.FocusPolicy.TabFocus)

        self.size_slider.valueChanged.connect(
            lambda v: setattr(self.canvas, "brush_size", _slider_to_size(v))
        )
        self.size_spin.valueChanged.connect(lambda v: setattr(self.canvas, "brush_size", v))
        self.hardness_slider.valueChanged.connect(
            lambda v: setattr(self.canvas, "hardness", v / 100)
        )
        self.opacity_slider.valueChanged.connect(self._on_opacity)
        canvas.brush_size_changed.connect(self._show_size)
        canvas.hardness_changed.connect(self._show_hardness)
        canvas.tool_changed.connect(lambda name: self.tool_actions[name].setChecked(True))
        self._show_size(canvas.brush_size)
        self._show_hardness(canvas.hardness)
        canvas.tool_changed.connect(self._show_tool_controls)
        self._show_tool_controls(canvas.tool)
        canvas.set_overlay(self._color, self._opacity)

    def _add_selection_controls(self) -> None:
        """Add/Subtract for the selection tools (Shift adds, Alt or Ctrl subtracts meanwhile),
        then the wand's tolerance and contiguity, shown while the wand is picked."""
        tools = self.canvas.selection
        self.mode_actions: dict[str, QAction] = {}
        modes = QActionGroup(self)
        for mode, label, tip in (
            (SelectionMode.ADD, "Add", "Selections add to the mask (or hold Shift)"),
            (SelectionMode.SUBTRACT, "Subtract", "Selections remove from the mask (or hold Alt)"),
        ):
            act = QAction(label, self)
            act.setCheckable(True)
            act.setToolTip(tip)
            act.setChecked(tools.mode is mode)
            act.triggered.connect(lambda _=False, m=mode: setattr(tools, "mode", m))
            modes.addAction(act)
            self.addAction(act)
            self.mode_actions[mode.value] = act
        self.tolerance_spin = ToleranceSpin()
        self.tolerance_spin.hand_back_to = self.canvas
        self.tolerance_spin.setValue(tools.tolerance)
        self.tolerance_spin.setToolTip("How far a colour may differ from the clicked one (0–255)")
        self.tolerance_spin.valueChanged.connect(lambda v: setattr(tools, "tolerance", v))
        self.contiguous_check = QCheckBox("Contiguous")
        self.contiguous_check.setChecked(tools.contiguous)
        self.contiguous_check.setToolTip("Off: every similar colour in the image")
        self.contiguous_check.toggled.connect(lambda on: setattr(tools, "contiguous", on))
        self._wand_widgets = [
            self.addWidget(QLabel(" Tolerance ")),
            self.addWidget(self.tolerance_spin),
            self.addWidget(self.contiguous_check),
        ]
        self.contiguous_check.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.shape_actions: dict[str, QAction] = {}
        shapes = QActionGroup(self)
        for kind, label in _SHAPES:
            act = QAction(label, self)
            act.setCheckable(True)
            act.setToolTip(f"Markup draws: {label.lower()}")
            act.setChecked(tools.markup_shape == kind)
            act.triggered.connect(lambda _=False, k=kind: setattr(tools, "markup_shape", k))
            shapes.addAction(act)
            self.addAction(act)
            self.shape_actions[kind] = act
        self.addSeparator()

    def _show_tool_controls(self, tool: str) -> None:
        selecting = tool in SELECTION_TOOLS
        for act in self.mode_actions.values():
            act.setVisible(selecting)
        for act in self._brush_widgets:  # a brush's size and edge mean nothing to a selection
            act.setVisible(not selecting)
        for act in self._wand_widgets:
            act.setVisible(tool == "wand")
        for act in self.shape_actions.values():
            act.setVisible(tool == "markup")

    def _pick_tool(self, name: str) -> None:
        self.canvas.set_tool(name)
        self.canvas.setFocus()

    def _show_size(self, size: int) -> None:
        for w, v in ((self.size_slider, _size_to_slider(size)), (self.size_spin, size)):
            with signals_blocked(w):
                w.setValue(v)

    def _show_hardness(self, hardness: float) -> None:
        with signals_blocked(self.hardness_slider):
            self.hardness_slider.setValue(round(hardness * 100))

    def _on_opacity(self, value: int) -> None:
        self._opacity = value / 100
        self.canvas.set_overlay(self._color, self._opacity)

    def _pick_color(self) -> None:
        color = QColorDialog.getColor(self._color, self, "Mask overlay colour")
        if color.isValid():
            self._color = color
            self.color_button.setIcon(_swatch(color))
            self.canvas.set_overlay(color, self._opacity)
