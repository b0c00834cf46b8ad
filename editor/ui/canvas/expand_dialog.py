"""Image ▸ Expand Canvas…: pixels per side, or a target aspect with an anchor.

The dialog only chooses an :class:`~editor.core.expand.Expansion`; it emits each valid choice
as it changes (``expansion_changed``) so the canvas can preview the new bounds
(:meth:`MaskCanvas.preview_expansion`), and :meth:`ExpandCanvasDialog.expansion` gives the one
accepted. Growing the image is :func:`editor.core.expand.expand_canvas`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.core.expand import (
    ANCHORS,
    ASPECT_PRESETS,
    MAX_EXPANDED_SIDE,
    Expansion,
    expand_to_aspect,
    parse_aspect,
)
from editor.ui.canvas.mask_canvas import MaskCanvas

__all__ = ["ExpandCanvasDialog", "preview_while_open"]

Size = tuple[int, int]
CUSTOM = "Custom…"
_SIDES = ("left", "top", "right", "bottom")
_ARROWS = {
    "top-left": "↖",
    "top": "↑",
    "top-right": "↗",
    "left": "←",
    "center": "●",
    "right": "→",
    "bottom-left": "↙",
    "bottom": "↓",
    "bottom-right": "↘",
}


class ExpandCanvasDialog(QDialog):
    """Choose how to grow an image of ``image_size`` (w, h).

    ``expansion_changed(object)``: the current choice, an Expansion, or None while the input
    can't be used (the inline message says why and OK is disabled).
    """

    expansion_changed = Signal(object)

    def __init__(self, image_size: Size, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Expand Canvas")
        self._size = (int(image_size[0]), int(image_size[1]))
        self._current: Expansion | None = None

        self.by_pixels = QRadioButton("Pixels per side")
        self.by_aspect = QRadioButton("Target aspect")
        self.by_pixels.setChecked(True)
        mode = QButtonGroup(self)
        mode.addButton(self.by_pixels)
        mode.addButton(self.by_aspect)
        mode_row = QHBoxLayout()
        mode_row.addWidget(self.by_pixels)
        mode_row.addWidget(self.by_aspect)
        mode_row.addStretch(1)

        # -- by pixels
        self.spins: dict[str, QSpinBox] = {}
        pixels = QWidget()
        pixel_form = QFormLayout(pixels)
        pixel_form.setContentsMargins(0, 0, 0, 0)
        for side in _SIDES:
            spin = QSpinBox()
            spin.setRange(0, MAX_EXPANDED_SIDE)
            spin.setSuffix(" px")
            spin.setAccelerated(True)
            spin.setAccessibleName(f"{side.title()} pixels")
            spin.valueChanged.connect(lambda value, s=side: self._on_spin(s, value))
            self.spins[side] = spin
            pixel_form.addRow(side.title(), spin)
        self.link = QToolButton()
        self.link.setText("Link")
        self.link.setCheckable(True)
        self.link.setToolTip("Same number of pixels on every side")
        self.link.toggled.connect(self._on_link)
        pixel_form.addRow("", self.link)

        # -- by aspect
        aspect = QWidget()
        aspect_form = QFormLayout(aspect)
        aspect_form.setContentsMargins(0, 0, 0, 0)
        self.aspect_combo = QComboBox()
        self.aspect_combo.addItems([*ASPECT_PRESETS, CUSTOM])
        self.aspect_combo.currentTextChanged.connect(self._on_aspect_choice)
        self.custom_edit = QLineEdit()
        self.custom_edit.setPlaceholderText("W:H, e.g. 1.91:1")
        self.custom_edit.setEnabled(False)
        self.custom_edit.textChanged.connect(self._update)
        aspect_form.addRow("Aspect", self.aspect_combo)
        aspect_form.addRow("Custom", self.custom_edit)
        self.anchors = QButtonGroup(self)
        self.anchor_buttons: dict[str, QToolButton] = {}
        grid = QGridLayout()
        grid.setSpacing(2)
        for i, name in enumerate(ANCHORS):
            button = QToolButton()
            button.setText(_ARROWS[name])
            button.setCheckable(True)
            button.setToolTip(f"Keep the image at the {name.replace('-', ' ')}")
            button.setAccessibleName(name)
            button.setFixedSize(28, 28)
            self.anchors.addButton(button)
            self.anchor_buttons[name] = button
            grid.addWidget(button, i // 3, i % 3)
        self.anchor_buttons["center"].setChecked(True)
        self.anchors.buttonToggled.connect(lambda *_: self._update())
        anchor_box = QWidget()
        anchor_row = QHBoxLayout(anchor_box)
        anchor_row.setContentsMargins(0, 0, 0, 0)
        anchor_row.addLayout(grid)
        anchor_row.addStretch(1)
        aspect_form.addRow("Anchor", anchor_box)

        self.pages = QStackedWidget()
        self.pages.addWidget(pixels)
        self.pages.addWidget(aspect)
        self.by_aspect.toggled.connect(self._on_mode)

        self.result_label = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Expand")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        box = QVBoxLayout(self)
        box.addLayout(mode_row)
        box.addWidget(self.pages)
        box.addWidget(self.result_label)
        box.addWidget(self.message)
        box.addWidget(self.buttons)
        self._update()

    # -- reading --------------------------------------------------------------------------------

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def expansion(self) -> Expansion | None:
        """The chosen expansion, None while the input can't be used."""
        return self._current

    def anchor(self) -> str:
        for name, button in self.anchor_buttons.items():
            if button.isChecked():
                return name
        return "center"

    # -- reacting -------------------------------------------------------------------------------

    def _on_mode(self, aspect: bool) -> None:
        self.pages.setCurrentIndex(1 if aspect else 0)
        self._update()

    def _on_link(self, linked: bool) -> None:
        if linked:
            self._on_spin("left", self.spins["left"].value())

    def _on_spin(self, side: str, value: int) -> None:
        if self.link.isChecked():
            for other, spin in self.spins.items():
                if other != side and spin.value() != value:
                    spin.blockSignals(True)
                    spin.setValue(value)
                    spin.blockSignals(False)
        self._update()

    def _on_aspect_choice(self, text: str) -> None:
        custom = text == CUSTOM
        self.custom_edit.setEnabled(custom)
        if custom:
            self.custom_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update()

    def _choice(self) -> tuple[Expansion | None, str]:
        """The expansion the input describes, or None and why not."""
        w, h = self._size
        if self.by_pixels.isChecked():
            e = Expansion(*(self.spins[s].value() for s in _SIDES))
            if e.is_empty:
                return None, "Add pixels on at least one side."
        else:
            text = self.aspect_combo.currentText()
            if text == CUSTOM:
                text = self.custom_edit.text()
                if not text.strip():
                    return None, "Type an aspect as width:height, like 1.91:1."
            try:
                aspect = parse_aspect(text)
            except ValueError as err:
                return None, f"{err}."
            e = expand_to_aspect((w, h), aspect, self.anchor())
            if e.is_empty:
                return None, f"The image is already {text.strip()}; there is nothing to add."
        new_w, new_h = e.new_size((w, h))
        if max(new_w, new_h) > MAX_EXPANDED_SIDE:
            return None, (
                f"The expanded image would be {new_w} × {new_h}; "
                f"at most {MAX_EXPANDED_SIDE} px on a side."
            )
        return e, ""

    def _update(self) -> None:
        expansion, problem = self._choice()
        w, h = self._size
        if expansion is None:
            self.result_label.setText(f"{w} × {h}")
        else:
            new_w, new_h = expansion.new_size((w, h))
            self.result_label.setText(f"{w} × {h}  →  {new_w} × {new_h}")
        self.message.setText(problem)
        self.message.setVisible(bool(problem))
        self.ok_button.setEnabled(expansion is not None)
        if expansion != self._current:
            self._current = expansion
            self.expansion_changed.emit(expansion)


def preview_while_open(dialog: ExpandCanvasDialog, canvas: MaskCanvas) -> None:
    """Let ``canvas`` preview the dialog's choice until the dialog closes (either way)."""
    dialog.expansion_changed.connect(canvas.preview_expansion)
    dialog.finished.connect(lambda _result: canvas.preview_expansion(None))
    canvas.preview_expansion(dialog.expansion())
