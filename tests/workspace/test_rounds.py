"""A round's whole life on the Workspace alone, with no QApplication: Generate → variants on
disk → round finished, Retry, use as base, Expand Canvas, restore and the previous mask, against
the embedded engine and real session folders."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from editor.client import EditsClient
from editor.core.expand import Expansion
from editor.pipeline import ApiOptions, EditParams, embedded_client
from editor.pipeline.jobs import ClientFactory, Job, JobState, job_input
from editor.store import ORIGINAL, BaseRef, RoundState, SessionStore
from editor.workspace import ImageKind, Workspace, load_session

W, H = 64, 48


@dataclass(frozen=True)
class Service:
    """The part of a service profile a job takes (the window's profiles are Qt's)."""

    name: str = "Local"
    make_client: ClientFactory = embedded_client
    sizes: tuple[tuple[int, int], ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()
    response_format: str | None = None
    stream: bool = False
    partial_images: int = 0
    max_n_per_request: int | None = None
    concurrency: int = 2
    markup_carried: bool | None = None


def _broken() -> EditsClient:
    raise RuntimeError("the service is unreachable")


def picture() -> np.ndarray:
    image = np.zeros((H, W, 3), np.uint8)
    image[:, : W // 2] = (200, 40, 40)
    image[:, W // 2 :] = (40, 40, 200)
    return image


def mask_at(x: int) -> np.ndarray:
    mask = np.zeros((H, W), np.uint8)
    mask[10:30, x : x + 16] = 255
    return mask


async def until(predicate: Callable[[], object], timeout: float = 20.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "sessions", app_version="9.9.9")


async def opened(store: SessionStore) -> Workspace:
    ws = Workspace(store)
    ws.open_image(picture(), "photo.png")
    await ws.flush()
    assert ws.session is not None
    return ws


async def send(ws: Workspace, mask: np.ndarray, service: Service | None = None, n: int = 1) -> Job:
    """Paint ``mask`` and generate, as the window does; returns once the round is finished."""
    assert ws.document is not None and ws.image is not None
    ws.document.replace(mask)
    params = EditParams(ApiOptions(prompt="fill it", model="telea", n=n))
    snapshot = job_input(ws.image, ws.document.edit.copy(), params, service or Service(), None)
    finished: list[Job] = []
    ws.round_finished.connect(finished.append)
    job = ws.generate(snapshot)
    await until(lambda: job in finished)
    ws.round_finished.disconnect(finished.append)
    await ws.flush()
    return job


def test_the_workspace_runs_without_qt() -> None:
    code = (
        "import sys, editor.workspace; "
        "sys.exit(any(m.split('.')[0] in ('PySide6', 'qasync') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@pytest.mark.asyncio
async def test_generate_saves_the_variants_then_finishes_the_round(store: SessionStore) -> None:
    ws = await opened(store)
    events: list[str] = []
    seen_frames: list[int] = []
    ws.round_added.connect(lambda job: events.append(f"added {ws.results.number(job.id)}"))
    ws.variants_saved.connect(lambda job, unsaved: events.append(f"saved {sorted(unsaved)}"))
    ws.round_finished.connect(lambda job: events.append(f"finished {job.state}"))

    async def present(job: Job, unsaved: frozenset[int]) -> None:
        # A presenter still has the frames; the job lets go of them once it returns.
        seen_frames.extend(v.pixels.shape[0] for v in job.variants)
        assert ws.job(job.id) is job

    ws.presenters.append(present)
    job = await send(ws, mask_at(20), n=2)

    assert events == ["added 1", "saved []", "finished succeeded"]
    assert seen_frames == [H, H]
    assert ws.job(job.id) is None and job.variants == []  # left the queue, frames released
    entry = ws.results.round(job.id)
    assert entry is not None and not entry.active and entry.round_id is not None
    assert all(v.path is not None and v.path.is_file() for v in ws.results.variants(job.id))
    assert ws.session is not None
    record = ws.session.round(entry.round_id)
    assert record.state is RoundState.SUCCEEDED and len(record.variants) == 2


@pytest.mark.asyncio
async def test_a_round_is_in_the_results_for_every_listener_whatever_their_order(
    store: SessionStore,
) -> None:
    """Views built in any order see the same thing: the queue's own listeners first or last."""
    ws = await opened(store)
    seen: list[tuple[str, int]] = []

    def view(name: str) -> Callable[[Job], None]:
        return lambda job: seen.append((name, ws.results.number(job.id)))

    ws.round_added.connect(view("gallery"))
    ws.jobs.added.connect(lambda job: seen.append(("jobs panel", -1)))
    ws.round_added.connect(view("history"))
    first = await send(ws, mask_at(10))
    ws2 = await opened(SessionStore(store.root))
    ws2.jobs.added.connect(lambda job: seen.append(("jobs panel", -1)))
    ws2.round_added.connect(view("history"))
    ws2.round_added.connect(view("gallery"))
    await send(ws2, mask_at(10))
    assert first.state is JobState.SUCCEEDED
    assert seen == [
        *[("jobs panel", -1), ("gallery", 1), ("history", 1)],
        *[("jobs panel", -1), ("history", 1), ("gallery", 1)],
    ]


