"""One round of editing as saved on disk: what was asked, from which base, what came back.

Rounds form a tree: a round's base is the original image or a variant of an earlier round
("use as base"), named by that round's id and the variant's index.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from editor.core.markup_layer import MarkupLayer, Shape
from editor.core.params import ApiOptions, EditParams
from editor.core.request import OMIT

from ._paths import plain_name

__all__ = [
    "ORIGINAL",
    "BaseRef",
    "ExpansionRecord",
    "ReferenceRecord",
    "RoundRecord",
    "RoundState",
    "VariantRecord",
    "decode_params",
    "encode_params",
]


class RoundState(enum.StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"  # the app stopped (crash, kill) while the round was running

    @property
    def finished(self) -> bool:
        return self is not RoundState.RUNNING


@dataclass(frozen=True, slots=True)
class BaseRef:
    """What a round edits: the original (both None) or variant ``variant`` of ``round_id``."""

    round_id: str | None = None
    variant: int | None = None

    def __post_init__(self) -> None:
        if (self.round_id is None) != (self.variant is None):
            raise ValueError("a base is either the original or a round id with a variant index")

    @property
    def is_original(self) -> bool:
        return self.round_id is None

    def to_json(self) -> dict[str, Any] | None:
        return None if self.round_id is None else {"round": self.round_id, "variant": self.variant}

    @classmethod
    def from_json(cls, value: Any) -> BaseRef:
        if not value:
            return ORIGINAL
        return cls(plain_name(value["round"], "a round id"), int(value["variant"]))


ORIGINAL = BaseRef()


@dataclass(frozen=True, slots=True)
class VariantRecord:
    index: int
    file: str  # name inside the round's folder
    revised_prompt: str | None = None
    proxy: str | None = None  # a screen-sized copy beside it, shown while the file decodes

    def to_json(self) -> dict[str, Any]:
        out = {"index": self.index, "file": self.file, "revised_prompt": self.revised_prompt}
        if self.proxy is not None:
            out["proxy"] = self.proxy
        return out

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> VariantRecord:
        revised = value.get("revised_prompt")
        proxy = value.get("proxy")
        return cls(
            int(value["index"]),
            plain_name(value["file"], "a variant file"),
            None if revised is None else str(revised),
            None if proxy is None else plain_name(proxy, "a proxy file"),
        )


@dataclass(frozen=True, slots=True)
class ExpansionRecord:
    """A round that grew the canvas (Expand Canvas): pixels added per side, the seam band it
    keeps in the mask, and the grown frame's (width, height). Its variant 0 is that frame."""

    sides: tuple[int, int, int, int]  # left, top, right, bottom
    seam_band: int
    size: tuple[int, int]

    def to_json(self) -> dict[str, Any]:
        return {"sides": list(self.sides), "seam_band": self.seam_band, "size": list(self.size)}

    @classmethod
    def from_json(cls, value: Any) -> ExpansionRecord | None:
        if not isinstance(value, Mapping):
            return None
        try:
            left, top, right, bottom = (int(v) for v in value["sides"])
            w, h = (int(v) for v in value["size"])
            return cls((left, top, right, bottom), int(value.get("seam_band", 0)), (w, h))
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True, slots=True)
class ReferenceRecord:
    """A reference image sent with the round, kept as a PNG in the round's folder so the round
    can be sent again after the original file moved. Its place in ``RoundRecord.references``
    is its label ("image 2", "image 3", …)."""

    file: str  # name inside the round's folder
    name: str  # the user's file name, shown beside it; never sent
    source: str | None = None  # where it was loaded from

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "name": self.name, "source": self.source}

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> ReferenceRecord:
        source = value.get("source")
        return cls(
            plain_name(value["file"], "a reference file"),
            str(value.get("name", value["file"])),
            source and str(source),
        )


@dataclass(frozen=True, slots=True)
class RegionRecord:
    """One region of a round sent over several: its name, prompt ("" = the round's), overlay
    colour and mask snapshot (a file under ``masks/``)."""

    name: str
    prompt: str
    color: str
    mask: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "prompt": self.prompt, "color": self.color, "mask": self.mask}

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> RegionRecord:
        return cls(
            name=str(value.get("name", "")),
            prompt=str(value.get("prompt", "")),
            color=str(value.get("color", "")),
            mask=plain_name(value["mask"], "a region's mask file"),
        )


