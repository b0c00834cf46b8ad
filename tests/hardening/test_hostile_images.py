"""Hostile image files, where tests/core/test_core_imageio.py stops: through the window, and
the shapes no core test has (a 100000 × 1 strip, end to end).

Already covered at the core level and not repeated here: truncated PNG/JPEG, 0-byte file, text
renamed .png, decompression bombs, animated GIF/WebP first frame + note, 16-bit gray PNG/TIFF and
16-bit RGB, CMYK JPEG with and without ICC, LA/palette/RGBA modes, EXIF orientation 1–8 in PNG,
JPEG, WebP and TIFF. Here each failing kind must reach the person as a dialog naming the file, with
the open work untouched; each loadable kind must open with what loading changed said out loud.
"""

from __future__ import annotations

import asyncio
import io
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms
from pytestqt.qtbot import QtBot

from editor.client import Endpoint
from editor.core.imageio import ImageLoadError, load_image
from editor.pipeline import ApiOptions, EditParams, prepare_edit
from editor.pipeline.jobs import JobState
from editor.server import ServerThread
from editor.ui.window.main_window import MainWindow
from tests.ui.window_helpers import open_image, paint, settle, write_image

from .window_helpers import PROFILE, Switch, make_window

STRIP_W = 100_000


def _save(im: Image.Image, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def _noise(w: int = 64, h: int = 64) -> Image.Image:
    return Image.fromarray(np.random.default_rng(5).integers(0, 256, (h, w, 3), dtype=np.uint8))


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _bomb(w: int, h: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 10))
        + _chunk(b"IEND", b"")
    )


def strip_pixels() -> np.ndarray:
    a = (np.arange(STRIP_W) % 256).astype(np.uint8)
    return np.dstack([a, a[::-1], np.full_like(a, 7)]).reshape(1, STRIP_W, 3)


# -- the strip, end to end without a window -----------------------------------------------------


@pytest.mark.parametrize(
    "model", ["telea", "patchmatch", "gpt-image-1", "gpt-image-2", "dall-e-2", None]
)
@pytest.mark.parametrize("masked", [True, False])
def test_a_100000_by_1_strip_loads_and_plans_for_every_model(
    model: str | None, masked: bool
) -> None:
    loaded = load_image(_save(Image.fromarray(strip_pixels()), "PNG"), name="strip.png")
    assert loaded.size == (STRIP_W, 1)
    np.testing.assert_array_equal(loaded.pixels, strip_pixels())
    mask = None
    if masked:
        mask = np.zeros((1, STRIP_W), np.uint8)
        mask[0, 500:900] = 255
    prepared = prepare_edit(
        loaded.pixels, mask, EditParams(ApiOptions(prompt="extend", model=model))
    )
    data = prepared.request.images[0].data
    assert data is not None
    sent = load_image(data)
    w, h = sent.size
    assert w >= 1 and h >= 1
    if prepared.plan.size_field:  # a fixed-size model: exactly what the request says
        assert prepared.plan.size_field == f"{w}x{h}"
    if prepared.request.mask is not None:
        assert prepared.request.mask.data is not None
        assert load_image(prepared.request.mask.data).size == (w, h)


# -- through the window ------------------------------------------------------------------------


@pytest.fixture
def switch(server: ServerThread) -> Switch:
    return Switch(Endpoint(base_url=server.base_url, max_retries=0, timeout=30))


@pytest.fixture
def window(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, tmp_path: Path, switch: Switch
) -> Iterator[MainWindow]:
    yield from make_window(qtbot, tmp_path, switch)


