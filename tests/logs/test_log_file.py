"""The log file is written where the user can find it, and rotates."""

from __future__ import annotations

import logging
from pathlib import Path

from editor.logs import setup_logging


def test_app_log_lines_land_in_the_file(tmp_path: Path) -> None:
    path = setup_logging(directory=tmp_path)
    assert path == tmp_path / "inpaint-editor.log"
    logging.getLogger("editor.client").info("POST /v1/images/edits -> 200 (request id req_1)")
    for handler in logging.getLogger("editor").handlers:
        handler.flush()
    assert "req_1" in path.read_text()


def test_an_unwritable_log_folder_does_not_stop_the_app(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert setup_logging(directory=blocker / "logs") is None
