"""File ▸ Batch…: the current mask (or a folder of masks), prompt and settings over a folder of
images, with progress, while the window stays free.

The batch runs as ``inpaint-editor batch`` in a process of its own — the same resumable run as
on the command line, with its manifest, so the window never waits on it, a crash of either
leaves the other standing, and running it again goes on where it stopped. The window reads
the manifest for progress, and the summary at the end. A service's key goes to the process in
its environment, never on its command line.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from editor.client import EditsClient
from editor.core.atomic import atomic_write_bytes
from editor.core.contact_sheet import SheetCell, encode_sheet, render_sheet
from editor.core.imageio import ImageLoadError, load_image, mask_to_api_png
from editor.core.mask_document import MaskDocument
from editor.core.models import model_spec
from editor.pipeline.own_command import own_command
from editor.ui.common.qimage import thumbnail_array
from editor.ui.prompt.prompt_panel import PromptPanel

__all__ = ["BatchDialog", "BatchHost"]

T = TypeVar("T")
_POLL_MS = 300
_CURRENT_MASK, _MASK_FOLDER = 0, 1


class BatchHost(Protocol):
    @property
    def document(self) -> MaskDocument | None: ...
    @property
    def prompt_panel(self) -> PromptPanel: ...
    def show_message(self, text: str, cause: str | None = None) -> None: ...
    def spawn(self, coro: Coroutine[Any, Any, T], what: str) -> asyncio.Task[T]: ...


def _line(widget: QLineEdit, pick: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(widget, 1)
    row.addWidget(pick)
    return row


class BatchDialog(QDialog):
    """Choose, start, follow and stop a batch; at the end, its results and a contact sheet."""

    def __init__(self, host: BatchHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Batch")
        self.setModal(False)  # the window stays usable while it runs
        self.host = host
        self.process: subprocess.Popen[str] | None = None
        self.summary: dict[str, Any] | None = None
        self._started = 0.0
        self._total = 0
        self._stopping = False  # Stop was clicked: the process's end is ours, not a failure
        self.launch: asyncio.Task[None] | None = None  # writing the mask, reading the service
        self.sheet_task: asyncio.Task[Path | None] | None = None

        self.folder = QLineEdit()
        self.folder.setPlaceholderText("A folder of PNG, JPEG or WebP images")
        browse = QPushButton("Browse…")
        browse.clicked.connect(lambda: self._pick(self.folder, "Images to edit"))
        self.mask_kind = QComboBox()
        self.mask_kind.addItems(["The current mask (images of its size)", "A folder of masks"])
        self.mask_dir = QLineEdit()
        self.mask_dir.setPlaceholderText("photo.png ↔ photo.png or photo.mask.png")
        self.mask_browse = QPushButton("Browse…")
        self.mask_browse.clicked.connect(lambda: self._pick(self.mask_dir, "Masks"))
        self.mask_kind.currentIndexChanged.connect(self._mask_kind_changed)
        self.out = QLineEdit()
        self.out.setPlaceholderText("Default: an “edited” folder inside the images' folder")
        out_browse = QPushButton("Browse…")
        out_browse.clicked.connect(lambda: self._pick(self.out, "Results"))
        self.asked = QLabel()
        self.asked.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Images", _line(self.folder, browse))
        form.addRow("Mask", self.mask_kind)
        form.addRow("", _line(self.mask_dir, self.mask_browse))
        form.addRow("Results to", _line(self.out, out_browse))
        form.addRow("Asks", self.asked)

        self.bar = QProgressBar()
        self.bar.setTextVisible(True)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.results = QListWidget()
        self.results.setMinimumHeight(120)
        self.start = QPushButton("Start")
        self.start.setDefault(True)
        self.start.clicked.connect(self.start_batch)
        self.stop = QPushButton("Stop")
        self.stop.clicked.connect(self.stop_batch)
        self.sheet = QPushButton("Contact Sheet")
        self.sheet.setToolTip("Write one PNG of every result, labelled, into the results folder")
        self.sheet.clicked.connect(self.write_contact_sheet)
        self.open_folder = QPushButton("Open Folder")
        self.open_folder.clicked.connect(self._open_out)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        for b in (self.start, self.stop, self.sheet, self.open_folder):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.bar)
        box.addWidget(self.status)
        box.addWidget(self.results, 1)
        box.addLayout(buttons)
        self.timer = QTimer(self, interval=_POLL_MS)
        self.timer.timeout.connect(self._poll)
        self._mask_kind_changed(_CURRENT_MASK)
        self._set_running(False)
        self.refresh_asked()
        self.resize(620, 460)

    # -- choosing --------------------------------------------------------------------------

    def _pick(self, field: QLineEdit, title: str) -> None:
        path = QFileDialog.getExistingDirectory(self, title, field.text() or str(Path.home()))
        if path:
            field.setText(path)

    def _mask_kind_changed(self, index: int) -> None:
        folder = index == _MASK_FOLDER
        self.mask_dir.setEnabled(folder)
        self.mask_browse.setEnabled(folder)

    def refresh_asked(self) -> None:
        panel = self.host.prompt_panel
        params = panel.params()
        self.asked.setText(
            f"“{params.api.prompt or '(no prompt)'}” · {panel.profile().name} · "
            f"{params.api.model or 'default model'} · {params.per_prompt} variant"
            f"{'s' * (params.per_prompt != 1)} per image"
        )

    # -- running ---------------------------------------------------------------------------

    def _set_running(self, running: bool) -> None:
        self.start.setEnabled(not running)
        self.stop.setEnabled(running)
        done = self.summary is not None
        self.sheet.setEnabled(done and not running)
        self.open_folder.setEnabled(bool(self.out_dir()) and not running)
        for w in (self.folder, self.mask_kind, self.mask_dir, self.out):
            w.setEnabled(not running and (w is not self.mask_dir or self._by_folder()))

    def _by_folder(self) -> bool:
        return self.mask_kind.currentIndex() == _MASK_FOLDER

    def out_dir(self) -> Path | None:
        if self.out.text().strip():
            return Path(self.out.text().strip())
        if self.folder.text().strip():
            return Path(self.folder.text().strip()) / "edited"
        return None

    @property
    def running(self) -> bool:
        """Starting (the mask being written) or running."""
        return self.launch is not None or (self.process is not None and self.process.poll() is None)

    def _command(self, mask_file: Path | None) -> list[str]:
        """The command line of what the side panel asks (the service's address is added when
        the batch starts)."""
        panel = self.host.prompt_panel
        params = panel.params()
        out = self.out_dir()
        assert out is not None
        command = own_command("batch", self.folder.text().strip())
        command += ["--out", str(out), "--json", "--quiet"]
        if mask_file is not None:
            command += ["--mask", str(mask_file)]
        else:
            command += ["--mask-dir", self.mask_dir.text().strip()]
        for prompt in panel.prompts() or [params.api.prompt]:
            command += ["--prompt", prompt]
        command += ["-n", str(params.per_prompt)]
        api = params.api
        for flag, value in (
            ("--model", api.model),
            ("--size", api.size),
            ("--quality", api.quality),
            ("--background", api.background),
        ):
            if value:
                command += [flag, str(value)]
        return command

    def start_batch(self) -> bool:
        """Start the batch; False (with the reason shown) when something is missing. The mask
        file is written and the service's address read off the loop, then the process starts."""
        folder = Path(self.folder.text().strip())
        if not self.folder.text().strip() or not folder.is_dir():
            self.status.setText("Choose the folder of images to edit.")
            return False
        images = [
            p for p in folder.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp")
        ]
        if not images:
            self.status.setText(f"{folder} holds no images (PNG, JPEG or WebP).")
            return False
        out = self.out_dir()
        assert out is not None
        edit = None
        if not self._by_folder():
            doc = self.host.document
            if doc is None or doc.is_empty():
                self.status.setText("Paint the mask first, or choose a folder of masks.")
                return False
            edit = np.asarray(doc.edit).copy()  # as it is now: strokes from here on stay out
        elif not Path(self.mask_dir.text().strip()).is_dir():
            self.status.setText("Choose the folder of masks.")
            return False
        mask_file = out / "batch-mask.png" if edit is not None else None
        try:
            command = self._command(mask_file)
        except ValueError as exc:  # a prompt matrix too big
            self.status.setText(str(exc))
            return False
        panel = self.host.prompt_panel
        remote = not model_spec(panel.params().api.model).local
        self._total = len(images)
        self.summary = None
        self.results.clear()
        self.bar.setRange(0, self._total)
        self.bar.setValue(0)
        self.status.setText(f"Starting on {self._total} images…")
        make_client = panel.profile().make_client if remote else None
        self.launch = self.host.spawn(
            self._launch(command, out, edit, make_client), "start the batch"
        )
        self._set_running(True)
        return True

    async def _launch(
        self,
        command: list[str],
        out: Path,
        edit: np.ndarray | None,
        make_client: Callable[[], EditsClient] | None,
    ) -> None:
        env = dict(os.environ)
        try:
            if edit is not None:

                def write_mask() -> None:
                    out.mkdir(parents=True, exist_ok=True)
                    atomic_write_bytes(out / "batch-mask.png", mask_to_api_png(edit))

                await asyncio.to_thread(write_mask)
            if make_client is not None:
                client = await asyncio.to_thread(make_client)
                try:
                    command = [*command, "--endpoint", client.endpoint.base_url]
                    if client.endpoint.api_key is not None:  # its environment, not its command
                        env["OPENAI_API_KEY"] = client.endpoint.api_key.reveal()
                finally:
                    await client.aclose()
        except Exception as exc:  # a profile without a key, a folder not writable: in words
            self.launch = None
            self.status.setText(f"The batch could not start: {exc}")
            self._set_running(False)
            return
        self._started = time.monotonic()
        self._stopping = False
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,  # Ctrl+C in a terminal that started the app stays ours
        )
        self.launch = None
        self.status.setText(f"Editing {self._total} images…")
        self.timer.start()

    def stop_batch(self) -> None:
        """A clean stop: what finished is recorded; Start goes on from there."""
        if self.launch is not None:  # not started yet: nothing was sent
            self.launch.cancel()
            self.launch = None
            self.status.setText("Not started.")
            self._set_running(False)
        elif self.running:
            assert self.process is not None
            # SIGTERM, not SIGINT: SIGINT is ignored in an app started from a background
            # shell (and so in its children); the batch stops cleanly on either.
            self.process.send_signal(signal.SIGTERM)
            self._stopping = True
            self.status.setText("Stopping…")

    def _manifest(self) -> dict[str, Any]:
        out = self.out_dir()
        if out is None:
            return {}
        found = sorted(out.glob("batch-*.json"), key=lambda p: p.stat().st_mtime)
        try:
            return dict(json.loads(found[-1].read_text())) if found else {}
        except (OSError, ValueError):
            return {}  # being replaced this instant: the next poll reads it

    def _poll(self) -> None:
        items = self._manifest().get("items", {})
        done, failed = _in_state(items, "done"), _in_state(items, "failed")
        self.bar.setValue(min(self._total, done + failed))
        elapsed = time.monotonic() - self._started
        text = f"{done} of {self._total} done · {failed} failed · {elapsed:.0f} s"
        if done + failed and self.running:
            left = elapsed / (done + failed) * (self._total - done - failed)
            text += f" · about {left:.0f} s left"
        if self.running:
            self.status.setText(text)
            return
        self.timer.stop()
        assert self.process is not None
        stdout, stderr = self.process.communicate()
        try:
            self.summary = json.loads(stdout) if stdout.strip() else None
        except ValueError:
            self.summary = None
        self._finished(items, stderr)

    def _finished(self, items: dict[str, Any], stderr: str) -> None:
        summary = self.summary or {}
        self.results.clear()
        for name, item in sorted(items.items()):
            if item.get("state") == "done":
                self.results.addItem(f"✓ {name} → {', '.join(item.get('outputs', [])[:-1])}")
            else:
                self.results.addItem(f"✗ {name}: {item.get('error', item.get('state'))}")
        done = len(summary.get("done", [])) + len(summary.get("already_done", []))
        failed = len(summary.get("failed", {}))
        if self.summary is None and self._stopping:
            self.status.setText(
                f"Stopped: {_in_state(items, 'done')} of {self._total} done. "
                "Start goes on from there."
            )
        elif self.summary is None:
            last = stderr.strip().splitlines()[-1:] or ["it stopped"]
            self.status.setText(f"The batch stopped: {last[0]}")
        else:
            cost = summary.get("cost")
            money = f" · ≈ ${cost:.3f}" if cost else ""
            stopped = f" Stopped: {summary['stopped']}" if summary.get("stopped") else ""
            self.status.setText(
                f"Finished: {done} done, {failed} failed, {len(summary.get('skipped', {}))} "
                f"skipped in {summary.get('seconds', 0):.0f} s{money}.{stopped}"
            )
        self._set_running(False)

    # -- after -----------------------------------------------------------------------------

    def result_files(self) -> list[tuple[str, Path]]:
        """(image name, result file) of every finished image, in name order."""
        out = self.out_dir()
        items = self._manifest().get("items", {})
        if out is None:
            return []
        return [
            (name, out / output)
            for name, item in sorted(items.items())
            if item.get("state") == "done"
            for output in item.get("outputs", [])
            if output.endswith(".png")
        ]

    def write_contact_sheet(self) -> asyncio.Task[Path | None] | None:
        """Every result on one labelled PNG in the results folder, made off the loop."""
        files = self.result_files()
        out = self.out_dir()
        if not files or out is None:
            self.status.setText("No results yet to put on a contact sheet.")
            return None
        title = f"{self.folder.text()} · {len(files)} results"
        path = out / "contact-sheet.png"

        def work() -> None:
            cells = []
            for name, result in files:
                pixels = load_image(result).pixels
                small = thumbnail_array(pixels, 512)  # 12 MP each would add up: keep a screenful
                cells.append(SheetCell(small, (name, result.name)))
                del pixels
            atomic_write_bytes(
                path, encode_sheet(render_sheet(cells, thumb=256, title=title), path)
            )

        async def write() -> Path | None:
            try:
                await asyncio.to_thread(work)
            except (OSError, ImageLoadError) as exc:
                self.status.setText(f"The contact sheet could not be written: {exc}")
                return None
            self.status.setText(f"Contact sheet of {len(files)} results saved to {path}")
            return path

        self.sheet_task = self.host.spawn(write(), "write the batch's contact sheet")
        return self.sheet_task

    def _open_out(self) -> None:
        out = self.out_dir()
        if out is not None and out.is_dir():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(out)))

    def closeEvent(self, event: Any) -> None:
        # Closing the dialog leaves a running batch going; the window's File ▸ Batch… shows it.
        self.hide()
        event.ignore()


def _in_state(items: dict[str, Any], state: str) -> int:
    """How many of a batch manifest's items are in ``state`` ("done", "failed", …)."""
    return sum(1 for item in items.values() if item.get("state") == state)
