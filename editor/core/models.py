"""What each image model accepts (see /work/shared/api/README.md), as plain data."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from .aliases import alias_family

__all__ = [
    "FREE_SIZE_BUDGET",
    "FREE_SIZE_MAX",
    "GPT_IMAGE_SIZES",
    "LOCAL_ENGINES",
    "MODELS",
    "NATIVE_LONG_EDGE_CAP",
    "ModelSpec",
    "format_size",
    "is_known",
    "model_spec",
    "parse_size",
]

Size = tuple[int, int]

GPT_IMAGE_SIZES: tuple[Size, ...] = ((1024, 1024), (1536, 1024), (1024, 1536))
DALLE2_SIZES: tuple[Size, ...] = ((256, 256), (512, 512), (1024, 1024))
# gpt-image-2: above 2560x1440 is experimental, so that many pixels is the default budget.
FREE_SIZE_BUDGET = 2560 * 1440
FREE_SIZE_MAX: Size = (3840, 2160)  # long edge, short edge
# Unknown models and "the service's default" get the image at its own size, but a gateway is
# unlikely to take a 24 MP upload gracefully: 2048 px on the long edge is a safe common ceiling.
NATIVE_LONG_EDGE_CAP = 2048
LOCAL_ENGINES = ("patchmatch", "telea", "navier-stokes")  # the local server's models, default first


@dataclass(frozen=True)
class ModelSpec:
    name: str
    sizes: tuple[Size, ...] = ()  # fixed sizes to choose from; empty for free-size/native
    free_size: bool = False  # any WxH, multiples of 16, aspect 1:3..3:1 (gpt-image-2)
    native: bool = False  # send at the image's own size (local engines, unknown models)
    max_prompt: int = 32000
    max_n: int = 10
    max_images: int = 16
    response_formats: tuple[str, ...] = ()  # () = always b64_json: don't send response_format
    supports_json_body: bool = True
    qualities: tuple[str, ...] = ("low", "medium", "high", "auto")
    backgrounds: tuple[str, ...] = ("transparent", "opaque", "auto")
    output_formats: tuple[str, ...] = ("png", "jpeg", "webp")
    input_fidelity: bool = False
    size_multiple: int = 1  # free size: both sides must be multiples of this
    min_aspect: float = 1 / 3  # free size: w / h bounds
    max_aspect: float = 3.0
    max_free_size: Size = FREE_SIZE_MAX  # free size: (long edge, short edge) ceiling
    pixel_budget: int | None = None  # free size: pixels to aim for by default
    long_edge_cap: int | None = None  # native: downscale so the long edge fits, None = never
    known: bool = True  # False: a name neither the table nor an alias knows (we can only guess)

    @property
    def local(self) -> bool:
        return self.name in LOCAL_ENGINES

    @property
    def max_references(self) -> int:
        """Reference images a request may carry after the edited image."""
        return max(0, self.max_images - 1)

    @property
    def largest_side(self) -> int | None:
        """The longest side the model takes (references are scaled to fit); None = any."""
        if self.free_size:
            return self.max_free_size[0]
        if self.sizes and not self.native:
            return max(max(s) for s in self.sizes)
        return self.long_edge_cap


def _gpt(name: str, *, fidelity: bool = True) -> ModelSpec:
    return ModelSpec(name=name, sizes=GPT_IMAGE_SIZES, input_fidelity=fidelity)


def _local(name: str) -> ModelSpec:
    # Our own engines: one image at its own size; up to 10 variants (patch size or radius differ).
    return ModelSpec(
        name=name,
        native=True,
        max_images=1,
        qualities=(),
        backgrounds=(),
        response_formats=("url", "b64_json"),
    )


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="dall-e-2",
            sizes=DALLE2_SIZES,
            max_prompt=1000,
            max_images=1,
            response_formats=("url", "b64_json"),
            supports_json_body=False,
            qualities=("standard",),
            backgrounds=(),
            output_formats=(),
        ),
        _gpt("gpt-image-1"),
        _gpt("gpt-image-1-mini", fidelity=False),
        _gpt("gpt-image-1.5"),
        _gpt("chatgpt-image-latest"),
        ModelSpec(
            name="gpt-image-2",
            free_size=True,
            size_multiple=16,
            pixel_budget=FREE_SIZE_BUDGET,
            input_fidelity=True,
            backgrounds=("opaque", "auto"),  # it rejects transparent
        ),
        *(_local(n) for n in LOCAL_ENGINES),
    )
}


def _native_unknown(name: str) -> ModelSpec:
    return ModelSpec(name=name, native=True, long_edge_cap=NATIVE_LONG_EDGE_CAP, known=False)


def model_spec(
    name: str | None,
    *,
    profile_sizes: Sequence[Size] = (),
    aliases: Mapping[str, str] | None = None,
) -> ModelSpec:
    """The spec for a model name, tolerant of names only a gateway knows.

    - Known names (and dated snapshots such as ``gpt-image-2-2026-04-21``) get their table entry.
    - A gateway's own name gets the entry of the model the profile's ``aliases`` say it stands
      for, or that its name contains (``openai/gpt-image-1``; editor.core.aliases), under its
      own name — so it is never taken for a local engine.
    - Unknown names get ``profile_sizes`` as fixed sizes when the profile lists some, else the
      image's own size capped at NATIVE_LONG_EDGE_CAP on the long edge.
    - ``None`` means the service picks its default model: we can't know its sizes, so native
      with the same cap, and no ``size`` is sent.
    """
    if name is None or not name.strip():
        return _native_unknown("")
    key = name.strip()
    spec = MODELS.get(key) or MODELS.get(key.lower())
    if spec is None:
        base = re.sub(r"-\d{4}-\d{2}-\d{2}$", "", key.lower())  # dated snapshots
        spec = MODELS.get(base)
        if spec is not None:
            return _replace_name(spec, key)
    if spec is not None:
        return spec
    family = alias_family(key, aliases, MODELS)
    if family is not None and family in MODELS:
        return _replace_name(MODELS[family], key)
    if profile_sizes:
        sizes = tuple((int(w), int(h)) for w, h in profile_sizes)
        return ModelSpec(name=key, sizes=sizes, known=False)
    return _native_unknown(key)


def is_known(name: str | None) -> bool:
    """Whether the model table (not a guess for a gateway's name) describes ``name``."""
    if name is None or not name.strip():
        return False
    key = name.strip().lower()
    return key in MODELS or re.sub(r"-\d{4}-\d{2}-\d{2}$", "", key) in MODELS


def _replace_name(spec: ModelSpec, name: str) -> ModelSpec:
    return replace(spec, name=name)


_SIZE_RE = re.compile(r"^\s*(\d{1,6})\s*[x×X*]\s*(\d{1,6})\s*$")


def parse_size(text: str) -> Size:
    """``"1536x1024"`` → ``(1536, 1024)``; raises ValueError for anything else."""
    m = _SIZE_RE.match(text)
    if m is None:
        raise ValueError(f"{text!r} is not a size like 1536x1024")
    w, h = int(m.group(1)), int(m.group(2))
    if w <= 0 or h <= 0:
        raise ValueError(f"{text!r} has a zero side")
    return w, h


def format_size(size: Size) -> str:
    return f"{int(size[0])}x{int(size[1])}"
