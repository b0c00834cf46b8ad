"""The manifest of a batch: which images are done, failed or skipped, with their inputs'
hashes, outputs and errors, so running the same command again goes on where it stopped.

It lives in the output folder as ``batch-<key>.json``; ``key`` is a digest of what the batch
asks (prompts, options, the mask or mask folder's contents), so a different prompt or mask is
another batch with its own manifest and its own output names, never a resume of this one.
Written atomically after every image.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from editor.core.atomic import atomic_write_bytes

__all__ = ["BatchManifest", "ItemRecord", "batch_key", "file_digest"]

DONE, FAILED, SKIPPED = "done", "failed", "skipped"


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def batch_key(asked: dict[str, Any]) -> str:
    """A short digest of what the batch asks (JSON of ``asked``, keys sorted)."""
    text = json.dumps(asked, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(slots=True)
class ItemRecord:
    state: str  # done | failed | skipped
    image_sha256: str = ""
    mask_sha256: str = ""
    outputs: list[str] = field(default_factory=list)
    error: str = ""
    cost: float | None = None
    seconds: float = 0.0


class BatchManifest:
    def __init__(self, path: Path, key: str, asked: dict[str, Any]) -> None:
        self.path = path
        self.key = key
        self.asked = asked
        self.items: dict[str, ItemRecord] = {}

    @classmethod
    def open(cls, out_dir: Path, asked: dict[str, Any]) -> BatchManifest:
        """This batch's manifest in ``out_dir``: read back when the same batch ran before."""
        key = batch_key(asked)
        manifest = cls(out_dir / f"batch-{key}.json", key, asked)
        if manifest.path.is_file():
            data = json.loads(manifest.path.read_text())
            for name, raw in (data.get("items") or {}).items():
                known = {k: v for k, v in raw.items() if k in ItemRecord.__dataclass_fields__}
                manifest.items[name] = ItemRecord(**known)
        return manifest

    def done(self, name: str, image_sha: str, mask_sha: str) -> bool:
        """True when ``name`` was done from these very inputs and its outputs are all there."""
        item = self.items.get(name)
        return (
            item is not None
            and item.state == DONE
            and item.image_sha256 == image_sha
            and item.mask_sha256 == mask_sha
            and all((self.path.parent / out).is_file() for out in item.outputs)
        )

    def record(self, name: str, item: ItemRecord) -> None:
        self.items[name] = item
        self.save()

    def save(self) -> None:
        data = {
            "key": self.key,
            "asked": self.asked,
            "items": {name: asdict(item) for name, item in sorted(self.items.items())},
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.path, json.dumps(data, indent=2, default=str).encode())
