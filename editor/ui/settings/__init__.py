"""The settings room: endpoint profiles with their keys, and the window's preferences.

The dialog is imported when first asked for: the window's start reads only the preferences.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from editor.ui.settings.settings_dialog import SettingsDialog

__all__ = ["SettingsDialog"]


def __getattr__(name: str) -> object:
    if name == "SettingsDialog":
        from editor.ui.settings.settings_dialog import SettingsDialog

        return SettingsDialog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
