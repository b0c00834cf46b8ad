"""Saving a result as faithfully as the format allows, with provenance and never a secret.

The original's ICC profile (when it describes RGB), EXIF (orientation made upright: our pixels
already are) and DPI travel to the saved file; provenance (prompt, model, endpoint host, time)
goes into PNG text chunks and XMP. ``strip=True`` writes pixels only.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape as _escape_html
from typing import Literal

import numpy as np
from PIL import Image

SaveFormat = Literal["png", "jpeg", "webp"]
_ORIENTATION_TAG = 0x0112
_XMP_PNG_KEY = "XML:com.adobe.xmp"


def _xml_text(text: str) -> str:
    """``&``, ``<`` and ``>`` escaped for XMP element text (``xml.sax.saxutils.escape`` does
    the same, but brings urllib and http with it: 10 ms of the window's start)."""
    return _escape_html(text, quote=False)


@dataclass(frozen=True, slots=True)
class ImageMetadata:
    """What of the original's metadata is worth carrying into a result."""

    icc_profile: bytes | None = None
    exif: bytes | None = None
    dpi: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class Provenance:
    """How a result was made. Only what a reader of the file may see: never a key."""

    prompt: str
    model: str | None = None
    endpoint_host: str | None = None
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    software: str = "Inpaint Editor"

    def fields(self) -> dict[str, str]:
        out = {
            "Software": self.software,
            "Description": self.prompt,
            "inpaint-editor:prompt": self.prompt,
            "Creation Time": self.created.isoformat(timespec="seconds"),
        }
        if self.model:
            out["inpaint-editor:model"] = self.model
        if self.endpoint_host:
            out["inpaint-editor:endpoint"] = self.endpoint_host
        return out

    def xmp(self) -> bytes:
        extra = "".join(
            f"<ie:{tag}>{_xml_text(value)}</ie:{tag}>"
            for tag, value in (("model", self.model), ("endpoint", self.endpoint_host))
            if value
        )
        return (
            '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
            'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
            'xmlns:ie="https://inpaint-editor.invalid/ns/1.0/">'
            f"<xmp:CreatorTool>{_xml_text(self.software)}</xmp:CreatorTool>"
            f"<xmp:CreateDate>{self.created.isoformat(timespec='seconds')}</xmp:CreateDate>"
            '<dc:description><rdf:Alt><rdf:li xml:lang="x-default">'
            f"{_xml_text(self.prompt)}</rdf:li></rdf:Alt></dc:description>"
            f"{extra}</rdf:Description></rdf:RDF></x:xmpmeta>"
            '<?xpacket end="w"?>'
        ).encode()


def _rgb_profile(icc: bytes | None) -> bytes | None:
    """Keep a profile only if it describes RGB: a CMYK or grey one would mislabel our pixels."""
    if not icc:
        return None
    try:
        from PIL import ImageCms  # only when a photo carries a colour profile

        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (OSError, ValueError, TypeError):
        return None
    return icc if profile.profile.xcolor_space.strip() == "RGB" else None


def read_metadata(source: str | os.PathLike[str] | bytes) -> ImageMetadata:
    """The original's ICC/EXIF/DPI (header only; no pixels decoded). Empty when unreadable."""
    try:
        stream = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
        with stream, Image.open(stream) as im:
            exif = im.getexif()
            exif_bytes = None
            if len(exif):
                exif[_ORIENTATION_TAG] = 1  # results are stored upright
                exif_bytes = exif.tobytes()
            dpi = im.info.get("dpi")
            return ImageMetadata(
                icc_profile=_rgb_profile(im.info.get("icc_profile")),
                exif=exif_bytes,
                dpi=(float(dpi[0]), float(dpi[1])) if dpi else None,
            )
    except (OSError, ValueError, SyntaxError):
        return ImageMetadata()


def encode_for_save(
    pixels: np.ndarray,
    fmt: SaveFormat = "png",
    *,
    quality: int = 95,
    metadata: ImageMetadata | None = None,
    provenance: Provenance | None = None,
    strip: bool = False,
) -> bytes:
    """Encode a result for the user's disk. PNG (lossless) unless a lossy format is asked."""
    image = Image.fromarray(np.ascontiguousarray(pixels, dtype=np.uint8))
    if fmt == "jpeg" and image.mode == "RGBA":  # no alpha in JPEG: flatten onto white
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    options: dict[str, object] = {}
    if not strip:
        meta = metadata or ImageMetadata()
        if meta.icc_profile:
            options["icc_profile"] = meta.icc_profile
        if meta.exif:
            options["exif"] = meta.exif
        if meta.dpi and fmt != "webp":
            options["dpi"] = meta.dpi
        if provenance is not None:
            if fmt == "png":
                from PIL import PngImagePlugin  # imported at the first save, not at start

                info = PngImagePlugin.PngInfo()
                for key, value in provenance.fields().items():
                    info.add_itxt(key, value)
                info.add_itxt(_XMP_PNG_KEY, provenance.xmp().decode())
                options["pnginfo"] = info
            else:
                options["xmp"] = provenance.xmp()
    buffer = io.BytesIO()
    if fmt == "png":
        image.save(buffer, "PNG", compress_level=3, **options)
    elif fmt == "jpeg":
        image.save(
            buffer, "JPEG", quality=quality, subsampling=0 if quality >= 90 else 2, **options
        )
    elif fmt == "webp":
        image.save(buffer, "WEBP", quality=quality, lossless=quality >= 100, **options)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return buffer.getvalue()
