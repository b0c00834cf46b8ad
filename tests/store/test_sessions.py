"""A session written and read back exactly: original, masks, prompt, params and the round tree."""

from __future__ import annotations

import asyncio
import io
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from editor.core.imageio import load_image
from editor.core.params import ApiOptions, EditParams
from editor.core.request import OMIT
from editor.store import (
    ORIGINAL,
    BaseRef,
    RoundState,
    SessionInUse,
    SessionNotFound,
    SessionStatus,
    SessionStore,
    StoreError,
    StoreReadError,
    decode_params,
)

from .conftest import make_image, make_mask


def test_a_session_reads_back_exactly(store: SessionStore) -> None:
    original = make_image()
    edit1, edit2 = make_mask(seed=1), make_mask(seed=2)
    variants = {(0, 0): make_image(seed=10), (0, 1): make_image(seed=11)}
    p1 = EditParams(
        ApiOptions("a red door", model="gpt-image-1", n=2, size="1024x1024", watermark=False)
    )
    p2 = EditParams(ApiOptions("a blue door"), profile_sizes=((1024, 1024), (1536, 1024)))

    with store.create(original, name="Front door") as s:
        r1 = s.start_round(p1, mask=edit1, profile="openai")
        s.add_variant(r1.id, 0, variants[(0, 0)], revised_prompt="A red wooden door")
        s.add_variant(r1.id, 1, variants[(0, 1)])
        s.finish_round(
            r1.id,
            RoundState.SUCCEEDED,
            timings={"service_s": 2.5},
            usage={"total_tokens": 42},
            request_id="req_1",
        )
        r2 = s.start_round(p2, base=BaseRef(r1.id, 1), mask=edit2)
        s.add_variant(r2.id, 0, make_image(seed=20))
        s.finish_round(r2.id, RoundState.FAILED, error="The service said no")
        s.save_prompt("a green door")
        s.save_mask(edit1)
        sid = s.id

    reopened = SessionStore(store.root).open(sid)
    assert reopened.name == "Front door"
    assert reopened.app_version == "9.9.9"
    assert reopened.prompt == "a green door"
    np.testing.assert_array_equal(reopened.load_original(), original)
    np.testing.assert_array_equal(reopened.load_mask(), edit1)
    a, b = reopened.rounds
    assert (a.id, b.id) == (r1.id, r2.id)
    assert a.state is RoundState.SUCCEEDED and b.state is RoundState.FAILED
    assert b.error == "The service said no"
    assert a.prompt == "a red door" and b.prompt == "a blue door"
    assert a.revised_prompts == ("A red wooden door", None)
    assert a.usage == {"total_tokens": 42} and a.request_id == "req_1"
    assert a.timings == {"service_s": 2.5}
    assert a.profile == "openai"
    assert a.base == ORIGINAL and b.base == BaseRef(r1.id, 1) and b.parent == r1.id
    assert reopened.children(None) == (a,) and reopened.children(r1.id) == (b,)
    np.testing.assert_array_equal(reopened.load_mask(a.mask), edit1)
    np.testing.assert_array_equal(reopened.load_mask(b.mask), edit2)
    for (_, index), pixels in variants.items():
        np.testing.assert_array_equal(reopened.load_variant(r1.id, index), pixels)
    np.testing.assert_array_equal(reopened.load_base(b.base), variants[(0, 1)])
    assert a.params == p1 and b.params == p2
    reopened.close()


