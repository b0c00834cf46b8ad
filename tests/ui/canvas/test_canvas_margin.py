"""A press on the dark margin around the image paints nothing; a drag from it paints from where
it reaches the image. Real mouse events on a shown canvas."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint
from pytestqt.qtbot import QtBot

from editor.core.mask_document import MaskDocument
from editor.ui.canvas.mask_canvas import MaskCanvas
from tests.ui.canvas.test_canvas import LEFT, make_pixels, show_canvas


@pytest.fixture
def canvas(qtbot: QtBot) -> Iterator[MaskCanvas]:
    w = show_canvas(qtbot, make_pixels(), focus=False)  # image (0, 0) at widget (50, 50)
    w.brush_size = 60
    yield w


def _doc(canvas: MaskCanvas) -> MaskDocument:
    assert canvas.document is not None
    return canvas.document


def test_a_click_on_the_margin_paints_nothing_and_focuses_the_canvas(
    qtbot: QtBot, canvas: MaskCanvas
) -> None:
    canvas.clearFocus()
    # 10 px left of the image: the 60 px brush would reach 20 px into it.
    qtbot.mouseClick(canvas, LEFT, pos=QPoint(40, 200))
    assert _doc(canvas).is_empty()
    assert not _doc(canvas).can_undo  # not even an empty step
    assert canvas.hasFocus()


def test_a_rectangle_click_on_the_margin_paints_nothing(qtbot: QtBot, canvas: MaskCanvas) -> None:
    canvas.set_tool("rect")
    qtbot.mouseClick(canvas, LEFT, pos=QPoint(20, 20))
    assert _doc(canvas).is_empty()


def test_a_drag_from_the_margin_paints_from_the_image_edge(
    qtbot: QtBot, canvas: MaskCanvas
) -> None:
    canvas.brush_size = 10
    qtbot.mousePress(canvas, LEFT, pos=QPoint(20, 200))
    qtbot.mouseMove(canvas, QPoint(35, 200))
    assert _doc(canvas).is_empty()
    qtbot.mouseMove(canvas, QPoint(80, 200))  # image x 30
    qtbot.mouseMove(canvas, QPoint(150, 200))  # image x 100
    qtbot.mouseRelease(canvas, LEFT, pos=QPoint(150, 200))
    edit = _doc(canvas).edit
    assert edit[150, 30] == 255 and edit[150, 100] == 255
    assert edit[150, 0:20].max() == 0  # nothing between the margin and where it entered
    assert _doc(canvas).can_undo


def test_a_click_on_the_image_still_paints_a_dab(qtbot: QtBot, canvas: MaskCanvas) -> None:
    qtbot.mouseClick(canvas, LEFT, pos=QPoint(250, 200))
    assert _doc(canvas).edit[150, 200] == 255
