"""load_image / load_mask / encoders on files built here, with exact pixel checks."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms

from editor.core.imageio import (
    MAX_PIXELS,
    ImageLoadError,
    LoadedImage,
    MaskError,
    encode_image,
    encode_png,
    load_image,
    load_mask,
    mask_to_api_png,
)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = struct.pack(">I", zlib.crc32(kind + body))
    return struct.pack(">I", len(body)) + kind + body + crc


def save(im: Image.Image, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def quadrants(w: int = 40, h: int = 20) -> Image.Image:
    """Red top-left, green top-right, blue bottom-left, white bottom-right."""
    a = np.zeros((h, w, 3), np.uint8)
    a[: h // 2, : w // 2] = (255, 0, 0)
    a[: h // 2, w // 2 :] = (0, 255, 0)
    a[h // 2 :, : w // 2] = (0, 0, 255)
    a[h // 2 :, w // 2 :] = (255, 255, 255)
    return Image.fromarray(a)


RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)
# Where the stored top-left (red) quadrant ends up once the orientation is applied, and the
# displayed size, for stored 40×20 pixels. Per the EXIF spec (row 0 / column 0 meaning).
ORIENTATIONS = {
    1: ((40, 20), {"tl": RED, "tr": GREEN, "bl": BLUE, "br": WHITE}),
    2: ((40, 20), {"tl": GREEN, "tr": RED, "bl": WHITE, "br": BLUE}),
    3: ((40, 20), {"tl": WHITE, "tr": BLUE, "bl": GREEN, "br": RED}),
    4: ((40, 20), {"tl": BLUE, "tr": WHITE, "bl": RED, "br": GREEN}),
    5: ((20, 40), {"tl": RED, "tr": BLUE, "bl": GREEN, "br": WHITE}),
    6: ((20, 40), {"tl": BLUE, "tr": RED, "bl": WHITE, "br": GREEN}),
    7: ((20, 40), {"tl": WHITE, "tr": GREEN, "bl": BLUE, "br": RED}),
    8: ((20, 40), {"tl": GREEN, "tr": WHITE, "bl": RED, "br": BLUE}),
}


def corners(a: np.ndarray) -> dict[str, tuple[int, ...]]:
    h, w = a.shape[:2]
    pick = {"tl": a[2, 2], "tr": a[2, w - 3], "bl": a[h - 3, 2], "br": a[h - 3, w - 3]}
    return {k: tuple(int(round(c / 255) * 255) for c in v[:3]) for k, v in pick.items()}


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "TIFF"])
@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation(fmt: str, orientation: int) -> None:
    im = quadrants()
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = save(im, fmt, exif=exif.tobytes(), **({"quality": 95} if fmt != "PNG" else {}))
    loaded = load_image(data)
    size, want = ORIENTATIONS[orientation]
    assert loaded.size == size
    assert corners(loaded.pixels) == want


def test_loaded_image_shape_and_flags(tmp_path: Path) -> None:
    p = tmp_path / "q.png"
    quadrants().save(p)
    loaded = load_image(p)
    assert isinstance(loaded, LoadedImage)
    assert loaded.pixels.dtype == np.uint8 and loaded.pixels.flags.c_contiguous
    assert loaded.pixels.shape == (20, 40, 3)
    assert loaded.size == (40, 20) and not loaded.has_alpha
    assert loaded.format == "PNG" and loaded.notes == ()
    assert load_image(str(p)).size == (40, 20)


def test_cmyk_jpeg_without_profile() -> None:
    im = Image.new("CMYK", (8, 8), (0, 255, 255, 0))  # pure red ink mix
    loaded = load_image(save(im, "JPEG", quality=100))
    assert loaded.pixels.shape == (8, 8, 3)
    r, g, b = (int(c) for c in loaded.pixels[4, 4])
    assert r > 200 and g < 60 and b < 60
    assert any("CMYK" in n for n in loaded.notes)


def test_cmyk_jpeg_with_icc_profile() -> None:
    # No CMYK profile ships with Pillow; an sRGB profile still exercises the ICC path (LittleCMS
    # rejects the colour-space mismatch or converts), and either way the result must be sane.
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    im = Image.new("CMYK", (8, 8), (0, 0, 0, 0))  # no ink: white
    loaded = load_image(save(im, "JPEG", quality=100, icc_profile=icc))
    assert loaded.pixels.shape == (8, 8, 3)
    assert int(loaded.pixels.min()) > 200
    assert any("CMYK converted to RGB" in n for n in loaded.notes)


@pytest.mark.parametrize("fmt", ["PNG", "TIFF"])
def test_16bit_gray_scaled_not_clipped(fmt: str) -> None:
    a = np.array([[0, 257, 32768, 65535]], np.uint16)
    loaded = load_image(save(Image.fromarray(a), fmt))
    assert loaded.pixels.shape == (1, 4, 3)
    assert loaded.pixels[0, :, 0].tolist() == [0, 1, 128, 255]
    assert "16-bit image reduced to 8 bits" in loaded.notes


def test_16bit_rgb_png_noted() -> None:
    # A 16-bit RGB PNG written by hand: IHDR bit depth 16, colour type 2.
    h, w = 2, 3
    px = np.full((h, w, 3), 65535, ">u2")
    px[0, 0] = (32768, 0, 65535)
    raw = b"".join(b"\x00" + px[y].tobytes() for y in range(h))

    data = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0))
        + png_chunk(b"IDAT", zlib.compress(raw))
        + png_chunk(b"IEND", b"")
    )
    loaded = load_image(data)
    assert loaded.pixels[0, 0].tolist() == [128, 0, 255]
    assert loaded.pixels[1, 2].tolist() == [255, 255, 255]
    assert "16-bit image reduced to 8 bits" in loaded.notes


def test_float_and_int32_modes() -> None:
    f = Image.fromarray(np.array([[0.0, 0.5, 1.0]], np.float32))
    assert load_image(save(f, "TIFF")).pixels[0, :, 0].tolist() == [0, 128, 255]
    i = Image.fromarray(np.array([[0, 32768, 65535]], np.int32))
    assert load_image(save(i, "TIFF")).pixels[0, :, 0].tolist() == [0, 128, 255]


def test_palette_with_transparency_becomes_rgba() -> None:
    im = Image.new("P", (4, 4), 0)
    im.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    im.putpixel((1, 1), 1)
    loaded = load_image(save(im, "PNG", transparency=1))
    assert loaded.has_alpha
    assert loaded.pixels[0, 0].tolist() == [255, 0, 0, 255]
    assert int(loaded.pixels[1, 1, 3]) == 0


def test_palette_without_transparency_becomes_rgb() -> None:
    im = Image.new("P", (4, 4), 1)
    im.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    loaded = load_image(save(im, "PNG"))
    assert loaded.pixels.shape == (4, 4, 3)
    assert loaded.pixels[2, 2].tolist() == [0, 0, 255]


def test_la_becomes_rgba_and_l_becomes_rgb() -> None:
    la = Image.new("LA", (3, 3), (100, 50))
    loaded = load_image(save(la, "PNG"))
    assert loaded.pixels[1, 1].tolist() == [100, 100, 100, 50]
    gray = load_image(save(Image.new("L", (3, 3), 77), "PNG"))
    assert gray.pixels.shape == (3, 3, 3) and gray.pixels[0, 0].tolist() == [77, 77, 77]
    bw = load_image(save(Image.new("1", (3, 3), 1), "BMP"))
    assert bw.pixels[0, 0].tolist() == [255, 255, 255]


def test_rgba_kept_and_opaque_alpha_dropped() -> None:
    a = np.zeros((2, 2, 4), np.uint8)
    a[..., 3] = 255
    assert load_image(save(Image.fromarray(a), "PNG")).pixels.shape == (2, 2, 3)
    a[0, 0, 3] = 10
    loaded = load_image(save(Image.fromarray(a), "PNG"))
    assert loaded.has_alpha and int(loaded.pixels[0, 0, 3]) == 10


def test_animated_gif_first_frame_and_note() -> None:
    frames = [Image.new("RGB", (6, 6), c) for c in (RED, GREEN, BLUE)]
    data = save(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50)
    loaded = load_image(data)
    assert loaded.pixels[3, 3].tolist() == list(RED)
    assert loaded.notes == ("animated image: using the first of 3 frames",)


def test_animated_webp_first_frame() -> None:
    frames = [Image.new("RGB", (16, 16), c) for c in (GREEN, BLUE)]
    data = save(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    loaded = load_image(data)
    assert loaded.pixels[8, 8, :3].tolist() == list(GREEN)
    assert "first of 2 frames" in loaded.notes[0]


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_files(tmp_path: Path, fmt: str) -> None:
    rng = np.random.default_rng(1)
    data = save(Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)), fmt)
    p = tmp_path / f"photo.{fmt.lower()}"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageLoadError) as e:
        load_image(p)
    assert str(e.value).startswith(f"photo.{fmt.lower()} is not an image Inpaint Editor can read")
    assert "truncated" in str(e.value)
    assert "Traceback" not in str(e.value)


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.png"
    p.write_bytes(b"")
    with pytest.raises(ImageLoadError, match=r"^empty\.png is empty \(0 bytes\)$"):
        load_image(p)
    with pytest.raises(ImageLoadError, match="empty"):
        load_image(b"")


def test_text_renamed_png(tmp_path: Path) -> None:
    p = tmp_path / "notes.png"
    p.write_text("hello, this is not a picture\n")
    with pytest.raises(ImageLoadError) as e:
        load_image(p)
    assert str(e.value) == (
        "notes.png is not an image Inpaint Editor can read "
        "(it is not a PNG, JPEG, WebP, TIFF, BMP or GIF file)"
    )


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImageLoadError, match="could not be found"):
        load_image(tmp_path / "nope.png")


def test_max_pixels_checked_before_decoding() -> None:
    data = save(Image.new("RGB", (100, 50)), "PNG")
    with pytest.raises(ImageLoadError) as e:
        load_image(data, max_pixels=4999, name="big.png")
    assert str(e.value) == "big.png is 100 × 50 pixels; the limit is 0.004999 megapixels"
    assert load_image(data, max_pixels=5000).size == (100, 50)


def bomb_png(w: int, h: int) -> bytes:
    """A PNG header claiming w×h with (almost) no data: opening it costs nothing."""
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)

    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 10))
        + png_chunk(b"IEND", b"")
    )


def test_decompression_bomb_dimensions() -> None:
    with pytest.raises(ImageLoadError) as e:
        load_image(bomb_png(20_000, 15_000), name="photo.png")
    assert str(e.value) == "photo.png is 20000 × 15000 pixels; the limit is 200 megapixels"
    # Beyond Pillow's own backstop (which refuses before we see the size): still plain words.
    with pytest.raises(ImageLoadError) as e:
        load_image(bomb_png(100_000, 100_000), name="photo.png")
    assert str(e.value) == "photo.png is 10000 megapixels; the limit is 200 megapixels"
    with pytest.raises(ImageLoadError, match=r"^photo\.png is 1000 megapixels; the limit is 400 "):
        load_image(bomb_png(500_000, 2_000), max_pixels=MAX_PIXELS * 10, name="photo.png")


def test_bomb_under_limit_but_truncated() -> None:
    with pytest.raises(ImageLoadError, match=r"truncated|damaged"):
        load_image(bomb_png(3000, 3000))


# --- encoders --------------------------------------------------------------------------------


def test_encode_png_round_trip() -> None:
    rng = np.random.default_rng(2)
    for shape in [(5, 7, 3), (5, 7, 4), (5, 7)]:
        a = rng.integers(0, 256, shape, dtype=np.uint8)
        back = np.asarray(Image.open(io.BytesIO(encode_png(a))))
        assert np.array_equal(back, a)


def test_encode_image_formats() -> None:
    a = np.full((8, 8, 4), 200, np.uint8)
    a[..., 3] = 0
    data, mime = encode_image(a, "jpeg")
    assert mime == "image/jpeg" and data[:2] == b"\xff\xd8"
    assert np.asarray(Image.open(io.BytesIO(data))).min() > 245  # flattened onto white
    data, mime = encode_image(a, "webp")
    assert mime == "image/webp" and data[8:12] == b"WEBP"
    data, mime = encode_image(a, "png")
    assert mime == "image/png" and data[:4] == b"\x89PNG"


# --- masks -----------------------------------------------------------------------------------


def test_mask_to_api_png_convention() -> None:
    edit = np.array([[0, 255, 100]], np.uint8)
    im = Image.open(io.BytesIO(mask_to_api_png(edit)))
    assert im.mode == "RGBA"
    a = np.asarray(im)
    assert a[0, :, 3].tolist() == [255, 0, 155]
    assert int(a[..., :3].max()) == 0


def test_load_mask_round_trips_api_convention() -> None:
    edit = np.zeros((6, 9), np.uint8)
    edit[2:4, 3:7] = 255
    edit[0, 0] = 90
    assert np.array_equal(load_mask(mask_to_api_png(edit), size=(9, 6)), edit)


def test_load_mask_white_on_black() -> None:
    a = np.zeros((6, 9), np.uint8)
    a[1:3, 1:3] = 255
    data = save(Image.fromarray(a), "PNG")
    assert np.array_equal(load_mask(data), a)
    rgb = save(Image.fromarray(np.dstack([a, a, a])), "PNG")
    assert np.array_equal(load_mask(rgb), a)
    opaque = save(Image.fromarray(np.dstack([a, a, a, np.full_like(a, 255)])), "PNG")
    assert np.array_equal(load_mask(opaque), a)
    assert np.array_equal(load_mask(data, invert=True), 255 - a)


def test_load_mask_applies_exif_orientation() -> None:
    a = np.zeros((4, 8), np.uint8)
    a[0, 0] = 255
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    edit = load_mask(save(Image.fromarray(a), "PNG", exif=exif.tobytes()), size=(4, 8))
    assert edit.shape == (8, 4)
    assert int(edit[0, 3]) == 255 and int(edit.sum()) == 255


def test_load_mask_size_mismatch() -> None:
    data = save(Image.new("L", (512, 512), 255), "PNG")
    with pytest.raises(MaskError) as e:
        load_mask(data, size=(600, 400))
    assert str(e.value) == (
        "The mask is 512 × 512 but the image is 600 × 400; "
        "a mask must be the same size as its image"
    )
    assert isinstance(e.value, ImageLoadError)


def test_load_mask_marks_nothing() -> None:
    with pytest.raises(MaskError, match=r"^The mask marks no area to edit$"):
        load_mask(save(Image.new("L", (4, 4), 0), "PNG"))
    # Everything editable is allowed: regenerate the whole image.
    assert int(load_mask(save(Image.new("L", (4, 4), 255), "PNG")).min()) == 255


def test_load_mask_bad_file_is_mask_error(tmp_path: Path) -> None:
    p = tmp_path / "m.png"
    p.write_bytes(b"nope")
    with pytest.raises(MaskError, match=r"^The mask m\.png is not an image"):
        load_mask(p)
