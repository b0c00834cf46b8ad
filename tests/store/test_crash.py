"""A real crash: a child process works in a session and is killed with SIGKILL mid-round."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from editor.store import RoundState, SessionStatus, SessionStore

from .conftest import make_image, make_mask

CHILD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {tests!r})
    from store.conftest import make_image, make_mask
    from editor.core.params import ApiOptions, EditParams
    from editor.store import BaseRef, RoundState, SessionStore

    store = SessionStore()  # the root comes from INPAINT_EDITOR_DATA_DIR
    s = store.create(make_image(), name="before the crash")
    r1 = s.start_round(EditParams(ApiOptions("first", n=2)), mask=make_mask(seed=1))
    s.add_variant(r1.id, 0, make_image(seed=10), revised_prompt="first, revised")
    s.add_variant(r1.id, 1, make_image(seed=11))
    s.finish_round(r1.id, RoundState.SUCCEEDED, request_id="req_a")
    r2 = s.start_round(EditParams(ApiOptions("second", n=3)), base=BaseRef(r1.id, 1))
    s.add_variant(r2.id, 0, make_image(seed=20))  # the round is still running
    s.save_mask(make_mask(seed=2))
    s.save_prompt("what I was typing")
    print(s.id, flush=True)
    time.sleep(120)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_session_is_found_and_restored(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "INPAINT_EDITOR_DATA_DIR": str(data)}
    tests_dir = str(Path(__file__).resolve().parents[1])
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(tests=tests_dir)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        session_id = child.stdout.readline().strip()
        assert session_id, "the child did not get as far as saving"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    store = SessionStore(data / "sessions")
    crashed = store.find_crashed()
    assert [c.id for c in crashed] == [session_id]
    assert crashed[0].status is SessionStatus.CRASHED and crashed[0].name == "before the crash"

    s = store.open(session_id)
    assert s.prompt == "what I was typing"
    np.testing.assert_array_equal(s.load_original(), make_image())
    np.testing.assert_array_equal(s.load_mask(), make_mask(seed=2))
    r1, r2 = s.rounds
    assert r1.state is RoundState.SUCCEEDED and r1.request_id == "req_a"
    assert r2.state is RoundState.INTERRUPTED and r2.error
    assert r1.revised_prompts == ("first, revised", None)
    np.testing.assert_array_equal(s.load_mask(r1.mask), make_mask(seed=1))
    np.testing.assert_array_equal(s.load_variant(r1.id, 0), make_image(seed=10))
    np.testing.assert_array_equal(s.load_variant(r1.id, 1), make_image(seed=11))
    np.testing.assert_array_equal(s.load_variant(r2.id, 0), make_image(seed=20))
    assert r2.base.round_id == r1.id and r2.base.variant == 1
    # Open again, it is ours now: no longer offered for restore.
    assert store.find_crashed() == []
    s.close()
    assert store.find_crashed() == []
    # The interruption was saved, not only reported.
    _, rounds = SessionStore(data / "sessions").read(session_id)
    assert rounds[1].state is RoundState.INTERRUPTED
