"""Where the store keeps things: platformdirs defaults, overridable by environment for tests."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = [
    "APP_NAME",
    "CONFIG_DIR_ENV",
    "DATA_DIR_ENV",
    "UnsafeName",
    "default_config_dir",
    "default_data_dir",
    "default_sessions_root",
    "plain_name",
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


class UnsafeName(ValueError):
    """A session record names a file outside its own folder."""


def plain_name(value: object, what: str) -> str:
    """A file or folder name read from a session record, refused unless it names something
    directly inside its own folder: a copied or hand-edited session must never make the app
    read (and then send) a file from anywhere else."""
    name = str(value)
    if (
        not name
        or name in (".", "..")
        or "/" in name
        or "\\" in name
        or "\0" in name
        or (os.altsep is not None and os.altsep in name)
        or Path(name).is_absolute()
        or Path(name).drive
    ):
        raise UnsafeName(f"{what} {name!r} is not a plain file name inside the session folder")
    return name
