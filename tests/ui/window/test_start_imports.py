"""The window's first paint does without OpenCV, httpx, keyring, its dialogs and Compare."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QTimer
    from editor.ui.app import build_window, make_application

    app = make_application()
    window = build_window()
    window.show()
    app.processEvents()
    heavy = ("cv2", "httpx", "keyring")
    print("painted:", sorted(m for m in heavy if m in sys.modules))
    dialogs = (
        "editor.ui.window.batch",
        "editor.ui.window.contact_sheet",
        "editor.ui.canvas.feather_dialog",
        "editor.ui.canvas.expand_dialog",
        "editor.ui.session.sessions_dialog",
        "editor.ui.settings.settings_dialog",
        "editor.ui.compare.compare",
        "editor.ui.compare.rounds",
    )
    print("dialogs:", sorted(m for m in dialogs if m in sys.modules))

    def later():
        print("idle:", sorted(m for m in heavy if m in sys.modules))
        window.close()
        app.quit()

    QTimer.singleShot(4000, later)
    app.exec()
    """
)


def _run(script: str, tmp_path: Path) -> list[str]:
    """``script`` in a fresh interpreter, offscreen, on a fresh profile; its output lines."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "INPAINT_EDITOR_CONFIG_DIR": str(tmp_path / "config"),
        "INPAINT_EDITOR_DATA_DIR": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.splitlines()


def test_heavy_libraries_wait_until_the_window_is_up(tmp_path: Path) -> None:
    lines = _run(SCRIPT, tmp_path)
    assert "painted: []" in lines, lines
    assert "dialogs: []" in lines, lines  # each is imported when first opened
    assert "idle: ['cv2', 'httpx', 'keyring']" in lines, lines


START_COMMAND = textwrap.dedent(
    """
    import gc
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow
    from editor.cli.main import main

    app = QApplication([])  # the command's start reuses it

    def up():
        print("collector on:", gc.isenabled(), "frozen:", gc.get_freeze_count() > 10000)
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMainWindow):
                widget.close()

    QTimer.singleShot(1500, up)
    raise SystemExit(main([]))  # as `inpaint-editor` starts the window
    """
)


def test_the_collector_runs_again_once_the_window_is_up(tmp_path: Path) -> None:
    # Start-up pauses the collector; left off, every cycle a session makes would stay in memory.
    lines = _run(START_COMMAND, tmp_path)
    assert "collector on: True frozen: True" in lines, lines
