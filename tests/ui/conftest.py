"""Widget tests run on Qt's offscreen platform; set it before anything imports Qt.

Sessions, settings and logs of window tests go to tmp folders, never the user's.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INPAINT_EDITOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("INPAINT_EDITOR_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("INPAINT_EDITOR_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
