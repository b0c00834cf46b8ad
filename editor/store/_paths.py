"""Where the store keeps things: platformdirs defaults, overridable by environment for tests."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = [
    "APP_NAME",
    "CONFIG_DIR_ENV",
    "DATA_DIR_ENV",
    "default_config_dir",
    "default_data_dir",
    "default_sessions_root",
]

APP_NAME = "inpaint-editor"
DATA_DIR_ENV = "INPAINT_EDITOR_DATA_DIR"
CONFIG_DIR_ENV = "INPAINT_EDITOR_CONFIG_DIR"


def default_data_dir() -> Path:
    """``$INPAINT_EDITOR_DATA_DIR`` if set, else the platform's user data folder."""
    override = os.environ.get(DATA_DIR_ENV, "").strip()
    if override:
        return Path(override)
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def default_sessions_root() -> Path:
    return default_data_dir() / "sessions"


def default_config_dir() -> Path:
    """``$INPAINT_EDITOR_CONFIG_DIR`` if set, else the platform's user config folder."""
    override = os.environ.get(CONFIG_DIR_ENV, "").strip()
    if override:
        return Path(override)
    return platformdirs.user_config_path(APP_NAME, appauthor=False)
