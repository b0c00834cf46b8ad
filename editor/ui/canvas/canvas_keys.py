"""The canvas's single keys (B E R L W O M [ ] F 1, + or =, -) from anywhere in its window.

A window shortcut per key, parented to the canvas, hands the key press to the canvas itself, so
the canvas's own handling (and any event filter on it) decides what it does. Qt offers every
key to the focused widget first as a ``ShortcutOverride``; text fields (the prompt, spin boxes,
editable combo boxes) claim printable keys there, so typing never switches tools. A shortcut
parented to the canvas is live only while the canvas is visible, so Compare keeps its own keys.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget

__all__ = ["CANVAS_KEYS", "forward_canvas_keys"]

# Key → the text it types; the canvas's keyPressEvent handles each of these.
CANVAS_KEYS: dict[Qt.Key, str] = {
    Qt.Key.Key_B: "b",
    Qt.Key.Key_E: "e",
    Qt.Key.Key_R: "r",
    Qt.Key.Key_L: "l",
    Qt.Key.Key_W: "w",
    Qt.Key.Key_O: "o",
    Qt.Key.Key_M: "m",
    Qt.Key.Key_BracketLeft: "[",
    Qt.Key.Key_BracketRight: "]",
    Qt.Key.Key_F: "f",
    Qt.Key.Key_1: "1",
    Qt.Key.Key_Plus: "+",
    Qt.Key.Key_Equal: "=",
    Qt.Key.Key_Minus: "-",
}


def forward_canvas_keys(canvas: QWidget) -> list[QShortcut]:
    """Make the canvas keys work whenever the keyboard is not in a text field."""
    shortcuts: list[QShortcut] = []
    for key, text in CANVAS_KEYS.items():
        shortcut = QShortcut(QKeySequence(key), canvas)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.setAutoRepeat(True)  # holding ] keeps growing the brush
        shortcut.activated.connect(lambda k=key, t=text: _send(canvas, shortcuts, k, t))
        shortcuts.append(shortcut)
    return shortcuts


def _send(canvas: QWidget, shortcuts: list[QShortcut], key: Qt.Key, text: str) -> None:
    # A key event sent by the application meets the shortcuts again: these step aside for it.
    for s in shortcuts:
        s.setEnabled(False)
    try:
        mods = Qt.KeyboardModifier.NoModifier
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(canvas, QKeyEvent(kind, key, mods, text))
    finally:
        for s in shortcuts:
            s.setEnabled(True)
