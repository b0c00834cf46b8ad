"""``session.json``: the session's own record, versioned so older files keep loading."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ._errors import StoreReadError
from ._paths import UnsafeName, plain_name

__all__ = ["SCHEMA_VERSION", "SESSION_FILE", "SessionMeta", "now_iso"]

SCHEMA_VERSION = 1
SESSION_FILE = "session.json"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True, slots=True)
class SessionMeta:
    id: str
    created: str
    name: str
    original_file: str  # name of the stored original inside the session folder
    original_name: str | None  # the file name the user opened, if any
    width: int
    height: int
    prompt: str = ""
    mask: str | None = None  # current mask snapshot, a file name under masks/
    rounds: tuple[str, ...] = ()  # round ids in the order they were started
    app_version: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "id": self.id,
            "created": self.created,
            "name": self.name,
            "original": {
                "file": self.original_file,
                "name": self.original_name,
                "width": self.width,
                "height": self.height,
            },
            "prompt": self.prompt,
            "mask": self.mask,
            "rounds": list(self.rounds),
            "app_version": self.app_version,
        }

    @classmethod
    def from_json(cls, raw: Any, label: str) -> SessionMeta:
        if not isinstance(raw, Mapping):
            raise StoreReadError(f"Could not read {label}: it is not a session file")
        schema = raw.get("schema", 0)
        if not isinstance(schema, int) or schema > SCHEMA_VERSION:
            raise StoreReadError(
                f"Could not read {label}: it was saved by a newer Inpaint Editor "
                f"(format {schema}, this version reads up to {SCHEMA_VERSION})"
            )
        data = _MIGRATIONS.get(schema, _identity)(dict(raw))
        try:
            original = data["original"]
            return cls(
                id=str(data["id"]),
                created=str(data.get("created", "")),
                name=str(data.get("name", "")),
                original_file=plain_name(original["file"], "the original's file"),
                original_name=original.get("name"),
                width=int(original.get("width", 0)),
                height=int(original.get("height", 0)),
                prompt=str(data.get("prompt") or ""),
                mask=None if data.get("mask") is None else plain_name(data["mask"], "a mask file"),
                rounds=tuple(plain_name(r, "a round id") for r in data.get("rounds") or ()),
                app_version=str(data.get("app_version", "")),
            )
        except (KeyError, TypeError, ValueError) as e:
            why = str(e) if isinstance(e, UnsafeName) else "a field is missing or wrong"
            raise StoreReadError(f"Could not read {label}: {why}") from e


def _identity(data: dict[str, Any]) -> dict[str, Any]:
    return data


def _from_v0(data: dict[str, Any]) -> dict[str, Any]:
    """Format 0 (pre-release): ``original`` was a bare file name and there was no round list."""
    original = data.get("original")
    if isinstance(original, str):
        data["original"] = {"file": original, "name": data.get("original_name")}
    return data


_MIGRATIONS = {0: _from_v0}
