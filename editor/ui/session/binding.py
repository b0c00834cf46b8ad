"""The window's work kept in a session on disk (:mod:`editor.store`), so nothing is lost.

* A new image starts a session (the original is stored).
* Each job is a round: started when the job is added (prompt, params, base, mask snapshot),
  every variant written durably *before* the gallery shows it, finished with state, timings,
  usage, request id or error.
* The mask is autosaved a moment after the last stroke and the prompt after the last key.

All writes run off the UI thread (the store's ``*_async`` twins), one after another in the order
they were asked for. A failed write (full disk…) shows a plain message that does not block;
everything stays in memory and the variant is still shown, marked “not saved”.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from editor.core.expand import ExpandedCanvas
from editor.core.mask_document import MaskDocument
from editor.core.params import ApiOptions, EditParams
from editor.pipeline.jobs import Job, JobQueue, JobState
from editor.store import (
    ORIGINAL,
    PROXY_SIDE,
    BaseRef,
    ExpansionRecord,
    ResultRound,
    Results,
    ResultVariant,
    RoundRecord,
    RoundState,
    Session,
    SessionStore,
    StoreError,
)
from editor.ui.prompt.prompt_panel import PromptPanel

__all__ = ["BindingHost", "SessionBinding"]

log = logging.getLogger(__name__)
T = TypeVar("T")

_JOB_TO_ROUND = {
    JobState.SUCCEEDED: RoundState.SUCCEEDED,
    JobState.FAILED: RoundState.FAILED,
    JobState.CANCELLED: RoundState.CANCELLED,
}


class BindingHost(Protocol):
    """What the session binding uses of the window: the mask, the prompt, jobs and results."""

    @property
    def document(self) -> MaskDocument | None: ...
    @property
    def jobs(self) -> JobQueue: ...
    @property
    def results(self) -> Results: ...
    @property
    def prompt_panel(self) -> PromptPanel: ...
    def show_message(self, text: str) -> None: ...
    def spawn(self, coro: Coroutine[Any, Any, T], what: str) -> asyncio.Task[T]: ...


class SessionBinding(QObject):
    """``window.sessions``. Signals: ``rounds_changed()`` (history list), ``saved(str)``."""

    rounds_changed = Signal()
    write_failed = Signal(str)

    def __init__(
        self,
        window: BindingHost,
        store: SessionStore,
        *,
        autosave_ms: int = 2000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.store = store
        self.session: Session | None = None
        self.restoring = False
        self.last_problem: str | None = None
        self.results: Results = window.results
        self._job_base: dict[str, BaseRef] = {}
        self._pending_base: BaseRef | None = None
        self._bases: dict[int, tuple[np.ndarray, BaseRef]] = {}  # id(pixels) → what they are
        self._tasks: set[asyncio.Task[Any]] = set()
        self._lock: asyncio.Lock | None = None
        self.mask_timer = QTimer(self, singleShot=True, interval=autosave_ms)
        self.mask_timer.timeout.connect(self.save_mask)
        self.prompt_timer = QTimer(self, singleShot=True, interval=800)
        self.prompt_timer.timeout.connect(self.save_prompt)
        window.prompt_panel.prompt.textChanged.connect(self.prompt_timer.start)
        window.jobs.added.connect(self._on_job_added)

    # -- the write queue ------------------------------------------------------------------------

    def _write(self, make: Callable[[], Awaitable[T] | None], what: str) -> asyncio.Task[T | None]:
        """Run ``make()`` after every earlier write; a StoreError becomes a message, not a crash."""

        async def run() -> T | None:
            if self._lock is None:
                self._lock = asyncio.Lock()
            async with self._lock:
                awaitable = make()
                if awaitable is None:
                    return None
                try:
                    return await awaitable
                except (StoreError, ValueError, KeyError, OSError) as e:
                    self.report(f"Could not save {what}: {e}")
                    return None

        return self._keep(self.window.spawn(run(), f"save {what}"))

    def _keep(self, task: asyncio.Task[T]) -> asyncio.Task[T]:
        """Count the task among the writes :meth:`flush` waits for."""
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def report(self, text: str) -> None:
        """A write failed: say so without blocking; the work stays in memory."""
        if not text.endswith("."):
            text += "."
        self.last_problem = text + " Your work is kept in memory; free some space and go on."
        log.warning("%s", text)
        self.window.show_message(self.last_problem)
        self.write_failed.emit(self.last_problem)

    @property
    def busy(self) -> bool:
        return any(not t.done() for t in self._tasks)

    async def flush(self) -> None:
        """Wait until every write asked for so far has ended."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # -- the image ------------------------------------------------------------------------------

    def image_opened(self, pixels: np.ndarray, name: str, mask: np.ndarray | None) -> None:
        """A new image (open, paste, drop): a new session with it as the original."""
        if self.restoring:
            return
        self._forget()
        self.remember_base(pixels, ORIGINAL)
        old = self.session
        self.session = None
        if old is not None:
            self._write(old.close_async, "the previous session")

        async def create() -> None:
            self.session = await self.store.create_async(pixels, original_name=name)
            if mask is not None and mask.any():
                await self.session.save_mask_async(mask)
            prompt = self.window.prompt_panel.prompt.toPlainText()
            if prompt:
                await self.session.save_prompt_async(prompt)
            self.rounds_changed.emit()

        self._write(create, "the new session")

    def remember_base(self, pixels: np.ndarray, base: BaseRef) -> None:
        self._bases[id(pixels)] = (pixels, base)

    def base_of(self, pixels: np.ndarray | None) -> BaseRef:
        entry = self._bases.get(id(pixels)) if pixels is not None else None
        return entry[1] if entry is not None and entry[0] is pixels else ORIGINAL

    def variant_base(self, key: str, index: int) -> BaseRef:
        """The BaseRef of a gallery variant (job id or round id), if it was saved."""
        entry, variant = self.results.round(key), self.results.variant(key, index)
        if entry is None or entry.round_id is None or variant is None or not variant.saved:
            return ORIGINAL
        return BaseRef(entry.round_id, index)

    def unsaved(self, key: str) -> set[int]:
        """Indices of a round's variants that live only in memory (their write failed)."""
        return {v.index for v in self.results.variants(key) if not v.saved}

    def _forget(self) -> None:
        self._bases.clear()

    # -- autosave -------------------------------------------------------------------------------

    def mask_changed(self) -> None:
        self.mask_timer.start()

    def save_mask(self) -> asyncio.Task[str | None]:
        self.mask_timer.stop()
        doc = self.window.document
        edit = None if doc is None or doc.is_empty() else doc.edit.copy()
        return self._write(
            lambda: None if self.session is None else self.session.save_mask_async(edit),
            "the mask",
        )

    def save_prompt(self) -> None:
        self.prompt_timer.stop()
        text = self.window.prompt_panel.prompt.toPlainText()
        self._write(
            lambda: None if self.session is None else self.session.save_prompt_async(text),
            "the prompt",
        )

    # -- rounds ---------------------------------------------------------------------------------

    def retry_base(self, base: BaseRef) -> None:
        """The next job added is a retry of a stored round with this base."""
        self._pending_base = base

    def _on_job_added(self, job: Job) -> None:
        if self._pending_base is not None:
            base, self._pending_base = self._pending_base, None
        elif job.retry_of is not None:
            base = self._job_base.get(job.retry_of, ORIGINAL)
        else:
            base = self.base_of(job.input.image)
        self._job_base[job.id] = base
        entry = self.results.add_round(
            ResultRound(
                job.id,
                job.params.api.prompt,
                job.params,
                job.input.profile,
                base=base,
                status=job.status,
                active=True,
            )
        )
        self.save_mask()  # the mask as it is at submit time
        profile = self._profile_id(job.input.profile)
        mask = job.input.mask
        session = self.session
        # The round's id from the moment it is submitted; its record is written off the loop.
        round_id = entry.round_id = session.reserve_round() if session is not None else None

        async def start() -> None:
            target = self.session
            if target is None:
                return
            reserved = round_id if target is session else None
            try:
                record = await target.start_round_async(
                    job.params,
                    base=base,
                    mask=mask,
                    profile=profile,
                    round_id=reserved,
                    markup=job.input.markup,
                )
            except BaseException:
                entry.round_id = None  # no record on disk to point at
                raise
            entry.round_id = record.id
            self.rounds_changed.emit()

        self._write(start, "the round")

    def record_expansion(self, grown: ExpandedCanvas, base: BaseRef, label: str) -> None:
        """Expand Canvas as a round: its base, the mask it made, the grown frame as its one
        variant. Its id is taken now, so the grown frame is named by it at once (rounds
        generated on it sit under it in History; restoring the session brings it back)."""
        session = self.session
        if session is None:
            return
        round_id = session.reserve_round()
        self.remember_base(grown.pixels, BaseRef(round_id, 0))
        e = grown.expansion
        record = ExpansionRecord((e.left, e.top, e.right, e.bottom), grown.seam_band, grown.size)

        async def write() -> None:
            if self.session is not session:
                return
            await session.start_round_async(
                EditParams(ApiOptions(label)),
                base=base,
                mask=grown.mask,
                round_id=round_id,
                expansion=record,
            )
            await session.add_variant_async(round_id, 0, grown.pixels, proxy_side=PROXY_SIDE)
            await session.finish_round_async(round_id, RoundState.SUCCEEDED)
            self.rounds_changed.emit()

        self._write(write, "the expanded canvas")

    def _profile_id(self, name: str) -> str | None:
        for p in self.window.prompt_panel.profiles():
            if p.name == name:
                return p.id or None
        return None

    def deliver(self, job: Job, show: Callable[[set[int]], Awaitable[None]]) -> asyncio.Task[None]:
        """Write the job's variants, then ``show(unsaved indices)``; then finish the round."""

        async def run() -> None:
            unsaved = await self._save_variants(job)
            await show(unsaved)
            self.finish(job)

        return self._keep(self.window.spawn(run(), "keep the finished round"))

    async def _save_variants(self, job: Job) -> set[int]:
        """Write the variants (PNG and proxy encoded in parallel threads) and enter them in the
        results; indices that could not be written keep their pixels there instead."""
        variants = list(job.variants)
        entry = self.results.round(job.id)

        async def write() -> dict[int, tuple[Path, Path | None]]:
            round_id = entry.round_id if entry is not None else None
            session = self.session
            if session is None or round_id is None:
                return {}  # its round failed: already reported
            results = await asyncio.gather(
                *(
                    session.add_variant_async(
                        round_id,
                        v.index,
                        v.pixels,
                        revised_prompt=v.revised_prompt,
                        proxy_side=PROXY_SIDE,
                    )
                    for v in variants
                ),
                return_exceptions=True,
            )
            written = {}
            for v, result in zip(variants, results, strict=True):
                if isinstance(result, BaseException):
                    self.report(f"Could not save variant {v.index + 1} of job {job.id}: {result}")
                else:
                    written[v.index] = (result, session.proxy_path(round_id, v.index))
            return written

        written = await self._write(write, f"the variants of job {job.id}") or {}
        if entry is None or entry.key not in self.results:
            return {v.index for v in variants}  # another image was opened meanwhile
        for v in reversed(variants):  # the first variant ends up the most recently cached
            path, proxy = written.get(v.index, (None, None))
            h, w = v.pixels.shape[:2]
            result = ResultVariant(
                job.id,
                v.index,
                (w, h),
                path,
                proxy,
                v.revised_prompt,
                v.leak,
                ResultVariant.pack_leak_map(v.leak_map),
                pixels=None if path is not None else v.pixels,
            )
            self.results.add_variant(result)
            self.results.keep_frame(result, v.pixels)
        return {v.index for v in variants if v.index not in written}

    def finish(self, job: Job) -> None:
        state = _JOB_TO_ROUND.get(job.state)
        if state is None:
            return
        outcome = job.outcome
        timings = dict(outcome.timings) if outcome is not None else {"total_s": job.elapsed()}
        usage = outcome.result.usage if outcome is not None else None
        request_id = outcome.result.request_id if outcome is not None else None
        if request_id is None and job.error_details:
            request_id = str(job.error_details.get("request_id") or "") or None

        entry = self.results.round(job.id)
        if entry is not None:
            entry.status, entry.active = job.status, False
            entry.cancelled = job.state is JobState.CANCELLED

        async def write() -> None:
            round_id = entry.round_id if entry is not None else None
            if self.session is None or round_id is None:
                return
            await self.session.finish_round_async(
                round_id,
                state,
                error=job.error,
                timings=timings,
                usage=usage,
                request_id=request_id,
            )
            self.rounds_changed.emit()

        self._write(write, f"the end of job {job.id}")

    # -- reading back ---------------------------------------------------------------------------

    def rounds(self) -> tuple[RoundRecord, ...]:
        return self.session.rounds if self.session is not None else ()

    def gallery_key(self, round_id: str) -> str:
        return self.results.key_of(round_id) or round_id

    def adopt(self, session: Session) -> None:
        """Make a session read back from disk the current one (restore, Open Session); its
        rounds are already in the results."""
        old = self.session
        if old is not None and old is not session:
            self._write(old.close_async, "the previous session")
        self.session = session
        self.rounds_changed.emit()

    def close(self) -> None:
        """Window closing: save mask and prompt, close the session (blocking, it is the end)."""
        self.mask_timer.stop()
        self.prompt_timer.stop()
        session, self.session = self.session, None
        if session is None or session.closed:
            return
        doc = self.window.document
        try:
            session.save_prompt(self.window.prompt_panel.prompt.toPlainText())
            session.save_mask(None if doc is None or doc.is_empty() else doc.edit)
        except (StoreError, ValueError) as e:
            log.warning("could not save on close: %s", e)
        session.close()
