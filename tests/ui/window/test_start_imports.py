"""The window's first paint does without OpenCV, httpx, keyring and its dialogs."""

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


def test_heavy_libraries_wait_until_the_window_is_up(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "INPAINT_EDITOR_CONFIG_DIR": str(tmp_path / "config"),
        "INPAINT_EDITOR_DATA_DIR": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert "painted: []" in lines, done.stdout
    assert "dialogs: []" in lines, done.stdout  # each is imported when first opened
    assert "idle: ['cv2', 'httpx', 'keyring']" in lines, done.stdout


RUN_APP = textwrap.dedent(
    """
    import gc
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow
    from editor.ui.app import make_application, run_app

    app = make_application()

    def up():
        print("collector on:", gc.isenabled(), "frozen:", gc.get_freeze_count() > 10000)
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMainWindow):
                widget.close()

    QTimer.singleShot(1500, up)
    raise SystemExit(run_app())
    """
)


def test_the_collector_runs_again_once_the_window_is_up(tmp_path: Path) -> None:
    # Start-up pauses the collector; left off, every cycle a session makes would stay in memory.
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "INPAINT_EDITOR_CONFIG_DIR": str(tmp_path / "config"),
        "INPAINT_EDITOR_DATA_DIR": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [sys.executable, "-c", RUN_APP], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "collector on: True frozen: True" in done.stdout.splitlines(), done.stdout
