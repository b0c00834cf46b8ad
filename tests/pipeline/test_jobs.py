"""The job state machine against the embedded engine and the real local server (with faults)."""

from __future__ import annotations

import asyncio

import httpx
import numpy as np
import pytest

from editor.client import EditsClient, Endpoint, Progress
from editor.core.errors import UserInputError
from editor.pipeline import ApiOptions, EditParams, embedded_client
from editor.pipeline.jobs import Job, JobInput, JobQueue, JobState, progress_text
from editor.server import ServerThread

W, H = 64, 48


def snapshot(make_client: object = embedded_client, prompt: str = "fill it") -> JobInput:
    image = np.zeros((H, W, 3), np.uint8)
    image[:, : W // 2] = (200, 40, 40)
    image[:, W // 2 :] = (40, 40, 200)
    mask = np.zeros((H, W), np.uint8)
    mask[10:30, 20:40] = 255
    params = EditParams(ApiOptions(prompt=prompt, model="telea", n=1))
    return JobInput(image=image, mask=mask, params=params, make_client=make_client)  # type: ignore[arg-type]


def remote(server: ServerThread) -> object:
    return lambda: EditsClient(Endpoint(base_url=server.base_url, max_retries=0, timeout=30))


def add_fault(server: ServerThread, **fault: object) -> None:
    httpx.post(f"{server.origin}/_test/faults", json=fault, timeout=5).raise_for_status()


async def until(predicate: object, timeout: float = 20.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():  # type: ignore[operator]
            await asyncio.sleep(0.01)


@pytest.mark.asyncio
async def test_a_job_runs_to_succeeded_with_variants_and_signals() -> None:
    queue = JobQueue()
    seen: list[tuple[str, JobState]] = []
    queue.changed.connect(lambda job: seen.append((job.status, job.state)))
    finished: list[Job] = []
    queue.finished.connect(finished.append)
    job = queue.submit(snapshot())
    assert job.state is JobState.RUNNING and job.id == "1"
    await until(lambda: finished)
    assert job.state is JobState.SUCCEEDED
    assert [v.pixels.shape for v in job.variants] == [(H, W, 3)]
    assert job.error is None and job.elapsed() > 0
    assert finished == [job]
    assert seen[0] == ("Preparing", JobState.RUNNING)
    assert any(s.startswith("Uploading") for s, _ in seen)
    assert seen[-1] == ("1 variant", JobState.SUCCEEDED)


@pytest.mark.asyncio
async def test_a_server_error_becomes_a_plain_failed_state_and_retry_succeeds(
    server: ServerThread,
) -> None:
    add_fault(server, kind="status", status=500)
    queue = JobQueue()
    job = queue.submit(snapshot(remote(server)))
    await until(lambda: not job.active)
    assert job.state is JobState.FAILED
    assert job.error and "server" in job.error.lower()
    assert "Traceback" not in job.error
    again = queue.retry(job.id)
    assert again.input is job.input and again.retry_of == job.id
    await until(lambda: not again.active)
    assert again.state is JobState.SUCCEEDED, again.error
    assert len(again.variants) == 1


@pytest.mark.asyncio
async def test_cancel_a_slow_job(server: ServerThread) -> None:
    add_fault(server, kind="delay", seconds=30)
    queue = JobQueue()
    job = queue.submit(snapshot(remote(server)))
    await until(lambda: job.status.startswith("Waiting"))
    assert queue.newest_active() is job
    assert queue.cancel(job.id)
    await until(lambda: not job.active, timeout=5)
    assert job.state is JobState.CANCELLED and job.error is None
    assert not queue.cancel(job.id)  # already over
    await queue.aclose()


@pytest.mark.asyncio
async def test_jobs_over_the_limit_wait_their_turn_and_can_be_cancelled_while_queued() -> None:
    queue = JobQueue(max_running=1)
    first, second, third = (queue.submit(snapshot(prompt=f"p{i}")) for i in range(3))
    assert [j.state for j in (first, second, third)] == [
        JobState.RUNNING,
        JobState.QUEUED,
        JobState.QUEUED,
    ]
    assert queue.cancel(third.id)
    assert third.state is JobState.CANCELLED and third.elapsed() == 0
    await until(lambda: not second.active)
    assert first.state is second.state is JobState.SUCCEEDED


@pytest.mark.asyncio
async def test_a_client_that_cannot_be_made_fails_the_job_with_its_message() -> None:
    def no_key() -> EditsClient:
        raise UserInputError("No OpenAI API key: set OPENAI_API_KEY.")

    queue = JobQueue()
    job = queue.submit(snapshot(no_key))
    await until(lambda: not job.active)
    assert job.state is JobState.FAILED
    assert job.error == "No OpenAI API key: set OPENAI_API_KEY."


@pytest.mark.asyncio
async def test_an_unexpected_crash_is_still_caught_into_the_job() -> None:
    def broken() -> EditsClient:
        raise RuntimeError("boom")

    queue = JobQueue()
    job = queue.submit(snapshot(broken))
    await until(lambda: not job.active)
    assert job.state is JobState.FAILED and job.error == "Something went wrong: boom"


@pytest.mark.asyncio
async def test_a_value_error_from_a_bug_is_logged_not_taken_for_the_users_mistake(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def buggy() -> EditsClient:
        raise ValueError("operands could not be broadcast together with shapes (4,) (3,)")

    queue = JobQueue()
    job = queue.submit(snapshot(buggy))
    await until(lambda: not job.active)
    assert job.state is JobState.FAILED
    assert job.error is not None and job.error.startswith("Something went wrong:")
    crashed = [r for r in caplog.records if "crashed" in r.getMessage()]
    assert crashed and crashed[0].exc_info is not None  # with its traceback, for the bug report


def test_progress_text_is_short_and_plain() -> None:
    assert progress_text(Progress("upload", 50, 200, 1)) == ("Uploading 25 %", 0.25)
    waiting = progress_text(Progress("waiting", 0, None, 2))
    assert waiting == ("Waiting for the service (attempt 2)", None)
    assert progress_text(Progress("retry", 0, None, 1, retry_in=3))[0].endswith("in 3 s")
    assert progress_text(Progress("done", 1, 1, 1)) == ("Finishing", None)
