"""The markup layer (shapes, undo, saving) and the region its marks point at."""

from __future__ import annotations

import cv2
import numpy as np

from editor.core.markup import markup_region
from editor.core.markup_layer import MarkupLayer, Shape


def test_a_closed_circle_marks_its_inside_and_a_stroke_its_own_width() -> None:
    marks = np.zeros((300, 400, 4), np.uint8)
    cv2.circle(marks, (120, 150), 60, (255, 0, 0, 255), 4)
    cv2.line(marks, (300, 50), (380, 250), (255, 0, 0, 255), 4)
    region = markup_region(marks) > 0
    assert region[150, 120]  # inside the circle
    assert region[150, 340]  # on the open stroke
    assert not region[150, 320]  # beside the stroke, beyond its widening
    assert not region[20, 20]
    assert not markup_region(np.zeros((10, 10, 4), np.uint8)).any()


def test_shapes_draw_undo_redo_clear_and_save() -> None:
    layer = MarkupLayer((200, 100))
    steps: list[int] = []
    layer.step_added.connect(lambda: steps.append(1))
    layer.add(Shape("pen", ((10, 10), (50, 50), (90, 20)), 4))
    layer.add(Shape("ellipse", ((100, 20), (180, 80)), 4))
    layer.add(Shape("arrow", ((10, 90), (60, 60)), 4))
    pixels = layer.render()
    assert pixels is not None and pixels.shape == (100, 200, 4)
    assert pixels[50, 140, 3] == 0 and pixels[50, 100, 3] > 0  # an ellipse outline, not filled
    layer.clear()
    assert layer.empty and layer.render() is None
    assert layer.undo() and len(layer.shapes) == 3
    assert layer.undo() and len(layer.shapes) == 2
    assert layer.redo() and len(layer.shapes) == 3
    assert len(steps) == 4  # three shapes and a clear; undo and redo record none
    saved = MarkupLayer.shapes_from_json(layer.to_json())
    assert saved == layer.shapes
