"""Where the main window opens: its saved place, or a size that fits the screen.

On the first start the window takes the screen's available area up to a comfortable size, so
a 1024×700 laptop sees the whole window (the side panel included). Later starts restore the
saved geometry, clamped to the screen the window lands on (a monitor may have gone since).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

__all__ = ["PREFERRED_SIZE", "fit_to_screen", "remember_geometry", "restore_geometry"]

PREFERRED_SIZE = QSize(1440, 900)
_KEY = "window/geometry"


def restore_geometry(window: QWidget, settings: QSettings) -> None:
    """The saved geometry if any, else the preferred size; either way within the screen."""
    saved = settings.value(_KEY)
    if isinstance(saved, QByteArray) and not saved.isEmpty():
        window.restoreGeometry(saved)
    else:
        window.resize(PREFERRED_SIZE)
    fit_to_screen(window)


def remember_geometry(window: QWidget, settings: QSettings) -> None:
    settings.setValue(_KEY, window.saveGeometry())


def fit_to_screen(window: QWidget) -> None:
    """Shrink and move the window so its frame lies inside its screen's available area."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    area: QRect = screen.availableGeometry()
    frame = window.frameGeometry()
    # The title bar and borders come on top of the client size the window is resized to.
    extra_w = max(0, frame.width() - window.width())
    extra_h = max(0, frame.height() - window.height())
    width = min(window.width(), area.width() - extra_w)
    height = min(window.height(), area.height() - extra_h)
    if (width, height) != (window.width(), window.height()):
        window.resize(max(width, 1), max(height, 1))
    frame = window.frameGeometry()
    x = min(max(frame.x(), area.left()), area.right() + 1 - frame.width())
    y = min(max(frame.y(), area.top()), area.bottom() + 1 - frame.height())
    if (x, y) != (frame.x(), frame.y()):
        window.move(x, y)
