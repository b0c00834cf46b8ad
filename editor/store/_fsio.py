"""Durable writes with plain error messages: every OSError becomes a StoreWriteError."""

from __future__ import annotations

import contextlib
import errno
import json
import os
from pathlib import Path
from typing import Any

from editor.core.atomic import atomic_write_bytes

from ._errors import StoreReadError, StoreWriteError

__all__ = ["describe_os_error", "make_dir", "read_json", "write_durable", "write_json"]

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "the file is larger than this system allows",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the disk is read-only",
    errno.ENOTDIR: "a file stands where its folder should be",
    errno.ENOENT: "its folder no longer exists",
    errno.EIO: "the disk reported an input/output error",
    errno.ENAMETOOLONG: "the path is too long",
}


def describe_os_error(error: OSError) -> str:
    """A short, plain reason for an OSError ("the disk is full", "permission denied", …)."""
    reason = _REASONS.get(error.errno or 0)
    if reason:
        return reason
    return (error.strerror or str(error) or type(error).__name__).rstrip(".").lower()


def _fsync_dir(folder: Path) -> None:
    """Make a rename inside ``folder`` durable (POSIX); a no-op where folders can't be opened."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        with contextlib.suppress(OSError):  # some file systems refuse fsync on folders
            os.fsync(fd)
    finally:
        os.close(fd)


def write_durable(path: Path, data: bytes, what: str) -> None:
    """Temp file + fsync + rename + fsync of the folder; returns only once ``path`` is on disk.
    The app's own files (sessions, settings, keys) stay readable by their owner only."""
    try:
        atomic_write_bytes(path, data, private=True)
        _fsync_dir(path.parent)
    except OSError as e:
        raise StoreWriteError(f"Could not save {what} to {path}: {describe_os_error(e)}") from e


def write_json(path: Path, value: Any, what: str) -> None:
    data = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False).encode("utf-8")
    write_durable(path, data + b"\n", what)


def make_dir(path: Path, what: str) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreWriteError(
            f"Could not create the folder for {what} at {path}: {describe_os_error(e)}"
        ) from e


def read_json(path: Path, what: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StoreReadError(f"Could not read {what}: {path} is missing") from None
    except OSError as e:
        raise StoreReadError(f"Could not read {what} from {path}: {describe_os_error(e)}") from e
    try:
        return json.loads(text)
    except ValueError as e:
        raise StoreReadError(f"Could not read {what}: {path} is damaged ({e})") from e
