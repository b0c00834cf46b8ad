"""The jobs panel bound to a real JobQueue: rows, progress, Cancel and Retry buttons."""

from __future__ import annotations

import asyncio

import httpx
import numpy as np
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from editor.client import EditsClient, Endpoint
from editor.core.errors import UserInputError
from editor.pipeline import ApiOptions, EditParams, embedded_client
from editor.pipeline.jobs import ClientFactory, JobInput, JobQueue, JobState
from editor.server import ServerThread
from editor.ui.jobs.jobs_panel import JobsPanel, format_elapsed, job_title

LEFT = Qt.MouseButton.LeftButton


def snapshot(make_client: ClientFactory, prompt: str = "remove the cup") -> JobInput:
    image = np.full((40, 60, 3), 120, np.uint8)
    mask = np.zeros((40, 60), np.uint8)
    mask[10:20, 10:30] = 255
    return JobInput(
        image, mask, EditParams(ApiOptions(prompt=prompt, model="telea")), make_client, "Test"
    )


@pytest.fixture
def panel(qtbot: QtBot, aloop: asyncio.AbstractEventLoop) -> JobsPanel:
    widget = JobsPanel(JobQueue())
    qtbot.addWidget(widget)
    widget.resize(360, 400)
    widget.show()
    return widget


def test_a_row_per_job_newest_on_top_with_status_and_time(qtbot: QtBot, panel: JobsPanel) -> None:
    queue = panel._queue
    first = queue.submit(snapshot(embedded_client, "first prompt"))
    second = queue.submit(snapshot(embedded_client, "second prompt " * 10))
    rows = [panel._column.itemAt(i).widget() for i in range(2)]
    assert rows == [panel.row(second.id), panel.row(first.id)]
    assert panel.row(first.id).title.text() == "Job 1 · “first prompt”"
    assert job_title(second).endswith("…”") and len(job_title(second)) < 70
    assert panel.row(first.id).button.text() == "Cancel"
    qtbot.waitUntil(lambda: not first.active and not second.active, timeout=20_000)
    row = panel.row(first.id)
    assert first.state is JobState.SUCCEEDED
    assert row.status.text().startswith("1 variant · ")
    assert " s · telea × 1 · Test" in row.status.text()
    assert not row.button.isVisible() and not row.bar.isVisible()


def test_cancel_button_stops_a_slow_job_and_offers_retry(
    qtbot: QtBot, panel: JobsPanel, server: ServerThread
) -> None:
    httpx.post(f"{server.origin}/_test/faults", json={"kind": "delay", "seconds": 30}, timeout=5)
    endpoint = Endpoint(base_url=server.base_url, max_retries=0)
    job = panel._queue.submit(snapshot(lambda: EditsClient(endpoint)))
    row = panel.row(job.id)
    qtbot.waitUntil(lambda: "Waiting" in row.status.text(), timeout=10_000)
    assert row.bar.isVisible() and row.bar.maximum() == 0  # busy: no % while waiting
    panel.cancel_requested.connect(panel._queue.cancel)
    qtbot.mouseClick(row.button, LEFT)
    qtbot.waitUntil(lambda: job.state is JobState.CANCELLED, timeout=5_000)
    assert row.button.text() == "Retry"
    with qtbot.waitSignal(panel.retry_requested) as blocker:
        qtbot.mouseClick(row.button, LEFT)
    assert blocker.args == [job.id]


def test_a_failed_job_shows_its_plain_reason(qtbot: QtBot, panel: JobsPanel) -> None:
    def no_key() -> EditsClient:
        raise UserInputError("The service needs an API key.")

    job = panel._queue.submit(snapshot(no_key))
    row = panel.row(job.id)
    qtbot.waitUntil(lambda: not job.active, timeout=5_000)
    assert row.error.isVisible() and row.error.text() == "The service needs an API key."
    assert row.status.text().startswith("Failed")


def test_elapsed_time_reads_naturally() -> None:
    assert format_elapsed(3.24) == "3.2 s"
    assert format_elapsed(75) == "1 min 15 s"
