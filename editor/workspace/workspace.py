"""The window's model without Qt: the image being edited, its mask and markup, the undo
timeline, and every round's life from Generate to its record on disk.

A round's life, in one place: :meth:`Workspace.generate` (or :meth:`~Workspace.retry`) reserves
its id in the session and enters it in the results *before* ``round_added`` is emitted, so any
view may read it there whatever order the views were built in. When the job ends, its variants
are written to the session, entered in the results (``variants_saved``), handed to the
presenters (the gallery makes its tiles from the frames in hand), and only then does the job let
go of its frames and the round's record get finished (``round_finished``). Views read rounds
from :attr:`Workspace.results` and the session, never from the live queue.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from psygnal import Signal

from editor.core.expand import ExpandedCanvas, Expansion, drop_opaque_alpha, expand_canvas
from editor.core.markup_layer import MarkupLayer
from editor.core.mask_document import MaskDocument
from editor.core.params import ApiOptions, EditParams
from editor.pipeline.fanout import CapabilityMemory
from editor.pipeline.jobs import Job, JobInput, JobQueue, JobState, SendingProfile, job_input
from editor.pipeline.region import Region as RegionInput
from editor.pipeline.round_trip import PartialPreview
from editor.store import (
    ORIGINAL,
    PROXY_SIDE,
    BaseRef,
    ExpansionRecord,
    FrameCache,
    ResultRound,
    Results,
    ResultVariant,
    RoundRecord,
    RoundState,
    Session,
    SessionStore,
    StoreError,
    default_cache_bytes,
    round_seq,
)

from .image import CurrentImage
from .regions import Region, RegionSet
from .restore import LoadedSession, grown_from_round
from .tasks import TaskSet
from .undo_timeline import EditHistory, ImageRef
from .writes import SessionWrites

__all__ = ["Presenter", "Workspace"]

log = logging.getLogger(__name__)

Presenter = Callable[[Job, frozenset[int]], Awaitable[None]]
"""Shows a finished job's saved variants while the job still holds their frames."""

_JOB_TO_ROUND = {
    JobState.SUCCEEDED: RoundState.SUCCEEDED,
    JobState.FAILED: RoundState.FAILED,
    JobState.CANCELLED: RoundState.CANCELLED,
}


@dataclass(frozen=True, slots=True)
class _Round:
    """What the workspace knows of a round of this run beyond its results entry."""

    base: BaseRef
    profile_id: str | None


