"""Edit jobs as a plain state machine: queued → running → succeeded / failed / cancelled.

Qt-free, after krita-ai-diffusion's ``model/jobs.py``: a :class:`JobQueue` owns the jobs,
starts one asyncio task per job and reports every transition through psygnal signals that views
bind to. Each task is wrapped so whatever it raises lands in the job's state as a plain message;
no task is ever lost. Cancelling is ``task.cancel()``.

A job holds a snapshot of what it was asked (image, mask, parameters, how to reach the service),
so Retry re-runs exactly that even after the user has painted on or replaced the image.
"""

from __future__ import annotations

import asyncio
import enum
import itertools
import logging
import time
from dataclasses import dataclass, field, replace

import numpy as np
from psygnal import Signal

from editor.client import EditError, Progress, ServiceConnectionError, warm_up
from editor.core.errors import UserInputError
from editor.core.params import EditParams
from editor.pipeline.embedded import EMBEDDED_BASE_URL, embedded_client, warm_up_engine
from editor.pipeline.engine_process import engine_process
from editor.pipeline.job_input import ClientFactory, JobInput, SendingProfile, job_input
from editor.pipeline.round_trip import (
    EditOutcome,
    PartialPreview,
    Variant,
    run_edit,
)

__all__ = [
    "ClientFactory",
    "Job",
    "JobInput",
    "JobQueue",
    "JobState",
    "SendingProfile",
    "job_input",
    "progress_text",
]

log = logging.getLogger(__name__)

ENGINE_LOST = (
    "The local engine stopped before it finished answering. Retry starts it again; your image, "
    "mask and prompt are as they were."
)

_RELEASED = np.zeros((0, 0, 3), np.uint8)


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


@dataclass(eq=False, slots=True)
class Job:
    number: int
    input: JobInput
    retry_of: str | None = None
    state: JobState = JobState.QUEUED
    status: str = "Queued"
    sent: bool = False  # the request has gone out (a priced service may bill it now)
    fraction: float | None = None  # progress 0..1 of the current phase, None = unknown
    error: str | None = None
    error_details: dict[str, object] = field(default_factory=dict)
    outcome: EditOutcome | None = None
    # The newest streamed preview per variant slot (the final replaces it in views; they stay
    # here for a job whose stream failed, and go with :meth:`release`).
    previews: dict[int, PartialPreview] = field(default_factory=dict)
    # Some requests of a fanned-out job failed: "1 of 4 variants failed: …" (state SUCCEEDED).
    warning: str | None = None
    created_at: float = field(default_factory=time.monotonic)
    started_at: float | None = None
    finished_at: float | None = None

    @property
    def id(self) -> str:
        return str(self.number)

    @property
    def params(self) -> EditParams:
        return self.input.params

    @property
    def variants(self) -> list[Variant]:
        return self.outcome.variants if self.outcome is not None else []

    @property
    def active(self) -> bool:
        return not self.state.finished

    def release(self) -> None:
        """Drop the frames, encoded bytes and previews a finished job holds, once its results
        live elsewhere (written to disk); what it asked and how it went stay."""
        self.previews.clear()
        if self.outcome is not None:
            self.outcome.variants = []
            self.outcome.result.images = []
        self.input = replace(self.input, image=_RELEASED, mask=None)

    def elapsed(self, now: float | None = None) -> float:
        """Seconds since the job started running (0 while queued), frozen once it ends."""
        if self.started_at is None:
            return 0.0
        end = self.finished_at if self.finished_at is not None else (now or time.monotonic())
        return max(0.0, end - self.started_at)


def progress_text(p: Progress) -> tuple[str, float | None]:
    """A short status line and a 0..1 fraction (None when unknown) for one progress report."""
    fraction = p.done / p.total if p.total else None
    pct = f" {round(fraction * 100)} %" if fraction is not None else ""
    if p.phase == "upload":
        return f"Uploading{pct}", fraction
    if p.phase == "waiting":
        again = f" (attempt {p.attempt})" if p.attempt > 1 else ""
        return f"Waiting for the service{again}", None
    if p.phase == "download":
        return f"Downloading{pct}", fraction
    if p.phase == "streaming":
        return "Receiving previews", None
    if p.phase == "retry":
        wait = f" in {p.retry_in:.0f} s" if p.retry_in else ""
        return f"Service busy, trying again{wait}", None
    return "Finishing", None