@pytest.mark.asyncio
async def test_after_a_failed_round_a_newer_successful_one_gives_the_previous_mask(
    store: SessionStore,
) -> None:
    ws = await opened(store)
    failed = await send(ws, mask_at(4), Service(name="Down", make_client=_broken))
    assert failed.state is JobState.FAILED and ws.job(failed.id) is failed  # stays, for Retry
    done = await send(ws, mask_at(40))
    assert done.state is JobState.SUCCEEDED and ws.job(done.id) is None
    assert ws.document is not None
    ws.document.replace(np.zeros((H, W), np.uint8))
    previous = ws.previous_mask()
    assert previous is not None
    np.testing.assert_array_equal(previous, mask_at(40))


@pytest.mark.asyncio
async def test_use_as_base_then_generate_and_retry_keep_that_base(store: SessionStore) -> None:
    ws = await opened(store)
    first = await send(ws, mask_at(20))
    variant = ws.results.variants(first.id)[0]
    frame = ws.results.load_frame(variant)
    assert ws.use_as_base(variant, frame) == "Round 1 · variant 1"
    entry = ws.results.round(first.id)
    assert entry is not None and entry.round_id is not None
    assert ws.current is not None and ws.current.kind is ImageKind.VARIANT
    used = BaseRef(entry.round_id, 0)
    assert ws.current.base == used

    second = await send(ws, mask_at(30), Service(name="Down", make_client=_broken))
    finished: list[Job] = []
    ws.round_finished.connect(finished.append)
    again = ws.retry(second.id)
    await until(lambda: again in finished)
    await ws.flush()
    assert [ws.round_base(j.id) for j in (second, again)] == [used, used]
    assert ws.session is not None
    assert [r.base for r in ws.session.rounds] == [ORIGINAL, used, used]

    assert ws.history.undo() == "mask"  # the mask painted for round 2
    assert ws.history.undo() == "Use Round 1 · variant 1"
    assert ws.current.base == ORIGINAL
    np.testing.assert_array_equal(ws.image, picture())
    assert ws.history.redo() == "Use Round 1 · variant 1"
    assert ws.current.base == used
    np.testing.assert_array_equal(ws.image, frame)


@pytest.mark.asyncio
async def test_expand_grows_the_canvas_as_a_round_and_undo_brings_both_back(
    store: SessionStore,
) -> None:
    ws = await opened(store)
    assert ws.document is not None
    small_doc = ws.document
    changes: list[str] = []
    ws.image_changed.connect(lambda: changes.append("image"))
    _grown, label = ws.expand(Expansion(left=16, top=0, right=16, bottom=0))
    assert label == "Expand canvas by 16, 0, 16, 0 px"
    assert ws.current is not None and ws.current.kind is ImageKind.GROWN
    assert ws.image is not None and ws.image.shape[:2] == (H, W + 32)
    assert ws.document is not small_doc and ws.document.edit[:, :16].all()
    # A cleared mask still sends the new area.
    ws.document.replace(np.zeros((H, W + 32), np.uint8))
    ws.before_generate()
    assert ws.document.edit[:, :16].all() and ws.document.edit[:, -16:].all()
    await ws.flush()
    assert ws.session is not None
    (record,) = ws.session.rounds
    assert record.expansion is not None and ws.current.base == BaseRef(record.id, 0)

    while ws.history.undo() != label:
        pass
    assert ws.document is small_doc and ws.image.shape[:2] == (H, W)
    assert ws.current.kind is ImageKind.ORIGINAL
    assert changes.count("image") >= 2


@pytest.mark.asyncio
async def test_restore_brings_back_the_image_rounds_and_previous_mask(
    store: SessionStore,
) -> None:
    ws = await opened(store)
    first = await send(ws, mask_at(20))
    variant = ws.results.variants(first.id)[0]
    ws.use_as_base(variant, ws.results.load_frame(variant))
    await send(ws, mask_at(36))
    assert ws.session is not None
    sid, base = ws.session.id, ws.current.base if ws.current else None
    ws.close()

    back = Workspace(SessionStore(store.root))
    session = await back.store.open_async(sid)
    loaded = await asyncio.to_thread(load_session, session)
    back.restore(session, loaded)
    assert back.current is not None and back.current.base == base
    assert [back.results.number(r.key) for r in back.results.rounds()] == [1, 2]
    assert back.document is not None
    back.document.replace(np.zeros((H, W), np.uint8))
    previous = back.previous_mask()
    assert previous is not None
    np.testing.assert_array_equal(previous, mask_at(36))

    # A round read back is sent again with its own base and mask.
    record = session.rounds[0]
    finished: list[Job] = []
    back.round_finished.connect(finished.append)
    job = await back.retry_stored(record, Service())
    await until(lambda: job in finished)
    await back.flush()
    assert job.state is JobState.SUCCEEDED
    assert back.round_base(job.id) == ORIGINAL
    assert back.results.number(job.id) == 3
    assert [r.base for r in session.rounds][-1] == ORIGINAL
    back.close()
