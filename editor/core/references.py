"""Reference images: extra pictures sent after the edited one, for the prompt to point at.

The edited image is "image 1"; references are "image 2", "image 3", … in the order given, the
names a prompt can use. Each is scaled to at most the model's largest side, keeping its aspect
(the context crop and padding apply to the edited image only). ``path`` is where a reference
came from, so a round can record it and a session restore it.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from editor.core.imageio import encode_png, load_image
from editor.core.models import ModelSpec
from editor.core.request import ImageInput
from editor.core.sizing import resize

__all__ = [
    "Reference",
    "load_reference",
    "reference_inputs",
    "reference_label",
    "reference_records",
    "references_refusal",
    "scaled_reference",
    "scaled_size",
]

Size = tuple[int, int]


@dataclass(frozen=True, slots=True, eq=False)
class Reference:
    """One reference image: RGB or RGBA uint8 pixels, its file name (for the strip and the
    records; never sent), where it came from."""

    pixels: np.ndarray
    name: str = "reference.png"
    path: str | None = None

    @property
    def size(self) -> Size:
        return int(self.pixels.shape[1]), int(self.pixels.shape[0])


def load_reference(path: str | os.PathLike[str]) -> Reference:
    """Read a reference from disk; ImageLoadError (a plain message) when it can't be used."""
    loaded = load_image(path)
    name = os.path.basename(os.fspath(path)) or "reference.png"
    return Reference(loaded.pixels, name=name, path=os.path.abspath(path))


def reference_label(position: int) -> str:
    """The name a prompt uses for the reference at ``position`` (0-based): "image 2", …"""
    return f"image {position + 2}"


def references_refusal(spec: ModelSpec, count: int) -> str | None:
    """Why ``count`` references can't go to this model, in plain words; None when they can."""
    if count <= 0:
        return None
    limit = spec.max_references
    if limit == 0:
        if spec.local:
            return (
                f"The local engine {spec.name} fills from the edited image alone; it takes no "
                "reference images. Remove them or pick a model that takes them."
            )
        return f"{spec.name} edits one image only; it takes no reference images."
    if count > limit:
        return (
            f"{spec.name} takes at most {limit} reference images with the edited one "
            f"({count} added)."
        )
    return None


def scaled_size(size: Size, spec: ModelSpec) -> Size:
    """(w, h) shrunk so the long side is at most the model's largest side (never enlarged)."""
    w, h = int(size[0]), int(size[1])
    side = spec.largest_side
    if side is None or max(w, h) <= side:
        return w, h
    s = side / max(w, h)
    return max(1, min(side, round(w * s))), max(1, min(side, round(h * s)))


def scaled_reference(pixels: np.ndarray, spec: ModelSpec) -> np.ndarray:
    """``pixels`` as sent to the model: see scaled_size."""
    h, w = pixels.shape[:2]
    return resize(pixels, scaled_size((w, h), spec))


def reference_records(
    references: tuple[Reference, ...], spec: ModelSpec
) -> list[dict[str, object]]:
    """What a round records of its references (a sidecar, a session): the name the prompt uses,
    where each came from (load_reference reads it back), its size and the size sent."""
    return [
        {
            "label": reference_label(i),
            "file": ref.path or ref.name,
            "size": list(ref.size),
            "sent_size": list(scaled_size(ref.size, spec)),
        }
        for i, ref in enumerate(references)
    ]


def reference_inputs(references: tuple[Reference, ...], spec: ModelSpec) -> tuple[ImageInput, ...]:
    """Each reference scaled for the model and encoded as PNG, in order.

    Several run side by side: OpenCV's resize and PNG encoder release the interpreter, and four
    24 MP references cost about a second one after the other.
    """

    def one(item: tuple[int, Reference]) -> ImageInput:
        i, ref = item
        data = encode_png(scaled_reference(ref.pixels, spec))
        # Named after the label the prompt uses, like the edited image's plain "image.png":
        # the user's own file names stay on this computer.
        return ImageInput(data=data, filename=f"image-{i + 2}.png")

    items = list(enumerate(references))
    if len(items) <= 1:
        return tuple(one(item) for item in items)
    with ThreadPoolExecutor(max_workers=min(len(items), os.cpu_count() or 2, 4)) as pool:
        return tuple(pool.map(one, items))
