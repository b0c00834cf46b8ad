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
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from editor import __version__
from editor.core.mask_document import MaskDocument
from editor.pipeline.jobs import Job, JobQueue
from editor.pipeline.round_trip import Variant
from editor.ui.actions import WindowActions, build_actions
from editor.ui.banners import DropTarget, MessageBanner, VariantBanner
from editor.ui.canvas import MaskCanvas
from editor.ui.compare import CompareView
from editor.ui.file_ops import FileOps
from editor.ui.files import image_source
from editor.ui.gallery import Gallery
from editor.ui.history import EditHistory
from editor.ui.icons import app_icon
from editor.ui.job_binding import JobBinding
from editor.ui.jobs_panel import JobsPanel
from editor.ui.mask_controls import MaskToolbar
from editor.ui.profiles import Profile, builtin_profiles
from editor.ui.prompt_panel import PromptPanel

__all__ = ["MainWindow"]

_EMPTY, _EDIT, _COMPARE = 0, 1, 2


class MainWindow(QMainWindow):
    """``MainWindow(profiles=[...], settings=QSettings(...))``; both injectable for tests.

    Signals: ``image_changed()`` (opened, pasted, use-as-base, undo of it), ``closed()``.
    """

    image_changed = Signal()
    closed = Signal()

    def __init__(
        self,
        profiles: Sequence[Profile] | None = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Inpaint Editor")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.settings = settings if settings is not None else QSettings()
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
        self.prompt_panel = PromptPanel(list(profiles or builtin_profiles()))
        self.jobs_panel = JobsPanel(self.jobs)
        self.gallery = Gallery()
        self.mask_toolbar = MaskToolbar(self.canvas)
        self.files = FileOps(self)
        self._build_layout()
        self.actions: WindowActions = build_actions(self)
        self.binding = JobBinding(self)
        self._build_status_bar()
        self._coverage_timer = QTimer(self, singleShot=True, interval=150)
        self._coverage_timer.timeout.connect(self._update_coverage)
        self.variant_banner.original_button.clicked.connect(self.show_original)
        self.variant_banner.base_button.clicked.connect(self.use_as_base)
        self.variant_banner.save_button.clicked.connect(self.files.save_as)
        self.drop_target.open_clicked.connect(self.files.open_dialog)
        self.prompt_panel.generate_requested.connect(self.generate)
        self.history.on_change = self._update_enabled
        self._update_enabled()
        self.resize(1440, 900)

    # -- layout ---------------------------------------------------------------------------------

    def _build_layout(self) -> None:
        editor = QWidget()
        column = QVBoxLayout(editor)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.message_banner)
        column.addWidget(self.variant_banner)
        column.addWidget(self.canvas, 1)
        self.stack = QStackedWidget()
        for page in (self.drop_target, editor, self.compare):
            self.stack.addWidget(page)

        side = QSplitter(Qt.Orientation.Vertical)
        side.addWidget(self.prompt_panel)
        jobs_box = _titled("Jobs", self.jobs_panel)
        side.addWidget(jobs_box)
        side.addWidget(_titled("Variants", self.gallery))
        side.setStretchFactor(0, 0)
        side.setStretchFactor(1, 0)
        side.setStretchFactor(2, 1)
        side.setSizes([340, 170, 450])
        side.setMinimumWidth(330)
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(self.stack)
        main.addWidget(side)
        main.setStretchFactor(0, 1)
        main.setStretchFactor(1, 0)
        main.setSizes([1060, 380])
        main.setChildrenCollapsible(False)
        self.setCentralWidget(main)
        self.addToolBar(self.mask_toolbar)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.size_label = QLabel()
        self.zoom_label = QLabel()
        self.coverage_label = QLabel()
        for w in (self.size_label, self.zoom_label, self.coverage_label):
            w.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(w)
        self.canvas.zoom_changed.connect(lambda z: self.zoom_label.setText(f"Zoom {z * 100:.0f} %"))
        bar.showMessage(f"Inpaint Editor {__version__}", 4000)

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
        self.document.changed.connect(lambda _rect: self._coverage_timer.start())
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
        self.image_changed.emit()
        self._update_enabled()

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

    def variant(self, job_id: str, index: int) -> Variant:
        return self.jobs.get(job_id).variants[index]

    def show_variant(self, job_id: str, index: int) -> None:
        """Show a variant on the canvas in place of the image, with the banner saying so."""
        if self.image is None:
            return
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
        count = len(self.jobs.get(job_id).variants)
        self.variant_banner.show_variant(job_id, index, count)
        if self.actions.compare.isChecked():
            self._refresh_compare()
        self._update_enabled()

    def show_original(self) -> None:
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
            job = self.jobs.get(pick[0])
            variant = job.variants[pick[1]]
            if variant.pixels.shape == job.input.image.shape:
                self.compare.set_labels("Original", f"Variant {pick[1] + 1} · job {pick[0]}")
                self.compare.set_images(job.input.image, variant.pixels)
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
        super().closeEvent(event)
        self.closed.emit()


def _titled(title: str, body: QWidget) -> QWidget:
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 4, 0, 0)
    column.setSpacing(2)
    label = QLabel(f"<b>{title}</b>")
    label.setContentsMargins(8, 0, 0, 0)
    column.addWidget(label)
    column.addWidget(body, 1)
    return box
