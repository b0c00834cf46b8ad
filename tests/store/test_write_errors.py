"""Failed writes: a plain StoreWriteError, and the session in memory exactly as before.

Tests run as root in CI, where chmod does not stop writes, so every failure here is one that
root gets too: a file where a folder should be (ENOTDIR), a file-size limit (EFBIG), and a
disk that reports itself full when the data is flushed (ENOSPC, as /dev/full does).
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from editor.core.params import ApiOptions, EditParams
from editor.store import RoundState, Session, SessionStore, StoreWriteError
from editor.store._fsio import describe_os_error

from .conftest import make_image, make_mask


def snapshot(s: Session) -> tuple[object, ...]:
    return (s.prompt, s.mask_ref, s.name, s.rounds)


@pytest.fixture
def session(store: SessionStore) -> Iterator[Session]:
    s = store.create(make_image())
    r = s.start_round(EditParams(ApiOptions("x")), mask=make_mask())
    s.add_variant(r.id, 0, make_image(seed=1))
    yield s
    s.close()


def put_a_file_where_the_round_folder_is(s: Session, round_id: str) -> Path:
    folder = s.round_dir(round_id)
    shutil.rmtree(folder)
    folder.write_bytes(b"not a folder")
    return folder


def test_a_variant_that_cannot_be_written_changes_nothing(session: Session) -> None:
    rid = session.rounds[0].id
    before = snapshot(session)
    folder = put_a_file_where_the_round_folder_is(session, rid)
    with pytest.raises(StoreWriteError) as info:
        session.add_variant(rid, 1, make_image(seed=2))
    assert str(info.value) == (
        f"Could not save variant 2 to {folder / 'variant-1.png'}: "
        "a file stands where its folder should be"
    )
    assert snapshot(session) == before
    # Fix the cause and the same call succeeds.
    folder.unlink()
    folder.mkdir()
    session.add_variant(rid, 1, make_image(seed=2))
    assert [v.index for v in session.rounds[0].variants] == [0, 1]


def test_disk_full_says_so(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    rid = session.rounds[0].id
    before = snapshot(session)

    def full(fd: int) -> None:  # what a full disk answers when the data is flushed
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(
        StoreWriteError, match=r"^Could not save variant 3 to .*: the disk is full$"
    ):
        session.add_variant(rid, 2, make_image(seed=3))
    with pytest.raises(StoreWriteError, match="the disk is full"):
        session.save_prompt("new words")
    with pytest.raises(StoreWriteError, match="the disk is full"):
        session.save_mask(make_mask(seed=7))
    with pytest.raises(StoreWriteError, match="the disk is full"):
        session.finish_round(rid, RoundState.SUCCEEDED)
    with pytest.raises(StoreWriteError, match="the disk is full"):
        session.start_round(EditParams(ApiOptions("y")))
    assert snapshot(session) == before
    assert not list(session.path.rglob("*.tmp"))  # no half-written leftovers
    monkeypatch.undo()
    assert SessionStore(session.path.parent).read(session.id)[1] == session.rounds
    session.save_prompt("new words")
    assert session.prompt == "new words"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_the_kernels_disk_full_error_reads_plainly() -> None:
    with pytest.raises(OSError) as info, open("/dev/full", "wb", buffering=0) as f:
        f.write(b"x")
    assert describe_os_error(info.value) == "the disk is full"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits")
def test_a_file_size_limit_is_a_write_error(session: Session) -> None:
    import resource
    import signal

    rid = session.rounds[0].id
    before = snapshot(session)
    big = np.random.default_rng(0).integers(0, 256, (512, 512, 3), dtype=np.uint8)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, hard))
    try:
        with pytest.raises(StoreWriteError, match="larger than this system allows"):
            session.add_variant(rid, 1, big)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old_handler)
    assert snapshot(session) == before


def test_a_new_session_that_cannot_be_written_leaves_nothing(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(StoreWriteError, match=r"original image .*: the disk is full$"):
        store.create(make_image())
    monkeypatch.undo()
    assert store.list_sessions() == []
    assert list(store.root.iterdir()) == []
    assert store.open_sessions == ()


def test_a_sessions_folder_blocked_by_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    store = SessionStore(blocker / "sessions")
    with pytest.raises(StoreWriteError, match="a file stands where its folder should be"):
        store.create(make_image())
