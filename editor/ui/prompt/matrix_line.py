"""Under the prompt: "One prompt per line", and — once the prompt holds several — how many
images Generate will ask for and what they may cost, before anything is sent."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QWidget

from editor.core.prompt_matrix import expand_all, expand_lines

__all__ = ["CostPerImage", "MatrixLine", "prompts_of"]

CostPerImage = Callable[[], tuple[float | None, str]]
"""What one image costs with the chosen service and model: (dollars or None, how it is known)."""


def prompts_of(text: str, per_line: bool) -> list[str]:
    """The prompts a prompt box holds: ``{a|b}`` expanded, and one per line when asked.
    ValueError past editor.core.prompt_matrix.MAX_PROMPTS."""
    text = text.strip()
    if per_line:
        return expand_lines(text)
    return expand_all([text]) if text else []


class MatrixLine(QWidget):
    """The per-line switch and the count line; :meth:`update_count` refreshes the count."""

    per_line_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.per_line = QCheckBox("One prompt per line")
        self.per_line.setToolTip(
            "Send each line as its own prompt. {a|b|c} in a prompt also sends every "
            "combination: “a {red|blue} chair” is two prompts"
        )
        self.per_line.toggled.connect(self.per_line_changed)
        self.count = QLabel()
        self.count.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.count.setWordWrap(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.per_line)
        row.addWidget(self.count, 1)
        self.cost_per_image: CostPerImage | None = None
        self.cost_note = ""  # "≈ $0.32", "free (local)", … for the count shown; "" without

    def update_count(self, text: str, per_prompt: int) -> None:
        """ "3 prompts × 2 = 6 images · ≈ $0.24" for a matrix; nothing for one prompt. The
        line shows only for a prompt of several lines or prompts: a plain one costs no room."""
        self._update(text, per_prompt)
        several = "\n" in text.strip() or self.per_line.isChecked() or bool(self.count.text())
        self.setVisible(several)

    def _update(self, text: str, per_prompt: int) -> None:
        self.cost_note = ""
        try:
            prompts = prompts_of(text, self.per_line.isChecked())
        except ValueError as exc:
            self.count.setText(str(exc))
            return
        if len(prompts) < 2:
            self.count.setText("")
            return
        images = len(prompts) * per_prompt
        line = f"{len(prompts)} prompts × {per_prompt} = {images} images"
        price, how = self.cost_per_image() if self.cost_per_image is not None else (None, "")
        if price is not None:
            self.cost_note = f"≈ ${price * images:.2f}" if price > 0 else "free (local)"
        else:
            self.cost_note = how
        self.count.setText(f"{line} · {self.cost_note}" if self.cost_note else line)
        self.count.setToolTip(
            "\n".join(prompts) + (f"\n\nPrice per image: {how}" if how and price else "")
        )
