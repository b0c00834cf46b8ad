"""Hardening tests: faults, hostile files, fuzzing, leaks, key hygiene, logging (issue 7).

Widget tests here run on Qt's offscreen platform; set it before anything imports Qt.
Every server these tests talk to listens on 127.0.0.1; nothing resolves or reaches another host.
Whatever the app writes (sessions, settings, logs) goes to the test's own temporary folders.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def app_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    dirs = {name: tmp_path / "app" / name for name in ("data", "config", "logs")}
    for name, env in (("data", "DATA"), ("config", "CONFIG"), ("logs", "LOG")):
        dirs[name].mkdir(parents=True)
        monkeypatch.setenv(f"INPAINT_EDITOR_{env}_DIR", str(dirs[name]))
    return dirs


from tests.ui.async_helpers import aloop  # noqa: E402  (the run's shared qasync loop)

__all__ = ["aloop", "app_dirs"]
