"""The session store: one folder per session under ``<user data>/inpaint-editor/sessions``.

sessions/<id>/
    session.json             id, name, created, original, prompt, current mask, round list
    original.<ext>           the image as opened (its own bytes) or a lossless PNG
    thumbnail.png            ≤256 px preview for the history list
    open.lock                present while an app has the session open (PID inside)
    masks/<hash>.png         mask snapshots, API convention (alpha 0 = edit), deduplicated
    rounds/r0001/round.json  prompt, params, base, mask ref, state, timings, usage, …
    rounds/r0001/variant-0.png
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import secrets
import shutil
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import numpy as np

import editor
from editor.core.imageio import ImageLoadError, encode_png, load_image

from ._errors import SessionInUse, SessionNotFound, StoreError, StoreReadError, StoreWriteError
from ._fsio import describe_os_error, make_dir, read_json, write_durable, write_json
from ._images import image_suffix, thumbnail_png
from ._meta import SESSION_FILE, SessionMeta, now_iso
from ._paths import default_sessions_root
from .marker import read_marker, remove_marker, write_marker
from .rounds import RoundRecord, RoundState, VariantRecord
from .session import ROUND_FILE, ROUNDS_DIR, THUMBNAIL_FILE, Session

__all__ = ["SessionInfo", "SessionStatus", "SessionStore"]

log = logging.getLogger(__name__)

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_VARIANT_RE = re.compile(r"^variant-(\d+)\.png$")


class SessionStatus(StrEnum):
    CLOSED = "closed"
    OPEN = "open"  # open in this or another running app
    CRASHED = "crashed"  # the app that had it open is gone: offer to restore


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """One line of the session list."""

    id: str
    name: str
    path: Path
    created: datetime
    modified: datetime
    size_bytes: int
    thumbnail: Path | None
    rounds: int
    status: SessionStatus


class SessionStore:
    """Creates, opens, lists, deletes and prunes sessions under ``root``.

    ``root`` defaults to ``$INPAINT_EDITOR_DATA_DIR/sessions`` or the platform's user data folder.
    ``budget_bytes`` is what :meth:`cleanup` keeps to when called without an argument.
    """

    def __init__(
        self,
        root: Path | str | None = None,
        *,
        app_version: str | None = None,
        budget_bytes: int | None = None,
    ) -> None:
        self._root = Path(root) if root is not None else default_sessions_root()
        self._app_version = app_version if app_version is not None else editor.__version__
        self.budget_bytes = budget_bytes
        self._open: dict[str, Session] = {}
        self._lock = threading.Lock()

    @property
    def root(self) -> Path:
        return self._root

    @property
    def open_sessions(self) -> tuple[Session, ...]:
        with self._lock:
            return tuple(self._open.values())

    # --- create / open ------------------------------------------------------------------------

    def create(
        self,
        original: bytes | np.ndarray | Path | str,
        *,
        name: str | None = None,
        original_name: str | None = None,
    ) -> Session:
        """A new session for an image: a file path or its bytes (stored as given) or pixels (PNG).

        Raises StoreWriteError if the folder can't be written (nothing is left behind) and
        StoreError if the image can't be read.
        """
        data, suffix, pixels, given_name = self._original_bytes(original)
        original_name = original_name or given_name
        label = name or (Path(original_name).stem if original_name else "Untitled")
        session_id = self._new_id()
        folder = self._root / session_id
        make_dir(self._root, "sessions")
        try:
            folder.mkdir()
        except OSError as e:
            raise StoreWriteError(
                f"Could not create the session folder {folder}: {describe_os_error(e)}"
            ) from e
        meta = SessionMeta(
            id=session_id,
            created=now_iso(),
            name=label,
            original_file=f"original{suffix}",
            original_name=original_name,
            width=int(pixels.shape[1]),
            height=int(pixels.shape[0]),
            app_version=self._app_version,
        )
        try:
            write_durable(folder / meta.original_file, data, "the original image")
            write_durable(folder / THUMBNAIL_FILE, thumbnail_png(pixels), "the thumbnail")
            write_json(folder / SESSION_FILE, meta.to_json(), "the session")
            write_marker(folder)
        except StoreWriteError:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        session = Session(folder, meta, {}, on_close=self._forget)
        with self._lock:
            self._open[session_id] = session
        log.info("created session %s (%s)", session_id, label)
        return session

    def open(self, session_id: str, *, take_over: bool = False) -> Session:
        """Open a session for writing (e.g. to restore it after a crash).

        Rounds that were running when its app stopped come back as ``interrupted``. Raises
        SessionInUse if another running app has it open (``take_over=True`` opens it anyway),
        SessionNotFound, or StoreReadError if session.json is damaged.
        """
        folder = self._folder(session_id)
        with self._lock:
            if session_id in self._open:
                return self._open[session_id]
            marker = read_marker(folder)
            if marker is not None and marker.alive and not take_over:
                where = "here" if marker.pid == os.getpid() else f"in process {marker.pid}"
                raise SessionInUse(
                    f"The session {session_id} is already open ({where}); close it there first"
                )
            meta, rounds = _load(folder)
            write_marker(folder)
            session = Session(folder, meta, rounds, on_close=self._forget)
            self._open[session_id] = session
        _sweep_temp_files(folder)
        session._interrupt_running()
        return session

    def read(self, session_id: str) -> tuple[SessionMeta, tuple[RoundRecord, ...]]:
        """Look at a session without opening it (no marker written, running rounds left as is)."""
        meta, rounds = _load(self._folder(session_id))
        return meta, tuple(sorted(rounds.values(), key=lambda r: (r.seq, r.id)))

    # --- listing ------------------------------------------------------------------------------

    def list_sessions(self) -> list[SessionInfo]:
        """Every readable session, most recently modified first."""
        infos = []
        for folder in self._session_folders():
            try:
                infos.append(self._info(folder))
            except StoreError as e:
                log.warning("skipping session folder %s: %s", folder, e)
        infos.sort(key=lambda i: i.modified, reverse=True)
        return infos

    def info(self, session_id: str) -> SessionInfo:
        return self._info(self._folder(session_id))

    def find_crashed(self) -> list[SessionInfo]:
        """Sessions whose app died with them open (marker left, its process gone)."""
        return [i for i in self.list_sessions() if i.status is SessionStatus.CRASHED]

    def dismiss_crashed(self, session_id: str) -> None:
        """The user declined to restore: drop the stale marker so it isn't offered again."""
        folder = self._folder(session_id)
        marker = read_marker(folder)
        if marker is not None and not marker.alive:
            remove_marker(folder)

    def total_size(self) -> int:
        return sum(_disk_usage(f)[0] for f in self._session_folders())

    # --- deleting -----------------------------------------------------------------------------

    def delete_session(self, session_id: str) -> None:
        """Delete a session's folder. Refuses a session open here or in another running app."""
        folder = self._folder(session_id)
        with self._lock:
            if session_id in self._open:
                raise SessionInUse(f"The session {session_id} is open; close it before deleting")
            marker = read_marker(folder)
            if marker is not None and marker.alive:
                raise SessionInUse(
                    f"The session {session_id} is open in another Inpaint Editor "
                    f"(process {marker.pid})"
                )
            try:
                shutil.rmtree(folder)
            except OSError as e:
                raise StoreWriteError(
                    f"Could not delete the session {folder}: {describe_os_error(e)}"
                ) from e
        log.info("deleted session %s", session_id)

    def cleanup(self, budget: int | None = None) -> list[str]:
        """Delete the oldest sessions until the total fits ``budget`` bytes; returns their ids.

        Never deletes a session that is open (here or elsewhere) nor one waiting to be restored
        after a crash. Without ``budget`` uses :attr:`budget_bytes` (None: do nothing).
        """
        budget = budget if budget is not None else self.budget_bytes
        if budget is None:
            return []
        infos = self.list_sessions()
        total = sum(i.size_bytes for i in infos)
        deleted: list[str] = []
        for info in sorted(infos, key=lambda i: i.modified):
            if total <= budget:
                break
            if info.status is not SessionStatus.CLOSED or info.id in self._open:
                continue
            try:
                self.delete_session(info.id)
            except StoreError as e:
                log.warning("cleanup kept session %s: %s", info.id, e)
                continue
            total -= info.size_bytes
            deleted.append(info.id)
        return deleted

    # --- async twins --------------------------------------------------------------------------

    async def create_async(
        self,
        original: bytes | np.ndarray | Path | str,
        *,
        name: str | None = None,
        original_name: str | None = None,
    ) -> Session:
        return await asyncio.to_thread(
            lambda: self.create(original, name=name, original_name=original_name)
        )

    async def open_async(self, session_id: str, *, take_over: bool = False) -> Session:
        return await asyncio.to_thread(lambda: self.open(session_id, take_over=take_over))

    async def list_sessions_async(self) -> list[SessionInfo]:
        return await asyncio.to_thread(self.list_sessions)

    async def find_crashed_async(self) -> list[SessionInfo]:
        return await asyncio.to_thread(self.find_crashed)

    async def delete_session_async(self, session_id: str) -> None:
        await asyncio.to_thread(self.delete_session, session_id)

    async def cleanup_async(self, budget: int | None = None) -> list[str]:
        return await asyncio.to_thread(self.cleanup, budget)

    # --- internals ----------------------------------------------------------------------------

    def _forget(self, session: Session) -> None:
        with self._lock:
            if self._open.get(session.id) is session:
                del self._open[session.id]

    def _folder(self, session_id: str) -> Path:
        if not _ID_RE.match(session_id):
            raise SessionNotFound(f"There is no session {session_id!r}")
        folder = self._root / session_id
        if not (folder / SESSION_FILE).is_file():
            raise SessionNotFound(f"There is no session {session_id!r} in {self._root}")
        return folder

    def _session_folders(self) -> list[Path]:
        try:
            children = list(self._root.iterdir())
        except FileNotFoundError:
            return []
        except OSError as e:
            raise StoreReadError(
                f"Could not list the sessions in {self._root}: {describe_os_error(e)}"
            ) from e
        return [c for c in children if _ID_RE.match(c.name) and (c / SESSION_FILE).is_file()]

    def _info(self, folder: Path) -> SessionInfo:
        meta = SessionMeta.from_json(read_json(folder / SESSION_FILE, "the session"), str(folder))
        size, mtime = _disk_usage(folder)
        marker = read_marker(folder)
        if marker is None:
            status = SessionStatus.CLOSED
        elif folder.name in self._open or marker.alive:
            status = SessionStatus.OPEN
        else:
            status = SessionStatus.CRASHED
        thumb = folder / THUMBNAIL_FILE
        rounds_dir = folder / ROUNDS_DIR
        n_rounds = sum(1 for _ in rounds_dir.iterdir()) if rounds_dir.is_dir() else 0
        return SessionInfo(
            id=meta.id,
            name=meta.name,
            path=folder,
            created=_parse_time(meta.created, mtime),
            modified=datetime.fromtimestamp(mtime, UTC),
            size_bytes=size,
            thumbnail=thumb if thumb.is_file() else None,
            rounds=n_rounds,
            status=status,
        )

    def _new_id(self) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        while True:
            candidate = f"{stamp}-{secrets.token_hex(3)}"
            if not (self._root / candidate).exists():
                return candidate

    @staticmethod
    def _original_bytes(
        original: bytes | np.ndarray | Path | str,
    ) -> tuple[bytes, str, np.ndarray, str | None]:
        """(bytes to store, file suffix, decoded pixels, the file name given)."""
        if isinstance(original, np.ndarray):
            if original.ndim != 3 or original.shape[2] not in (3, 4) or original.dtype != np.uint8:
                raise ValueError("an original is an H×W×3 or H×W×4 uint8 array")
            return encode_png(original), ".png", original, None
        given_name = None
        if isinstance(original, Path | str):
            path = Path(original)
            given_name = path.name
            try:
                data = path.read_bytes()
            except OSError as e:
                raise StoreReadError(f"Could not read {path}: {describe_os_error(e)}") from e
        else:
            data = bytes(original)
        try:
            loaded = load_image(data, name=given_name)
        except ImageLoadError as e:
            raise StoreError(str(e)) from e
        return data, image_suffix(loaded.format), loaded.pixels, given_name


