"""The local engine in a child process: it answers only us, on loopback, and ends with us."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator

import httpx
import numpy as np
import pytest

from editor.pipeline import ApiOptions, EditParams, embedded_client, send_round
from editor.pipeline.embedded import is_own_engine, warm_up_engine
from editor.pipeline.engine_process import (
    EngineNotStarted,
    EngineProcess,
    engine_process,
    stop_engine_process,
    use_engine_process,
)


@pytest.fixture
def engine() -> Iterator[EngineProcess]:
    child = EngineProcess()
    yield child
    child.stop()


@pytest.fixture
def app_engine() -> Iterator[EngineProcess]:
    """The engine as the window runs it (use_engine_process), ended after the test."""
    yield use_engine_process()
    stop_engine_process()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child we started but have not reaped is a zombie: gone for every purpose here.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:  # reaped in between
        return False


def _within(seconds: float, condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _gone_within(pid: int, seconds: float) -> bool:
    return _within(seconds, lambda: not _alive(pid))


def _photo() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    image = rng.integers(0, 256, (240, 320, 3), dtype=np.uint8)
    mask = np.zeros((240, 320), np.uint8)
    mask[100:140, 150:200] = 255
    return image, mask


def test_it_listens_on_loopback_and_answers_only_its_token(engine: EngineProcess) -> None:
    endpoint = engine.start()
    url = httpx.URL(endpoint.base_url)
    assert url.host == "127.0.0.1"
    assert endpoint.api_key is not None
    assert httpx.get(f"{endpoint.base_url}/models").status_code == 401
    wrong = httpx.get(f"{endpoint.base_url}/models", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401
    right = httpx.get(
        f"{endpoint.base_url}/models",
        headers={"Authorization": f"Bearer {endpoint.api_key.reveal()}"},
    )
    assert right.status_code == 200
    assert engine.start() is endpoint  # running: the same child, not a second one


def test_it_holds_no_api_key_of_ours(
    engine: EngineProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-never-in-the-engine")
    engine.start()
    assert engine.pid is not None
    with open(f"/proc/{engine.pid}/environ", "rb") as environ:
        assert b"sk-test-never-in-the-engine" not in environ.read()


def test_stop_ends_it_and_a_dead_one_is_started_again(engine: EngineProcess) -> None:
    engine.start()
    first = engine.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)  # it crashed (out of memory, say)
    # The killed child's threads take a moment to exit; until then it is not yet reaped.
    assert _within(5, lambda: engine.endpoint() is None)
    assert not _alive(first)
    endpoint = engine.start()
    assert engine.pid != first
    assert httpx.get(endpoint.base_url.removesuffix("/v1") + "/health").status_code == 200
    second = engine.pid
    assert second is not None
    engine.stop()
    assert not _alive(second) and engine.endpoint() is None


def test_a_child_found_unreachable_is_replaced_at_once(engine: EngineProcess) -> None:
    endpoint = engine.start()
    first = engine.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    engine.lost(endpoint)  # a job could not reach it: no waiting for the OS to say it died
    assert not _alive(first) and engine.endpoint() is None
    fresh = engine.start()
    assert engine.pid != first
    engine.lost(endpoint)  # the old address again (a second job that was using it)
    assert engine.endpoint() is fresh  # the new child stays


def test_it_ends_when_the_window_process_dies() -> None:
    # A parent that starts the engine, says its pid, then is killed without cleaning up.
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import sys, time
                from editor.pipeline.engine_process import EngineProcess
                engine = EngineProcess()
                engine.start()
                print(engine.pid, flush=True)
                time.sleep(60)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert _alive(child)
    parent.kill()
    parent.wait()
    assert _gone_within(child, 10), "the engine outlived the window that started it"


def test_a_child_that_cannot_start_says_so_and_is_not_tried_at_every_job() -> None:
    broken = EngineProcess([sys.executable, "-c", "print('no port here')"], ready_timeout=20)
    with pytest.raises(EngineNotStarted, match="ended at start"):
        broken.start()
    assert broken.endpoint() is None
    started = time.monotonic()
    with pytest.raises(EngineNotStarted, match="ended at start"):
        broken.start()  # the next job: told at once, no second child
    assert time.monotonic() - started < 0.5
    assert broken.pid is None


@pytest.mark.asyncio
async def test_the_local_profile_edits_through_the_child(app_engine: EngineProcess) -> None:
    await warm_up_engine()
    own = app_engine.endpoint()
    assert own is not None
    image, mask = _photo()
    params = EditParams(ApiOptions(prompt="", model="telea"), context="whole")
    async with embedded_client() as client:
        assert client.endpoint == own and is_own_engine(client.endpoint)
        outcome = await send_round(client, image, mask, params)
    (variant,) = outcome.variants
    assert variant.pixels.shape == image.shape
    assert not np.array_equal(variant.pixels[100:140, 150:200], image[100:140, 150:200])
    assert np.array_equal(variant.pixels[:80], image[:80])
    # Full-resolution results come as links from our own engine, as they do in-process.
    (image_answer,) = outcome.result.images
    assert image_answer.url is not None and image_answer.url.startswith(own.base_url[:-3])


@pytest.mark.asyncio
async def test_when_the_child_cannot_start_the_round_runs_in_process(
    app_engine: EngineProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_engine, "_command", [sys.executable, "-c", "raise SystemExit(3)"])
    await warm_up_engine()
    assert engine_process() is app_engine and app_engine.endpoint() is None
    image, mask = _photo()
    params = EditParams(ApiOptions(prompt="", model="telea"), context="whole")
    async with embedded_client() as client:
        assert client.endpoint.base_url == "http://local-engine/v1"
        outcome = await send_round(client, image, mask, params)
    assert len(outcome.variants) == 1
