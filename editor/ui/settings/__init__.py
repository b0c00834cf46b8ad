"""The settings room: endpoint profiles with their keys, and the window's preferences."""

from editor.ui.settings.settings_dialog import SettingsDialog

__all__ = ["SettingsDialog"]
