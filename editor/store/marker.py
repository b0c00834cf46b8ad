"""The "open" marker: written when a session is opened, removed when it is closed cleanly.

A marker whose process is gone means the app died with the session open (crash, kill, power
loss): the next start offers to restore it. The marker stores the PID, the host and (on Linux)
the process start time, so a PID reused by an unrelated program is not mistaken for us.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from ._fsio import write_json

__all__ = ["MARKER_NAME", "Marker", "pid_alive", "read_marker", "remove_marker", "write_marker"]

MARKER_NAME = "open.lock"


@dataclass(frozen=True, slots=True)
class Marker:
    pid: int
    host: str
    start_ticks: int | None  # /proc/<pid>/stat field 22 where available

    @property
    def alive(self) -> bool:
        """True if the process that wrote the marker still runs (or we cannot tell: other host)."""
        if self.host != socket.gethostname():
            return True  # a shared folder opened on another machine: assume it is in use
        if self.pid == os.getpid():
            return self.start_ticks is None or self.start_ticks == _start_ticks(self.pid)
        if not pid_alive(self.pid):
            return False
        ticks = _start_ticks(self.pid)
        return self.start_ticks is None or ticks is None or ticks == self.start_ticks


def _proc_stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its last ")".
    return text[text.rfind(")") + 2 :].split()


def _start_ticks(pid: int) -> int | None:
    fields = _proc_stat(pid)
    return int(fields[19]) if fields and len(fields) > 19 else None


def _pid_alive_windows(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return bool(kernel32.GetLastError() == 5)  # access denied: it exists
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def pid_alive(pid: int) -> bool:
    """Whether a process with this PID runs (zombies count as dead)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover
        return _pid_alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, belongs to someone else
    fields = _proc_stat(pid)
    return not (fields and fields[0] == "Z")


def write_marker(folder: Path) -> None:
    """Claim ``folder`` for this process; raises StoreWriteError when it can't be written."""
    pid = os.getpid()
    value = {"pid": pid, "host": socket.gethostname(), "start_ticks": _start_ticks(pid)}
    write_json(folder / MARKER_NAME, value, "the session's open marker")


def read_marker(folder: Path) -> Marker | None:
    """The marker in ``folder``; None if there is none. A damaged marker reads as a dead one."""
    try:
        raw = json.loads((folder / MARKER_NAME).read_text(encoding="utf-8"))
        ticks = raw.get("start_ticks")
        return Marker(int(raw["pid"]), str(raw["host"]), None if ticks is None else int(ticks))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Marker(pid=0, host=socket.gethostname(), start_ticks=None)


def remove_marker(folder: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (folder / MARKER_NAME).unlink()
