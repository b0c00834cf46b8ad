"""The public surface, and the room's rule: importing the store loads no Qt."""

from __future__ import annotations

import subprocess
import sys

import editor.store


def test_public_names_exist_once() -> None:
    names = editor.store.__all__
    assert len(names) == len(set(names))
    missing = [name for name in names if not hasattr(editor.store, name)]
    assert missing == []
    for must in ("SessionStore", "Session", "SettingsStore", "KeyStore", "Profile"):
        assert must in names


def test_importing_the_store_loads_no_qt() -> None:
    code = (
        "import sys, editor.store; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'qasync') "
        "or m in ('editor.ui', 'editor.cli') or m.startswith(('editor.ui.', 'editor.cli.'))]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