class Workspace:
    """``Workspace(store)``: one per window. Signals (psygnal):

    ``image_opened()`` a new image with a new mask document (open, paste, restore);
    ``image_changed()`` other pixels (and maybe another document): use as base, expand, undo;
    ``round_added(job)`` its round is in the results with its number;
    ``round_changed(job)`` state or progress; ``round_ended(job)`` the service part is over;
    ``variants_saved(job, unsaved)`` its variants are in the results (on disk but ``unsaved``);
    ``round_finished(job)`` shown and recorded; a succeeded job has left the queue;
    ``rounds_changed()`` the session's records changed; ``problem(text)`` something the user
    should read (a write failed: the work stays in memory).
    """

    image_opened = Signal()
    image_changed = Signal()
    round_added = Signal(object)
    round_changed = Signal(object)
    round_ended = Signal(object)
    variants_saved = Signal(object, object)
    round_finished = Signal(object)
    rounds_changed = Signal()
    problem = Signal(str)
    document_switched = Signal()  # another region's mask is the one painted now

    def __init__(
        self,
        store: SessionStore,
        *,
        tasks: TaskSet | None = None,
        jobs: JobQueue | None = None,
        results: Results | None = None,
        frame_cache_bytes: int = 0,
    ) -> None:
        self.store = store
        self.tasks = tasks if tasks is not None else TaskSet()
        self.jobs = jobs if jobs is not None else JobQueue()
        self.results = results if results is not None else Results(FrameCache())
        self.frame_cache_bytes = frame_cache_bytes
        self.current: CurrentImage | None = None
        self.name = ""
        self.document: MaskDocument | None = None
        self.markup: MarkupLayer | None = None
        self.history = EditHistory(self.apply_image_ref)
        self.regions = RegionSet()
        self.history.on_other_document = self._show_region_of
        self.prompt = ""  # as typed; saved with the session
        self.session: Session | None = None
        self.last_problem: str | None = None
        self.writes = SessionWrites(self.tasks, self._report)
        self.presenters: list[Presenter] = []
        # What the person looks at: the variant shown in place of the image, and the one
        # picked in the gallery (round key, variant index); None for the image itself.
        self.shown: tuple[str, int] | None = None
        self.selected: tuple[str, int] | None = None
        self._rounds: dict[str, _Round] = {}
        # The number the next round of this image's session gets (its round id says it once
        # the session has reserved one; before the session exists, the count goes on).
        self._next_number = 1
        # Streamed previews of variants whose final never came, kept once their job has gone.
        self._previews: dict[str, dict[int, PartialPreview]] = {}
        self.jobs.changed.connect(self._on_changed)
        self.jobs.finished.connect(self._on_finished)

    # -- the image ------------------------------------------------------------------------------

    @property
    def image(self) -> np.ndarray | None:
        return self.current.pixels if self.current is not None else None

    def open_image(
        self,
        pixels: np.ndarray,
        name: str = "Untitled",
        mask: np.ndarray | None = None,
        *,
        base: BaseRef = ORIGINAL,
        session: Session | None = None,
    ) -> None:
        """Start on a new image with an empty (or the given) mask; forgets the undo timeline.
        A new session keeps it as the original, unless ``session`` (restored) continues."""
        self.current = CurrentImage(pixels, base)
        self.name = name
        self.results.frames.max_bytes = default_cache_bytes(pixels.nbytes, self.frame_cache_bytes)
        h, w = pixels.shape[:2]
        self.regions.clear()
        self.document = MaskDocument(w, h, mask)
        self.history.attach(self.document)
        self._new_markup((w, h))
        if session is None:
            self._start_session(pixels, name, mask)
        else:
            self._adopt(session)
        self.image_opened.emit()

    def _new_markup(self, size: tuple[int, int]) -> None:
        self.markup = MarkupLayer(size)
        self.history.follow_markup(self.markup)

    def swap(self, pixels: np.ndarray, base: BaseRef, grown: ExpandedCanvas | None = None) -> None:
        """Other pixels under the same mask (use as base, a round's base back, their undo);
        the undo step is the caller's."""
        self.current = CurrentImage(pixels, base, grown)
        self.image_changed.emit()

    def replace_canvas(
        self,
        pixels: np.ndarray,
        document: MaskDocument,
        base: BaseRef,
        grown: ExpandedCanvas | None = None,
    ) -> None:
        """Image and mask document together (Expand Canvas and its undo); the timeline goes on
        with the new document. The undo step is the caller's."""
        self.current = CurrentImage(pixels, base, grown)
        self.regions.clear()  # a canvas of another size: one mask again
        self.document = document
        self.history.follow(document)
        if self.markup is None or self.markup.size != (pixels.shape[1], pixels.shape[0]):
            self._new_markup((pixels.shape[1], pixels.shape[0]))  # marks belong to their frame
        self.image_changed.emit()

    # -- regions --------------------------------------------------------------------------------

    def add_region(self, mask: np.ndarray | None = None) -> Region:
        """A new region to paint (empty, or ``mask``); the mask so far becomes Region 1."""
        assert self.document is not None
        region = self.regions.add(self.document, mask)
        self.history.also_follow(region.document)
        self._paint(len(self.regions) - 1)
        return region

    def select_region(self, index: int) -> None:
        if 0 <= index < len(self.regions) and index != self.regions.active:
            self._paint(index)

    def remove_region(self, index: int) -> None:
        """Drop a region (its mask steps leave the undo timeline); with one left, it is the
        mask again."""
        if not 0 <= index < len(self.regions):
            return
        kept = [r for i, r in enumerate(self.regions.items) if i != index]
        gone = self.regions.remove(index)
        self.history.forget(gone.document)
        if self.regions:
            self._paint(self.regions.active)
        else:
            self._switch_document(kept[0].document)

    def set_regions(self, regions: Sequence[tuple[str, str, str, np.ndarray]]) -> None:
        """Regions back from a round (name, prompt, colour, mask), or none: the painted mask
        takes the first region's mask (one undoable step), each other region its own."""
        assert self.document is not None
        self.end_regions()
        if len(regions) < 2:
            return
        if not np.array_equal(self.document.edit, regions[0][3]):
            self.document.replace(regions[0][3])
        for _name, _prompt, _color, mask in regions[1:]:
            self.add_region(mask)
        for i, (name, prompt, color, _mask) in enumerate(regions):
            self.regions.update(i, name=name, prompt=prompt, color=color)
        self._paint(0)

    def end_regions(self) -> None:
        """Back to one mask: the painted region's; the others and their steps go."""
        if not self.regions:
            return
        painted = self.regions.current
        for region in list(self.regions.items):
            if region is not painted:
                self.history.forget(region.document)
        self.regions.clear()
        if painted is not None:
            self._switch_document(painted.document)

    async def round_regions(self, record: RoundRecord) -> list[tuple[str, str, str, np.ndarray]]:
        """A recorded round's regions with their masks, read off the loop (StoreError or
        KeyError when they can't be)."""
        session = self.session
        if not record.regions or session is None:
            return []

        def read() -> list[tuple[str, str, str, np.ndarray]]:
            out = []
            for r in record.regions:
                mask = session.load_mask(r.mask)
                if mask is None:
                    raise StoreError(f"the mask of {r.name} is missing")
                out.append((r.name, r.prompt, r.color, mask))
            return out

        return await asyncio.to_thread(read)

    def region_inputs(self) -> tuple[RegionInput, ...]:
        """Each region as a round sends it (its mask's snapshot); empty without regions."""
        return tuple(
            RegionInput(_sent_mask(r.document), r.prompt, r.name, r.color)
            for r in self.regions.items
        )

    def _paint(self, index: int) -> None:
        self.regions.active = index
        self._switch_document(self.regions.items[index].document)

    def _switch_document(self, doc: MaskDocument) -> None:
        self.document = doc
        self.history.make_current(doc)
        self.document_switched.emit()

    def _show_region_of(self, doc: MaskDocument) -> None:
        """Undo or redo reached another region's step: that region is painted (and shown)."""
        index = self.regions.index_of(doc)
        if index is not None:
            self._paint(index)

    def image_ref(self, pixels: np.ndarray | None = None, base: BaseRef | None = None) -> ImageRef:
        """How an undo step names an image (the current one by default): its file in the
        session folder when it has one, else its pixels."""
        assert self.current is not None
        pixels = self.current.pixels if pixels is None else pixels
        base = self.current.base if base is None else base
        path = self._stored_path(base)
        return ImageRef(path, pixels if path is None else None, base)

    def _stored_path(self, base: BaseRef) -> Path | None:
        session = self.session
        if session is None:
            return None
        try:
            path = (
                session.original_path
                if base.is_original
                else session.variant_path(base.round_id or "", base.variant or 0)
            )
        except KeyError:
            return None
        return path if path.is_file() else None

    def apply_image_ref(self, ref: ImageRef) -> None:
        """Undo/redo of an image step: read its file again (through the frame cache)."""
        pixels = ref.pixels
        if pixels is None:
            assert ref.path is not None
            try:
                pixels = self.results.frames.load(ref.path)
            except StoreError as e:
                self._report(f"That image could not be read again: {e}", saving=False)
                return
        if ref.document is not None:
            self.replace_canvas(pixels, ref.document, ref.base, ref.grown)
        else:
            self.swap(pixels, ref.base, ref.grown)

    def use_as_base(self, variant: ResultVariant, pixels: np.ndarray) -> str:
        """The variant becomes the image; the mask stays; undo brings the old image back.
        Returns how views name it ("Round 2 · variant 1")."""
        assert self.current is not None
        after = drop_opaque_alpha(pixels)  # a filled expansion is a plain RGB photo again
        base = self.variant_base(variant.key, variant.index)
        what = f"Round {self.results.number(variant.key)} · variant {variant.index + 1}"
        after_ref = ImageRef(variant.path, None if variant.saved else after, base)
        self.history.push_image(self.image_ref(), after_ref, f"Use {what}")
        self.swap(after, base)
        return what

    def show(self, key: str, index: int) -> ResultVariant | None:
        """Look at a variant in place of the image (it becomes the selected one too); None,
        and nothing changes, when the results have no such variant."""
        variant = self.results.variant(key, index)
        if variant is not None:
            self.shown = self.selected = (key, index)
        return variant

    def show_original(self) -> None:
        self.shown = None

    def variant_base(self, key: str, index: int) -> BaseRef:
        """How the session names a variant (a round of this run or read back), once saved."""
        entry, variant = self.results.round(key), self.results.variant(key, index)
        if entry is None or entry.round_id is None or variant is None or not variant.saved:
            return ORIGINAL
        return BaseRef(entry.round_id, index)

    def restore_image(self, pixels: np.ndarray, base: BaseRef, label: str) -> None:
        """A stored image of the same size back as the image (History), undoable."""
        before = self.image_ref()
        self.history.push_image(before, self.image_ref(pixels, base), label)
        self.swap(pixels, base)

    # -- expand canvas --------------------------------------------------------------------------

    def expand(self, expansion: Expansion) -> tuple[ExpandedCanvas, str]:
        """Grow the image (one undoable step, one round of the session); ValueError says why
        it can't. Returns the grown canvas and the step's label."""
        cur, doc = self.current, self.document
        assert cur is not None and doc is not None
        grown = expand_canvas(cur.pixels, expansion, edit=None if doc.is_empty() else doc.edit)
        before = ImageRef(None, cur.pixels, cur.base, doc, self.grown())
        document = MaskDocument(grown.size[0], grown.size[1], grown.mask)
        session = self.session
        round_id = session.reserve_round() if session is not None else None
        self._counted(round_id)
        after_base = BaseRef(round_id, 0) if round_id is not None else cur.base
        e = expansion
        label = f"Expand canvas by {e.left}, {e.top}, {e.right}, {e.bottom} px"
        self.history.push_image(
            before, ImageRef(None, grown.pixels, after_base, document, grown), label
        )
        self.replace_canvas(grown.pixels, document, after_base, grown)
        if session is not None and round_id is not None:
            self._record_expansion(session, round_id, grown, cur.base, label)
        return grown, label

    def restore_canvas(
        self, pixels: np.ndarray, mask: np.ndarray | None, base: BaseRef, label: str
    ) -> None:
        """Back to a stored canvas of another size (History): image and mask document swap
        together as one undoable step."""
        cur, doc = self.current, self.document
        assert cur is not None and doc is not None
        before = ImageRef(None, cur.pixels, cur.base, doc, self.grown())
        h, w = pixels.shape[:2]
        document = MaskDocument(w, h, mask if mask is not None and mask.shape == (h, w) else None)
        grown = self._stored_grown(pixels, base)
        self.history.push_image(before, ImageRef(None, pixels, base, document, grown), label)
        self.replace_canvas(pixels, document, base, grown)

    def grown(self) -> ExpandedCanvas | None:
        """The grown canvas the image is right now (rebuilt from its round when it was read
        back), None when it is not one."""
        cur = self.current
        if cur is None:
            return None
        if cur.grown is None:
            rebuilt = self._stored_grown(cur.pixels, cur.base)
            if rebuilt is not None:
                self.current = cur = replace(cur, grown=rebuilt)
        return cur.grown

    def _stored_grown(self, pixels: np.ndarray, base: BaseRef) -> ExpandedCanvas | None:
        if self.session is None or base.round_id is None:
            return None
        try:
            record = self.session.round(base.round_id).expansion
        except KeyError:
            return None
        rebuilt = grown_from_round(pixels, record) if record is not None else None
        if rebuilt is None or not np.array_equal(rebuilt.pixels, pixels):
            return None
        return replace(rebuilt, pixels=pixels)

    def before_generate(self) -> None:
        """On a grown canvas, the new area and seam band back into the mask (one undoable
        mask step if it changes), so what is sent always fills them."""
        grown, doc = self.grown(), self.document
        if grown is None or doc is None or (doc.width, doc.height) != grown.size:
            return
        covered = grown.including(np.asarray(doc.edit))
        if not np.array_equal(covered, doc.edit):
            doc.replace(covered)

    def _record_expansion(
        self,
        session: Session,
        round_id: str,
        grown: ExpandedCanvas,
        base: BaseRef,
        label: str,
    ) -> None:
        e = grown.expansion
        record = ExpansionRecord((e.left, e.top, e.right, e.bottom), grown.seam_band, grown.size)

        async def write() -> None:
            if self.session is not session:
                return
            await session.start_round_async(
                EditParams(ApiOptions(label)),
                base=base,
                mask=grown.mask,
                round_id=round_id,
                expansion=record,
            )
            await session.add_variant_async(round_id, 0, grown.pixels, proxy_side=PROXY_SIDE)
            await session.finish_round_async(round_id, RoundState.SUCCEEDED)
            self.rounds_changed.emit()

        self.writes.write(write, "the expanded canvas")

    # -- rounds ---------------------------------------------------------------------------------

    def generate(self, snapshot: JobInput, *, profile_id: str | None = None) -> Job:
        """Send a snapshot of the current image (checked by the caller) as a new round."""
        assert self.current is not None
        return self.submit(snapshot, self.current.base, profile_id=profile_id)

    def retry(self, key: str) -> Job:
        """A job of this run again, with exactly the same snapshot and base."""
        known = self._rounds.get(key, _Round(ORIGINAL, None))
        job = self.jobs.get(key)
        return self.submit(job.input, known.base, profile_id=known.profile_id, retry_of=key)

    async def retry_stored(
        self,
        record: RoundRecord,
        profile: SendingProfile,
        memory: CapabilityMemory | None = None,
    ) -> Job:
        """A round read from the session sent again: its base, mask, references and markup
        are read off the loop (StoreError or KeyError when they can't be)."""
        session = self.session
        if session is None:
            raise StoreError("no session is open")

        def read() -> tuple[np.ndarray, np.ndarray | None, EditParams]:
            mask = session.load_mask(record.mask) if record.mask is not None else None
            params = record.params
            if record.references:
                params = replace(params, references=session.load_references(record.id))
            return session.load_base(record.base), mask, params

        base, mask, params = await asyncio.to_thread(read)
        snapshot = job_input(base, mask, params, profile, memory, record.markup)
        return self.submit(snapshot, record.base, profile_id=record.profile)

    def submit(
        self,
        snapshot: JobInput,
        base: BaseRef,
        *,
        profile_id: str | None = None,
        retry_of: str | None = None,
    ) -> Job:
        job = self.jobs.submit(snapshot, retry_of=retry_of)
        self._rounds[job.id] = _Round(base, profile_id)
        session = self.session
        # The round's id from the moment it is sent; its record is written off the loop.
        round_id = session.reserve_round() if session is not None else None
        number = self._counted(round_id)
        entry = self.results.add_round(
            ResultRound(
                job.id,
                job.params.api.prompt,
                job.params,
                job.input.profile,
                round_id=round_id,
                base=base,
                status=job.status,
                active=True,
            )
        )
        entry.number = number
        self.save_mask()  # the mask as it is when sent

        async def start() -> None:
            target = self.session
            if target is None:
                return
            try:
                record = await target.start_round_async(
                    job.params,
                    base=base,
                    mask=job.input.mask,
                    profile=profile_id,
                    round_id=round_id if target is session else None,
                    markup=job.input.markup,
                    regions=[(r.name, r.prompt, r.color, r.mask) for r in job.input.regions],
                )
            except BaseException:
                entry.round_id = None  # no record on disk to point at
                raise
            entry.round_id = record.id
            self.rounds_changed.emit()

        self.writes.write(start, "the round")
        self.round_added.emit(job)
        return job

    def _counted(self, round_id: str | None) -> int:
        """The number of a round just started: its id's, else the next in this session."""
        number = round_seq(round_id) or self._next_number
        self._next_number = number + 1
        return number

    def round_base(self, key: str) -> BaseRef:
        entry = self.results.round(key)
        return entry.base if entry is not None else ORIGINAL

    def job(self, key: str) -> Job | None:
        """The live job of a round of this run (None once it has left the queue)."""
        try:
            return self.jobs.get(key)
        except KeyError:
            return None

    def preview(self, key: str, index: int) -> PartialPreview | None:
        """The newest streamed preview of a variant that has no final (yet, or ever)."""
        job = self.job(key)
        if job is not None and index in job.previews:
            return job.previews[index]
        return self._previews.get(key, {}).get(index)

    def previous_mask(self) -> np.ndarray | None:
        """The mask the newest round of this image's size was sent with (a round of this run,
        or one read back from the session); None when there is none."""
        doc = self.document
        if doc is None:
            return None
        shape = (doc.height, doc.width)
        session = self.session
        candidates: list[tuple[int, str, RoundRecord | None]] = []
        seen: set[str] = set()
        for entry in self.results.rounds():
            record = None
            if session is not None and entry.round_id is not None:
                seen.add(entry.round_id)
                record = _record(session, entry.round_id)
            candidates.append((self.results.number(entry.key), entry.key, record))
        if session is not None:  # rounds not among the results (Expand Canvas)
            candidates += [(r.seq, "", r) for r in session.rounds if r.id not in seen]
        for _n, key, record in sorted(candidates, key=lambda c: c[0], reverse=True):
            job = self.job(key) if key else None
            mask = job.input.mask if job is not None else None
            if mask is None and record is not None and record.mask and session is not None:
                try:
                    mask = session.load_mask(record.mask)
                except StoreError:
                    continue
            if mask is not None and mask.shape == shape:
                return mask
        return None

    def base_pixels(self, key: str) -> np.ndarray:
        """The image a round edited: the current image unless it was another (use as base),
        then that one from the session folder (blocking; the current image if unreadable)."""
        assert self.current is not None
        entry = self.results.round(key)
        if entry is None or entry.base == self.current.base:
            return self.current.pixels
        try:
            if entry.base.is_original and self.session is not None:
                return self.results.frames.load(self.session.original_path)
            base_key = self.results.key_of(entry.base.round_id or "") or entry.base.round_id or ""
            variant = self.results.variant(base_key, entry.base.variant or 0)
            if variant is None:
                return self.current.pixels
            return self.results.load_frame(variant)
        except StoreError:
            return self.current.pixels

    def _on_changed(self, job: Job) -> None:
        entry = self.results.round(job.id)
        if entry is None or job.id not in self._rounds:
            return
        entry.status = job.status
        self.round_changed.emit(job)

    def _on_finished(self, job: Job) -> None:
        if job.id not in self._rounds:
            return
        self.round_ended.emit(job)
        if job.state is JobState.SUCCEEDED:
            self.writes.keep(self.tasks.spawn(self._deliver(job), "keep the finished round"))
        else:
            self._finish(job)
            self.round_finished.emit(job)

    async def _deliver(self, job: Job) -> None:
        unsaved = frozenset(await self._save_variants(job))
        self.variants_saved.emit(job, unsaved)
        for present in list(self.presenters):
            await present(job, unsaved)
        finals = {v.index for v in job.variants}
        orphans = {i: p for i, p in job.previews.items() if i not in finals}
        if orphans and job.id in self.results:
            self._previews[job.id] = orphans
        self.jobs.prune(job.id)
        self._finish(job)
        self.round_finished.emit(job)

    async def _save_variants(self, job: Job) -> set[int]:
        """Write the variants (PNG and proxy encoded in parallel threads) and enter them in the
        results; indices that could not be written keep their pixels there instead."""
        variants = list(job.variants)
        entry = self.results.round(job.id)

        async def write() -> dict[int, tuple[Path, Path | None]]:
            round_id = entry.round_id if entry is not None else None
            session = self.session
            if session is None or round_id is None:
                return {}  # its round failed: already reported
            results = await asyncio.gather(
                *(
                    session.add_variant_async(
                        round_id,
                        v.index,
                        v.pixels,
                        revised_prompt=v.revised_prompt,
                        proxy_side=PROXY_SIDE,
                    )
                    for v in variants
                ),
                return_exceptions=True,
            )
            written = {}
            for v, result in zip(variants, results, strict=True):
                if isinstance(result, StoreError | OSError):
                    self._report(f"Could not save variant {v.index + 1} of job {job.id}: {result}")
                elif isinstance(result, BaseException):
                    raise result
                else:
                    written[v.index] = (result, session.proxy_path(round_id, v.index))
            return written

        def pack_leak_maps() -> dict[int, bytes | None]:
            return {v.index: ResultVariant.pack_leak_map(v.leak_map) for v in variants}

        packing = asyncio.ensure_future(asyncio.to_thread(pack_leak_maps))  # PNGs: off the loop
        written = await self.writes.write(write, f"the variants of job {job.id}") or {}
        leak_pngs = await packing
        if entry is None or entry.key not in self.results:
            return {v.index for v in variants}  # another image was opened meanwhile
        for v in reversed(variants):  # the first variant ends up the most recently cached
            path, proxy = written.get(v.index, (None, None))
            h, w = v.pixels.shape[:2]
            result = ResultVariant(
                job.id,
                v.index,
                (w, h),
                path,
                proxy,
                v.revised_prompt,
                v.leak,
                leak_pngs[v.index],
                pixels=None if path is not None else v.pixels,
            )
            self.results.add_variant(result)
            self.results.keep_frame(result, v.pixels)
        return {v.index for v in variants if v.index not in written}

    def _finish(self, job: Job) -> None:
        state = _JOB_TO_ROUND.get(job.state)
        if state is None:
            return
        outcome = job.outcome
        timings = dict(outcome.timings) if outcome is not None else {"total_s": job.elapsed()}
        usage = outcome.result.usage if outcome is not None else None
        request_id = outcome.result.request_id if outcome is not None else None
        if request_id is None and job.error_details:
            request_id = str(job.error_details.get("request_id") or "") or None
        entry = self.results.round(job.id)
        if entry is not None:
            entry.status, entry.active = job.status, False
            entry.cancelled = job.state is JobState.CANCELLED

        async def write() -> None:
            round_id = entry.round_id if entry is not None else None
            if self.session is None or round_id is None:
                return
            await self.session.finish_round_async(
                round_id,
                state,
                error=job.error,
                timings=timings,
                usage=usage,
                request_id=request_id,
            )
            self.rounds_changed.emit()

        self.writes.write(write, f"the end of job {job.id}")

    def unsaved(self, key: str) -> set[int]:
        """Indices of a round's variants that live only in memory (their write failed)."""
        return {v.index for v in self.results.variants(key) if not v.saved}

    # -- the session ----------------------------------------------------------------------------

    def _start_session(self, pixels: np.ndarray, name: str, mask: np.ndarray | None) -> None:
        old, self.session = self.session, None
        self._next_number = 1
        self._rounds.clear()
        self._previews.clear()
        if old is not None:
            self.writes.write(old.close_async, "the previous session")
        prompt = self.prompt

        async def create() -> None:
            self.session = await self.store.create_async(pixels, original_name=name)
            if mask is not None and mask.any():
                await self.session.save_mask_async(mask)
            if prompt:
                await self.session.save_prompt_async(prompt)
            self.rounds_changed.emit()

        self.writes.write(create, "the new session")

    def _adopt(self, session: Session) -> None:
        old = self.session
        if old is not None and old is not session:
            self.writes.write(old.close_async, "the previous session")
        self.session = session
        self.rounds_changed.emit()

    def restore(self, session: Session, loaded: LoadedSession) -> None:
        """A session read back from disk becomes the current one: its image (with the base it
        is), mask, prompt, markup and every round with its variants (as files)."""
        self.results.clear()
        self._rounds.clear()
        self._previews.clear()
        self.prompt = loaded.prompt
        self._next_number = 1 + max((r.seq for r in session.rounds), default=0)
        for record in session.rounds:
            self.results.add_round(
                ResultRound(
                    record.id,
                    record.prompt,
                    None,
                    record.profile or "",
                    round_id=record.id,
                    base=record.base,
                    status=record.state.value,
                    cancelled=record.state is RoundState.CANCELLED,
                )
            )
            for v in loaded.variants.get(record.id, []):
                self.results.add_variant(v)
        self.open_image(loaded.image, loaded.name, loaded.mask, base=loaded.base, session=session)
        if self.markup is not None:
            self.markup.replace_all(loaded.markup)

    def save_mask(self) -> asyncio.Task[str | None]:
        doc = self.document
        edit = None if doc is None else doc.snapshot()
        return self.writes.write(
            lambda: None if self.session is None else self.session.save_mask_async(edit),
            "the mask",
        )

    def save_prompt(self, text: str | None = None) -> None:
        if text is not None:
            self.prompt = text
        prompt = self.prompt
        self.writes.write(
            lambda: None if self.session is None else self.session.save_prompt_async(prompt),
            "the prompt",
        )

    def rounds(self) -> tuple[RoundRecord, ...]:
        return self.session.rounds if self.session is not None else ()

    async def flush(self) -> None:
        await self.writes.flush()

    def close(self) -> None:
        """Closing: save mask and prompt, close the session (blocking, it is the end)."""
        session, self.session = self.session, None
        if session is None or session.closed:
            return
        doc = self.document
        try:
            session.save_prompt(self.prompt)
            session.save_mask(None if doc is None or doc.is_empty() else doc.edit)
        except StoreError as e:
            log.warning("could not save on close: %s", e)
        session.close()

    def _report(self, text: str, *, saving: bool = True) -> None:
        if not text.endswith("."):
            text += "."
        if saving:
            text += " Your work is kept in memory; free some space and go on."
        self.last_problem = text
        log.warning("%s", text)
        self.problem.emit(text)


def _record(session: Session, round_id: str) -> RoundRecord | None:
    try:
        return session.round(round_id)
    except KeyError:
        return None


def _sent_mask(document: MaskDocument) -> np.ndarray:
    """The mask a round sends: the document's shared snapshot (no copy when it has not changed
    since the last round), or an empty mask, which the round's check then refuses."""
    frozen = document.snapshot()
    return frozen if frozen is not None else np.zeros((document.height, document.width), np.uint8)