@dataclass(frozen=True, slots=True)
class RoundRecord:
    """A round as stored in ``rounds/<id>/round.json``. Immutable: the store swaps in new copies.

    ``params`` is what the round asked, without its reference images (those are files in the
    round's folder, listed in ``references``).
    ``mask`` is the mask snapshot's file name under ``masks/`` (None: no mask was sent).
    """

    id: str
    seq: int
    prompt: str
    base: BaseRef = ORIGINAL
    mask: str | None = None
    params: EditParams = field(default_factory=lambda: EditParams(ApiOptions("")))
    state: RoundState = RoundState.RUNNING
    started: str = ""  # ISO 8601 UTC
    finished: str | None = None
    variants: tuple[VariantRecord, ...] = ()
    timings: Mapping[str, float] = field(default_factory=dict)
    usage: Mapping[str, Any] | None = None
    request_id: str | None = None
    error: str | None = None
    profile: str | None = None  # id of the endpoint profile it was sent to
    references: tuple[ReferenceRecord, ...] = ()  # in the order sent, "image 2" first
    expansion: ExpansionRecord | None = None  # Expand Canvas: nothing was sent
    markup: tuple[Shape, ...] = ()  # the markup layer's shapes sent with it
    regions: tuple[RegionRecord, ...] = ()  # a round over several regions, in order

    @property
    def parent(self) -> str | None:
        return self.base.round_id

    @property
    def revised_prompts(self) -> tuple[str | None, ...]:
        return tuple(v.revised_prompt for v in self.variants)

    def variant(self, index: int) -> VariantRecord | None:
        return next((v for v in self.variants if v.index == index), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "seq": self.seq,
            "prompt": self.prompt,
            "base": self.base.to_json(),
            "mask": self.mask,
            "params": encode_params(self.params),
            "state": self.state.value,
            "started": self.started,
            "finished": self.finished,
            "variants": [v.to_json() for v in self.variants],
            "timings": dict(self.timings),
            "usage": None if self.usage is None else dict(self.usage),
            "request_id": self.request_id,
            "error": self.error,
            "profile": self.profile,
            "references": [r.to_json() for r in self.references],
            "expansion": None if self.expansion is None else self.expansion.to_json(),
            "markup": [s.to_json() for s in self.markup],
            "regions": [r.to_json() for r in self.regions],
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> RoundRecord:
        """Tolerant of older files: every field but ``id`` has a default."""
        try:
            state = RoundState(value.get("state", "interrupted"))
        except ValueError:
            state = RoundState.INTERRUPTED
        usage = value.get("usage")
        variants = sorted(
            (VariantRecord.from_json(v) for v in value.get("variants") or ()),
            key=lambda v: v.index,
        )
        return cls(
            id=plain_name(value["id"], "a round id"),
            seq=int(value.get("seq", 0)),
            prompt=str(value.get("prompt", "")),
            base=BaseRef.from_json(value.get("base")),
            mask=None if value.get("mask") is None else plain_name(value["mask"], "a mask file"),
            params=decode_params(value.get("params") or {}),
            state=state,
            started=str(value.get("started", "")),
            finished=value.get("finished"),
            variants=tuple(variants),
            timings={str(k): float(v) for k, v in (value.get("timings") or {}).items()},
            usage=None if usage is None else dict(usage),
            request_id=value.get("request_id"),
            error=value.get("error"),
            profile=value.get("profile"),
            references=tuple(ReferenceRecord.from_json(r) for r in value.get("references") or ()),
            expansion=ExpansionRecord.from_json(value.get("expansion")),
            markup=_markup(value.get("markup")),
            regions=tuple(RegionRecord.from_json(r) for r in value.get("regions") or ()),
        )


def _markup(value: Any) -> tuple[Shape, ...]:
    """Saved shapes; a record hand-edited into something else loses its markup, not the round."""
    if not value:
        return ()
    try:
        return MarkupLayer.shapes_from_json(value)
    except ValueError:
        return ()


# --- parameters ------------------------------------------------------------------------------

_OMIT_JSON = {"$omit": True}


def _to_json_value(value: Any) -> Any:
    if value is OMIT:
        return dict(_OMIT_JSON)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_to_json_value(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _to_json_value(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot save a parameter of type {type(value).__name__}")


def _from_json_value(value: Any) -> Any:
    if value == _OMIT_JSON:
        return OMIT
    if isinstance(value, list):
        return tuple(_from_json_value(v) for v in value)
    if isinstance(value, dict):
        return {k: _from_json_value(v) for k, v in value.items()}
    return value


_KEPT_AS_FILES = ("api", "references")  # not JSON values: nested, or images in the folder
_API_FIELDS = frozenset(f.name for f in dataclasses.fields(ApiOptions))
_ROUND_FIELDS = frozenset(
    f.name for f in dataclasses.fields(EditParams) if f.name not in _KEPT_AS_FILES
)


def encode_params(params: EditParams) -> dict[str, Any]:
    """A round's parameters → JSON-safe dict: the API options nested under ``"api"``, OMIT kept,
    tuples as lists. The reference images are left out (the round keeps them as files)."""
    api = {name: _to_json_value(getattr(params.api, name)) for name in sorted(_API_FIELDS)}
    rest = {name: _to_json_value(getattr(params, name)) for name in sorted(_ROUND_FIELDS)}
    return {"api": api, **rest}


def decode_params(saved: Mapping[str, Any]) -> EditParams:
    """Undo :func:`encode_params`. Reads the flat form older sessions wrote too (every field at
    the top), and drops keys it doesn't know (saved by a newer version)."""
    nested = saved.get("api")
    api_part: Mapping[str, Any] = nested if isinstance(nested, Mapping) else saved
    api = {k: _from_json_value(v) for k, v in api_part.items() if k in _API_FIELDS}
    api.setdefault("prompt", "")
    rest = {k: _from_json_value(v) for k, v in saved.items() if k in _ROUND_FIELDS}
    return EditParams(ApiOptions(**api), **rest)
