"""Atomic file writes: a crash or a full disk mid-write leaves the old file intact.

A file the user names (an export, a saved result) gets the permissions any program's ``open``
would give it: the umask's, or the mode of the file it replaces. ``private=True`` keeps a file
readable by its owner only (``tempfile.mkstemp`` alone would make every file so).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

__all__ = ["atomic_write_bytes"]

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | os.O_CLOEXEC


def _open_temp(path: Path, mode: int) -> tuple[int, Path]:
    """A new temp file beside ``path``; the kernel applies the umask to ``mode``."""
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, _FLAGS, mode), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")


def atomic_write_bytes(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write to a temp file in the same folder, fsync it, then rename over ``path``."""
    path = Path(path)
    fd, tmp = _open_temp(path, 0o600 if private else 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            if not private and hasattr(os, "fchmod"):
                # Replacing a file keeps its permissions, as writing into it would.
                with contextlib.suppress(FileNotFoundError):
                    os.fchmod(handle.fileno(), stat.S_IMODE(path.stat().st_mode))
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
