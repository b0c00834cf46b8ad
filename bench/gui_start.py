"""P1 helper: start the real window (the ``inpaint-editor`` command's ``main``) offscreen and
report when it first painted.

    python -m bench.gui_start

Prints ``PAINTED <time.time()>`` once the main window's first paint has finished, then closes
the window so the process exits. The parent takes ``time.time()`` just before it spawns this
process, so the difference is start → painted, interpreter start-up and imports included.
"""

from __future__ import annotations

import time

STARTED = time.time()  # the interpreter is up and running our first line

import os  # noqa: E402
import sys  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402


class _FirstPaint(QObject):
    """Application-wide filter: the first Paint of a QMainWindow, then report after it ends."""

    def __init__(self) -> None:
        super().__init__()
        self.window: QWidget | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            self.window is None
            and event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.inherits("QMainWindow")
        ):
            self.window = watched
            QTimer.singleShot(0, self._report)  # runs once the whole paint pass is done
        return False

    def _report(self) -> None:
        print(f"PAINTED {time.time():.6f} STARTED {STARTED:.6f}", flush=True)
        assert self.window is not None
        self.window.close()


def main() -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])  # the app's start reuses this instance
    spy = _FirstPaint()
    app.installEventFilter(spy)
    from editor.cli.main import main as inpaint_editor  # what the installed command runs

    return inpaint_editor([])


if __name__ == "__main__":
    raise SystemExit(main())
