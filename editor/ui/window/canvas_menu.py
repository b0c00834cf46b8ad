"""The canvas's right-click menu: the window's own actions (with their shortcuts shown), so a
person who reaches for the pointer finds the same commands the keys give."""

from __future__ import annotations

from PySide6.QtWidgets import QMenu, QWidget

from editor.ui.window.actions import WindowActions

__all__ = ["canvas_menu"]


def canvas_menu(actions: WindowActions, variant_shown: bool, parent: QWidget) -> QMenu:
    """Generate, Clear/Invert Mask, Use as Base (only while a variant shows) and Copy."""
    menu = QMenu(parent)
    menu.addAction(actions.generate)
    menu.addSeparator()
    menu.addAction(actions.clear_mask)
    menu.addAction(actions.invert_mask)
    if variant_shown:
        menu.addAction(actions.use_as_base)
    menu.addSeparator()
    menu.addAction(actions.copy)
    return menu
