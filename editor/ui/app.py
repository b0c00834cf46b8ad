"""``run_app``: the QApplication, the qasync event loop and the main window.

PySide6 is imported before qasync so qasync binds to it (it picks the first Qt binding it finds).
Jobs are asyncio tasks on the Qt event loop; nothing blocks the UI thread.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

import qasync  # isort: skip  # after PySide6, see above
from editor import __version__
from editor.core.allocator import release_large_blocks
from editor.pipeline.engine_process import stop_engine_process, use_engine_process
from editor.ui.common.icons import app_icon

if TYPE_CHECKING:
    from editor.ui.window.main_window import MainWindow

__all__ = ["apply_theme", "build_window", "make_application", "run_app"]


def _dark_palette() -> QPalette:
    p = QPalette()
    c = QPalette.ColorRole
    window, base, text = QColor(45, 45, 48), QColor(32, 32, 34), QColor(230, 230, 232)
    for role, color in (
        (c.Window, window),
        (c.WindowText, text),
        (c.Base, base),
        (c.AlternateBase, QColor(52, 52, 56)),
        (c.ToolTipBase, QColor(60, 60, 64)),
        (c.ToolTipText, text),
        (c.PlaceholderText, QColor(150, 150, 156)),
        (c.Text, text),
        (c.Button, QColor(58, 58, 62)),
        (c.ButtonText, text),
        (c.BrightText, QColor(255, 90, 90)),
        (c.Highlight, QColor(66, 133, 220)),
        (c.HighlightedText, QColor(255, 255, 255)),
        (c.Link, QColor(110, 170, 255)),
        (c.Mid, QColor(80, 80, 86)),
        (c.Dark, QColor(24, 24, 26)),
        (c.Light, QColor(75, 75, 80)),
    ):
        p.setColor(role, color)
    disabled = QColor(120, 120, 126)
    for role in (c.WindowText, c.Text, c.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return p


def apply_theme(app: QApplication, theme: str | None = None) -> None:
    """Fusion, light or dark as the system is; ``theme`` (the Settings choice, "system" | "light"
    | "dark") or INPAINT_EDITOR_THEME=dark|light overrides."""
    app.setStyle("Fusion")
    wanted = os.environ.get("INPAINT_EDITOR_THEME", "").lower() or (theme or "").lower()
    dark = wanted == "dark" or (
        wanted != "light" and QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    )
    app.setPalette(_dark_palette() if dark else app.style().standardPalette())


def make_application() -> QApplication:
    release_large_blocks()  # freed frames go back to the system: memory stays flat
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    QCoreApplication.setOrganizationName("Inpaint Editor")
    QCoreApplication.setApplicationName("Inpaint Editor")
    QCoreApplication.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName("io.github.inpainteditor.InpaintEditor")
    app.setWindowIcon(app_icon())
    from editor.ui.settings.prefs import UiPrefs

    apply_theme(app, UiPrefs(QSettings()).theme)
    QGuiApplication.styleHints().colorSchemeChanged.connect(
        lambda _s: apply_theme(app, UiPrefs(QSettings()).theme)
    )
    # The window decides when to end (after jobs are cancelled), not Qt's last-window rule.
    app.setQuitOnLastWindowClosed(False)
    return app


AUTOSUBMIT_ENV = "INPAINT_EDITOR_AUTOSUBMIT"
"""Test and automation hook: ``=1`` presses Generate once after the image given on the command
line has opened (used by the crash-restore test, which kills the app while variants arrive)."""


def build_window(settings: QSettings | None = None) -> MainWindow:
    """The main window, composed of every room (the one place that builds it)."""
    from editor.ui.window.main_window import MainWindow

    return MainWindow(settings=settings)


def run_app(
    image_path: str | None = None, *, mask: str | None = None, prompt: str | None = None
) -> int:
    """Open the window (with an image, mask and prompt if given) and run until it closes.

    At start it offers to restore a session left open by an app that died (kill -9, crash).
    """
    from editor.logs import setup_logging
    from editor.ui.session.restore import offer_restore

    log_file = setup_logging()
    logging.getLogger(__name__).info("Inpaint Editor %s starting (log %s)", __version__, log_file)
    app = make_application()
    # The local engine works in a child process, off the window's interpreter and memory.
    use_engine_process()

    async def main() -> int:
        try:
            window = build_window()  # it freezes what start-up made
        finally:
            gc.enable()  # paused by the command's start (editor.cli.main)
        closed = asyncio.Event()
        window.closed.connect(closed.set)
        window.show()

        async def offer() -> None:
            window.restore_offer = await offer_restore(window, parent=window)

        window.spawn(offer(), "look for work to restore")
        if prompt:
            window.prompt_panel.set_prompt(prompt)
        if image_path:
            opened = await window.files.open_path(image_path, mask=mask)
            if opened and os.environ.get(AUTOSUBMIT_ENV) == "1":
                window.generate()
        window.prompt_panel.focus_prompt()
        await closed.wait()
        await window.jobs.aclose()
        await window.sessions.flush()
        return 0

    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        try:
            return runner.run(main())
        except RuntimeError as exc:
            # Qt's loop ended under us (display lost, session ending): not a crash to show.
            print(f"inpaint-editor: the window was closed from outside ({exc})", file=sys.stderr)
            return 1
        finally:
            stop_engine_process()
