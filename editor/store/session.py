"""An open session: autosave of prompt and mask, rounds and their variants, written durably.

Every method that writes follows one rule: write to disk first, then swap in the new in-memory
record. A failed write raises :class:`StoreWriteError` and leaves this object exactly as it was.
Writes block; call them from a worker thread, or use the ``*_async`` twins, which run them in
``asyncio.to_thread``. A mask is copied before it leaves the caller's thread (the canvas may
paint on meanwhile); result frames are never written to, and go as they are.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from editor.core.imageio import ImageLoadError, encode_png, load_image
from editor.core.markup_layer import Shape
from editor.core.params import EditParams
from editor.core.references import Reference

from ._errors import StoreError, StoreReadError, StoreWriteError
from ._fsio import make_dir, write_durable, write_json
from ._images import decode_mask_png, encode_mask_png, encode_proxy, mask_digest, to_png_bytes
from ._meta import SESSION_FILE, SessionMeta, now_iso
from .marker import remove_marker
from .rounds import (
    ORIGINAL,
    BaseRef,
    ExpansionRecord,
    ReferenceRecord,
    RegionRecord,
    RoundRecord,
    RoundState,
    VariantRecord,
)

__all__ = ["MASKS_DIR", "ROUNDS_DIR", "ROUND_FILE", "THUMBNAIL_FILE", "Session"]

log = logging.getLogger(__name__)

MASKS_DIR = "masks"
ROUNDS_DIR = "rounds"
ROUND_FILE = "round.json"
THUMBNAIL_FILE = "thumbnail.png"


def variant_file_name(index: int) -> str:
    return f"variant-{index}.png"


def proxy_file_name(index: int, *, alpha: bool) -> str:
    return f"variant-{index}.proxy.{'png' if alpha else 'jpg'}"


class Session:
    """One image's editing history, open for writing by this process.

    Made by :meth:`SessionStore.create` or :meth:`SessionStore.open`; close it with
    :meth:`close` (or ``with``) so the next start doesn't offer to restore it.
    """

    def __init__(
        self,
        folder: Path,
        meta: SessionMeta,
        rounds: Mapping[str, RoundRecord],
        *,
        on_close: Callable[[Session], None] | None = None,
    ) -> None:
        self._folder = folder
        self._meta = meta
        self._rounds: dict[str, RoundRecord] = dict(rounds)
        self._reserved: set[int] = set()  # round numbers handed out before their round starts
        self._lock = threading.RLock()
        self._closed = False
        self._on_close = on_close

    # --- reading ------------------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self._meta.id

    @property
    def path(self) -> Path:
        return self._folder

    @property
    def name(self) -> str:
        return self._meta.name

    @property
    def created(self) -> str:
        return self._meta.created

    @property
    def prompt(self) -> str:
        return self._meta.prompt

    @property
    def mask_ref(self) -> str | None:
        """File name (under ``masks/``) of the current mask snapshot; None: no mask saved."""
        return self._meta.mask

    @property
    def original_name(self) -> str | None:
        return self._meta.original_name

    @property
    def original_path(self) -> Path:
        return self._folder / self._meta.original_file

    @property
    def size(self) -> tuple[int, int]:
        """The original's (width, height)."""
        return self._meta.width, self._meta.height

    @property
    def app_version(self) -> str:
        return self._meta.app_version

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def rounds(self) -> tuple[RoundRecord, ...]:
        """Every round in the order it was started."""
        with self._lock:
            return tuple(sorted(self._rounds.values(), key=lambda r: (r.seq, r.id)))

    def round(self, round_id: str) -> RoundRecord:
        try:
            return self._rounds[round_id]
        except KeyError:
            raise KeyError(f"no round {round_id!r} in session {self.id}") from None

    def children(self, round_id: str | None) -> tuple[RoundRecord, ...]:
        """Rounds whose base is a variant of ``round_id`` (None: rounds based on the original)."""
        return tuple(r for r in self.rounds if r.base.round_id == round_id)

    def load_references(self, round_id: str) -> tuple[Reference, ...]:
        """The round's reference images as they were sent, in order ("image 2" first)."""
        folder = self.round_dir(round_id)
        loaded = []
        for saved in self.round(round_id).references:
            try:
                pixels = load_image(folder / saved.file, name=saved.name).pixels
            except ImageLoadError as exc:
                raise StoreReadError(
                    f"Reference {saved.name!r} of round {round_id}: {exc}"
                ) from exc
            loaded.append(Reference(pixels, name=saved.name, path=saved.source))
        return tuple(loaded)

    def round_dir(self, round_id: str) -> Path:
        return self._folder / ROUNDS_DIR / round_id

    def variant_path(self, round_id: str, index: int) -> Path:
        record = self.round(round_id).variant(index)
        if record is None:
            raise KeyError(f"round {round_id} has no variant {index}")
        return self.round_dir(round_id) / record.file

    def proxy_path(self, round_id: str, index: int) -> Path | None:
        """The screen-sized copy of a variant (None for variants saved without one)."""
        record = self.round(round_id).variant(index)
        if record is None or record.proxy is None:
            return None
        return self.round_dir(round_id) / record.proxy

    def mask_path(self, ref: str) -> Path:
        return self._folder / MASKS_DIR / ref

    def load_original(self) -> np.ndarray:
        return self._load_pixels(self.original_path, "the original image")

    def load_variant(self, round_id: str, index: int) -> np.ndarray:
        return self._load_pixels(
            self.variant_path(round_id, index), f"variant {index + 1} of round {round_id}"
        )

    def load_base(self, base: BaseRef) -> np.ndarray:
        if base.is_original:
            return self.load_original()
        assert base.round_id is not None and base.variant is not None
        return self.load_variant(base.round_id, base.variant)

    def load_mask(self, ref: str | None = None) -> np.ndarray | None:
        """The edit array of snapshot ``ref`` (default: the current mask); None if there is none."""
        ref = ref if ref is not None else self._meta.mask
        if ref is None:
            return None
        path = self.mask_path(ref)
        try:
            data = path.read_bytes()
        except OSError as e:
            raise StoreReadError(f"Could not read the mask {path}: {e.strerror or e}") from e
        return decode_mask_png(data, f"the mask {path}")

    @staticmethod
    def _load_pixels(path: Path, label: str) -> np.ndarray:
        try:
            return load_image(path, name=label).pixels
        except ImageLoadError as e:
            raise StoreReadError(f"Could not read {label} ({path}): {e}") from e

    # --- autosave -----------------------------------------------------------------------------

    def save_prompt(self, text: str) -> None:
        """Remember the prompt being typed; free when it did not change."""
        with self._lock:
            self._check_open()
            if text == self._meta.prompt:
                return
            self._commit_meta(replace(self._meta, prompt=text))

    def save_mask(self, mask: np.ndarray | None) -> str | None:
        """Snapshot the mask (deduplicated by content); returns its ref. Cheap when unchanged."""
        with self._lock:
            self._check_open()
            ref = None if mask is None else self._store_mask(mask)
            if ref != self._meta.mask:
                self._commit_meta(replace(self._meta, mask=ref))
            return ref

    def rename(self, name: str) -> None:
        with self._lock:
            self._check_open()
            name = name.strip()
            if not name:
                raise ValueError("A session needs a name")
            if name != self._meta.name:
                self._commit_meta(replace(self._meta, name=name))

    # --- rounds -------------------------------------------------------------------------------

    def start_round(
        self,
        params: EditParams,
        *,
        base: BaseRef = ORIGINAL,
        mask: np.ndarray | None = None,
        prompt: str | None = None,
        profile: str | None = None,
        round_id: str | None = None,
        expansion: ExpansionRecord | None = None,
        markup: tuple[Shape, ...] = (),
        regions: Sequence[tuple[str, str, str, np.ndarray]] = (),
    ) -> RoundRecord:
        """Record a round about to be sent (state running) and return it.

        ``round_id`` is one :meth:`reserve_round` handed out (None: the next free one).
        ``expansion``: the round grew the canvas (Expand Canvas); its mask has the grown size.
        ``markup``: the markup layer's shapes sent with the round (kept in round.json).
        ``regions``: (name, prompt, colour, mask) of a round sent over several regions; each
        mask becomes a snapshot like ``mask``.

        ``prompt`` defaults to ``params.api.prompt``. The mask sent becomes a snapshot, and
        prompt and mask become the session's current ones. The reference images are written
        beside the round's variants (:meth:`load_references` reads them back); the record's
        parameters keep none.
        """
        references = params.references
        params = replace(params, references=())
        text = prompt if prompt is not None else params.api.prompt
        with self._lock:
            self._check_open()
            if not base.is_original:
                assert base.round_id is not None and base.variant is not None
                if self.round(base.round_id).variant(base.variant) is None:
                    raise KeyError(f"round {base.round_id} has no variant {base.variant}")
            grown = expansion.size if expansion is not None else None
            mask_ref = None if mask is None else self._store_mask(mask, grown)
            region_records = tuple(
                RegionRecord(name, text_, color, self._store_mask(edit))
                for name, text_, color, edit in regions
            )
            seq = self._claim(round_id)
            record = RoundRecord(
                id=f"r{seq:04d}",
                seq=seq,
                prompt=text,
                base=base,
                mask=mask_ref,
                params=params,
                state=RoundState.RUNNING,
                started=now_iso(),
                profile=profile,
                expansion=expansion,
                markup=markup,
                regions=region_records,
                references=tuple(
                    ReferenceRecord(f"reference-{i + 2}.png", ref.name, ref.path)
                    for i, ref in enumerate(references)
                ),
            )
            folder = self.round_dir(record.id)
            make_dir(folder, f"round {record.id}")
            try:
                for ref, saved in zip(references, record.references, strict=True):
                    write_durable(folder / saved.file, encode_png(ref.pixels), saved.name)
                self._write_round(record)
            except StoreWriteError:
                with contextlib.suppress(OSError):
                    folder.rmdir()
                raise
            meta = replace(
                self._meta,
                rounds=(*self._meta.rounds, record.id),
                prompt=text,
                mask=mask_ref if mask is not None else self._meta.mask,
            )
            try:
                self._commit_meta(meta)
            except StoreWriteError:
                with contextlib.suppress(OSError):
                    (folder / ROUND_FILE).unlink()
                    folder.rmdir()
                raise
            self._rounds[record.id] = record
            log.debug("session %s: started round %s", self.id, record.id)
            return record

    def add_variant(
        self,
        round_id: str,
        index: int,
        image: np.ndarray | bytes,
        *,
        revised_prompt: str | None = None,
        proxy_side: int | None = None,
    ) -> Path:
        """Write a variant (pixels, or PNG bytes kept as is) and return its path.

        Returns only once the file is durable (temp file + fsync + rename + folder fsync): show
        the variant after this returns and it survives a crash. With ``proxy_side`` (pixels
        only) a copy at most that long is written beside it (:meth:`proxy_path`).
        """
        if index < 0:
            raise ValueError("a variant index cannot be negative")
        png = to_png_bytes(image)
        proxy = None
        if proxy_side is not None and isinstance(image, np.ndarray):
            alpha = image.ndim == 3 and image.shape[2] == 4
            proxy = (proxy_file_name(index, alpha=alpha), encode_proxy(image, proxy_side))
        with self._lock:
            self._check_open()
            record = self.round(round_id)
            folder = self.round_dir(round_id)
            path = folder / variant_file_name(index)
            if proxy is not None:
                write_durable(folder / proxy[0], proxy[1], f"the preview of variant {index + 1}")
            write_durable(path, png, f"variant {index + 1}")
            entry = VariantRecord(index, path.name, revised_prompt, proxy and proxy[0])
            others = [v for v in record.variants if v.index != index]
            updated = replace(
                record, variants=tuple(sorted([*others, entry], key=lambda v: v.index))
            )
            self._write_round(updated)
            self._rounds[round_id] = updated
            log.debug("session %s: round %s variant %d saved", self.id, round_id, index)
            return path

    def finish_round(
        self,
        round_id: str,
        state: RoundState,
        *,
        error: str | None = None,
        timings: Mapping[str, float] | None = None,
        usage: Mapping[str, Any] | None = None,
        request_id: str | None = None,
    ) -> RoundRecord:
        """Record how a round ended (succeeded, failed, cancelled, interrupted)."""
        state = RoundState(state)
        if not state.finished:
            raise ValueError("finish_round needs a final state, not 'running'")
        with self._lock:
            self._check_open()
            record = self.round(round_id)
            updated = replace(
                record,
                state=state,
                finished=now_iso(),
                error=error,
                timings=dict(timings) if timings is not None else record.timings,
                usage=dict(usage) if usage is not None else record.usage,
                request_id=request_id if request_id is not None else record.request_id,
            )
            self._write_round(updated)
            self._rounds[round_id] = updated
            return updated

    # --- async twins --------------------------------------------------------------------------

    async def save_prompt_async(self, text: str) -> None:
        await asyncio.to_thread(self.save_prompt, text)

    async def save_mask_async(self, mask: np.ndarray | None) -> str | None:
        snapshot = None if mask is None else mask.copy()  # the canvas may paint on meanwhile
        return await asyncio.to_thread(self.save_mask, snapshot)

    async def start_round_async(
        self,
        params: EditParams,
        *,
        base: BaseRef = ORIGINAL,
        mask: np.ndarray | None = None,
        prompt: str | None = None,
        profile: str | None = None,
        round_id: str | None = None,
        expansion: ExpansionRecord | None = None,
        markup: tuple[Shape, ...] = (),
        regions: Sequence[tuple[str, str, str, np.ndarray]] = (),
    ) -> RoundRecord:
        snapshot = None if mask is None else mask.copy()
        return await asyncio.to_thread(
            lambda: self.start_round(
                params,
                base=base,
                mask=snapshot,
                prompt=prompt,
                profile=profile,
                round_id=round_id,
                expansion=expansion,
                markup=markup,
                regions=regions,
            )
        )

    async def add_variant_async(
        self,
        round_id: str,
        index: int,
        image: np.ndarray | bytes,
        *,
        revised_prompt: str | None = None,
        proxy_side: int | None = None,
    ) -> Path:
        return await asyncio.to_thread(
            lambda: self.add_variant(
                round_id, index, image, revised_prompt=revised_prompt, proxy_side=proxy_side
            )
        )

    async def finish_round_async(
        self,
        round_id: str,
        state: RoundState,
        *,
        error: str | None = None,
        timings: Mapping[str, float] | None = None,
        usage: Mapping[str, Any] | None = None,
        request_id: str | None = None,
    ) -> RoundRecord:
        return await asyncio.to_thread(
            lambda: self.finish_round(
                round_id, state, error=error, timings=timings, usage=usage, request_id=request_id
            )
        )

    async def close_async(self) -> None:
        await asyncio.to_thread(self.close)

    # --- closing ------------------------------------------------------------------------------

    def close(self) -> None:
        """Close cleanly: rounds still running become cancelled, the open marker goes away."""
        with self._lock:
            if self._closed:
                return
            for record in self.rounds:
                if record.state is RoundState.RUNNING:
                    with contextlib.suppress(StoreWriteError):
                        self.finish_round(record.id, RoundState.CANCELLED)
            self._closed = True
            remove_marker(self._folder)
            if self._on_close is not None:
                self._on_close(self)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"Session({self.id!r}, {len(self._rounds)} rounds, {state})"

    # --- internals ----------------------------------------------------------------------------

    def _interrupt_running(self) -> None:
        """On open after the app died: rounds left running become interrupted."""
        for record in self.rounds:
            if record.state is not RoundState.RUNNING:
                continue
            try:
                self.finish_round(
                    record.id,
                    RoundState.INTERRUPTED,
                    error="The app stopped while this round was running",
                )
            except StoreWriteError as e:  # still reported as interrupted, just not saved
                log.warning("could not mark round %s interrupted: %s", record.id, e)
                self._rounds[record.id] = replace(record, state=RoundState.INTERRUPTED)

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"The session {self.name!r} is closed; open it again to change it")

    def reserve_round(self) -> str:
        """The id the next round will have, taken now (when the job is submitted) so one id
        names the round from Generate on; :meth:`start_round` records it later."""
        with self._lock:
            self._check_open()
            seq = self._next_seq()
            self._reserved.add(seq)
            return f"r{seq:04d}"

    def _claim(self, round_id: str | None) -> int:
        if round_id is None:
            return self._next_seq()
        seq = int(round_id[1:]) if round_id[:1] == "r" and round_id[1:].isdigit() else -1
        if seq not in self._reserved:
            raise KeyError(f"round id {round_id!r} was not reserved in session {self.id}")
        self._reserved.discard(seq)
        return seq

    def _next_seq(self) -> int:
        seqs = [r.seq for r in self._rounds.values()] + list(self._reserved)
        rounds_dir = self._folder / ROUNDS_DIR
        if rounds_dir.is_dir():  # folders left by a write that failed half-way
            for child in rounds_dir.iterdir():
                if child.name[:1] == "r" and child.name[1:].isdigit():
                    seqs.append(int(child.name[1:]))
        return max(seqs, default=0) + 1

    def _store_mask(self, mask: np.ndarray, grown: tuple[int, int] | None = None) -> str:
        """Snapshot a mask the size of the original, or of a canvas an expansion round grew
        (``grown``: the one being recorded)."""
        h, w = mask.shape[:2]
        sizes = {
            self.size,
            grown,
            *(r.expansion.size for r in self._rounds.values() if r.expansion),
        }
        if (w, h) not in sizes:
            raise ValueError(
                f"the mask is {w} × {h} but the image is {self.size[0]} × {self.size[1]}"
            )
        ref = f"{mask_digest(mask)}.png"
        if ref == self._meta.mask:
            return ref
        path = self.mask_path(ref)
        if not path.exists():
            make_dir(path.parent, "mask snapshots")
            write_durable(path, encode_mask_png(mask), "the mask")
        return ref

    def _write_round(self, record: RoundRecord) -> None:
        write_json(self.round_dir(record.id) / ROUND_FILE, record.to_json(), f"round {record.id}")

    def _commit_meta(self, meta: SessionMeta) -> None:
        write_json(self._folder / SESSION_FILE, meta.to_json(), "the session")
        self._meta = meta
