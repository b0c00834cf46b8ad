"""The main window: canvas in the middle, prompt, jobs and gallery on the right.

It owns the session state a person sees — the current image, its mask document, the undo
timeline, the selected variant — and wires the views to the Qt-free job queue. File dialogs and
clipboard live in :mod:`editor.ui.file_ops`, menus in :mod:`editor.ui.actions`, jobs ↔ gallery
in :mod:`editor.ui.job_binding`.

Keys the canvas owns (B E R [ ] F 1 + -) are *not* window shortcuts: the menus only show them
(``\\t`` labels), so typing those letters in the prompt box never switches tools.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDragLeaveEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QTabWidget, QWidget

from editor.core.mask_document import MaskDocument
from editor.core.pricing import PriceTable
from editor.pipeline.jobs import Job, JobQueue
from editor.pipeline.round_trip import Variant
from editor.store import SessionStore, SettingsStore
from editor.ui.actions import WindowActions, build_actions
from editor.ui.banners import DropTarget, MessageBanner, VariantBanner
from editor.ui.canvas import MaskCanvas
from editor.ui.capabilities import Capabilities
from editor.ui.compare import CompareView
from editor.ui.file_ops import FileOps
from editor.ui.files import image_source
from editor.ui.gallery import Gallery
from editor.ui.gallery_previews import PreviewBinding
from editor.ui.history import EditHistory
from editor.ui.history_panel import HistoryPanel
from editor.ui.icons import app_icon
from editor.ui.job_binding import JobBinding
from editor.ui.jobs_panel import JobsPanel
from editor.ui.mask_controls import MaskToolbar
from editor.ui.prefs import UiPrefs
from editor.ui.profiles import Profile, profiles_from_store
from editor.ui.prompt_panel import PromptPanel
from editor.ui.rounds_view import RoundsView
from editor.ui.session_binding import SessionBinding
from editor.ui.session_restore import RestoreOffer
from editor.ui.stats_panel import SessionStats, StatsPanel
from editor.ui.window_layout import add_iteration_actions, build_layout, build_status_bar

__all__ = ["MainWindow"]

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
        self.stack: QStackedWidget
        self.side_tabs: QTabWidget
        self.size_label: QLabel
        self.zoom_label: QLabel
        self.coverage_label: QLabel
        self.image: np.ndarray | None = None
        self.image_name = ""
        self.document: MaskDocument | None = None
        self.jobs = JobQueue()
        self.history = EditHistory(self._apply_image)
        self.shown_variant: tuple[str, int] | None = None  # on the canvas right now
        self.selected_variant: tuple[str, int] | None = None  # picked in the gallery
        self._peeking = False

        self.canvas = MaskCanvas()
        self.canvas.installEventFilter(self)
        self.compare = CompareView()
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
        self.mask_toolbar = MaskToolbar(self.canvas)
        self.files = FileOps(self)
        self.sessions = SessionBinding(self, store)
        self.history_panel = HistoryPanel(self)
        build_layout(self)
        self.actions: WindowActions = build_actions(self)
        add_iteration_actions(self)
        self.binding = JobBinding(self)
        build_status_bar(self)
        self._coverage_timer = QTimer(self, singleShot=True, interval=150)
        self._coverage_timer.timeout.connect(self._update_coverage)
        self.variant_banner.original_button.clicked.connect(self.show_original)
        self.variant_banner.base_button.clicked.connect(self.use_as_base)
        self.variant_banner.save_button.clicked.connect(self.files.save_as)
        self.drop_target.open_clicked.connect(self.files.open_dialog)
        self.prompt_panel.generate_requested.connect(self.generate)
        self.history.on_change = self._update_enabled
        self.restore_offer: RestoreOffer | None = None  # set by run_app when it offers one
        self.prompt_panel.n_spin.setValue(self.app_settings.settings.default_variants)
        self.prompt_panel.bind_settings(self.settings)
        self.apply_prefs()
        self.canvas.brush_size_changed.connect(self._remember_brush)
        self._update_enabled()
        self.resize(1440, 900)

    # -- image and mask -------------------------------------------------------------------------

    def set_image(
        self,
        pixels: np.ndarray,
        name: str = "Untitled",
        notes: Sequence[str] = (),
        mask: np.ndarray | None = None,
    ) -> None:
        """Start on a new image with an empty (or the given) mask; forgets the undo timeline."""
        self.show_original()
        self.image = pixels
        self.image_name = name
        h, w = pixels.shape[:2]
        self.canvas.set_image(pixels)
        self.document = MaskDocument(w, h, mask)
        self.document.changed.connect(self._on_mask_changed)
        self.canvas.set_document(self.document)
        self.history.attach(self.document)
        self.stack.setCurrentIndex(_COMPARE if self.actions.compare.isChecked() else _EDIT)
        self.setWindowTitle(f"{name} — Inpaint Editor")
        self.size_label.setText(f"{w} × {h} px")
        self._update_coverage()
        if self.actions.compare.isChecked():
            self._refresh_compare()
        message = f"Opened {name} ({w} × {h})"
        if notes:
            message += " — " + "; ".join(notes)
        self.statusBar().showMessage(message, 15000 if notes else 5000)
        self.canvas.setFocus()
        self.sessions.image_opened(pixels, name, mask)
        self.image_changed.emit()
        self._update_enabled()

    def _on_mask_changed(self, _rect: object) -> None:
        self._coverage_timer.start()
        self.sessions.mask_changed()

    def _apply_image(self, pixels: np.ndarray) -> None:
        """Swap the picture under the same mask and view (Use as base and its undo)."""
        assert self.image is not None
        self.show_original()
        view = self.canvas.view_state()
        self.image = pixels
        self.canvas.set_image(pixels)
        self.canvas.set_document(self.document)
        self.canvas.set_view_state(*view)
        if self.actions.compare.isChecked():
            self._refresh_compare()
        self.image_changed.emit()

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

    def variants(self, job_id: str) -> list[Variant]:
        """The variants behind a gallery key: a job of this run or a round read from disk."""
        restored = self.sessions.restored.get(job_id)
        return restored if restored is not None else self.jobs.get(job_id).variants

    def variant(self, job_id: str, index: int) -> Variant:
        return next(v for v in self.variants(job_id) if v.index == index)

    def show_variant(self, job_id: str, index: int) -> None:
        """Show a variant on the canvas in place of the image, with the banner saying so."""
        if self.image is None:
            return
        if not any(v.index == index for v in self.variants(job_id)):
            self.previews.show(job_id, index)  # only a streamed preview so far
            return
        self.previews.stop()
        variant = self.variant(job_id, index)
        self.selected_variant = (job_id, index)
        self.gallery.select(job_id, index)
        if variant.pixels.shape[:2] != self.image.shape[:2]:
            self.show_message(
                "That variant was made from a different image, so it cannot be shown over this "
                "one. Save it, or open its image again."
            )
            return
        self.shown_variant = (job_id, index)
        self.canvas.set_display(None if self._peeking else variant.pixels)
        self.canvas.set_overlay_visible(False)  # the tint would hide exactly what changed
        count = len(self.variants(job_id))
        self.variant_banner.show_variant(job_id, index, count)
        if self.actions.compare.isChecked():
            self._refresh_compare()
        self._update_enabled()

    def show_original(self) -> None:
        self.previews.stop()
        if self.shown_variant is None:
            return
        self.shown_variant = None
        self.canvas.set_display(None)
        self.canvas.set_overlay_visible(self.actions.overlay.isChecked())
        self.variant_banner.hide()
        if self.actions.compare.isChecked():
            self._refresh_compare()
        self._update_enabled()

    def use_as_base(self) -> None:
        """The shown variant becomes the image; the mask stays; Ctrl+Z brings the old image back."""
        if self.shown_variant is None or self.image is None:
            return
        job_id, index = self.shown_variant
        after = self.variant(job_id, index).pixels
        self.sessions.remember_base(after, self.sessions.variant_base(job_id, index))
        self.history.push_image(self.image, after, f"Use variant {index + 1} of job {job_id}")
        self._apply_image(after)
        self.statusBar().showMessage(
            f"Variant {index + 1} of job {job_id} is now the image — Ctrl+Z to undo", 8000
        )

    def displayed_pixels(self) -> np.ndarray | None:
        """What Save and Copy take: the shown variant, else the image."""
        if self.shown_variant is not None:
            return self.variant(*self.shown_variant).pixels
        return self.image

    # -- compare --------------------------------------------------------------------------------

    def set_compare(self, on: bool) -> None:
        if self.actions.compare.isChecked() != on:
            self.actions.compare.setChecked(on)  # re-enters through toggled
            return
        if self.image is None:
            return
        if on:
            self._refresh_compare()
            self.stack.setCurrentIndex(_COMPARE)
            self.compare.set_view_state(*self.canvas.view_state())
            self.compare.setFocus()
        else:
            self.stack.setCurrentIndex(_EDIT)
            self.canvas.set_view_state(*self.compare.view_state())
            self.canvas.setFocus()

    def _refresh_compare(self) -> None:
        if self.image is None:
            return
        pick = self.shown_variant or self.selected_variant
        if pick is not None:
            variant = self.variant(*pick)
            restored = pick[0] in self.sessions.restored
            before = self.image if restored else self.jobs.get(pick[0]).input.image
            if variant.pixels.shape == before.shape:
                what = "round" if restored else "job"
                self.compare.set_labels("Original", f"Variant {pick[1] + 1} · {what} {pick[0]}")
                self.compare.set_images(
                    before, variant.pixels, leak=variant.leak, leak_map=variant.leak_map
                )
                return
        self.compare.set_labels("Original", "Variant")
        self.compare.set_images(self.image, None)

    # -- jobs -----------------------------------------------------------------------------------

    def generate(self) -> Job | None:
        """Snapshot image, mask and parameters and start a job; None (with a message) if not."""
        return self.binding.generate()

    def cancel_newest(self) -> bool:
        job = self.jobs.newest_active()
        return job is not None and self.jobs.cancel(job.id)

    def escape(self) -> None:
        """Esc: back to the original if a variant shows, else leave compare, else cancel."""
        if self.shown_variant is not None:
            self.show_original()
        elif self.actions.compare.isChecked():
            self.set_compare(False)
        elif self.cancel_newest():
            self.statusBar().showMessage("Cancelled the newest job", 4000)

    def show_message(self, text: str) -> None:
        self.message_banner.show_message(text)

    def apply_prefs(self) -> None:
        prefs = UiPrefs(self.settings)
        self.canvas.brush_size = prefs.brush_size
        self.canvas.set_overlay(prefs.overlay_color, self.canvas._overlay_opacity)

    def _remember_brush(self, size: int) -> None:
        UiPrefs(self.settings).brush_size = size

    def prices_for(self, profile_name: str) -> PriceTable:
        """The price table of the profile a job used (defaults for an ad-hoc profile)."""
        found = next((p for p in self.profile_list if p.name == profile_name), None)
        return found.prices if found is not None else PriceTable()

    def show_rounds(self) -> None:
        """Ctrl+Shift+R: the recent rounds side by side (a non-modal window)."""
        if self.rounds_view is None:
            self.rounds_view = RoundsView(self)
        self.rounds_view.show()
        self.rounds_view.raise_()
        self.rounds_view.refresh()

    def refresh_rounds(self) -> None:
        if self.rounds_view is not None and self.rounds_view.isVisible():
            self.rounds_view.refresh()

    def show_history(self) -> None:
        self.side_tabs.setCurrentWidget(self.history_panel)

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

    def peek_original(self, on: bool) -> None:
        self._peeking = on
        if self.shown_variant is not None:
            pixels = None if on else self.variant(*self.shown_variant).pixels
            self.canvas.set_display(pixels)

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
        self.jobs.cancel_all()
        self.sessions.close()
        super().closeEvent(event)
        self.closed.emit()
