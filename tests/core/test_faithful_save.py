"""Saved results keep the original's colour profile, EXIF and DPI, and say how they were made."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms

from editor.core.faithful_save import Provenance, encode_for_save, read_metadata

SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _original_jpeg(tmp_path: Path) -> Path:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: our loader makes it upright
    exif[0x010F] = "ACME Camera"  # Make
    path = tmp_path / "photo.jpg"
    Image.new("RGB", (40, 30), (120, 80, 40)).save(
        path, "JPEG", icc_profile=SRGB, exif=exif.tobytes(), dpi=(300, 300)
    )
    return path


def _pixels() -> np.ndarray:
    return np.full((40, 30, 3), 100, np.uint8)


def test_icc_exif_and_dpi_survive_into_png_and_jpeg(tmp_path: Path) -> None:
    meta = read_metadata(_original_jpeg(tmp_path))
    for fmt in ("png", "jpeg"):
        saved = Image.open(io.BytesIO(encode_for_save(_pixels(), fmt, metadata=meta)))
        assert saved.info.get("icc_profile") == SRGB, fmt
        exif = saved.getexif()
        assert exif[0x010F] == "ACME Camera", fmt
        assert exif[0x0112] == 1, "orientation must say upright: the pixels already are"
        assert tuple(round(v) for v in saved.info["dpi"]) == (300, 300), fmt


def test_a_cmyk_profile_is_not_attached_to_rgb_pixels(tmp_path: Path) -> None:
    path = tmp_path / "cmyk.jpg"
    # A grey profile stands in for any non-RGB profile: attaching it would mislabel our pixels.
    grey = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    Image.new("RGB", (8, 8)).save(path, "JPEG", icc_profile=grey)
    assert read_metadata(path).icc_profile is None


def test_provenance_is_readable_and_strip_removes_everything(tmp_path: Path) -> None:
    meta = read_metadata(_original_jpeg(tmp_path))
    prov = Provenance(prompt="a red <scarf> & hat", model="gpt-image-1", endpoint_host="gw.test")
    png = Image.open(io.BytesIO(encode_for_save(_pixels(), "png", metadata=meta, provenance=prov)))
    assert png.text["inpaint-editor:prompt"] == "a red <scarf> & hat"
    assert png.text["inpaint-editor:model"] == "gpt-image-1"
    assert png.text["inpaint-editor:endpoint"] == "gw.test"
    assert "a red &lt;scarf&gt; &amp; hat" in png.text["XML:com.adobe.xmp"]
    for fmt in ("jpeg", "webp"):
        data = encode_for_save(_pixels(), fmt, metadata=meta, provenance=prov)
        assert b"a red &lt;scarf&gt; &amp; hat" in data and b"gw.test" in data, fmt

    bare = Image.open(
        io.BytesIO(encode_for_save(_pixels(), "png", metadata=meta, provenance=prov, strip=True))
    )
    assert "icc_profile" not in bare.info and not bare.text and not len(bare.getexif())


def test_png_is_lossless_and_webp_at_100_is_lossless() -> None:
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (32, 48, 3), dtype=np.uint8)
    for fmt, quality in (("png", 95), ("webp", 100)):
        back = np.asarray(Image.open(io.BytesIO(encode_for_save(pixels, fmt, quality=quality))))
        assert np.array_equal(back, pixels), fmt


def test_unreadable_original_gives_empty_metadata(tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    assert read_metadata(broken) == read_metadata(b"")
