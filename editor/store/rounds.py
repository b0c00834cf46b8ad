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

from editor.core.request import OMIT

__all__ = [
    "ORIGINAL",
    "BaseRef",
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
        return cls(str(value["round"]), int(value["variant"]))


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
            str(value["file"]),
            None if revised is None else str(revised),
            None if proxy is None else str(proxy),
        )


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
            str(value["file"]), str(value.get("name", value["file"])), source and str(source)
        )


@dataclass(frozen=True, slots=True)
class RoundRecord:
    """A round as stored in ``rounds/<id>/round.json``. Immutable: the store swaps in new copies.

    ``params`` is the JSON form of the round's parameters (see :func:`encode_params`); use
    :func:`decode_params` to rebuild keyword arguments (``EditParams(**decode_params(r.params))``).
    ``mask`` is the mask snapshot's file name under ``masks/`` (None: no mask was sent).
    """

    id: str
    seq: int
    prompt: str
    base: BaseRef = ORIGINAL
    mask: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
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
            "params": dict(self.params),
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
            id=str(value["id"]),
            seq=int(value.get("seq", 0)),
            prompt=str(value.get("prompt", "")),
            base=BaseRef.from_json(value.get("base")),
            mask=value.get("mask"),
            params=dict(value.get("params") or {}),
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
        )


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


def encode_params(params: Any) -> dict[str, Any]:
    """A dataclass (``EditParams``) or mapping → JSON-safe dict (OMIT kept, tuples → lists)."""
    if dataclasses.is_dataclass(params) and not isinstance(params, type):
        items = {f.name: getattr(params, f.name) for f in dataclasses.fields(params)}
    elif isinstance(params, Mapping):
        items = dict(params)
    else:
        raise TypeError("params must be a dataclass instance or a mapping")
    return {str(k): _to_json_value(v) for k, v in items.items()}


def decode_params(params: Mapping[str, Any], into: type | None = None) -> dict[str, Any]:
    """Undo :func:`encode_params`: OMIT restored, lists → tuples (``profile_sizes`` included).

    With ``into`` (a dataclass such as ``EditParams``) keys it doesn't know — saved by a newer
    version — are dropped, so ``EditParams(**decode_params(r.params, EditParams))`` always works.
    """
    keep = {f.name for f in dataclasses.fields(into)} if into is not None else None
    return {k: _from_json_value(v) for k, v in params.items() if keep is None or k in keep}
