"""Generate, and the job queue bound to the jobs panel and the gallery.

Generate takes a snapshot — the image array (never written in place), a copy of the mask and the
parameters — so painting on, or replacing, the image while a job runs changes nothing for it,
and Retry re-sends exactly the same.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Protocol

import numpy as np
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMessageBox, QStatusBar

from editor.core.markup_layer import MarkupLayer
from editor.core.mask_document import MaskDocument
from editor.core.models import model_spec
from editor.core.pricing import PriceTable
from editor.core.regions import union
from editor.core.request import OMIT
from editor.pipeline import STREAM_FALLBACK_NOTE
from editor.pipeline.errors import InputError
from editor.pipeline.jobs import Job, JobInput, JobState, job_input
from editor.pipeline.regions import check_regions
from editor.pipeline.resolve import check
from editor.store import Results
from editor.ui.canvas.mask_canvas import MaskCanvas
from editor.ui.common.overlay import ImageLayer
from editor.ui.compare.leak import describe_leak
from editor.ui.gallery.gallery import Gallery
from editor.ui.jobs.jobs_panel import JobsPanel, format_elapsed, job_title
from editor.ui.jobs.stats_panel import SessionStats, StatsPanel, cost_text, cost_tooltip
from editor.ui.prompt.prompt_panel import PromptPanel
from editor.ui.session.binding import SessionBinding
from editor.ui.settings.capabilities import Capabilities
from editor.ui.settings.prefs import UiPrefs
from editor.ui.window.banners import NO_IMAGE, MessageBanner
from editor.ui.window.previews import PreviewBinding
from editor.workspace import Workspace

__all__ = ["JobBinding", "JobHost", "describe_params"]


class JobHost(Protocol):
    """What running jobs and showing their results use of the window."""

    @property
    def image(self) -> np.ndarray | None: ...
    @property
    def document(self) -> MaskDocument | None: ...
    @property
    def markup(self) -> MarkupLayer | None: ...
    @property
    def workspace(self) -> Workspace: ...
    @property
    def results(self) -> Results: ...
    @property
    def prompt_panel(self) -> PromptPanel: ...
    @property
    def jobs_panel(self) -> JobsPanel: ...
    @property
    def stats_panel(self) -> StatsPanel: ...
    @property
    def session_stats(self) -> SessionStats: ...
    @property
    def gallery(self) -> Gallery: ...
    @property
    def canvas(self) -> MaskCanvas: ...
    @property
    def capabilities(self) -> Capabilities: ...
    @property
    def sessions(self) -> SessionBinding: ...
    @property
    def previews(self) -> PreviewBinding: ...
    @property
    def message_banner(self) -> MessageBanner: ...
    @property
    def shown_variant(self) -> tuple[str, int] | None: ...
    @property
    def settings(self) -> QSettings: ...
    def prices_for(self, profile_name: str) -> PriceTable: ...
    def show_variant(self, job_id: str, index: int, layer: ImageLayer | None = None) -> None: ...
    def set_compare(self, on: bool) -> None: ...
    def refresh_rounds(self) -> None: ...
    def show_message(self, text: str, cause: str | None = None) -> None: ...
    def statusBar(self) -> QStatusBar: ...


def describe_params(job: Job) -> str:
    p, api = job.params, job.params.api
    parts = [f"model {api.model or 'default'}", f"n {api.n or 1}"]
    if api.size:
        parts.append(f"size {api.size}")
    if api.quality:
        parts.append(f"quality {api.quality}")
    if api.watermark is not OMIT:
        parts.append(f"watermark {'on' if api.watermark else 'off'}")
    if p.context != "auto":
        parts.append(f"context {p.context}")
    if p.color_match:
        parts.append(f"colour match {p.color_match_strength:.0%}")
    if job.input.profile:
        parts.append(job.input.profile)
    return ", ".join(parts)


class JobBinding:
    def __init__(self, window: JobHost) -> None:
        self.window = window
        self.settled: set[str] = set()  # jobs whose outcome is saved (or failed to) and shown
        self._warned: set[str] = set()  # profiles whose send warning was shown once
        # What the canvas showed when each job was sent: its result replaces only that.
        self._shown_at_submit: dict[str, tuple[str, int] | None] = {}
        ws = window.workspace
        ws.round_added.connect(self._on_added)
        ws.round_changed.connect(self._on_changed)
        ws.round_ended.connect(self._account)
        ws.round_finished.connect(self._on_finished)
        ws.presenters.append(self._show)
        window.jobs_panel.cancel_requested.connect(self.cancel)
        # "Cancel the job?" or "Send this prompt matrix?" while it asks.
        self.confirm: QMessageBox | None = None
        window.jobs_panel.retry_requested.connect(self.retry)
        window.jobs_panel.switch_model_requested.connect(self.switch_model)
        window.gallery.variant_selected.connect(window.show_variant)
        window.gallery.variant_activated.connect(self._activated)
        window.gallery.prompt_picked.connect(self._put_prompt)

    def generate(self) -> Job | None:
        w = self.window
        if w.image is None or w.document is None:
            w.show_message(
                "Open an image first (Ctrl+O), paint where it should change, then generate.",
                NO_IMAGE,
            )
            return None
        panel = w.prompt_panel
        profile = panel.profile()
        problem = profile.problem()
        if problem:
            w.show_message(problem)
            return None
        warning = profile.warning()
        if warning and profile.name not in self._warned:
            self._warned.add(profile.name)  # said once; the next Generate sends
            w.show_message(warning)
            return None
        try:
            panel.prompts()
        except ValueError as problem:
            w.show_message(str(problem))
            panel.focus_prompt()
            return None
        params = panel.params()
        mask = w.document.snapshot()
        markup = w.markup.shapes if w.markup is not None else ()
        regions = w.workspace.region_inputs()
        try:
            if regions:
                if params.prompts:
                    raise InputError(
                        "A prompt matrix goes with one mask: remove the regions, or write one "
                        "prompt per region."
                    )
                if markup:
                    raise InputError("Regions go without markup: clear the markup (Ctrl+Alt+D).")
                height, width = w.image.shape[:2]
                check_regions(regions, (width, height))
                mask = union([r.mask for r in regions])  # the round's mask, for History
                if not params.api.prompt.strip() and not all(r.prompt for r in regions):
                    raise InputError(
                        "A region without its own prompt uses the prompt box's: write one."
                    )
                if not params.api.prompt.strip():
                    params = replace(params, api=replace(params.api, prompt=regions[0].prompt))
            check(params, masked=mask is not None, marked=bool(markup))
        except InputError as problem:
            w.show_message(str(problem))
            if not params.api.prompt.strip():
                panel.focus_prompt()
            return None
        snapshot = job_input(w.image, mask, params, profile, w.capabilities.memory, markup, regions)
        w.message_banner.hide()
        panel.remember_prompt()
        limit = UiPrefs(w.settings).confirm_images_over
        if params.prompts and params.image_count > limit:
            self._ask_to_send(snapshot, profile.id or None, limit)
            return None
        return self._submit(snapshot, profile.id or None)

    def _submit(self, snapshot: JobInput, profile_id: str | None) -> Job:
        shown = self.window.shown_variant
        job = self.window.workspace.generate(snapshot, profile_id=profile_id)
        self._shown_at_submit[job.id] = shown
        return job

    def _ask_to_send(self, snapshot: JobInput, profile_id: str | None, limit: int) -> None:
        """A prompt matrix past the limit (Settings ▸ Preferences) is sent once confirmed."""
        w = self.window
        params = snapshot.params
        cost = w.prompt_panel.matrix.cost_note
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Send this prompt matrix?",
            f"{len(params.prompts)} prompts × {params.per_prompt} variants ask for "
            f"{params.image_count} images{f' ({cost})' if cost else ''}, more than the "
            f"{limit} you set in Settings ▸ Preferences.",
            parent=w.statusBar().window(),
        )
        send = box.addButton(f"Send {params.image_count} Images", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Don't Send", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(send)

        def answered() -> None:
            if box.clickedButton() is send:
                self._submit(snapshot, profile_id)
            self.confirm = None

        box.finished.connect(answered)
        self.confirm = box
        box.open()

    def cancel(self, job_id: str) -> bool:
        """Cancel a job; once a priced service has its request, ask first (it may be billed
        whatever happens). True when it was cancelled now."""
        w = self.window
        job = w.workspace.job(job_id)
        if job is None or not job.active:
            return False
        model = job.params.api.model
        priced = not model_spec(model).local and (
            w.prices_for(job.input.profile).for_model(model) is not None
        )
        if not (job.sent and priced):
            return w.workspace.jobs.cancel(job_id)
        name = f"Round {w.results.number(job_id)}" if job_id in w.results else "The job"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Cancel the job?",
            f"{name} has already been sent to {job.input.profile or 'the service'}, which may "
            "bill it even if you cancel. Cancel it anyway?",
            parent=w.statusBar().window(),
        )
        stop = box.addButton("Cancel Job", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Keep Running", QMessageBox.ButtonRole.RejectRole)

        def answered() -> None:
            if box.clickedButton() is stop and job.active:
                w.workspace.jobs.cancel(job_id)
            self.confirm = None

        box.finished.connect(answered)
        self.confirm = box
        box.open()
        return False

    def _put_prompt(self, prompt: str) -> None:
        """A matrix row's label: that prompt goes in the prompt box, one prompt again."""
        panel = self.window.prompt_panel
        panel.matrix.per_line.setChecked(False)
        panel.set_prompt(prompt)
        panel.focus_prompt()
        self.window.statusBar().showMessage("Prompt taken from the matrix row", 5000)

    def retry(self, job_id: str) -> Job:
        return self.window.workspace.retry(job_id)

    def switch_model(self, name: str) -> None:
        """The one-click way off a shut-down model: the Model box takes its replacement."""
        w = self.window
        w.prompt_panel.set_model(name)
        w.statusBar().showMessage(f"Model set to {name} — Ctrl+Enter sends the prompt", 8000)

    def _on_added(self, job: Job) -> None:
        tooltip = f"{job.params.api.prompt}\n{describe_params(job)}"
        title = job_title(job, self.window.results.number(job.id))
        self.window.gallery.add_job(job.id, title, tooltip)
        if job.params.prompts:
            self.window.gallery.set_job_rows(
                job.id, list(job.params.prompts), job.params.per_prompt
            )
        self.window.jobs_panel.row(job.id).title.setText(title)
        self.window.gallery.set_job_status(job.id, job.status)

    def _on_changed(self, job: Job) -> None:
        self.window.gallery.set_job_status(job.id, job.status)

    def _on_finished(self, job: Job) -> None:
        """A succeeded round was shown by :meth:`_show` (variants on disk first); the others
        end here."""
        w = self.window
        if job.state is JobState.SUCCEEDED:
            return
        # The jobs list keeps the row with the reason and Retry; streamed previews stay.
        if job.previews:
            w.gallery.set_job_status(job.id, f"{job.status} · previews only")
            w.previews.finished(job)
        else:
            w.gallery.remove_job(job.id)
        self.settled.add(job.id)
        if job.state is JobState.FAILED:
            name = f"Round {w.results.number(job.id)}" if job.id in w.results else "The job"
            w.statusBar().showMessage(f"{name} failed — see the Jobs list", 6000)

    async def _show(self, job: Job, unsaved: frozenset[int]) -> None:
        """The variants are on disk (and in the results): tiles from the frames in hand (the
        job lets go of them, and leaves the queue, once this returns)."""
        w = self.window
        took = format_elapsed(job.elapsed())

        # Shrinking four 24 MP frames to tiles, and the first to the canvas's zoom, is tens
        # of ms: a worker does it.
        tile, layer_for = w.gallery.tile_maker(), w.canvas.layer_maker()

        def shrink() -> tuple[dict[int, QImage], ImageLayer | None]:
            tiles = {v.index: tile(v.pixels) for v in job.variants}
            shown = layer_for(job.variants[0].pixels) if job.variants else None
            return tiles, shown

        thumbs, layer = await asyncio.to_thread(shrink)
        if job.id not in w.gallery.job_ids():  # another image was opened meanwhile
            w.previews.finished(job)
            self.settled.add(job.id)
            return
        for v in job.variants:
            tip = f"{job.params.prompt_of(v.index)}\n{describe_params(job)}"
            if v.revised_prompt:
                tip += f"\nRevised prompt: {v.revised_prompt}"
            if v.leak:
                tip += f"\n{describe_leak(v.leak)}"
            if v.index in unsaved:
                tip += "\nNot saved to disk — use Save As to keep it"
            w.gallery.add_variant(job.id, v.index, thumbs[v.index], tip)
        status = f"{job.status} · {took}"
        if unsaved:
            status += f" · ⚠ {len(unsaved)} not saved"
        w.gallery.set_job_status(job.id, status)
        name = f"Round {w.results.number(job.id)}"
        w.statusBar().showMessage(f"{name} finished: {job.status} in {took}", 6000)
        w.previews.finished(job)
        self.settled.add(job.id)
        first = job.variants[0].index if job.variants else None
        newest = max((int(j) for j in w.gallery.job_ids() if j.isdigit()), default=0)
        untouched = w.shown_variant == self._shown_at_submit.pop(job.id, None)
        if (w.shown_variant is None or untouched) and first is not None and int(job.id) >= newest:
            # Show the first result at once, as a designer expects after Generate — also over
            # the variant that was on screen when Generate was pressed; Esc or Original goes
            # back. A variant picked since then is being studied and is never replaced.
            w.show_variant(job.id, first, layer)
        w.refresh_rounds()

    def _account(self, job: Job) -> None:
        """Cost in the job row, numbers in the Stats tab, a learned n limit remembered."""
        w = self.window
        cost = w.session_stats.record(job, w.prices_for(job.input.profile))
        w.jobs_panel.row(job.id).set_cost(cost_text(cost), cost_tooltip(cost))
        w.stats_panel.refresh()
        outcome = job.outcome
        notes = []
        if outcome is not None and outcome.stream_fallback:
            # Said once, in this job's row; later jobs of this profile and model don't stream.
            notes.append(f"No previews: {STREAM_FALLBACK_NOTE}")
        if outcome is not None:
            notes += [n[:1].upper() + n[1:] for n in outcome.notes]
            notes += [
                f"The service says it used {name} {said['got']} (asked {said['asked']})."
                for name, said in outcome.service_did.items()
            ]
        if notes:
            job.warning = " · ".join([job.warning, *notes] if job.warning else notes)
            w.jobs_panel.row(job.id).refresh()
        learned = outcome is not None and (
            outcome.learned_limit is not None or outcome.stream_fallback or job.input.markup
        )
        if learned:
            w.capabilities.save()

    def _activated(self, job_id: str, index: int) -> None:
        self.window.show_variant(job_id, index)
        self.window.set_compare(True)
