"""A whole session with a recognisable key: it is sent where it belongs and nowhere else.

Two local engines on 127.0.0.1 (two origins): the first needs the key; the second stands in for
a result host elsewhere. The session generates, saves, meets a wrong key (401), a 500, and
results linked on both origins. Afterwards every file under the test's folders (sessions,
settings, logs, the saved result), every log record and every error text is searched: 0 hits.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from editor.client import ApiKey, Endpoint
from editor.logs import setup_logging
from editor.pipeline.jobs import JobState
from editor.server import ServerThread
from editor.ui.window.main_window import MainWindow
from tests.ui.window_helpers import (
    add_fault,
    generate_and_wait,
    job_of,
    open_image,
    paint,
    write_image,
)

from .window_helpers import PROFILE, Switch, make_window

KEY = "sk-test-HYGIENE-9000"
KEY_FORMS = (KEY, base64.b64encode(f"Bearer {KEY}".encode()).decode(), KEY[::-1])


@pytest.fixture
def keyed() -> Iterator[ServerThread]:
    with ServerThread(enable_faults=True, token=KEY) as running:
        yield running


@pytest.fixture
def elsewhere() -> Iterator[ServerThread]:
    with ServerThread(enable_faults=True) as running:
        yield running


@pytest.fixture
def switch(keyed: ServerThread) -> Switch:
    return Switch(Endpoint(base_url=keyed.base_url, api_key=ApiKey(KEY), max_retries=0, timeout=30))


@pytest.fixture
def log_file(app_dirs: dict[str, Path]) -> Iterator[Path]:
    path = setup_logging(directory=app_dirs["logs"])
    assert path is not None
    yield path
    app_logger = logging.getLogger("editor")
    for handler in list(app_logger.handlers):
        if getattr(handler, "baseFilename", None) == str(path.resolve()):
            app_logger.removeHandler(handler)
            handler.close()


@pytest.fixture
def window(
    qtbot: QtBot,
    aloop: asyncio.AbstractEventLoop,
    tmp_path: Path,
    switch: Switch,
    log_file: Path,
) -> Iterator[MainWindow]:
    yield from make_window(qtbot, tmp_path, switch)


def _url_result(server: ServerThread) -> str:
    """A real result link on ``server`` (a url-format edit made there first)."""
    image, mask = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (32, 32), (200, 20, 20)).save(image, "PNG")
    alpha = np.full((32, 32), 255, np.uint8)
    alpha[8:24, 8:24] = 0
    Image.fromarray(np.dstack([np.zeros((32, 32, 3), np.uint8), alpha]), "RGBA").save(mask, "PNG")
    headers = {"Authorization": f"Bearer {KEY}"} if server.app.state.config.token else {}
    answer = httpx.post(
        f"{server.base_url}/images/edits",
        data={"prompt": "x", "model": "telea", "response_format": "url"},
        files={"image": ("a.png", image.getvalue()), "mask": ("m.png", mask.getvalue())},
        headers=headers,
        timeout=10,
    )
    answer.raise_for_status()
    return str(answer.json()["data"][0]["url"])


def _file_requests(server: ServerThread) -> list[dict[str, Any]]:
    return list(httpx.get(f"{server.origin}/_test/file-requests", timeout=5).json())


def _clear_file_requests(server: ServerThread) -> None:
    httpx.delete(f"{server.origin}/_test/file-requests", timeout=5).raise_for_status()


def _hits(data: bytes) -> list[str]:
    return [form for form in KEY_FORMS if form.encode() in data]


def test_a_full_session_never_writes_or_shows_the_key(
    qtbot: QtBot,
    window: MainWindow,
    keyed: ServerThread,
    elsewhere: ServerThread,
    switch: Switch,
    tmp_path: Path,
    log_file: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    photo = tmp_path / "photo.png"
    write_image(photo)
    open_image(qtbot, window, photo)
    paint(qtbot, window, [(50, 50), (130, 90)])
    window.prompt_panel.set_profile(PROFILE)
    window.prompt_panel.set_prompt("remove the pole")
    jobs = []

    # 1. A normal job: the keyed server accepts it.
    jobs.append(generate_and_wait(qtbot, window))
    assert job_of(window, jobs[-1]).state is JobState.SUCCEEDED, job_of(window, jobs[-1]).error
    window.show_variant(jobs[-1], 0)
    saved = tmp_path / "results" / "variant.png"
    saved.parent.mkdir()
    task = window.files.save_to(saved)
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result() and saved.is_file()
    window.show_original()

    # 2. Result links: one on the endpoint's own origin, one on another origin (port).
    own, other = _url_result(keyed), _url_result(elsewhere)
    _clear_file_requests(keyed)
    _clear_file_requests(elsewhere)
    add_fault(keyed, kind="garbage", body=json.dumps({"data": [{"url": own}, {"url": other}]}))
    jobs.append(generate_and_wait(qtbot, window))
    linked = job_of(window, jobs[-1])
    assert linked.state is JobState.SUCCEEDED, linked.error
    assert len(window.variants(jobs[-1])) == 2
    [to_other] = _file_requests(elsewhere)
    assert to_other["method"] == "GET" and to_other["authorization"] is None
    [to_own] = _file_requests(keyed)
    assert to_own["authorization"] == "bearer"  # its own origin may see it: the check is live

    # 3. A 500 from the service.
    add_fault(keyed, kind="status", status=500, body=f"upstream said: key {KEY} is fine")
    jobs.append(generate_and_wait(qtbot, window))
    assert job_of(window, jobs[-1]).state is JobState.FAILED

    # 4. The user switches to a wrong key: a real 401 from the server.
    switch.set(api_key=ApiKey("sk-test-WRONG-0001"))
    jobs.append(generate_and_wait(qtbot, window))
    failed = job_of(window, jobs[-1])
    assert failed.state is JobState.FAILED and "401" in (failed.error or "")
    switch.reset()

    window.close()  # flush whatever the session writes on close
    qtbot.wait(50)
    for handler in logging.getLogger("editor").handlers:
        handler.flush()

    # Every error and detail the user or a bug report could see.
    for job_id in jobs:
        job = job_of(window, job_id)
        shown = f"{job.error} {job.status} {job.error_details!r} {json.dumps(job.error_details)}"
        assert not _hits(shown.encode()), job_id
    # Every log record, and the log file itself (which must exist and say something).
    for record in caplog.records:
        assert not _hits(record.getMessage().encode()), record.getMessage()
    assert log_file.stat().st_size > 0
    # Every file the app (or the test, on its behalf) wrote.
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert saved in written and log_file in written
    assert any("sessions" in p.parts for p in written), written
    leaks = {str(p): _hits(p.read_bytes()) for p in written}
    assert not any(leaks.values()), {k: v for k, v in leaks.items() if v}
