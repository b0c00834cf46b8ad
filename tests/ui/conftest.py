"""Widget tests run on Qt's offscreen platform; set it before anything imports Qt.

Sessions, settings and logs of window tests go to tmp folders, never the user's. The asyncio
loop and the test photo are fixtures every room shares.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Imported once the platform is set: both load Qt.
from tests.ui import async_helpers
from tests.ui.window_helpers import write_image

aloop = async_helpers.aloop


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INPAINT_EDITOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("INPAINT_EDITOR_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("INPAINT_EDITOR_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


@pytest.fixture
def image_path(tmp_path: Path) -> Path:
    """The test photo (``window_helpers.write_image``), written to ``tmp_path/photo.png``."""
    path = tmp_path / "photo.png"
    write_image(path)
    return path