def _truncated(fmt: str) -> bytes:
    data = _save(_noise(), fmt)
    return data[: len(data) // 2]


BAD_FILES: list[tuple[str, Callable[[], bytes], tuple[str, ...]]] = [
    ("cut.jpg", lambda: _truncated("JPEG"), ("not an image", "truncated")),
    ("cut.png", lambda: _truncated("PNG"), ("not an image",)),
    ("empty.png", lambda: b"", ("empty", "0 bytes")),
    ("notes.png", lambda: b"hello, this is not a picture\n", ("not a PNG, JPEG",)),
    ("bomb.png", lambda: _bomb(20_000, 15_000), ("20000 × 15000 pixels", "limit")),
    ("huge.png", lambda: _bomb(100_000, 100_000), ("megapixels", "limit")),
]


@pytest.mark.parametrize(("name", "make", "words"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_hostile_file_gets_a_dialog_and_the_work_stays(
    qtbot: QtBot,
    window: MainWindow,
    tmp_path: Path,
    name: str,
    make: Callable[[], bytes],
    words: tuple[str, ...],
) -> None:
    good = tmp_path / "photo.png"
    pixels = write_image(good)
    open_image(qtbot, window, good)
    paint(qtbot, window, [(40, 40), (90, 70)])
    assert window.document is not None
    mask = window.document.edit.copy()
    assert mask.any()

    bad = tmp_path / name
    bad.write_bytes(make())
    with pytest.raises(ImageLoadError):  # the core says no too (the dialog shows its words)
        load_image(bad)
    task = window.files.open_path(bad)
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result() is False
    dialog = window.files.dialog
    assert dialog is not None and dialog.isVisible()
    text = dialog.text()
    assert name in text and "unchanged" in text
    for word in words:
        assert word in text, f"{word!r} not in {text!r}"
    assert "Traceback" not in text and "Errno" not in text and "PIL" not in text
    dialog.close()
    assert window.image_name == "photo.png"
    np.testing.assert_array_equal(window.image, pixels)  # type: ignore[arg-type]
    np.testing.assert_array_equal(window.document.edit, mask)


def _cmyk_icc() -> bytes:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return _save(Image.new("CMYK", (30, 20), (0, 0, 0, 0)), "JPEG", quality=95, icc_profile=icc)


def _exif6() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6
    return _save(_noise(30, 20), "JPEG", exif=exif.tobytes(), quality=95)


def _animated_webp() -> bytes:
    frames = [Image.new("RGB", (30, 20), c) for c in ((0, 255, 0), (0, 0, 255))]
    return _save(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True)


def _gray16_tiff() -> bytes:
    ramp = (np.arange(30 * 20, dtype=np.uint16).reshape(20, 30) * 100).astype(np.uint16)
    return _save(Image.fromarray(ramp), "TIFF")  # mode I;16


def _gray_alpha() -> bytes:
    return _save(Image.new("LA", (30, 20), (128, 100)), "PNG")


GOOD_FILES: list[tuple[str, Callable[[], bytes], tuple[int, int, int], str | None]] = [
    ("cmyk-icc.jpg", _cmyk_icc, (20, 30, 3), "CMYK"),
    ("rotated.jpg", _exif6, (30, 20, 3), None),  # EXIF 6: shown upright, so taller than wide
    ("animated.webp", _animated_webp, (20, 30, 3), "first of 2 frames"),
    ("deep.tif", _gray16_tiff, (20, 30, 3), "16-bit"),
    ("gray-alpha.png", _gray_alpha, (20, 30, 4), None),
]


@pytest.mark.parametrize(
    ("name", "make", "shape", "note"), GOOD_FILES, ids=[g[0] for g in GOOD_FILES]
)
def test_an_odd_but_valid_file_opens_and_says_what_changed(
    qtbot: QtBot,
    window: MainWindow,
    tmp_path: Path,
    name: str,
    make: Callable[[], bytes],
    shape: tuple[int, int, int],
    note: str | None,
) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    open_image(qtbot, window, path)
    assert window.image is not None and window.image.shape == shape
    assert window.image_name == name
    message = window.statusBar().currentMessage()
    assert name in message
    if note is not None:
        assert note in message, message


def test_the_strip_opens_and_a_job_on_it_comes_back_whole(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, server: ServerThread
) -> None:
    path = tmp_path / "strip.png"
    Image.fromarray(strip_pixels()).save(path)
    open_image(qtbot, window, path)
    assert window.image is not None and window.image.shape == (1, STRIP_W, 3)
    assert f"{STRIP_W} × 1" in window.size_label.text()
    assert window.document is not None
    window.document.fill_rect(500, 0, 900, 1)
    window.prompt_panel.set_profile(PROFILE)
    window.prompt_panel.set_prompt("continue the pattern")
    job = window.generate()
    assert job is not None
    settle(qtbot, window, job.id, 60_000)
    assert job.state is JobState.SUCCEEDED, job.error
    [variant] = window.variants(job.id)
    pixels = window.frame(job.id, variant.index)
    assert pixels.shape == (1, STRIP_W, 3)
    # Outside the mask (and its feather) the strip is the original, pixel for pixel.
    np.testing.assert_array_equal(pixels[:, :400], strip_pixels()[:, :400])
    np.testing.assert_array_equal(pixels[:, 1000:], strip_pixels()[:, 1000:])
