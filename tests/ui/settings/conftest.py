"""The settings room: a window on the stored profiles, the keyrings, a port nobody listens on."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from editor.ui.window.main_window import MainWindow
from tests import keyring_backend
from tests.ui.session_helpers import make_window
from tests.ui.window_helpers import finish_jobs

memory_keyring = keyring_backend.memory_keyring
no_keyring = keyring_backend.no_keyring


@pytest.fixture
def window(qtbot: QtBot, aloop: asyncio.AbstractEventLoop, tmp_path: Path) -> Iterator[MainWindow]:
    w = make_window(qtbot, tmp_path)  # the service picker lists the stored profiles
    yield w
    finish_jobs(qtbot, w)
    qtbot.waitUntil(lambda: not w.sessions.busy, timeout=10_000)


@pytest.fixture
def closed_port() -> int:
    """A loopback port that was free a moment ago: connecting to it is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