def test_original_bytes_are_kept_as_given(store: SessionStore, tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.fromarray(make_image()).save(buf, "JPEG", quality=80)
    photo = tmp_path / "holiday.jpg"
    photo.write_bytes(buf.getvalue())
    with store.create(photo) as s:
        assert s.original_path.name == "original.jpg"
        assert s.original_path.read_bytes() == buf.getvalue()
        assert s.name == "holiday" and s.original_name == "holiday.jpg"
        np.testing.assert_array_equal(s.load_original(), load_image(photo).pixels)


def test_a_variant_is_on_disk_when_add_variant_returns(store: SessionStore) -> None:
    pixels = make_image(seed=5, channels=4)
    with store.create(make_image()) as s:
        r = s.start_round(EditParams(ApiOptions("x")))
        path = s.add_variant(r.id, 3, pixels)
        # No flush or close in between: the file is complete and decodes right away.
        assert path.is_file()
        np.testing.assert_array_equal(load_image(path).pixels, pixels)
        assert not list(path.parent.glob(".*.tmp"))
        saved = json.loads((path.parent / "round.json").read_text())
        assert saved["variants"] == [{"index": 3, "file": path.name, "revised_prompt": None}]


def test_png_bytes_are_stored_untouched(store: SessionStore) -> None:
    buf = io.BytesIO()
    Image.fromarray(make_image(seed=3)).save(buf, "PNG")
    with store.create(make_image()) as s:
        r = s.start_round(EditParams(ApiOptions("x")))
        assert s.add_variant(r.id, 0, buf.getvalue()).read_bytes() == buf.getvalue()


def test_mask_snapshots_are_deduplicated(store: SessionStore) -> None:
    edit = make_mask()
    with store.create(make_image()) as s:
        ref = s.save_mask(edit)
        mtime = (s.path / "session.json").stat().st_mtime_ns
        assert s.save_mask(edit.copy()) == ref  # same content: nothing written
        assert (s.path / "session.json").stat().st_mtime_ns == mtime
        s.save_mask(make_mask(seed=9))
        assert s.save_mask(edit) == ref
        r = s.start_round(EditParams(ApiOptions("x")), mask=edit)
        assert r.mask == ref
        assert len(list((s.path / "masks").iterdir())) == 2
        assert s.save_mask(None) is None and s.load_mask() is None


def test_an_empty_mask_survives(store: SessionStore) -> None:
    with store.create(make_image()) as s:
        s.save_mask(np.zeros((32, 48), np.uint8))
        np.testing.assert_array_equal(s.load_mask(), np.zeros((32, 48), np.uint8))


def test_a_mask_of_the_wrong_size_is_refused(store: SessionStore) -> None:
    with store.create(make_image()) as s, pytest.raises(ValueError, match="48 × 32"):
        s.save_mask(np.zeros((10, 10), np.uint8))


def test_use_as_base_needs_an_existing_variant(store: SessionStore) -> None:
    with store.create(make_image()) as s:
        r = s.start_round(EditParams(ApiOptions("x")))
        with pytest.raises(KeyError):
            s.start_round(EditParams(ApiOptions("y")), base=BaseRef(r.id, 0))
        assert len(s.rounds) == 1


def test_async_twins_write_the_same(store: SessionStore) -> None:
    async def scenario() -> str:
        s = await store.create_async(make_image())
        await s.save_prompt_async("hello")
        edit = make_mask()
        await s.save_mask_async(edit)
        r = await s.start_round_async(EditParams(ApiOptions("hello")), mask=edit)
        await asyncio.gather(*(s.add_variant_async(r.id, i, make_image(seed=i)) for i in range(4)))
        await s.finish_round_async(r.id, RoundState.SUCCEEDED)
        await s.close_async()
        return s.id

    sid = asyncio.run(scenario())
    s = SessionStore(store.root).open(sid)
    assert [v.index for v in s.rounds[0].variants] == [0, 1, 2, 3]
    for i in range(4):
        np.testing.assert_array_equal(s.load_variant("r0001", i), make_image(seed=i))
    s.close()


def test_list_sessions_reports_size_times_and_thumbnail(store: SessionStore) -> None:
    with store.create(make_image(), name="one") as s:
        r = s.start_round(EditParams(ApiOptions("x")))
        s.add_variant(r.id, 0, make_image(seed=1))
        (info,) = store.list_sessions()
        assert info.status is SessionStatus.OPEN
    (info,) = store.list_sessions()
    assert info.name == "one" and info.rounds == 1 and info.status is SessionStatus.CLOSED
    on_disk = sum(p.stat().st_size for p in info.path.rglob("*") if p.is_file())
    assert info.size_bytes == on_disk
    assert info.thumbnail is not None and info.thumbnail.is_file()
    assert info.modified >= info.created.replace(microsecond=0)


def test_delete_session(store: SessionStore) -> None:
    s = store.create(make_image())
    with pytest.raises(SessionInUse):
        store.delete_session(s.id)
    s.close()
    store.delete_session(s.id)
    assert store.list_sessions() == []
    with pytest.raises(SessionNotFound):
        store.open(s.id)
    with pytest.raises(SessionNotFound):
        store.open("../etc")


def test_cleanup_keeps_to_the_budget_and_spares_the_open_session(store: SessionStore) -> None:
    ids = []
    for i in range(4):
        s = store.create(make_image(64, 64, seed=i))
        r = s.start_round(EditParams(ApiOptions("x")))
        s.add_variant(r.id, 0, make_image(64, 64, seed=100 + i))
        ids.append(s.id)
        if i:  # the first (oldest) stays open
            s.close()
    # Make the modification order unambiguous: oldest first.
    for n, sid in enumerate(ids):
        t = 1_700_000_000 + n * 100
        for p in (store.root / sid).rglob("*"):
            if p.is_file():
                os.utime(p, (t, t))
    sizes = {i.id: i.size_bytes for i in store.list_sessions()}
    budget = sizes[ids[0]] + sizes[ids[3]]
    deleted = store.cleanup(budget)
    assert deleted == [ids[1], ids[2]]  # oldest closed ones; the open ids[0] is spared
    assert {i.id for i in store.list_sessions()} == {ids[0], ids[3]}
    assert store.total_size() <= budget
    assert store.cleanup(0) == [ids[3]]  # even a budget of 0 never takes the open one
    assert [i.id for i in store.list_sessions()] == [ids[0]]
    store.open_sessions[0].close()


def test_a_closed_session_refuses_writes(store: SessionStore) -> None:
    s = store.create(make_image())
    s.close()
    with pytest.raises(StoreError, match="closed"):
        s.save_prompt("x")


def test_closing_cancels_rounds_still_running(store: SessionStore) -> None:
    s = store.create(make_image())
    r = s.start_round(EditParams(ApiOptions("x")))
    s.close()
    assert SessionStore(store.root).read(s.id)[1][0].state is RoundState.CANCELLED
    assert r.state is RoundState.RUNNING  # records are immutable snapshots


def test_an_older_session_file_loads(store: SessionStore) -> None:
    s = store.create(make_image())
    s.close()
    doc = json.loads((s.path / "session.json").read_text())
    old = {"id": doc["id"], "name": "old", "original": doc["original"]["file"], "prompt": "p"}
    (s.path / "session.json").write_text(json.dumps(old))
    reopened = store.open(s.id)
    assert (reopened.name, reopened.prompt, reopened.rounds) == ("old", "p", ())
    np.testing.assert_array_equal(reopened.load_original(), make_image())
    reopened.close()


def test_a_newer_session_file_is_refused_plainly(store: SessionStore) -> None:
    s = store.create(make_image())
    s.close()
    doc = json.loads((s.path / "session.json").read_text())
    doc["schema"] = 99
    (s.path / "session.json").write_text(json.dumps(doc))
    with pytest.raises(StoreReadError, match="newer Inpaint Editor"):
        store.open(s.id)


def test_a_variant_whose_record_was_lost_is_recovered(store: SessionStore) -> None:
    s = store.create(make_image())
    r = s.start_round(EditParams(ApiOptions("x")))
    s.add_variant(r.id, 0, make_image(seed=1))
    s.close()
    # As if the app died between writing variant 1 and updating round.json:
    (s.path / "rounds" / r.id / "variant-1.png").write_bytes(
        (s.path / "rounds" / r.id / "variant-0.png").read_bytes()
    )
    reopened = store.open(s.id)
    assert [v.index for v in reopened.round(r.id).variants] == [0, 1]
    reopened.close()


def test_a_session_open_in_another_live_process_is_refused(store: SessionStore) -> None:
    s = store.create(make_image())
    s.close()
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        marker = {"pid": other.pid, "host": socket.gethostname(), "start_ticks": None}
        (s.path / "open.lock").write_text(json.dumps(marker))
        with pytest.raises(SessionInUse, match=f"process {other.pid}"):
            store.open(s.id)
        with pytest.raises(SessionInUse):
            store.delete_session(s.id)
        assert store.find_crashed() == []
        assert store.cleanup(0) == []
        assert store.info(s.id).status is SessionStatus.OPEN
    finally:
        other.kill()
        other.wait()
    assert [i.id for i in store.find_crashed()] == [s.id]  # its process is gone now
    store.dismiss_crashed(s.id)
    assert store.find_crashed() == []


def test_a_second_store_in_the_same_process_cannot_open_it_twice(store: SessionStore) -> None:
    s = store.create(make_image())
    assert store.open(s.id) is s
    with pytest.raises(SessionInUse, match="already open"):
        SessionStore(store.root).open(s.id)
    s.close()


def test_real_edit_params_round_trip(store: SessionStore) -> None:
    from editor.pipeline import ApiOptions, EditParams

    params = EditParams(
        ApiOptions(prompt="a door", model="gpt-image-1", n=3, watermark=OMIT),
        profile_sizes=((1024, 1024),),
        color_match=True,
    )
    with store.create(make_image()) as s:
        r = s.start_round(params)
        sid = s.id
    _, (saved,) = SessionStore(store.root).read(sid)
    assert saved.params == params and saved.id == r.id
    written = json.loads((store.root / sid / "rounds" / r.id / "round.json").read_text())
    assert written["params"]["api"]["model"] == "gpt-image-1"
    newer = {**written["params"], "from_the_future": 1}
    assert decode_params(newer) == params


def test_a_round_written_in_the_flat_form_still_loads(store: SessionStore) -> None:
    with store.create(make_image()) as s:
        r = s.start_round(EditParams(ApiOptions("placeholder")))
        sid = s.id
    path = store.root / sid / "rounds" / r.id / "round.json"
    older = json.loads(path.read_text())
    # Parameters as sessions saved them before the API options were nested.
    older["params"] = {
        "prompt": "a door",
        "model": "gpt-image-1",
        "n": 2,
        "size": None,
        "watermark": {"$omit": True},
        "composite": False,
        "feather": 12,
        "profile_sizes": [[1024, 1024]],
        "aliases": [["team-image", "gpt-image-1"]],
        "context": "crop",
        "color_match": True,
        "stream": True,
        "partial_images": 2,
        "references": [],
    }
    path.write_text(json.dumps(older))
    _, (saved,) = SessionStore(store.root).read(sid)
    assert saved.params == EditParams(
        ApiOptions("a door", model="gpt-image-1", n=2, stream=True, partial_images=2),
        composite=False,
        feather=12,
        profile_sizes=((1024, 1024),),
        aliases=(("team-image", "gpt-image-1"),),
        context="crop",
        color_match=True,
    )


def test_a_round_keeps_its_references_and_the_session_restores_them(
    store: SessionStore, tmp_path: Path
) -> None:
    from editor.core.references import Reference, load_reference
    from editor.pipeline import ApiOptions, EditParams

    rng = np.random.default_rng(7)
    bottle = rng.integers(0, 256, (30, 20, 3), dtype=np.uint8)
    texture = rng.integers(0, 256, (16, 40, 4), dtype=np.uint8)  # with alpha
    Image.fromarray(bottle).save(tmp_path / "bottle.png")
    Image.fromarray(texture, "RGBA").save(tmp_path / "texture.png")
    references = (load_reference(tmp_path / "bottle.png"), load_reference(tmp_path / "texture.png"))
    params = EditParams(
        ApiOptions(prompt="the bottle from image 2", model="gpt-image-1"), references=references
    )
    with store.create(make_image()) as s:
        r = s.start_round(params)
        sid = s.id
    # The originals go away: the session's copies are what restores.
    (tmp_path / "bottle.png").unlink()
    (tmp_path / "texture.png").unlink()

    with SessionStore(store.root).open(sid) as restored:
        saved = restored.round(r.id)
        back: tuple[Reference, ...] = restored.load_references(r.id)
        assert saved.params.references == ()
    # Their order is their label: the bottle stays "image 2", the texture "image 3".
    assert [ref.name for ref in back] == ["bottle.png", "texture.png"]
    np.testing.assert_array_equal(back[0].pixels, bottle)
    np.testing.assert_array_equal(back[1].pixels, texture)
    assert back[1].path == str(tmp_path / "texture.png")


def test_a_round_saved_before_references_were_kept_still_loads(store: SessionStore) -> None:
    from editor.pipeline import ApiOptions, EditParams

    with store.create(make_image()) as s:
        r = s.start_round(EditParams(ApiOptions(prompt="a door", model="gpt-image-1")))
        sid = s.id
    path = store.root / sid / "rounds" / r.id / "round.json"
    older = json.loads(path.read_text())
    del older["references"]
    path.write_text(json.dumps(older))
    with SessionStore(store.root).open(sid) as restored:
        assert restored.round(r.id).references == ()
        assert restored.load_references(r.id) == ()


def test_a_reserved_round_id_is_the_one_its_round_gets(store: SessionStore) -> None:
    with store.create(make_image()) as s:
        first, second = s.reserve_round(), s.reserve_round()
        plain = s.start_round(EditParams(ApiOptions("unreserved")))  # takes the next free id
        late = s.start_round(EditParams(ApiOptions("second")), round_id=second)
        early = s.start_round(EditParams(ApiOptions("first")), round_id=first)
        sid = s.id
        with pytest.raises(KeyError, match="not reserved"):
            s.start_round(EditParams(ApiOptions("again")), round_id=second)
    assert (early.id, late.id) == (first, second) and plain.id not in (first, second)
    _, rounds = SessionStore(store.root).read(sid)
    assert [(r.id, r.prompt) for r in rounds] == [
        (first, "first"),
        (second, "second"),
        (plain.id, "unreserved"),
    ]
