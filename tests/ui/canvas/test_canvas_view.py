"""ViewTransform: the image ↔ widget mapping, including high-DPI screens (no widget needed)."""

from __future__ import annotations

import pytest

from editor.ui.common.view_transform import MAX_ZOOM, ViewTransform


def view(dpr: float = 1.0, zoom: float = 1.0) -> ViewTransform:
    return ViewTransform(
        image_w=400, image_h=300, widget_w=500, widget_h=400, dpr=dpr, zoom=zoom,
        center_x=200, center_y=150,
    )  # fmt: skip


@pytest.mark.parametrize("dpr", [1.0, 1.5, 2.0])
def test_100_percent_is_one_device_pixel_per_image_pixel(dpr: float) -> None:
    v = view(dpr=dpr)
    ax, _ = v.to_widget(10, 0)
    bx, _ = v.to_widget(11, 0)
    assert (bx - ax) * dpr == pytest.approx(1.0)


@pytest.mark.parametrize("dpr", [1.0, 1.25, 2.0])
def test_origin_is_on_a_whole_device_pixel(dpr: float) -> None:
    v = view(dpr=dpr, zoom=1.0)
    v.center_x, v.center_y = 123.37, 45.81
    ox, oy = v.origin
    assert ox * dpr == pytest.approx(round(ox * dpr)) and oy * dpr == pytest.approx(round(oy * dpr))


@pytest.mark.parametrize("dpr", [1.0, 2.0])
def test_round_trip(dpr: float) -> None:
    v = view(dpr=dpr, zoom=3.0)
    assert v.to_image(*v.to_widget(37.5, 99.25)) == pytest.approx((37.5, 99.25))


def test_zoom_about_keeps_point_fixed() -> None:
    v = view(dpr=2.0)
    before = v.to_image(260, 230)
    v.zoom_about(2.5, 260, 230)
    assert v.zoom == 2.5
    assert v.to_image(260, 230) == pytest.approx(before, abs=1 / v.zoom)


def test_fit_shows_whole_image_in_device_pixels() -> None:
    v = view(dpr=2.0, zoom=9.0)
    v.fit()
    assert v.zoom == pytest.approx(min(1000 / 400, 800 / 300) * 0.96)
    x0, y0 = v.to_widget(0, 0)
    x1, y1 = v.to_widget(400, 300)
    assert x0 >= 0 and y0 >= 0 and x1 <= 500 and y1 <= 400


def test_zoom_and_centre_are_clamped() -> None:
    v = view()
    v.set_zoom_about(1e6, 0, 0)
    assert v.zoom == MAX_ZOOM
    v.pan(1e9, -1e9)
    assert (v.center_x, v.center_y) == (0.0, 300.0)


def test_rect_to_image_is_padded_and_clipped() -> None:
    v = view()  # image origin at widget (50, 50)
    assert v.rect_to_image(60, 60, 10, 10) == (8, 8, 22, 22)
    assert v.rect_to_image(0, 0, 20, 20) is None
    assert v.rect_to_image(0, 0, 500, 400) == (0, 0, 400, 300)
