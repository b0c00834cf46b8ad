"""Many Qt Signal(bool) emits must not crash the interpreter.

PySide6 6.12.0 on Python 3.11 aborts with "Fatal Python error: bool_dealloc" after a few thousand
emits of a bool signal (hence the ``<6.12`` pin there). Run in a subprocess so a crash fails this
test instead of killing the whole session.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    from PySide6.QtCore import QCoreApplication, QObject, Signal

    class Emitter(QObject):
        toggled = Signal(bool)

    app = QCoreApplication([])
    e = Emitter()
    seen = []
    e.toggled.connect(seen.append)
    for i in range(20_000):
        e.toggled.emit(i % 2 == 0)
    assert len(seen) == 20_000 and seen[:2] == [True, False], len(seen)
    print("ok")
    """
)


def test_twenty_thousand_bool_emits_do_not_crash() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"
