"""Every fault a flaky service, gateway or proxy can throw, through the window's job path.

For each: the failed job's row says what happened in plain, specific words; image, mask, prompt
and the variants of an earlier job are untouched; after the fault is gone, Retry succeeds.
All against the local server on 127.0.0.1 (see tests/conftest.py); a "closed port" is a socket
bound on 127.0.0.1 that never listens.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from editor.client import ApiKey, Endpoint
from editor.pipeline.jobs import JobState
from editor.server import ServerThread
from editor.ui.window.main_window import MainWindow
from tests.ui.window_helpers import (
    add_fault,
    clear_faults,
    generate_and_wait,
    job_of,
    logged_requests,
    open_image,
    paint,
    retry_and_wait,
    round_mask,
    write_image,
)

from .window_helpers import PROFILE, Switch, assert_plain, make_window

KEY = "sk-test-matrix-0000"
SHORT = 0.5  # the per-attempt timeout of the timeout cases, in seconds
PROMPT = "remove the cable"

NGINX = (
    "<html>\r\n<head><title>{code}</title></head>\r\n<body>\r\n<center><h1>{code}</h1></center>"
    "\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n"
)
MODERATION = {
    "error": {
        "message": "Your request was rejected as a result of our safety system. Your request may "
        "contain content that is not allowed by our safety system.",
        "type": "image_generation_user_error",
        "param": None,
        "code": "moderation_blocked",
    }
}
BAD_MASK = {
    "error": {
        "message": "Invalid mask image format - mask size does not match image size",
        "type": "invalid_request_error",
        "param": "mask",
        "code": "invalid_image_file",
    }
}
BAD_KEY = {
    "error": {
        "message": f"Incorrect API key provided: {KEY}. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
        "type": "invalid_request_error",
        "param": None,
        "code": "invalid_api_key",
    }
}
OVERLOADED = {
    "error": {
        "message": "The engine is currently overloaded, please try again later.",
        "type": "server_error",
        "param": None,
        "code": None,
    }
}


@dataclass
class Ctx:
    server: ServerThread
    switch: Switch
    closed_port: int
    stored_url: Callable[[], str]

    def fault(self, **fault: Any) -> None:
        add_fault(self.server, **fault)


@dataclass(frozen=True)
class Case:
    id: str
    arm: Callable[[Ctx], None]
    words: tuple[str, ...]  # all must appear in the row's error text (case-insensitive)
    max_retries: int = 0
    recovers: bool = False  # the job itself succeeds (after a retry inside the client)
    extra: dict[str, Any] = field(default_factory=dict)


def _status(status: int, **kw: Any) -> Callable[[Ctx], None]:
    return lambda c: c.fault(kind="status", status=status, **kw)


def _garbage(body: str, **kw: Any) -> Callable[[Ctx], None]:
    return lambda c: c.fault(kind="garbage", body=body, **kw)


def _wrong_path(c: Ctx) -> None:
    c.switch.set(base_url=c.server.origin + "/api/v2")


def _closed_port(c: Ctx) -> None:
    c.switch.set(base_url=f"http://127.0.0.1:{c.closed_port}/v1")


def _read_timeout(c: Ctx) -> None:
    c.switch.set(timeout=SHORT)
    c.fault(kind="delay", seconds=SHORT * 4)


def _trickle(c: Ctx) -> None:
    c.switch.set(timeout=SHORT)
    # Local models answer with links, so the result download is what trickles past the timeout.
    c.fault(kind="trickle", match="any", times=2, bytes_per_chunk=64, interval=0.05)


def _url_result(files_fault: dict[str, Any]) -> Callable[[Ctx], None]:
    def arm(c: Ctx) -> None:
        url = c.stored_url()  # a real result file, so only the fault makes it fail
        c.fault(kind="garbage", body=json.dumps({"data": [{"url": url}]}))
        c.fault(match="files", **files_fault)

    return arm


def _png_b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode()


def _truncated_png() -> bytes:
    rng = np.random.default_rng(7)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(buf, "PNG")
    return buf.getvalue()[:600]


CASES = [
    Case("401", _status(401, json=BAD_KEY), ("API key", "not accepted", "401")),
    Case(
        "403-moderation",
        _status(403, json=MODERATION),
        ("refused", "content rules", "403", "different prompt"),
    ),
    Case("404-route", _wrong_path, ("no edits endpoint", "/api/v2/images/edits", "base URL")),
    Case(
        "413",
        _status(
            413, body=NGINX.format(code="413 Request Entity Too Large"), content_type="text/html"
        ),
        ("too large", "413", "smaller"),
    ),
    Case("400-openai-mask", _status(400, json=BAD_MASK), ("rejected the mask", "same size")),
    Case(
        "400-not-json",
        _status(400, body="Bad Request: malformed multipart body\n", content_type="text/plain"),
        ("rejected the request", "400", "malformed multipart body"),
    ),
    Case(
        "429-retry-after-then-success",
        _status(429, headers={"retry-after": "1"}),
        (),
        max_retries=1,
        recovers=True,
    ),
    Case(
        "429-still-limited",
        _status(429, headers={"retry-after": "1"}, times=2),
        ("rate-limiting", "429", "Tried 2 times"),
        max_retries=1,
    ),
    Case("500", _status(500), ("problem on its side", "500 Internal Server Error", "try again")),
    Case(
        "502-html",
        _status(502, body=NGINX.format(code="502 Bad Gateway"), content_type="text/html"),
        ("web page instead of an image", "502 Bad Gateway", "proxy or gateway"),
    ),
    Case("503", _status(503, json=OVERLOADED), ("problem on its side", "503 Service Unavailable")),
    Case("connect-refused", _closed_port, ("could not connect", "refused", "127.0.0.1")),
    Case("read-timeout", _read_timeout, ("did not finish answering within 0.5 s", "127.0.0.1")),
    Case("dropped-mid-body", lambda c: c.fault(kind="drop"), ("connection", "lost", "127.0.0.1")),
    Case("trickle-past-timeout", _trickle, ("did not finish answering within 0.5 s",)),
    Case(
        "200-invalid-json", _garbage('{"data": [{"b64_json": '), ("could not be read", "not JSON")
    ),
    Case(
        "200-html-login-page",
        _garbage(
            "<!DOCTYPE html><html><head><title>Sign in - Corp Wi-Fi</title></head></html>",
            content_type="text/html",
        ),
        ("web page instead of an image", "Sign in - Corp Wi-Fi"),
    ),
    Case("200-empty-data", _garbage('{"created": 1, "data": []}'), ("without any image",)),
    Case(
        "200-bad-base64",
        _garbage('{"data": [{"b64_json": "iVBORw0KGgo@@@not base64"}]}'),
        ("result #1", "could not be decoded"),
    ),
    Case(
        "200-truncated-png",
        lambda c: c.fault(
            kind="garbage", body=json.dumps({"data": [{"b64_json": _png_b64(_truncated_png())}]})
        ),
        ("result #1", "not an image", "truncated"),
    ),
    Case(
        "url-result-404",
        _url_result({"kind": "status", "status": 404}),
        ("result #1", "could not be downloaded", "404"),
    ),
    Case(
        "url-result-not-an-image",
        _url_result(
            {
                "kind": "garbage",
                "body": "<html><body>Access denied</body></html>",
                "content_type": "text/html",
            }
        ),
        ("result #1", "is not an image"),
    ),
    Case(
        "url-result-redirect-loop",
        _url_result({"kind": "redirect_loop", "times": 100}),
        ("result #1", "could not be downloaded", "redirect"),
    ),
    Case(
        "redirect-loop",
        lambda c: c.fault(kind="redirect_loop", times=100),
        ("redirected", "same address", "loop", "302"),
    ),
]


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port with a bound socket that never listens: connecting is refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def _stored_url(server: ServerThread) -> str:
    """A real result URL on the server (a url-format edit made outside the window)."""
    rgb, mask = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (32, 32), (10, 90, 200)).save(rgb, "PNG")
    alpha = np.full((32, 32), 255, np.uint8)
    alpha[8:24, 8:24] = 0
    Image.fromarray(np.dstack([np.zeros((32, 32, 3), np.uint8), alpha]), "RGBA").save(mask, "PNG")
    answer = httpx.post(
        f"{server.base_url}/images/edits",
        data={"prompt": "x", "model": "telea", "response_format": "url"},
        files={
            "image": ("a.png", rgb.getvalue(), "image/png"),
            "mask": ("m.png", mask.getvalue(), "image/png"),
        },
        timeout=10,
    )
    answer.raise_for_status()
    url = str(answer.json()["data"][0]["url"])
    assert httpx.get(url, timeout=5).status_code == 200
    return url


@pytest.fixture
def switch(server: ServerThread) -> Switch:
    return Switch(
        Endpoint(base_url=server.base_url, api_key=ApiKey(KEY), max_retries=0, timeout=20)
    )


@pytest.fixture
def window(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, tmp_path: Path, switch: Switch
) -> Iterator[MainWindow]:
    yield from make_window(qtbot, tmp_path, switch)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fault_through_the_window(
    case: Case,
    qtbot: QtBot,
    window: MainWindow,
    server: ServerThread,
    switch: Switch,
    closed_port: int,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = tmp_path / "photo.png"
    pixels = write_image(path)
    open_image(qtbot, window, path)
    paint(qtbot, window, [(60, 60), (120, 80), (150, 110)])
    window.prompt_panel.set_profile(PROFILE)
    window.prompt_panel.set_prompt(PROMPT)

    first = generate_and_wait(qtbot, window)
    assert job_of(window, first).state is JobState.SUCCEEDED, job_of(window, first).error
    earlier = [window.frame(first, v.index).copy() for v in window.variants(first)]
    image = window.image
    assert image is not None and window.document is not None
    mask = window.document.edit.copy()
    assert mask.any()

    switch.set(max_retries=case.max_retries)
    ctx = Ctx(server, switch, closed_port, lambda: _stored_url(server))
    case.arm(ctx)
    statuses: list[str] = []
    window.jobs.changed.connect(lambda job: statuses.append(job.status))
    server_calls_before = len(logged_requests(server))
    caplog.set_level(logging.WARNING, logger="editor")

    faulted = generate_and_wait(qtbot, window)
    job = job_of(window, faulted)
    row = window.jobs_panel.row(faulted)

    # Whatever happened, the work is intact.
    assert window.image is image
    np.testing.assert_array_equal(window.image, pixels)
    np.testing.assert_array_equal(window.document.edit, mask)
    assert window.prompt_panel.prompt.toPlainText() == PROMPT
    assert window.gallery.variant_count(first) == len(earlier)
    for old, now in zip(earlier, window.variants(first), strict=True):
        np.testing.assert_array_equal(window.frame(first, now.index), old)
    # No job crashed into the "bug" path (that logs at ERROR with a traceback).
    crashes = [
        r for r in caplog.records if r.name.startswith("editor") and r.levelno >= logging.ERROR
    ]
    assert not crashes, caplog.text

    if case.recovers:
        assert job.state is JobState.SUCCEEDED, job.error
        assert window.gallery.variant_count(faulted) == 1
        assert "variant" in row.status.text() and not row.error.isVisible()
        assert job.outcome is not None and job.outcome.result.timings.attempts == 2
        assert any(s.startswith("Service busy, trying again in 1 s") for s in statuses), statuses
        calls = logged_requests(server)[server_calls_before:]
        assert [c["fault"] for c in calls] == ["status", None]
        return

    assert job.state is JobState.FAILED
    text = row.error.text()
    assert row.error.isVisible() and text == job.error
    assert_plain(text)
    lowered = text.lower()
    for word in case.words:
        assert word.lower() in lowered, f"{word!r} not in {text!r}"
    assert faulted not in window.gallery.job_ids()

    # The fault is gone (and the settings fixed): Retry gets new variants next to the old.
    clear_faults(server)
    switch.reset()
    retried = retry_and_wait(qtbot, window, faulted)
    again = job_of(window, retried)
    assert again.state is JobState.SUCCEEDED, again.error
    assert window.gallery.variant_count(retried) == 1
    assert window.gallery.variant_count(first) == len(earlier)
    assert window.image is image
    np.testing.assert_array_equal(window.document.edit, mask)
    np.testing.assert_array_equal(round_mask(window, retried), mask)
