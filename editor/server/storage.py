"""Results served at ``/v1/files/{id}.{ext}`` for ``response_format=url``: bounded, expiring."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StoredFile:
    data: bytes
    content_type: str
    ext: str
    expires_at: float


class ResultStore:
    """In-memory and bounded: the oldest go first past ``capacity`` files or ``max_bytes``
    (full-resolution results can be tens of MB each); all expire after the TTL. ``single_use``:
    a file is gone once read (the in-process engine's client reads each link once, and one
    engine serves every job, so nothing should linger)."""

    def __init__(
        self,
        *,
        capacity: int = 256,
        max_bytes: int = 512 * 1024 * 1024,
        ttl_seconds: float = 3600.0,
        single_use: bool = False,
    ) -> None:
        self._single_use = single_use
        self._files: OrderedDict[str, StoredFile] = OrderedDict()
        self._capacity = capacity
        self._max_bytes = max_bytes
        self._bytes = 0
        self._ttl = ttl_seconds
        self._lock = threading.Lock()  # results are stored from worker threads

    def put(self, data: bytes, content_type: str, ext: str) -> str:
        """Store and return the file name, ``img_<hex>.<ext>``."""
        file_id = "img_" + secrets.token_hex(16)
        with self._lock:
            self._evict(time.monotonic())
            self._files[file_id] = StoredFile(data, content_type, ext, time.monotonic() + self._ttl)
            self._bytes += len(data)
            # The newest file always stays, even when it alone is over the byte budget.
            while len(self._files) > 1 and (
                len(self._files) > self._capacity or self._bytes > self._max_bytes
            ):
                _, oldest = self._files.popitem(last=False)
                self._bytes -= len(oldest.data)
        return f"{file_id}.{ext}"

    def get(self, name: str) -> StoredFile | None:
        file_id, _, ext = name.partition(".")
        with self._lock:
            self._evict(time.monotonic())
            stored = self._files.get(file_id)
            if stored is None or stored.ext != ext:
                return None
            if self._single_use:
                del self._files[file_id]
                self._bytes -= len(stored.data)
        return stored

    def __len__(self) -> int:
        with self._lock:
            return len(self._files)

    def _evict(self, now: float) -> None:
        expired = [k for k, f in self._files.items() if f.expires_at <= now]
        for key in expired:
            self._bytes -= len(self._files.pop(key).data)
