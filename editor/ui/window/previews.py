"""Streamed previews in the gallery and on the canvas, until each variant's final replaces them.

A job with streaming on reports :class:`~editor.pipeline.round_trip.PartialPreview` s through
``JobQueue.partial``. Each one becomes (or refreshes) a provisional gallery tile for its variant,
marked "preview 1/2"; if the person is looking at that variant, the canvas shows it too, scaled
up to the image when the preview was downscaled. The final variant replaces the tile (and the
canvas). When the stream breaks, the previews stay, marked "preview — the stream was cut".
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QStatusBar

from editor.core.deferred_imports import cv2
from editor.pipeline.jobs import Job, JobState
from editor.pipeline.round_trip import PartialPreview
from editor.ui.canvas.mask_canvas import MaskCanvas
from editor.ui.gallery.gallery import Gallery
from editor.workspace import Workspace


class _Overlay(Protocol):
    @property
    def overlay(self) -> QAction: ...


class PreviewHost(Protocol):
    """What streamed previews use of the window."""

    selected_variant: tuple[str, int] | None

    @property
    def image(self) -> np.ndarray | None: ...
    @property
    def workspace(self) -> Workspace: ...
    @property
    def canvas(self) -> MaskCanvas: ...
    @property
    def gallery(self) -> Gallery: ...
    @property
    def actions(self) -> _Overlay: ...
    def show_original(self) -> None: ...
    def show_variant(self, job_id: str, index: int) -> None: ...
    def refresh_rounds(self) -> None: ...
    def round_number(self, key: str) -> int: ...
    def statusBar(self) -> QStatusBar: ...


__all__ = ["CUT_LABEL", "PreviewBinding", "full_size", "preview_label"]

CUT_LABEL = "preview — the stream was cut"
FAILED_LABEL = "preview — this request failed"


def preview_label(job: Job, preview: PartialPreview) -> str:
    total = job.params.api.partial_images or 0
    n = preview.partial_index + 1
    return f"preview {n}/{max(total, n)}"


def full_size(pixels: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """A downscaled preview brought back to the image's size (for the canvas)."""
    h, w = shape[:2]
    if pixels.shape[:2] == (h, w):
        return pixels
    return cv2.resize(pixels, (w, h), interpolation=cv2.INTER_LINEAR)


class PreviewBinding:
    """Owns which preview the canvas shows (``looking``: (job id, variant index) or None)."""

    def __init__(self, window: PreviewHost) -> None:
        self.window = window
        self.looking: tuple[str, int] | None = None
        window.workspace.jobs.partial.connect(self._on_partial)

    def has_preview(self, job_id: str, index: int) -> bool:
        return self.window.workspace.preview(job_id, index) is not None

    def show(self, job_id: str, index: int) -> None:
        """Show the newest preview of a variant whose final has not arrived."""
        w = self.window
        preview = w.workspace.preview(job_id, index)
        if preview is None or w.image is None:
            return
        w.show_original()
        self.looking = (job_id, index)
        w.selected_variant = (job_id, index)
        w.gallery.select(job_id, index)
        self._display(preview)
        w.canvas.set_overlay_visible(False)
        label = w.gallery.preview_label(job_id, index) or "preview"
        what = f"Round {w.round_number(job_id)} · variant {index + 1}"
        w.statusBar().showMessage(f"{what}: {label} — the final replaces it", 6000)

    def stop(self) -> None:
        """Back to the image (Esc, another variant, Show Original)."""
        if self.looking is None:
            return
        self.looking = None
        w = self.window
        w.canvas.set_display(None)
        w.canvas.set_overlay_visible(w.actions.overlay.isChecked())

    def finished(self, job: Job) -> None:
        """After the job's variants are in the gallery: the finals replace the previews; the
        previews of a failed or cut stream stay, marked."""
        w = self.window
        finals = {v.index for v in job.variants}
        if job.state is JobState.SUCCEEDED:
            for index, preview in job.previews.items():
                if index not in finals:
                    tip = f"{job.params.api.prompt}\nOnly a preview: {job.warning or 'no final'}"
                    w.gallery.add_variant(job.id, index, preview.pixels, tip, preview=FAILED_LABEL)
        else:
            tip = f"{job.params.api.prompt}\nOnly a preview: {job.error or job.status}"
            w.gallery.mark_previews(job.id, CUT_LABEL, tip)
        if self.looking is not None and self.looking[0] == job.id:
            index = self.looking[1]
            if index in finals:
                self.looking = None
                w.show_variant(job.id, index)
        w.refresh_rounds()

    # -- internals ------------------------------------------------------------------------------

    def _on_partial(self, job: Job, preview: PartialPreview) -> None:
        w = self.window
        label = preview_label(job, preview)
        tip = f"{job.params.api.prompt}\n{label.capitalize()}: the final replaces it"
        if job.id not in w.gallery.job_ids():
            return
        w.gallery.add_variant(job.id, preview.index, preview.pixels, tip, preview=label)
        if self.looking == (job.id, preview.index):
            self._display(preview)

    def _display(self, preview: PartialPreview) -> None:
        w = self.window
        if w.image is None:
            return
        pixels = preview.pixels
        if pixels.shape[2:] != w.image.shape[2:]:
            return
        if preview.scale < 1 or pixels.shape[:2] != w.image.shape[:2]:
            pixels = full_size(pixels, w.image.shape)
        w.canvas.set_display(pixels)
