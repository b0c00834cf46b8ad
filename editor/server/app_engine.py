"""The window's own engine: ``inpaint-editor serve --app-engine``, a child of the window.

Its CPU work (OpenCV, PNG, base64) and its large buffers live in another process, so they never
hold the window's interpreter or its memory map. It listens on loopback at a port the OS picks,
answers only the bearer token its parent handed it, takes whatever the app sends (no 50 MB limit:
a 96 MP photo is a 130 MB upload) and ends when its parent does (its stdin closes). Its port is
the one line it writes to stdout.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import threading
from typing import TYPE_CHECKING, BinaryIO, TextIO

from editor.core.imageio import MAX_PIXELS
from editor.server.app import create_app

if TYPE_CHECKING:
    import uvicorn

MAX_UPLOAD_BYTES = 4 * 1024**3
# The engine works in the background: the window's loop wins the CPU whenever it wants it.
NICENESS = 10
# After the parent is gone, in-flight work gets this long before the process ends regardless.
_EXIT_GRACE_S = 2.0


def _end_with(stdin: BinaryIO, server: uvicorn.Server) -> None:
    """Block until the parent closes our stdin (it quit, or died), then stop serving."""
    while stdin.read(65536):
        pass
    server.should_exit = True
    ender = threading.Timer(_EXIT_GRACE_S, os._exit, args=(0,))
    ender.daemon = True
    ender.start()


def serve_app_engine(
    token: str, *, stdin: BinaryIO | None = None, stdout: TextIO | None = None
) -> None:
    """Serve the app's engine until the parent closes ``stdin``. Once it accepts connections,
    the one line it writes to ``stdout`` is its port."""
    import uvicorn

    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(NICENESS)
    app = create_app(
        token=token,
        single_use_results=True,
        max_upload_bytes=MAX_UPLOAD_BYTES,
        max_pixels=MAX_PIXELS,
    )
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)  # connections queue from here on, before uvicorn's loop runs
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    watcher = threading.Thread(
        target=_end_with,
        args=(stdin or sys.stdin.buffer, server),
        daemon=True,
        name="end-with-parent",
    )
    watcher.start()
    out = stdout or sys.stdout
    out.write(f"{listener.getsockname()[1]}\n")
    out.flush()
    # Nothing else may write to the pipe the parent stopped reading.
    sys.stdout = sys.stderr
    server.run(sockets=[listener])
