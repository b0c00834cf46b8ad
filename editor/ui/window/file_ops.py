"""Open, save, export, copy and paste for the window.

Save As writes faithfully (:mod:`editor.core.faithful_save`): the opened file's ICC profile,
EXIF and DPI, plus provenance (prompt, model, endpoint host — never a key) for a variant; PNG is
the default and nothing is saved lossier than the format asked. The "without metadata" file
types (or the ``save_strip_metadata`` preference) write pixels only.

Decoding and encoding run in a worker thread (``asyncio.to_thread``) so a 24 MP file never
freezes the window; errors come back as a dialog that does not block (``QMessageBox.open``),
and the current work is left as it was.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import numpy as np
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QStatusBar,
    QWidget,
)

from editor.core.atomic import atomic_write_bytes
from editor.core.faithful_save import ImageMetadata, Provenance, encode_for_save, read_metadata
from editor.core.imageio import (
    ImageLoadError,
    LoadedImage,
    load_image,
    load_mask,
    mask_to_api_png,
)
from editor.core.mask_document import MaskDocument
from editor.store import Results, ResultVariant, SettingsStore, StoreError
from editor.ui.common.files import (
    IMAGE_FILTER,
    SAVE_FILTERS,
    RecentFiles,
    image_source,
    qimage_to_pixels,
    save_format,
)
from editor.ui.common.overlay import to_qimage
from editor.ui.session.binding import SessionBinding
from editor.workspace import Workspace

__all__ = ["FileHost", "FileOps"]

T = TypeVar("T")


class FileHost(Protocol):
    """What opening, saving and the clipboard use of the window."""

    @property
    def settings(self) -> QSettings: ...
    @property
    def app_settings(self) -> SettingsStore: ...
    @property
    def image(self) -> np.ndarray | None: ...
    @property
    def image_name(self) -> str: ...
    @property
    def document(self) -> MaskDocument | None: ...
    @property
    def results(self) -> Results: ...
    @property
    def sessions(self) -> SessionBinding: ...
    @property
    def shown_variant(self) -> tuple[str, int] | None: ...
    @property
    def workspace(self) -> Workspace: ...
    def variant(self, key: str, index: int) -> ResultVariant: ...
    def displayed_pixels(self) -> np.ndarray | None: ...
    def set_image(
        self,
        pixels: np.ndarray,
        name: str = ...,
        notes: Sequence[str] = ...,
        mask: np.ndarray | None = ...,
    ) -> None: ...
    def statusBar(self) -> QStatusBar: ...
    def spawn(self, coro: Coroutine[Any, Any, T], what: str) -> asyncio.Task[T]: ...


_STRIP = " without metadata"
_STRIP_PREF = "save_strip_metadata"
_LAST_SAVE_DIR = "last_save_dir"


class FileOps:
    """File dialogs, open/save/export and the clipboard; dialogs open over ``parent``."""

    def __init__(self, window: FileHost, parent: QWidget | None = None) -> None:
        self.window = window
        self.parent = parent
        self.recent = RecentFiles(window.settings)
        self.dialog: QMessageBox | None = None  # the last error dialog (tests read it)
        # The opened file's ICC/EXIF/DPI, for the image named ``_metadata_name`` (a pasted
        # image has none).
        self.metadata: ImageMetadata | None = None
        self._metadata_name = ""

    def _spawn(self, coro: Coroutine[Any, Any, T], what: str) -> asyncio.Task[T]:
        return self.window.spawn(coro, what)

    def error(self, title: str, text: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self.parent
        )
        box.open()  # window-modal but non-blocking: the event loop (and jobs) keep running
        self.dialog = box

    def _start_dir(self) -> str:
        recent = self.recent.paths()
        return os.path.dirname(recent[0]) if recent else str(Path.home())

    # -- open -----------------------------------------------------------------------------------

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.parent, "Open Image", self._start_dir(), IMAGE_FILTER
        )
        if path:
            self.open_path(path)

    def open_path(
        self, path: str | os.PathLike[str], mask: str | os.PathLike[str] | None = None
    ) -> asyncio.Task[bool]:
        """Load ``path`` (and optionally a mask for it) off the UI thread; True on success."""
        return self._spawn(self._open(Path(path), mask), f"open {Path(path).name}")

    async def _open(self, path: Path, mask_path: str | os.PathLike[str] | None) -> bool:
        w = self.window
        w.statusBar().showMessage(f"Opening {path.name}…")
        try:
            loaded: LoadedImage = await asyncio.to_thread(load_image, path)
        except ImageLoadError as exc:
            w.statusBar().clearMessage()
            self.error("Cannot open the image", f"{exc}.\n\nYour current work is unchanged.")
            return False
        metadata = await asyncio.to_thread(read_metadata, path)
        mask = None
        mask_problem = ""
        if mask_path is not None:
            try:
                mask = await asyncio.to_thread(load_mask, mask_path, size=loaded.size)
            except ImageLoadError as exc:
                mask_problem = str(exc)
        w.set_image(loaded.pixels, path.name, loaded.notes, mask)
        self.metadata, self._metadata_name = metadata, path.name
        self.recent.add(path)
        if mask_problem:
            self.error("Cannot use the mask", f"{mask_problem}.\n\nThe image opened without it.")
        return True

    def open_source(self, source: str | QImage) -> asyncio.Task[bool] | None:
        """A dropped or pasted thing: a file path, or image data."""
        if isinstance(source, str):
            return self.open_path(source)
        self.metadata = None
        self.window.set_image(qimage_to_pixels(source), "Pasted image")
        return None

    def paste(self) -> bool:
        source = image_source(QApplication.clipboard().mimeData())
        if source is None:
            self.window.statusBar().showMessage("The clipboard holds no image", 4000)
            return False
        self.open_source(source)
        return True

    # -- mask files -----------------------------------------------------------------------------

    def export_mask_dialog(self) -> None:
        w = self.window
        if w.document is None:
            return
        stem = Path(w.image_name).stem or "image"
        path, _ = QFileDialog.getSaveFileName(
            self.parent,
            "Export Mask",
            str(Path(self._start_dir()) / f"{stem}-mask.png"),
            "PNG mask, transparent = edit (*.png)",
        )
        if path:
            self.export_mask_to(
                Path(path) if path.lower().endswith(".png") else Path(path + ".png")
            )

    def export_mask_to(self, path: Path) -> asyncio.Task[bool]:
        """The API's convention: black RGBA with alpha 0 where the service may edit."""
        assert self.window.document is not None
        edit = self.window.document.edit.copy()
        return self._spawn(
            self._write(path, lambda: mask_to_api_png(edit), "mask"), "save the mask"
        )

    # -- save and copy --------------------------------------------------------------------------

    def _made_from(self) -> tuple[str, int] | None:
        """The round key and variant index of what Save takes: the shown variant, else the
        variant that is the image (Use as Base); None for the original."""
        w = self.window
        if w.shown_variant is not None:
            return w.shown_variant
        current = w.workspace.current
        if current is None or current.base.round_id is None:
            return None
        key = w.results.key_of(current.base.round_id) or current.base.round_id
        return key, current.base.variant or 0

    def suggested_save_path(self) -> Path:
        """A new file in the folder last saved to: named after the image and, for a result,
        its round as the window numbers it ("photo-round2-v1.png"); never the open file."""
        w = self.window
        stem = Path(w.image_name).stem or "image"
        made = self._made_from()
        if made is not None:
            key, index = made
            number = w.results.number(key) if key in w.results else key
            stem += f"-round{number}-v{index + 1}"
        else:
            stem += "-edited"
        folder = Path(str(w.settings.value(_LAST_SAVE_DIR, "")) or self._start_dir())
        path = folder / f"{stem}.png"
        n = 2
        while path.exists():  # a suggestion never replaces a file
            path = folder / f"{stem}-{n}.png"
            n += 1
        return path

    def save_as(self) -> None:
        w = self.window
        if w.image is None:
            return
        filters = list(SAVE_FILTERS)
        filters += [f.replace(" (", f"{_STRIP} (", 1) for f in SAVE_FILTERS]
        chosen, chosen_filter = QFileDialog.getSaveFileName(
            self.parent,
            "Save Image As",
            str(self.suggested_save_path()),
            ";;".join(filters),
            filters[-len(SAVE_FILTERS)] if self._strip_pref() else filters[0],
        )
        if not chosen:
            return
        strip = _STRIP in chosen_filter
        chosen_filter = chosen_filter.replace(_STRIP, "")
        path, fmt = save_format(Path(chosen), chosen_filter)
        if path != Path(chosen) and path.exists():
            # We added the extension, so the dialog never asked about this name.
            answer = QMessageBox.question(
                self.parent, "Replace file?", f"{path.name} exists. Replace it?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        quality = 95
        if fmt in ("jpeg", "webp"):
            last = int(str(w.settings.value("save_quality", 92)))
            quality, ok = QInputDialog.getInt(
                self.parent, "Quality", f"{fmt.upper()} quality (1–100):", last, 1, 100
            )
            if not ok:
                return
            w.settings.setValue("save_quality", quality)
        w.settings.setValue(_STRIP_PREF, strip)
        w.settings.setValue(_LAST_SAVE_DIR, str(path.parent))
        self.save_to(path, quality, strip=strip)

    def save_to(
        self, path: Path, quality: int = 95, *, strip: bool | None = None
    ) -> asyncio.Task[bool]:
        """Encode what is displayed (format from the extension; PNG lossless) with the opened
        file's metadata and the variant's provenance — or, with ``strip`` (default: the
        preference), pixels only — and write it atomically."""
        w = self.window
        shown = w.variant(*w.shown_variant) if w.shown_variant is not None else None
        image = w.image
        assert image is not None
        path, fmt = save_format(Path(path))
        strip = self._strip_pref() if strip is None else strip
        metadata, provenance = self.source_metadata(), self.provenance()

        def encode() -> bytes:
            # A variant's full frame is read here, in the worker thread, through the cache.
            pixels = w.results.load_frame(shown) if shown is not None else image
            return encode_for_save(
                pixels,
                fmt,
                quality=quality,
                metadata=metadata,
                provenance=provenance,
                strip=strip,
            )

        return self._spawn(self._write(path, encode, "image"), "save the image")

    def _strip_pref(self) -> bool:
        return str(self.window.settings.value(_STRIP_PREF, "false")).lower() == "true"

    def source_metadata(self) -> ImageMetadata | None:
        """The opened file's metadata, if the image on screen came from that file."""
        return self.metadata if self.window.image_name == self._metadata_name else None

    def provenance(self) -> Provenance | None:
        """How the shown variant (or the variant used as the image) was made; None for the
        original: nothing was generated."""
        w = self.window
        made = self._made_from()
        if made is None:
            return None
        entry = w.results.round(made[0])
        if entry is None:
            return None
        if entry.params is not None:  # a round of this run
            model = entry.params.api.model
            prompt = entry.params.prompt_of(made[1])  # a matrix tile: its own row's prompt
            return Provenance(prompt, model, self._host(entry.profile))
        record = next((r for r in w.sessions.rounds() if r.id == entry.round_id), None)
        if record is None:
            return None
        model = record.params.api.model
        prompt = record.params.prompt_of(made[1]) if record.params.prompts else record.prompt
        return Provenance(prompt, str(model) if model else None, self._host(record.profile))

    def _host(self, profile: str | None) -> str | None:
        """The endpoint's host name of a stored profile (by id or name); "local" for the
        Local engine; None when unknown. Never a key, path or query."""
        if not profile:
            return None
        for stored in self.window.app_settings.profiles:
            if profile in (stored.id, stored.name):
                if stored.kind == "local":
                    return "local"
                return urlsplit(stored.base_url).hostname
        return None

    async def _write(self, path: Path, encode: Callable[[], bytes], what: str) -> bool:
        def work() -> None:
            atomic_write_bytes(path, encode())

        try:
            await asyncio.to_thread(work)
        except OSError as exc:
            self.error(
                f"Cannot save the {what}", f"{path} could not be written: {exc.strerror or exc}."
            )
            return False
        except StoreError as exc:  # the variant's own file could not be read
            self.error(f"Cannot save the {what}", f"{exc}.")
            return False
        self.window.statusBar().showMessage(f"Saved {what} to {path}", 6000)
        return True

    def copy(self) -> None:
        pixels = self.window.displayed_pixels()
        if pixels is not None:
            QApplication.clipboard().setImage(to_qimage(pixels))
            self.window.statusBar().showMessage("Copied to the clipboard", 3000)
