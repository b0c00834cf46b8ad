"""A main window pointed at the local test server through a switchable endpoint.

``Switch`` stands in for the user's endpoint settings: a test breaks them (wrong base path,
closed port, short timeout), then fixes them before pressing Retry — the job's client is made
when the job runs, so Retry picks up the fixed settings like a person editing the profile would.
The window helpers themselves (open, paint, generate, faults) live in tests/ui/window_helpers.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from editor.client import EditsClient, Endpoint
from editor.ui.common.services import Profile
from editor.ui.window.main_window import MainWindow
from tests.ui.window_helpers import close_window, show_window

PROFILE = "Test server"
_TAG = re.compile(r"</?[A-Za-z!][^>]*>")


class Switch:
    """The endpoint a profile uses, read each time a job makes its client."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.normal = endpoint
        self.endpoint = endpoint

    def make_client(self) -> EditsClient:
        return EditsClient(self.endpoint)

    def set(self, **changes: Any) -> None:
        self.endpoint = self.normal.with_(**changes)

    def reset(self) -> None:
        self.endpoint = self.normal


def make_window(
    qtbot: QtBot, tmp_path: Path, switch: Switch, **window_kwargs: Any
) -> Iterator[MainWindow]:
    window = show_window(
        qtbot, tmp_path, [Profile(PROFILE, switch.make_client, "telea")], **window_kwargs
    )
    yield window
    close_window(qtbot, window)


def assert_plain(text: str) -> None:
    """A message a person can read: words, no traceback, markup, JSON or secrets."""
    assert text.strip(), "no message at all"
    assert "Traceback" not in text and 'File "' not in text, text
    assert not _TAG.search(text), f"HTML in the message: {text}"
    assert "{" not in text and "}" not in text, f"JSON in the message: {text}"
    assert "Something went wrong" not in text, f"an unexpected crash reached the user: {text}"
    assert "sk-" not in text, text
    assert len(text) < 400, text
