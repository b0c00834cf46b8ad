"""The window room: the main window composing every other room, its menus, files and banners."""

from editor.ui.window.main_window import MainWindow

__all__ = ["MainWindow"]