# --- loading -----------------------------------------------------------------------------------


def _load(folder: Path) -> tuple[SessionMeta, dict[str, RoundRecord]]:
    meta = SessionMeta.from_json(read_json(folder / SESSION_FILE, "the session"), str(folder))
    rounds: dict[str, RoundRecord] = {}
    rounds_dir = folder / ROUNDS_DIR
    ids = list(meta.rounds)
    if rounds_dir.is_dir():
        ids += sorted(c.name for c in rounds_dir.iterdir() if c.is_dir() and c.name not in ids)
    for position, round_id in enumerate(ids):
        record = _load_round(rounds_dir / round_id, round_id, position + 1)
        if record is not None:
            rounds[record.id] = record
    return meta, rounds


def _load_round(folder: Path, round_id: str, fallback_seq: int) -> RoundRecord | None:
    if not folder.is_dir():
        return None
    has_images = any(_VARIANT_RE.match(c.name) for c in folder.iterdir())
    if not (folder / ROUND_FILE).exists() and not has_images:
        return None  # a round whose first write failed: nothing to show
    try:
        record = RoundRecord.from_json(read_json(folder / ROUND_FILE, f"round {round_id}"))
    except (StoreReadError, KeyError, TypeError, ValueError) as e:
        log.warning("round %s: %s; recovering its variants", round_id, e)
        seq = int(round_id[1:]) if round_id[1:].isdigit() else fallback_seq
        record = RoundRecord(
            id=round_id,
            seq=seq,
            prompt="",
            state=RoundState.INTERRUPTED,
            error="This round's record was lost; its images were recovered",
        )
    # Keep what is on disk: drop entries whose file is gone, adopt files the record missed
    # (a crash between writing a variant and updating round.json).
    variants = {v.index: v for v in record.variants if (folder / v.file).is_file()}
    for child in folder.iterdir():
        m = _VARIANT_RE.match(child.name)
        if m and int(m.group(1)) not in variants:
            variants[int(m.group(1))] = VariantRecord(int(m.group(1)), child.name)
    return replace(record, variants=tuple(variants[i] for i in sorted(variants)))


def _sweep_temp_files(folder: Path) -> None:
    """Remove temp files a crash left mid-write (``.name.xxxx.tmp``)."""
    for path in folder.rglob(".*.tmp"):
        with contextlib.suppress(OSError):
            path.unlink()


def _disk_usage(folder: Path) -> tuple[int, float]:
    """(bytes, newest mtime) of everything under ``folder``."""
    total = 0
    newest = 0.0
    for base, _dirs, files in os.walk(folder):
        for name in files:
            try:
                st = os.lstat(os.path.join(base, name))
            except OSError:
                continue
            total += st.st_size
            if name != "open.lock":
                newest = max(newest, st.st_mtime)
    return total, newest or folder.stat().st_mtime


def _parse_time(text: str, fallback: float) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return datetime.fromtimestamp(fallback, UTC)
