"""The rotating log file: request ids, timings and statuses; never secrets or image bytes."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

import platformdirs

LOG_FILE_NAME = "inpaint-editor.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_dir() -> Path:
    """``$INPAINT_EDITOR_LOG_DIR`` (tests, portable installs), else the platform's user log dir."""
    override = os.environ.get("INPAINT_EDITOR_LOG_DIR")
    return Path(override) if override else Path(platformdirs.user_log_dir("inpaint-editor"))


def setup_logging(level: int = logging.INFO, *, directory: Path | None = None) -> Path | None:
    """Send the app's loggers to a rotating file; return its path, or None if it can't be made.

    httpx's own INFO lines print full URLs (result links can be capabilities), so it stays at
    WARNING; our client logs the same events without them.
    """
    folder = directory or log_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            folder / LOG_FILE_NAME, maxBytes=2 * 1024 * 1024, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None  # a read-only home must not stop the app from starting
    handler.setFormatter(logging.Formatter(_FORMAT))
    app_logger = logging.getLogger("editor")
    app_logger.setLevel(level)
    if not any(
        isinstance(h, logging.handlers.RotatingFileHandler)
        and Path(h.baseFilename) == (folder / LOG_FILE_NAME).resolve()
        for h in app_logger.handlers
    ):
        app_logger.addHandler(handler)
    else:
        handler.close()
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return folder / LOG_FILE_NAME