class JobQueue:
    """Runs jobs, at most ``max_running`` at once; the rest wait in order.

    Signals: ``added(job)``, ``changed(job)`` on every state or progress change,
    ``partial(job, preview)`` for each streamed preview (a PartialPreview: show it in place of
    variant ``preview.index`` until the final arrives), and ``finished(job)`` once when a job
    reaches succeeded, failed or cancelled.
    """

    added = Signal(object)
    changed = Signal(object)
    partial = Signal(object, object)
    finished = Signal(object)

    def __init__(self, max_running: int = 3) -> None:
        self.max_running = max_running
        self._jobs: dict[str, Job] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._numbers = itertools.count(1)

    # -- queries ------------------------------------------------------------------------------

    @property
    def jobs(self) -> list[Job]:
        """All jobs, oldest first."""
        return list(self._jobs.values())

    def get(self, job_id: str) -> Job:
        return self._jobs[job_id]

    def running(self) -> list[Job]:
        return [j for j in self._jobs.values() if j.state is JobState.RUNNING]

    def newest_active(self) -> Job | None:
        """The most recently submitted job that has not finished (Cancel Newest Job stops it)."""
        for job in reversed(self._jobs.values()):
            if job.active:
                return job
        return None

    # -- commands -----------------------------------------------------------------------------

    def submit(self, job_input: JobInput, *, retry_of: str | None = None) -> Job:
        """Add a job and start it if a slot is free. Needs a running asyncio loop."""
        job = Job(number=next(self._numbers), input=job_input, retry_of=retry_of)
        self._jobs[job.id] = job
        self.added.emit(job)
        self._start_waiting()
        return job

    def retry(self, job_id: str) -> Job:
        """A new job with exactly the same snapshot as ``job_id``."""
        return self.submit(self._jobs[job_id].input, retry_of=job_id)

    def prune(self, job_id: str) -> Job | None:
        """Forget a finished job (and release what it holds); its results live elsewhere.
        Returns it, or None when unknown or still active."""
        job = self._jobs.get(job_id)
        if job is None or job.active:
            return None
        del self._jobs[job_id]
        job.release()
        return job

    def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job; False if it had already finished."""
        job = self._jobs[job_id]
        if job.state is JobState.QUEUED:
            self._finish(job, JobState.CANCELLED, "Cancelled")
            return True
        task = self._tasks.get(job_id)
        if task is None or task.done():
            return False
        task.cancel()
        return True

    def cancel_all(self) -> None:
        for job in list(self._jobs.values()):
            if job.active:
                self.cancel(job.id)

    async def aclose(self) -> None:
        """Cancel everything and wait until every task has ended."""
        self.cancel_all()
        tasks = list(self._tasks.values())
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    def start(self, job: Job) -> None:
        """Run ``job`` now in its own task, whatever ``max_running`` says."""
        if job.state is not JobState.QUEUED:
            raise RuntimeError(f"job {job.id} is {job.state}, not queued")
        job.state, job.status, job.started_at = JobState.RUNNING, "Preparing", time.monotonic()
        self._tasks[job.id] = asyncio.get_running_loop().create_task(
            self._run(job), name=f"edit job {job.id}"
        )
        self.changed.emit(job)

    # -- internals ----------------------------------------------------------------------------

    def _start_waiting(self) -> None:
        for job in self._jobs.values():
            if len(self.running()) >= self.max_running:
                return
            if job.state is JobState.QUEUED:
                self.start(job)

    async def _run(self, job: Job) -> None:
        """The wrapper every job task runs in: any outcome becomes the job's state."""
        try:
            outcome = await self._round_trip(job)
        except asyncio.CancelledError:
            self._finish(job, JobState.CANCELLED, "Cancelled")
            raise
        except EditError as exc:
            job.error_details = exc.details
            self._finish(job, JobState.FAILED, "Failed", error=exc.user_message)
        except UserInputError as exc:  # the reason is the user's to fix, in plain words
            self._finish(job, JobState.FAILED, "Failed", error=str(exc))
        except Exception as exc:  # a bug: still shown, never lost
            log.exception("edit job %s crashed", job.id)
            job.error_details = {"exception": repr(exc)}
            self._finish(job, JobState.FAILED, "Failed", error=f"Something went wrong: {exc}")
        else:
            job.outcome = outcome
            count = len(outcome.variants)
            job.warning = outcome.failure_message
            failed = f" ({outcome.failed_variants} failed)" if outcome.failures else ""
            self._finish(job, JobState.SUCCEEDED, f"{count} variant{'s' * (count != 1)}{failed}")
        finally:
            self._tasks.pop(job.id, None)
            self._start_waiting()

    async def _round_trip(self, job: Job) -> EditOutcome:
        def on_progress(p: Progress) -> None:
            job.sent = True
            if job.state is JobState.RUNNING:
                job.status, job.fraction = progress_text(p)
                self.changed.emit(job)

        def on_partial(preview: PartialPreview) -> None:
            if job.state is JobState.RUNNING:
                job.previews[preview.index] = preview
                job.status = f"Preview {preview.partial_index + 1} of variant {preview.index + 1}"
                self.partial.emit(job, preview)
                self.changed.emit(job)

        asked = job.input
        # The first client's imports and TLS settings (and the local engine), off the loop.
        await warm_up()
        if asked.make_client is embedded_client:
            await warm_up_engine()
        async with asked.make_client() as client:
            try:
                return await run_edit(client, asked, on_progress=on_progress, on_partial=on_partial)
            except ServiceConnectionError as exc:
                child = engine_process()
                own = asked.make_client is embedded_client
                if own and child is not None and client.endpoint.base_url != EMBEDDED_BASE_URL:
                    # The child engine is gone (killed, out of memory); its address means
                    # nothing to a designer, and the next send starts a new one.
                    await asyncio.to_thread(child.lost, client.endpoint)
                    raise ServiceConnectionError(ENGINE_LOST, details=exc.details) from exc
                raise

    def _finish(self, job: Job, state: JobState, status: str, error: str | None = None) -> None:
        if job.state.finished:
            return
        job.state, job.status, job.error = state, status, error
        job.fraction = None
        job.finished_at = time.monotonic()
        self.changed.emit(job)
        self.finished.emit(job)
