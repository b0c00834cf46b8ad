"""The main window: canvas in the middle, prompt, jobs and gallery on the right.

The model under it is the Qt-free :class:`~editor.workspace.Workspace` (image, mask document,
markup, undo timeline, rounds and the session); the window holds what a person is looking at
(the shown and selected variant) and binds the views to the workspace. File dialogs and
clipboard live in :mod:`editor.ui.window.file_ops`, menus in :mod:`editor.ui.window.actions`,
rounds ↔ gallery in :mod:`editor.ui.window.job_binding`.

Keys the canvas owns (B E R L W O M [ ] F 1 + = -) are not menu shortcuts (the menus show them
as ``\\t`` labels); :mod:`editor.ui.canvas.canvas_keys` hands them to the canvas from any focus but
a text field, so typing those letters in the prompt box never switches tools.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QKeyEvent,
)
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from editor.client import warm_up
from editor.core import deferred_imports
from editor.core.markup_layer import MarkupLayer, Shape
from editor.core.mask_document import MaskDocument
from editor.core.models import model_spec
from editor.core.pricing import PriceTable
from editor.pipeline.embedded import warm_up_engine
from editor.pipeline.jobs import Job, JobQueue
from editor.store import (
    FrameMissing,
    ResultVariant,
    SessionStore,
    SettingsStore,
    StoreError,
)
from editor.ui.canvas.canvas_keys import forward_canvas_keys
from editor.ui.canvas.mask_canvas import MaskCanvas
from editor.ui.canvas.mask_toolbar import MaskToolbar
from editor.ui.common.files import image_source
from editor.ui.common.icons import app_icon
from editor.ui.common.overlay import ImageLayer
from editor.ui.common.services import Profile, profiles_from_store
from editor.ui.common.signals import signals_blocked
from editor.ui.gallery.gallery import Gallery
from editor.ui.gallery.thumbnails import ThumbnailLoader
from editor.ui.gallery.tile import MISSING_TEXT
from editor.ui.jobs.jobs_panel import JobsPanel
from editor.ui.jobs.stats_panel import SessionStats, StatsPanel
from editor.ui.prompt.prompt_panel import PromptPanel
from editor.ui.session.binding import SessionBinding
from editor.ui.session.history_panel import HistoryPanel
from editor.ui.session.restore import RestoreOffer
from editor.ui.settings.capabilities import Capabilities
from editor.ui.settings.prefs import UiPrefs
from editor.ui.window.actions import WindowActions, build_actions
from editor.ui.window.banners import NO_IMAGE, DropTarget, MessageBanner, VariantBanner
from editor.ui.window.canvas_menu import canvas_menu
from editor.ui.window.expand_canvas import Expander
from editor.ui.window.file_ops import FileOps
from editor.ui.window.geometry import remember_geometry, restore_geometry
from editor.ui.window.job_binding import JobBinding
from editor.ui.window.layout import build_layout, build_status_bar
from editor.ui.window.previews import PreviewBinding, full_size
from editor.ui.window.regions_binding import RegionsBinding
from editor.workspace import TaskSet, Workspace

if TYPE_CHECKING:  # dialogs and views made when first asked for, not at start
    from editor.ui.canvas.feather_dialog import FeatherDialog
    from editor.ui.compare.compare import CompareView
    from editor.ui.compare.rounds import RoundsView
    from editor.ui.window.batch import BatchDialog
    from editor.ui.window.contact_sheet import ContactSheetDialog

__all__ = ["MainWindow"]

log = logging.getLogger(__name__)
WARM_UP_AFTER_MS = 300
IMPORT_LATER_MS = 1500
SWITCH_INTERVAL_S = 0.001
T = TypeVar("T")

_EMPTY, _EDIT, _COMPARE = 0, 1, 2


class MainWindow(QMainWindow):
    """``MainWindow(profiles=[...], settings=QSettings(...), store=..., app_settings=...)``.

    All injectable for tests: ``settings`` holds UI prefs, ``app_settings`` the endpoint
    profiles and keys (:class:`SettingsStore`), ``store`` the sessions on disk.

    Signals: ``image_changed()`` (opened, pasted, use-as-base, undo of it), ``closed()``.
    """

    image_changed = Signal()
    closed = Signal()

    def __init__(
        self,
        profiles: Sequence[Profile] | None = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
        *,
        store: SessionStore | None = None,
        app_settings: SettingsStore | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Inpaint Editor")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.settings = settings if settings is not None else QSettings()
        self.app_settings = app_settings if app_settings is not None else SettingsStore()
        budget = self.app_settings.settings.storage_budget_bytes
        store = store if store is not None else SessionStore(budget_bytes=budget)
        # The model under the window: image, mask, markup, undo, rounds and the session.
        self.workspace = Workspace(
            store,
            tasks=TaskSet(lambda text: self.show_message(text)),
            frame_cache_bytes=self.app_settings.settings.frame_cache_bytes,
        )
        self.jobs: JobQueue = self.workspace.jobs
        self.results = self.workspace.results  # rounds → variants on disk, frames in a cache
        self.history = self.workspace.history
        self._bound_document: MaskDocument | None = None  # whose changes the window hears
        self._bound_markup: MarkupLayer | None = None
        self.showing_full = True  # False while a proxy stands in for the shown variant
        self._shown_pixels: np.ndarray | None = None  # what the canvas shows for it
        self._frame_task: asyncio.Future[None] | None = None
        self._peeking = False
        self._activated = False  # the window has been the active window once

        self.canvas = MaskCanvas()
        self.canvas.installEventFilter(self)
        forward_canvas_keys(self.canvas)
        # Compare is built the first time it is shown: the first paint doesn't need it.
        self._compare: CompareView | None = None
        self._compare_slot = QWidget()
        self.drop_target = DropTarget()
        self.variant_banner = VariantBanner()
        self.message_banner = MessageBanner()
        self.custom_profiles = profiles is not None
        self.profile_list = (
            list(profiles) if profiles is not None else profiles_from_store(self.app_settings)
        )
        self.prompt_panel = PromptPanel(self.profile_list)
        self.jobs_panel = JobsPanel(self.jobs)
        self.capabilities = Capabilities(self.settings)  # learned n limits, app-wide
        self.session_stats = SessionStats()
        self.stats_panel = StatsPanel(self.session_stats)
        self.previews = PreviewBinding(self)
        self.rounds_view: RoundsView | None = None
        self.gallery = Gallery()
        self.thumbnails = ThumbnailLoader(self.gallery, self.results)
        self.mask_toolbar = MaskToolbar(self.canvas)
        self.files = FileOps(self, self)
        self.sessions = SessionBinding(self, parent=self)
        self.history_panel = HistoryPanel(self)
        self.expander = Expander(self, self)
        laid_out = build_layout(
            self,
            banners=(self.message_banner, self.variant_banner),
            canvas=self.canvas,
            drop_target=self.drop_target,
            compare=self._compare_slot,
            prompt=self.prompt_panel,
            tabs=(
                (self.jobs_panel, "Jobs"),
                (self.history_panel, "History"),
                (self.stats_panel, "Stats"),
            ),
            gallery=self.gallery,
            toolbar=self.mask_toolbar,
        )
        self.stack = laid_out.stack
        self.side_tabs = laid_out.side_tabs
        # Shadows QWidget.actions(), which nothing calls on the window.
        self.actions: WindowActions = build_actions(self, self)  # type: ignore[assignment]
        self.binding = JobBinding(self)
        status = build_status_bar(self.statusBar(), self.canvas)
        self.size_label = status.size
        self.zoom_label = status.zoom
        # One zoom figure: the canvas's, or Compare's while Compare is what is seen.
        self.canvas.zoom_changed.connect(lambda _z: self._show_zoom())
        self.coverage_label = status.coverage
        self._coverage_timer = QTimer(self, singleShot=True, interval=150)
        self._coverage_timer.timeout.connect(self._update_coverage)
        self.variant_banner.original_button.clicked.connect(self.show_original)
        self.variant_banner.base_button.clicked.connect(self.use_as_base)
        self.variant_banner.save_button.clicked.connect(self.files.save_as)
        self.drop_target.open_clicked.connect(self.files.open_dialog)
        self.prompt_panel.matrix.cost_per_image = self._cost_per_image
        self.prompt_panel.generate_requested.connect(self.generate)
        self.prompt_panel.done_typing.connect(self._leave_prompt)
        self.history.on_change = self._update_enabled
        self.workspace.image_opened.connect(self._on_image_opened)
        self.workspace.image_changed.connect(self._on_image_changed)
        self.regions = RegionsBinding(self)
        self.workspace.document_switched.connect(self._on_document_switched)
        self.restore_offer: RestoreOffer | None = None  # set by run_app when it offers one
        self.prompt_panel.n_spin.setValue(self.app_settings.settings.default_variants)
        self.prompt_panel.bind_settings(self.settings)
        self.apply_prefs()
        self.canvas.brush_size_changed.connect(self._remember_brush)
        self.canvas.mask_edit_started.connect(self.show_mask)
        self.canvas.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.canvas.customContextMenuRequested.connect(self._show_canvas_menu)
        self.canvas_menu: QMenu | None = None  # the right-click menu while it is open
        self.feather_dialog: FeatherDialog | None = None  # Mask ▸ Feather… while it is open
        self.contact_sheet: ContactSheetDialog | None = None  # the last Export Contact Sheet
        self.batch_dialog: BatchDialog | None = None  # File ▸ Batch…, kept while a batch runs
        self._update_enabled()
        restore_geometry(self, self.settings)
        self._announce_model_moves()
        # What start-up built lives as long as the window: keep the collector from walking it
        # again and again (a full collection over it held the loop ~40 ms, mid-job).
        gc.freeze()
        # Workers (decoding, the in-process engine, warm-ups) run Python too; every time the
        # loop gives the interpreter up (Qt calls do) it waits up to one switch interval to get
        # it back. 1 ms instead of 5 keeps a busy worker from adding up to a stall.
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        # What the first job needs (connections, the in-process engine) is made off the loop
        # once the window is up, not while its first paint waits.
        QTimer.singleShot(WARM_UP_AFTER_MS, self._warm_up)

    def _again_if_busy(self, step: Callable[[], None]) -> bool:
        """While a job runs, ask ``step`` again later (True): an import holds the interpreter,
        so beside a job it stalls the loop (httpcore's, 30 ms), and the job makes what it needs
        itself."""
        if _loop_running() and self.jobs.newest_active() is not None:
            QTimer.singleShot(IMPORT_LATER_MS, step)
            return True
        return False

    def _warm_up(self) -> None:
        # What the first job needs (connections, the in-process engine) is made off the loop.
        if self._again_if_busy(self._warm_up):
            return
        if _loop_running():
            self.spawn(warm_up(), "prepare connections")
            self.spawn(warm_up_engine(), "prepare the local engine")
        QTimer.singleShot(IMPORT_LATER_MS, self._import_later)

    def _import_later(self) -> None:
        """The libraries the start left for later (keyring, …), imported on a worker while
        no job runs (the import system's module locks make it safe beside a first use)."""
        if self._again_if_busy(self._import_later):
            return
        if _loop_running():
            self.spawn(asyncio.to_thread(deferred_imports.finish), "import the libraries")
        else:
            deferred_imports.finish()

    # -- image and mask -------------------------------------------------------------------------

    @property
    def shown_variant(self) -> tuple[str, int] | None:
        """The variant on the canvas in place of the image (the workspace keeps it)."""
        return self.workspace.shown

    @shown_variant.setter
    def shown_variant(self, value: tuple[str, int] | None) -> None:
        self.workspace.shown = value

    @property
    def selected_variant(self) -> tuple[str, int] | None:
        """The variant picked in the gallery (a streamed preview's slot too)."""
        return self.workspace.selected

    @selected_variant.setter
    def selected_variant(self, value: tuple[str, int] | None) -> None:
        self.workspace.selected = value

    @property
    def image(self) -> np.ndarray | None:
        return self.workspace.image

    @property
    def image_name(self) -> str:
        return self.workspace.name

    @property
    def document(self) -> MaskDocument | None:
        return self.workspace.document

    @property
    def markup(self) -> MarkupLayer | None:
        """Arrows and circles for the 2.6 models, apart from the mask (Markup menu, M)."""
        return self.workspace.markup

    def set_image(
        self,
        pixels: np.ndarray,
        name: str = "Untitled",
        notes: Sequence[str] = (),
        mask: np.ndarray | None = None,
    ) -> None:
        """Start on a new image with an empty (or the given) mask; forgets the undo timeline."""
        self.workspace.open_image(pixels, name, mask)
        h, w = pixels.shape[:2]
        message = f"Opened {name} ({w} × {h})"
        if notes:
            message += " — " + "; ".join(notes)
        self.statusBar().showMessage(message, 15000 if notes else 5000)

    def _on_image_opened(self) -> None:
        pixels, name = self.workspace.image, self.workspace.name
        assert pixels is not None
        self.show_original()
        self.message_banner.resolve(NO_IMAGE)  # its cause is gone
        self.canvas.set_image(pixels)
        self._bind_document()
        self._bind_markup()
        self.stack.setCurrentIndex(_COMPARE if self.actions.compare.isChecked() else _EDIT)
        self.setWindowTitle(f"{name} — Inpaint Editor")
        h, w = pixels.shape[:2]
        self.size_label.setText(f"{w} × {h} px")
        self._update_coverage()
        if self.actions.compare.isChecked():
            self._refresh_compare()
        self.canvas.setFocus()
        self.image_changed.emit()
        self._update_enabled()

    def _on_image_changed(self) -> None:
        """Other pixels (use as base, a round's base back, their undo) under the same view, or
        a canvas of another size with its own mask document (Expand Canvas, its undo)."""
        pixels = self.workspace.image
        assert pixels is not None and self.workspace.current is not None
        self.show_original()
        self.history_panel.highlight(self.workspace.current.base.round_id)
        if self.workspace.document is self._bound_document:
            view = self.canvas.view_state()
            self.canvas.set_image(pixels)
            self.canvas.set_document(self._bound_document)
            self.canvas.set_view_state(*view)
        else:
            self.canvas.set_image(pixels)
            self._bind_document()
            self._bind_markup()
            h, w = pixels.shape[:2]
            self.size_label.setText(f"{w} × {h} px")
            self._update_coverage()
            self.sessions.mask_changed()
        if self.actions.compare.isChecked():
            self._refresh_compare()
        self.image_changed.emit()

    def _on_document_switched(self) -> None:
        """Another region is painted now: the canvas edits its mask, in its colour."""
        self.show_original()
        view = self.canvas.view_state()
        self._bind_document()
        self.canvas.set_view_state(*view)
        self.regions.refresh()
        self._update_coverage()

    def overlay_color(self) -> QColor:
        """The mask's colour as set in Preferences (a region has its own)."""
        return UiPrefs(self.settings).overlay_color

    def _bind_document(self) -> None:
        doc = self.workspace.document
        if self._bound_document is not None:
            self._bound_document.changed.disconnect(self._on_mask_changed)
        self._bound_document = doc
        if doc is not None:
            doc.changed.connect(self._on_mask_changed)
        self.canvas.set_document(doc)

    def _bind_markup(self) -> None:
        layer = self.workspace.markup
        if layer is self._bound_markup:
            return
        if self._bound_markup is not None:
            self._bound_markup.changed.disconnect(self._on_markup_changed)
        self._bound_markup = layer
        if layer is not None:
            layer.visible = self.actions.markup_visible.isChecked()
            layer.changed.connect(self._on_markup_changed)
        self.canvas.set_markup(layer)

    def _on_markup_changed(self) -> None:
        layer = self.markup
        if layer is None:
            return
        action = self.actions.markup_visible
        if action.isChecked() != layer.visible:
            with signals_blocked(action):
                action.setChecked(layer.visible)
        self.actions.clear_markup.setEnabled(not layer.empty)

    def set_markup_shapes(self, shapes: Sequence[Shape]) -> None:
        """A round's markup back on the layer (History, Ctrl+J, restore), as one undo step."""
        if self.markup is not None:
            self.markup.replace_all(shapes)

    def _show_canvas_menu(self, pos: QPoint) -> None:
        # Object select takes the right button for its "not this" strokes.
        if self.image is None or self.canvas.tool == "object":
            return
        self.canvas_menu = canvas_menu(self.actions, self.shown_variant is not None, self)
        self.canvas_menu.popup(self.canvas.mapToGlobal(pos))

    def _on_mask_changed(self, _rect: object) -> None:
        self._coverage_timer.start()
        self.sessions.mask_changed()
        self.show_mask()  # undo, a menu op or a stroke: whatever changed it, it shows

    def show_mask(self) -> None:
        """Back to the image under the mask overlay, so a mask edit is seen as it is made:
        the canvas always shows the mask Generate will send. A shown variant stays in the
        gallery (a stroke on it is a stroke on the next round's mask, as in a paint app
        where strokes land on the layer being edited, in view)."""
        if self.shown_variant is not None or self.previews.looking is not None:
            self.show_original()
            self.statusBar().showMessage(
                "Back to the image to edit the mask — the variant stays in the gallery", 5000
            )
        if not self.actions.overlay.isChecked():
            self.actions.overlay.setChecked(True)

    def _show_zoom(self) -> None:
        comparing = self.stack.currentIndex() == _COMPARE
        zoom = self.compare.view_state()[0] if comparing else self.canvas.zoom
        self.zoom_label.setText(f"Zoom {zoom * 100:.0f} %")

    def _update_coverage(self) -> None:
        doc = self.document
        if doc is None:
            self.coverage_label.setText("")
            return
        share = float(doc.edit.mean()) / 255 * 100
        self.coverage_label.setText(f"Mask {share:.1f} %")

    def _update_enabled(self) -> None:
        has_image = self.image is not None
        a = self.actions
        a.undo.setEnabled(self.history.can_undo)
        a.redo.setEnabled(self.history.can_redo)
        for act in a.needs_image:
            act.setEnabled(has_image)
        self.mask_toolbar.setEnabled(has_image)
        a.use_as_base.setEnabled(self.shown_variant is not None)

    def undo(self) -> None:
        what = self.history.undo()
        if what is not None and what != "mask":
            self.statusBar().showMessage(f"Undid “{what}”", 4000)

    def redo(self) -> None:
        what = self.history.redo()
        if what is not None and what != "mask":
            self.statusBar().showMessage(f"Redid “{what}”", 4000)

    # -- variants -------------------------------------------------------------------------------

    def variants(self, key: str) -> list[ResultVariant]:
        """The variants of a round (a job of this run or a round read from disk), by index."""
        return self.results.variants(key)

    def variant(self, key: str, index: int) -> ResultVariant:
        found = self.results.variant(key, index)
        if found is None:
            raise KeyError(f"no variant {index} in round {key}")
        return found

    def frame(self, key: str, index: int) -> np.ndarray:
        """A variant's full frame, from the cache or its file (blocking when not cached)."""
        return self.results.load_frame(self.variant(key, index))

    def show_variant(self, job_id: str, index: int, layer: ImageLayer | None = None) -> None:
        """Show a variant on the canvas in place of the image, with the banner saying so.

        From the frame cache at once; else its proxy at once and the full frame when decoded
        (off the event loop). The neighbouring tiles' frames are decoded ahead."""
        if self.image is None:
            return
        variant = self.results.variant(job_id, index)
        if variant is None:
            self.previews.show(job_id, index)  # only a streamed preview so far
            return
        self.previews.stop()
        self.selected_variant = (job_id, index)
        self.gallery.select(job_id, index)
        if variant.size != (self.image.shape[1], self.image.shape[0]):
            self.show_message(
                "That variant was made from a different image, so it cannot be shown over this "
                "one. Save it, or open its image again."
            )
            return
        frame = self.results.cached_frame(variant)
        if frame is None and self.results.missing(variant):
            self._missing(variant)
            return
        self.workspace.show(job_id, index)
        entry = self.results.round(job_id)
        self.history_panel.highlight(entry.round_id if entry is not None else None)
        self.showing_full = frame is not None
        self._display(frame if frame is not None else self.results.load_proxy(variant), layer)
        self.canvas.set_overlay_visible(False)  # the tint would hide exactly what changed
        count = len(self.variants(job_id))
        self.variant_banner.show_variant(self.round_number(job_id), index, count)
        self.variant_banner.set_peeking(self._peeking)
        if self.actions.compare.isChecked():
            self._refresh_compare()
        self._update_enabled()
        if frame is None:  # neighbours are read after it, not competing with it
            self._frame_task = self._read_frame(variant, self._shown_full, "read the shown variant")
        else:
            self._prefetch_around(variant)

    def round_number(self, key: str) -> int:
        """The round a result key belongs to, as every view numbers it (1, 2, …)."""
        return self.results.number(key)

    def _display(self, pixels: np.ndarray | None, layer: ImageLayer | None = None) -> None:
        self._shown_pixels = pixels
        self.canvas.set_display(None if self._peeking else pixels, layer)

    def _read_frame(
        self,
        variant: ResultVariant,
        then: Callable[[ResultVariant, np.ndarray], None],
        what: str,
    ) -> asyncio.Task[None] | None:
        """The variant's full frame decoded off the loop, then ``then(variant, frame)``; a
        missing or unreadable file is said plainly. Without a running loop (a script driving
        the window) it is read here and the result is None."""

        def failed(e: StoreError) -> None:
            if isinstance(e, FrameMissing):
                if self.shown_variant == (variant.key, variant.index):
                    self.show_original()
                self._missing(variant)
            else:
                self.show_message(f"Variant {variant.index + 1} could not be read: {e}")

        if not _loop_running():
            try:
                frame = self.results.load_frame(variant)
            except StoreError as e:
                failed(e)
            else:
                then(variant, frame)
            return None

        async def read() -> None:
            try:
                frame = await self.results.frame(variant)
            except StoreError as e:
                failed(e)
            else:
                then(variant, frame)

        return self.spawn(read(), what)

    def _shown_full(self, variant: ResultVariant, frame: np.ndarray) -> None:
        if self.shown_variant != (variant.key, variant.index) or self.image is None:
            return
        self.showing_full = True
        self._display(frame)
        if self.actions.compare.isChecked():
            self._refresh_compare()
        self._prefetch_around(variant)

    def _missing(self, variant: ResultVariant) -> None:
        """Its file vanished from the session folder: say so on the tile, nothing else."""
        self.gallery.mark_missing(variant.key, variant.index, MISSING_TEXT)
        self.show_message(
            f"Variant {variant.index + 1} of round {variant.key}: {MISSING_TEXT} (it was "
            "removed from the session folder). Everything else is unaffected."
        )

    def _prefetch_around(self, variant: ResultVariant) -> None:
        order = self.gallery.tile_keys()
        try:
            at = order.index((variant.key, variant.index))
        except ValueError:
            return
        near = [order[i] for i in (at + 1, at - 1) if 0 <= i < len(order)]
        found = [self.results.variant(k, i) for k, i in near]
        if _loop_running():
            self.results.prefetch([v for v in found if v is not None])

    def show_original(self) -> None:
        self.previews.stop()
        if self.shown_variant is None:
            return
        self.workspace.show_original()
        current = self.workspace.current
        self.history_panel.highlight(current.base.round_id if current is not None else None)
        self.showing_full = True
        self._display(None)
        self.canvas.set_overlay_visible(self.actions.overlay.isChecked())
        self.variant_banner.hide()
        if self.actions.compare.isChecked():
            self._refresh_compare()
        self._update_enabled()

    def use_as_base(self) -> asyncio.Future[None] | None:
        """The shown variant becomes the image; the mask stays; Ctrl+Z brings the old image back.
        Immediate when its frame is cached; else once it is decoded (the returned task)."""
        if self.shown_variant is None or self.image is None:
            return None
        variant = self.variant(*self.shown_variant)
        frame = self.results.cached_frame(variant)
        if frame is not None:
            self._use_as_base(variant, frame)
            return None

        def use(variant: ResultVariant, pixels: np.ndarray) -> None:
            if self.shown_variant == (variant.key, variant.index):
                self._use_as_base(variant, pixels)

        return self._read_frame(variant, use, "use the variant as the base")

    def _use_as_base(self, variant: ResultVariant, after: np.ndarray) -> None:
        what = self.workspace.use_as_base(variant, after)
        self.statusBar().showMessage(f"{what} is now the image — Ctrl+Z to undo", 8000)

    def displayed_pixels(self) -> np.ndarray | None:
        """What Save and Copy take: the shown variant (full resolution), else the image."""
        if self.shown_variant is not None:
            return self.frame(*self.shown_variant)
        return self.image

    # -- compare --------------------------------------------------------------------------------

    @property
    def compare(self) -> CompareView:
        """The compare view, built (and put in its place in the stack) on first use."""
        if self._compare is None:
            from editor.ui.compare.compare import CompareView

            view = CompareView()
            view.view_changed.connect(self._show_zoom)
            slot = self.stack.indexOf(self._compare_slot)
            self.stack.insertWidget(slot, view)
            self.stack.removeWidget(self._compare_slot)
            self._compare_slot.deleteLater()
            self._compare = view
        return self._compare

    def set_compare(self, on: bool) -> None:
        if self.actions.compare.isChecked() != on:
            self.actions.compare.setChecked(on)  # re-enters through toggled
            return
        if self.image is None:
            return
        if on:
            self._refresh_compare()
            self.stack.setCurrentIndex(_COMPARE)
            # Each half is half the canvas: the canvas's zoom would crop both, so fit them.
            self.compare.fit()
            self.compare.setFocus()
            self._show_zoom()
        else:
            self.stack.setCurrentIndex(_EDIT)
            if not self.compare.fitted():  # zoomed in compare: keep that place on the canvas
                self.canvas.set_view_state(*self.compare.view_state())
            self.canvas.setFocus()
            self._show_zoom()

    def _refresh_compare(self) -> None:
        if self.image is None:
            return
        pick = self.shown_variant or self.selected_variant
        variant = self.results.variant(*pick) if pick is not None else None
        if pick is not None and variant is not None:
            frame = self.results.cached_frame(variant)
            if frame is None and pick == self.shown_variant:
                frame = self._shown_pixels  # its proxy until the full frame is decoded
            before = self._before(pick[0])
            if frame is not None and variant.size == (before.shape[1], before.shape[0]):
                self.compare.set_labels(
                    "Original", f"Round {self.round_number(pick[0])} · variant {pick[1] + 1}"
                )
                if frame.shape[:2] != before.shape[:2]:
                    frame = full_size(frame, before.shape)
                leak = dict(variant.leak) if variant.leak is not None else None
                self.compare.set_images(before, frame, leak=leak, leak_map=variant.leak_map())
                return
        self.compare.set_labels("Original", "Variant")
        self.compare.set_images(self.image, None)

    def _before(self, key: str) -> np.ndarray:
        return self.workspace.base_pixels(key)

    # -- jobs -----------------------------------------------------------------------------------

    def generate(self) -> Job | None:
        """Snapshot image, mask and parameters and start a job; None (with a message) if not.
        Once sent, the keyboard is back on the canvas (tool keys act, letters type nothing)."""
        self.expander.before_generate()
        job = self.binding.generate()
        if job is not None:
            self._focus_view(Qt.FocusReason.OtherFocusReason)
        return job

    def _leave_prompt(self) -> None:
        """Esc in the prompt: the keyboard goes back to the canvas; in Compare, Esc leaves it."""
        if self.actions.compare.isChecked():
            self.escape()
        else:
            self._focus_view(Qt.FocusReason.ShortcutFocusReason)

    def _focus_view(self, reason: Qt.FocusReason) -> None:
        """The keyboard to what the middle of the window shows: canvas, Compare or the drop
        target."""
        index = self.stack.currentIndex()
        pages: dict[int, QWidget] = {_EDIT: self.canvas, _COMPARE: self.compare}
        pages.get(index, self.drop_target).setFocus(reason)

    def cancel_newest(self) -> bool:
        """Cancel Newest Job (its own key, never Esc); asks first once a priced service has
        the request."""
        job = self.jobs.newest_active()
        return job is not None and self.binding.cancel(job.id)

    def escape(self) -> None:
        """Esc, one step back: close the rounds view, else leave compare (what was on the
        canvas stays, e.g. the variant being compared), else back to the original. It never
        cancels a job: the service may already be working on it (and billing it)."""
        if self.rounds_view is not None and self.rounds_view.isVisible():
            self.rounds_view.close()
        elif self.actions.compare.isChecked():
            self.set_compare(False)
        elif self.shown_variant is not None:
            self.show_original()

    def spawn(self, coro: Coroutine[Any, Any, T], what: str) -> asyncio.Task[T]:
        """Start a task the window keeps until it ends; a failure is logged and shown."""
        return self.workspace.tasks.spawn(coro, what)

    def show_message(self, text: str, cause: str | None = None) -> None:
        """A message over the canvas (or the empty window); one with a ``cause`` vanishes
        when that cause is gone (see :meth:`MessageBanner.resolve`)."""
        self.message_banner.show_message(text, cause)

    def apply_prefs(self) -> None:
        prefs = UiPrefs(self.settings)
        self.canvas.brush_size = prefs.brush_size
        self.canvas.pressure_curve = prefs.pressure_curve
        self.canvas.set_overlay(prefs.overlay_color, self.canvas.overlay_opacity)
        if self.workspace.regions:
            self.regions.refresh()  # the painted region keeps its own colour

    def _remember_brush(self, size: int) -> None:
        UiPrefs(self.settings).brush_size = size

    def set_storage_budget(self, budget_bytes: int) -> None:
        self.workspace.store.budget_bytes = budget_bytes

    def _cost_per_image(self) -> tuple[float | None, str]:
        """What one more image will likely cost with the chosen service and model."""
        panel = self.prompt_panel
        if model_spec(panel.model() or None).local:
            return 0.0, "local engine"
        each = self.session_stats.cost_per_image(panel.profile().name, panel.model())
        if each is None:
            return None, "cost known after this model's first round"
        return each, "this session's average for this model"

    def prices_for(self, profile_name: str) -> PriceTable:
        """The price table of the profile a job used (defaults for an ad-hoc profile)."""
        found = next((p for p in self.profile_list if p.name == profile_name), None)
        return found.prices if found is not None else PriceTable()

    def open_contact_sheet(self) -> None:
        """File ▸ Export Contact Sheet…: the shown round, or every round, on one page."""
        if not self.results.rounds():
            self.show_message("There are no results to put on a contact sheet yet.")
            return
        from editor.ui.window.contact_sheet import ContactSheetDialog

        self.contact_sheet = ContactSheetDialog(self, parent=self)
        self.contact_sheet.open()

    def open_batch(self) -> None:
        """File ▸ Batch…: this mask, prompt and settings over a folder; it runs on while the
        window is used, and the dialog shows it again when asked."""
        if self.batch_dialog is None:
            from editor.ui.window.batch import BatchDialog

            self.batch_dialog = BatchDialog(self, parent=self)
        self.batch_dialog.refresh_asked()
        self.batch_dialog.show()
        self.batch_dialog.raise_()

    def toggle_rounds(self) -> None:
        """Ctrl+Shift+R: open the rounds side by side, or close them when open."""
        if self.rounds_view is not None and self.rounds_view.isVisible():
            self.rounds_view.close()
        else:
            self.show_rounds()

    def show_rounds(self) -> None:
        """The recent rounds side by side (a non-modal window)."""
        if self.rounds_view is None:
            from editor.ui.compare.rounds import RoundsView

            self.rounds_view = RoundsView(self, self)
        self.rounds_view.show()
        self.rounds_view.raise_()
        self.rounds_view.refresh()

    def refresh_rounds(self) -> None:
        if self.rounds_view is not None and self.rounds_view.isVisible():
            self.rounds_view.refresh()

    def show_history(self) -> None:
        self.side_tabs.setCurrentWidget(self.history_panel)

    def show_jobs(self) -> None:
        self.side_tabs.setCurrentWidget(self.jobs_panel)

    def _announce_model_moves(self) -> None:
        """Profiles moved off a shut-down model as they loaded: said once, with an Undo."""
        store = self.app_settings
        moves = list(store.model_moves)
        if not moves:
            return
        try:
            store.save()  # moved for good, so the next start says nothing
        except StoreError as e:
            log.warning("the moved model could not be saved: %s", e)

        def undo() -> None:
            for move in moves:
                store.undo_model_move(move)
            try:
                store.save()
            except StoreError as e:
                self.show_message(f"The old model could not be kept: {e}")
            self.reload_profiles()
            self.statusBar().showMessage(
                f"Kept {', '.join(m.old for m in moves)}: a gateway may still serve it", 8000
            )

        text = " ".join(m.message for m in moves)
        self.message_banner.show_message(text, action=("Undo", undo))

    def reload_profiles(self) -> None:
        """After Settings: the service picker lists the stored profiles again."""
        if not self.custom_profiles:
            self.profile_list = profiles_from_store(self.app_settings)
            self.prompt_panel.set_profiles(self.profile_list)

    # -- events ---------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Hold ``\\`` on the canvas to peek at the original while a variant is shown."""
        if watched is self.canvas and event.type() in (
            QEvent.Type.KeyPress,
            QEvent.Type.KeyRelease,
        ):
            key = event if isinstance(event, QKeyEvent) else None
            if key is not None and key.key() == Qt.Key.Key_Backslash:
                if not key.isAutoRepeat():
                    self.peek_original(event.type() == QEvent.Type.KeyPress)
                return True
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        # The first activation gives the keyboard to the canvas, not to the first field in the
        # tab order (the prompt), where the tool keys would type letters.
        if (
            event.type() == QEvent.Type.ActivationChange
            and self.isActiveWindow()
            and not self._activated
        ):
            self._activated = True
            if self.canvas.isVisible():
                self.canvas.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
        super().changeEvent(event)

    def peek_original(self, on: bool) -> None:
        self._peeking = on
        if self.shown_variant is not None:
            self.canvas.set_display(None if on else self._shown_pixels)
            self.variant_banner.set_peeking(on)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if image_source(event.mimeData()) is not None:
            event.acceptProposedAction()
            self.drop_target.set_hover(True)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drop_target.set_hover(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self.drop_target.set_hover(False)
        source = image_source(event.mimeData())
        if source is not None:
            event.acceptProposedAction()
            self.files.open_source(source)

    def closeEvent(self, event: QCloseEvent) -> None:
        remember_geometry(self, self.settings)
        self.jobs.cancel_all()
        # Work started from the window ends with it; the session's writes finish first.
        self.workspace.tasks.cancel_all(keep=self.workspace.writes.pending)
        self.sessions.close()
        super().closeEvent(event)
        self.closed.emit()


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
