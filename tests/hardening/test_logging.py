"""The rotating log file (editor/logs.py) after real jobs: request ids, timings and statuses are
there; the key and image bytes are not."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from editor.client import ApiKey, EditsClient, Endpoint, ServerError
from editor.logs import setup_logging
from editor.server import ServerThread
from tests.client.conftest import add_fault, make_request

pytestmark = pytest.mark.asyncio

KEY = "sk-test-LOGGING-7777"
BASE64_RUN = re.compile(r"[A-Za-z0-9+/=]{200,}")


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    path = setup_logging(directory=tmp_path / "logs")
    assert path is not None
    yield path
    app_logger = logging.getLogger("editor")
    for handler in list(app_logger.handlers):
        if getattr(handler, "baseFilename", None) == str(path.resolve()):
            app_logger.removeHandler(handler)
            handler.close()


def _read(path: Path) -> str:
    for handler in logging.getLogger("editor").handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


async def test_jobs_leave_ids_timings_and_statuses_but_no_secret_or_bytes(
    server: ServerThread, log_file: Path
) -> None:
    endpoint = Endpoint(base_url=server.base_url, api_key=ApiKey(KEY), max_retries=0, timeout=30)
    async with EditsClient(endpoint) as client:
        ok = await client.edit(make_request(n=2))
        linked = await client.edit(make_request(response_format="url"))
        add_fault(server, kind="status", status=500, body=f"echo {KEY}")
        with pytest.raises(ServerError) as failed:
            await client.edit(make_request())
    text = _read(log_file)
    assert ok.request_id and ok.request_id in text
    assert linked.request_id and linked.request_id in text
    assert failed.value.request_id and failed.value.request_id in text
    line = next(x for x in text.splitlines() if ok.request_id in x and "-> 200" in x)
    assert re.search(r"POST /v1/images/edits -> 200 .*ttfb \d+\.\d{3} s, \d+\.\d{3} s", line), line
    assert re.search(rf"-> 500 \(request id {failed.value.request_id}", text)
    assert re.search(r"edit done: 2 image\(s\), request id \S+, \d+\.\d{3} s in total", text)
    assert "result #1 from 127.0.0.1" in text  # the download, labelled without its link
    assert KEY not in text and "Bearer" not in text
    assert not BASE64_RUN.search(text), BASE64_RUN.search(text)
    assert "/v1/files/" not in text  # result links can be capabilities: never logged
    assert len(text) < 20_000  # lines, not payloads
