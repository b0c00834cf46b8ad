"""Shared fixtures: a real local engine (uvicorn on 127.0.0.1) for any test that needs a server.

``local_server`` (session scope)
    One ``editor.server.ServerThread(enable_faults=True, token=None)`` for the whole run.
``server`` (function scope) — use this one
    The same server, with its fault queue and request log cleared before the test. Attributes:
    ``.base_url`` ("http://127.0.0.1:PORT/v1", give it to clients), ``.origin``
    ("http://127.0.0.1:PORT", for ``/_test/...`` and ``/health``), ``.port``, ``.app``.

Test-mode routes on it (see editor/server/faults.py for the fault schema):
``POST /_test/faults`` {"kind": "status", "status": 429, "headers": {"retry-after": "1"}},
``GET``/``DELETE /_test/faults``, ``GET``/``DELETE /_test/requests``.
``today`` (function scope)
    A second server that answers as today's OpenAI would (shut-down models 404, the 2.x size,
    quality, complexity, input_fidelity and markup rules); same attributes and test routes.
Need a token or other limits? Start your own: ``with ServerThread(token="sk-x") as s: ...``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import httpx
import pytest

from editor.server import ServerThread


@pytest.fixture(scope="session")
def local_server() -> Iterator[ServerThread]:
    with ServerThread(enable_faults=True, token=None) as running:
        yield running


@pytest.fixture
def server(local_server: ServerThread) -> ServerThread:
    with httpx.Client(base_url=local_server.origin, timeout=10) as http:
        http.delete("/_test/faults").raise_for_status()
        http.delete("/_test/requests").raise_for_status()
    return local_server


@pytest.fixture(scope="session")
def today_server() -> Iterator[ServerThread]:
    """A strict stand-in for OpenAI's image models as they are today (editor.server.openai_today),
    with the test routes on."""
    with ServerThread(enable_faults=True, token=None, stand_in="openai") as running:
        yield running


@pytest.fixture
def today(today_server: ServerThread) -> ServerThread:
    """The stand-in with its request log, reported overrides and queued faults cleared (a
    fault another test queued and did not use up would answer this test's requests first)."""
    with httpx.Client(base_url=today_server.origin, timeout=10) as http:
        http.delete("/_test/faults").raise_for_status()
        http.delete("/_test/requests").raise_for_status()
        http.put("/_test/stand-in-reports", json={}).raise_for_status()
    return today_server


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Window tests share one qasync loop (tests/ui/async_helpers.py); its worker threads must
    # stop before Qt is torn down, or the process aborts at exit.
    helpers = sys.modules.get("tests.ui.async_helpers")
    if helpers is not None:
        helpers.close_shared_loop()
