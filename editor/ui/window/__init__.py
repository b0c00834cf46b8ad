"""The window room: the main window composing every other room, its menus, files and banners.

The window itself (:mod:`editor.ui.window.main_window`) is built by :mod:`editor.ui.app` alone
(``build_window``); the modules here take what they use of it (a small ``Protocol`` each), so
none of them imports it back.
"""

__all__: list[str] = []
