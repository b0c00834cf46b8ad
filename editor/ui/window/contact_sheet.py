"""File ▸ Export Contact Sheet…: the shown round (or every round) as labelled thumbnails on one
PNG or PDF page — prompt words, round and variant, model and cost under each."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from editor.core.atomic import atomic_write_bytes
from editor.core.contact_sheet import SheetCell, encode_sheet, render_sheet
from editor.core.models import model_spec
from editor.core.pricing import PriceTable
from editor.core.prompt_matrix import differing_words
from editor.store import Results
from editor.store.results import ResultRound, ResultVariant
from editor.ui.session.binding import SessionBinding

__all__ = ["ContactSheetDialog", "SheetHost", "sheet_cells"]

T = TypeVar("T")


class SheetHost(Protocol):
    @property
    def results(self) -> Results: ...
    @property
    def shown_variant(self) -> tuple[str, int] | None: ...
    @property
    def image_name(self) -> str: ...
    @property
    def sessions(self) -> SessionBinding: ...
    def prices_for(self, profile_name: str) -> PriceTable: ...
    def spawn(self, coro: Coroutine[Any, Any, T], what: str) -> asyncio.Task[T]: ...
    def statusBar(self) -> QStatusBar: ...
    def show_message(self, text: str, cause: str | None = None) -> None: ...


@dataclass(frozen=True, slots=True)
class _Tile:
    variant: ResultVariant
    lines: tuple[str, ...]


def _tiles(host: SheetHost, rounds: list[ResultRound]) -> list[_Tile]:
    """Each variant of ``rounds`` with its label lines (read on the loop: cheap)."""
    records = {r.id: r for r in host.sessions.rounds()}
    out = []
    for entry in rounds:
        record = records.get(entry.round_id or "")
        params = entry.params if entry.params is not None else (record.params if record else None)
        prompts = list(params.prompts) if params is not None else []
        labels = differing_words(prompts) if prompts else []
        model = (params.api.model if params is not None else None) or ""
        variants = entry.ordered()
        cost = None
        if record is not None and record.usage and variants:
            total = host.prices_for(entry.profile).cost(model, record.usage)
            cost = None if total is None else total.amount / len(variants)
        if model_spec(model or None).local:
            money = "free (local)"
        else:
            money = f"≈ ${cost:.3f}" if cost is not None else "cost not reported"
        for v in variants:
            if labels and params is not None:
                first = labels[min(v.index // params.per_prompt, len(labels) - 1)]
            else:
                first = " ".join(entry.prompt.split()) or "(no prompt)"
            lines = (first, f"Round {entry.number} · variant {v.index + 1}", f"{model} · {money}")
            out.append(_Tile(v, lines))
    return out


def sheet_cells(
    host: SheetHost, rounds: list[ResultRound]
) -> list[tuple[ResultVariant, tuple[str, ...]]]:
    """What the sheet of ``rounds`` will show: each variant and the lines under it."""
    return [(t.variant, t.lines) for t in _tiles(host, rounds)]


def _pixels(results: Results, variant: ResultVariant) -> np.ndarray:
    """A screen-sized picture of the variant (its proxy, else the full frame); blocking."""
    if variant.pixels is not None:
        return variant.pixels
    proxy = results.load_proxy(variant)
    return proxy if proxy is not None else results.load_frame(variant)


class ContactSheetDialog(QDialog):
    """Which rounds, how big, where to: Export writes the sheet off the loop."""

    def __init__(self, host: SheetHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Contact Sheet")
        self.host = host
        self.task: asyncio.Task[bool] | None = None
        shown = host.shown_variant
        self.scope = QComboBox()
        rounds = host.results.rounds()
        current = host.results.round(shown[0]) if shown is not None else None
        if current is None and rounds:
            current = rounds[-1]
        if current is not None:
            self.scope.addItem(
                f"Round {current.number} ({len(current.variants)} results)", [current]
            )
        done = [r for r in rounds if r.variants]
        self.scope.addItem(f"Every round ({sum(len(r.variants) for r in done)} results)", done)
        self.thumb = QSpinBox()
        self.thumb.setRange(96, 768)
        self.thumb.setSingleStep(32)
        self.thumb.setValue(256)
        self.thumb.setSuffix(" px")
        self.thumb.setToolTip("The longest side of each thumbnail")
        stem = Path(host.image_name).stem or "results"
        self.path = QLineEdit(str(Path.home() / f"{stem}-contact-sheet.png"))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        form = QFormLayout()
        form.addRow("Results", self.scope)
        form.addRow("Thumbnails", self.thumb)
        form.addRow("Save to", where)
        note = QLabel("PNG, or PDF when the name ends in .pdf.")
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Export")
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(note)
        box.addWidget(self.buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export Contact Sheet", self.path.text(), "PNG image (*.png);;PDF (*.pdf)"
        )
        if path:
            self.path.setText(path)

    def export(self) -> None:
        rounds: list[ResultRound] = self.scope.currentData() or []
        tiles = _tiles(self.host, rounds)
        if not tiles:
            self.host.show_message("There are no results to put on a contact sheet yet.")
            return
        text = self.path.text().strip()
        path = Path(text if text.lower().endswith((".png", ".pdf")) else text + ".png")
        per_prompt = [r.params.per_prompt for r in rounds if r.params and r.params.prompts]
        columns = per_prompt[0] if len(rounds) == 1 and per_prompt else None
        title = f"{self.host.image_name} · {self.scope.currentText()}"
        self.task = self.host.spawn(
            self._write(path, tiles, self.thumb.value(), columns, title), "export a contact sheet"
        )
        self.accept()

    async def _write(
        self, path: Path, tiles: list[_Tile], thumb: int, columns: int | None, title: str
    ) -> bool:
        results = self.host.results

        def work() -> None:
            cells = [SheetCell(_pixels(results, t.variant), t.lines) for t in tiles]
            atomic_write_bytes(
                path,
                encode_sheet(render_sheet(cells, thumb=thumb, columns=columns, title=title), path),
            )

        try:
            await asyncio.to_thread(work)
        except OSError as exc:
            self.host.show_message(
                f"The contact sheet could not be written to {path}: {exc.strerror or exc}."
            )
            return False
        self.host.statusBar().showMessage(
            f"Contact sheet of {len(tiles)} results saved to {path}", 8000
        )
        return True
