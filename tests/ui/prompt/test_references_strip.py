"""The References strip: add by drop, paste and "+", labels, remove, model limits, params."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from editor.core.models import model_spec
from editor.core.references import Reference
from editor.store import SettingsStore
from editor.ui.common.services import profiles_from_store
from editor.ui.prompt.prompt_panel import PromptPanel
from editor.ui.prompt.references_strip import THUMB, ReferencesStrip

LEFT = Qt.MouseButton.LeftButton


def _png(tmp_path: Path, name: str, size: tuple[int, int], color: tuple[int, int, int]) -> Path:
    path = tmp_path / name
    Image.new("RGB", size, color).save(path)
    return path


def _drop(widget: ReferencesStrip, mime: QMimeData) -> None:
    """What Qt delivers when files are dragged over the strip and released on it."""
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    action = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(pos.toPoint(), action, mime, LEFT, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QDropEvent(pos, action, mime, LEFT, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)


def _files(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def _strip(qtbot: QtBot) -> ReferencesStrip:
    strip = ReferencesStrip()
    qtbot.addWidget(strip)
    strip.resize(500, 140)
    strip.show()
    qtbot.waitExposed(strip)
    strip.activateWindow()
    qtbot.waitUntil(strip.isActiveWindow)
    return strip


def _paste_image(qtbot: QtBot, strip: ReferencesStrip, pixels: np.ndarray) -> None:
    h, w = pixels.shape[:2]
    image = QImage(pixels.tobytes(), w, h, w * 3, QImage.Format.Format_RGB888).copy()
    QGuiApplication.clipboard().setImage(image)
    qtbot.mouseClick(strip, LEFT, pos=QPoint(strip.width() - 5, 5))
    assert strip.hasFocus()
    qtbot.keyClick(strip, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def test_drop_and_paste_add_labelled_tiles_in_order(qtbot: QtBot, tmp_path: Path) -> None:
    strip = _strip(qtbot)
    strip.set_model_spec(model_spec("gpt-image-1"))
    changes: list[None] = []
    strip.changed.connect(lambda: changes.append(None))
    bottle = _png(tmp_path, "bottle.png", (300, 600), (10, 200, 30))
    texture = _png(tmp_path, "texture.jpg", (800, 200), (200, 100, 0))
    _drop(strip, _files(bottle, texture))
    pasted = np.full((40, 50, 3), (5, 6, 250), np.uint8)
    _paste_image(qtbot, strip, pasted)

    refs = strip.references()
    assert [r.name for r in refs] == ["bottle.png", "texture.jpg", "pasted.png"]
    assert refs[0].size == (300, 600) and refs[1].size == (800, 200)
    assert refs[0].path == str(bottle)
    assert np.array_equal(refs[2].pixels, pasted)
    assert strip.labels() == ["image 2", "image 3", "image 4"]
    assert len(changes) == 3
    # Tiles hold thumbnails, never the full image.
    sizes = [t.image.pixmap().size() for t in strip.tiles]
    assert all(max(s.width(), s.height()) <= THUMB for s in sizes)
    assert not strip.message.isVisible()


def test_remove_relabels_the_rest(qtbot: QtBot, tmp_path: Path) -> None:
    strip = _strip(qtbot)
    refs = [Reference(np.full((20, 20, 3), i * 40, np.uint8), name=f"r{i}.png") for i in range(3)]
    strip.set_references(refs)
    assert strip.labels() == ["image 2", "image 3", "image 4"]
    qtbot.mouseClick(strip.tiles[1].remove_button, LEFT)
    assert [r.name for r in strip.references()] == ["r0.png", "r2.png"]
    assert strip.labels() == ["image 2", "image 3"]
    assert strip.tiles[1].toolTip().endswith("r2.png")


def test_unreadable_file_is_named_and_the_others_still_come_in(
    qtbot: QtBot, tmp_path: Path
) -> None:
    strip = _strip(qtbot)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    good = _png(tmp_path, "good.png", (30, 30), (1, 2, 3))
    _drop(strip, _files(broken, good))
    assert [r.name for r in strip.references()] == ["good.png"]
    assert strip.message.isVisible() and "broken.png" in strip.message.text()


def test_dall_e_2_refuses_references_and_says_why(qtbot: QtBot, tmp_path: Path) -> None:
    strip = _strip(qtbot)
    strip.set_model_spec(model_spec("dall-e-2"))
    _drop(strip, _files(_png(tmp_path, "a.png", (30, 30), (1, 2, 3))))
    assert strip.references() == ()
    assert strip.message.isVisible()
    assert "dall-e-2" in strip.message.text() and "no reference images" in strip.message.text()
    # "+" explains instead of opening a file dialog whose choice would be refused.
    strip.message.clear()
    qtbot.mouseClick(strip.add_button, LEFT)
    assert "no reference images" in strip.message.text()


def test_adds_past_the_model_limit_are_refused(qtbot: QtBot) -> None:
    strip = _strip(qtbot)
    spec = model_spec("gpt-image-1")
    strip.set_model_spec(spec)
    one = np.zeros((8, 8, 3), np.uint8)
    strip.set_references([Reference(one) for _ in range(spec.max_references)])
    _paste_image(qtbot, strip, one)
    assert len(strip.references()) == spec.max_references
    assert f"at most {spec.max_references}" in strip.message.text()


@pytest.fixture
def panel(qtbot: QtBot, tmp_path: Path) -> PromptPanel:
    p = PromptPanel(profiles_from_store(SettingsStore(tmp_path)))
    qtbot.addWidget(p)
    p.show()
    qtbot.waitExposed(p)
    return p


def test_params_carry_the_references_in_order(
    qtbot: QtBot, panel: PromptPanel, tmp_path: Path
) -> None:
    panel.set_model("gpt-image-1")
    first = _png(tmp_path, "first.png", (64, 32), (255, 0, 0))
    second = _png(tmp_path, "second.png", (32, 64), (0, 0, 255))
    _drop(panel.references_strip, _files(first))
    _drop(panel.references_strip, _files(second))
    params = panel.params()
    assert [r.name for r in params.references] == ["first.png", "second.png"]
    assert params.references[0].size == (64, 32)


def test_switching_to_dall_e_2_says_the_references_cannot_go(
    qtbot: QtBot, panel: PromptPanel
) -> None:
    panel.set_model("gpt-image-1")
    panel.references_strip.set_references([Reference(np.zeros((8, 8, 3), np.uint8))])
    assert not panel.references_strip.message.isVisible()
    panel.set_model("dall-e-2")
    assert panel.references_strip.message.isVisible()
    assert "dall-e-2" in panel.references_strip.message.text()
    # Nothing is lost: switching back sends them again.
    assert len(panel.params().references) == 1
    panel.set_model("gpt-image-1")
    assert not panel.references_strip.message.isVisible()


def test_an_empty_strip_is_one_line_and_many_references_scroll_in_one_row(
    qtbot: QtBot,
) -> None:
    strip = _strip(qtbot)
    strip.resize(300, 140)
    line = strip.row_area.height()
    assert line <= 2 * strip.fontMetrics().height() + 8
    assert strip.add_button.text().endswith("Add reference image")
    refs = [Reference(np.full((60, 80, 3), 20 * i, np.uint8), name=f"r{i}.png") for i in range(8)]
    strip.set_references(refs)
    tiles = strip.tiles
    assert {t.y() for t in tiles} == {tiles[0].y()}  # one row
    assert all(t.height() <= THUMB + 8 for t in tiles)
    bar = strip.row_area.horizontalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    # Room for the tiles and the scroll bar under them: the last tile scrolls into view whole.
    qtbot.waitUntil(lambda: strip.row_area.viewport().height() >= tiles[0].height())
    strip.row_area.ensureWidgetVisible(tiles[-1], 0, 0)
    qtbot.waitUntil(lambda: tiles[-1].visibleRegion().boundingRect() == tiles[-1].rect())
    # Its remove button takes a click there.
    qtbot.mouseClick(tiles[-1].remove_button, LEFT)
    assert strip.labels() == [f"image {i + 2}" for i in range(7)]
