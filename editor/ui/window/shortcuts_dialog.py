"""Help ▸ Keyboard Shortcuts (a sheet built from the real actions) and Help ▸ About."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QVBoxLayout, QWidget

from editor import __version__
from editor.ui.common.icons import app_icon

__all__ = ["CANVAS_KEYS", "ShortcutsDialog", "show_about"]

CANVAS_KEYS: list[tuple[str, str, str]] = [
    ("Canvas", "Alt (hold)", "Swap paint and erase"),
    ("Canvas", "Space + drag, middle drag", "Pan"),
    ("Canvas", "Wheel, Ctrl+wheel, pinch", "Zoom about the pointer"),
    ("Canvas", "Two-finger scroll", "Pan (trackpad)"),
    (
        "Jobs",
        "Esc",
        "Back to the original if a variant shows, else leave Compare, else cancel the newest job",
    ),
    ("Prompt", "Up / Down at the first / last line", "Earlier prompts"),
    ("Prompt", "Ctrl+Enter", "Generate"),
    ("Compare", "S / W", "Side by side / wipe"),
    ("Compare", "Left / Right", "Move the wipe divider"),
]


def _sheet(rows: Sequence[tuple[str, str, str]]) -> str:
    by_section: dict[str, list[tuple[str, str]]] = {}
    for section, keys, what in [*rows, *CANVAS_KEYS]:
        by_section.setdefault(section, []).append((keys, what.replace("…", "")))
    parts = ["<table cellspacing='0' cellpadding='3'>"]
    for section, entries in by_section.items():
        parts.append(f"<tr><td colspan='2'><br><b>{escape(section)}</b></td></tr>")
        for keys, what in entries:
            parts.append(
                f"<tr><td style='padding-right:18px'><tt>{escape(keys)}</tt></td>"
                f"<td>{escape(what)}</td></tr>"
            )
    parts.append("</table>")
    return "".join(parts)


class ShortcutsDialog(QDialog):
    def __init__(self, rows: Sequence[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.label = QLabel(_sheet(rows))
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.label)
        box.addWidget(buttons)


def show_about(parent: QWidget) -> QMessageBox:
    box = QMessageBox(parent)
    box.setWindowTitle("About Inpaint Editor")
    box.setIconPixmap(app_icon().pixmap(96, 96))
    box.setText(f"<h3>Inpaint Editor {escape(__version__)}</h3>")
    box.setInformativeText(
        "Paint a mask, type a prompt, get variants back from any OpenAI-compatible image "
        "edits service — or from the local engine, offline."
    )
    box.open()
    return box
