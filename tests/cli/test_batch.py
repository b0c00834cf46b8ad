"""`batch` over a folder against the loopback stand-in: failures stay per image, a killed run
resumes without sending an answered image again, masks match by name."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from editor.cli.main import main
from editor.server import ServerThread
from tests.cli.test_todays_models import mask_file, photo, seen
from tests.ui.window_helpers import add_fault, clear_faults

SIZE = (300, 200)


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def folder(tmp_path: Path, count: int = 6, broken: str | None = "p3.png") -> Path:
    images = tmp_path / "in"
    images.mkdir()
    for i in range(count):
        photo(images / f"p{i}.png", SIZE)
        pixels = np.asarray(Image.open(images / f"p{i}.png")).copy()
        pixels[:, :, 2] = (i * 40) % 256  # each image its own bytes
        Image.fromarray(pixels).save(images / f"p{i}.png")
    if broken:
        (images / broken).write_bytes(b"this is not a png")
    return images


def batch(server: ServerThread, *args: str) -> int:
    return main(["batch", *args, "--prompt", "a red door", "--endpoint", server.base_url])


def test_six_images_one_broken_give_five_results_and_one_plain_failure(
    today: ServerThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    images = folder(tmp_path)
    mask_file(tmp_path / "m.png", SIZE, (80, 50, 200, 120))
    out = tmp_path / "out"
    code = batch(today, str(images), "--mask", str(tmp_path / "m.png"), "--out", str(out), "--json")
    assert code == 1  # one failed
    summary = json.loads(capsys.readouterr().out)
    assert sorted(summary["done"]) == ["p0.png", "p1.png", "p2.png", "p4.png", "p5.png"]
    assert list(summary["failed"]) == ["p3.png"]
    assert "not an image" in summary["failed"]["p3.png"]
    assert len(list(out.glob("p*-v1.png"))) == 5
    assert len([p for p in out.glob("p*.json")]) == 5  # a sidecar beside each
    assert len(seen(today)) == 5


def test_a_killed_batch_resumes_without_sending_an_answered_image_again(
    today: ServerThread, tmp_path: Path
) -> None:
    images = folder(tmp_path, broken=None)
    mask_file(tmp_path / "m.png", SIZE, (80, 50, 200, 120))
    out = tmp_path / "out"
    add_fault(today, kind="delay", seconds=0.5, times=20)
    args = [str(images), "--mask", str(tmp_path / "m.png"), "--out", str(out), "--jobs", "1"]
    env = {**os.environ, "INPAINT_EDITOR_CONFIG_DIR": str(tmp_path / "config")}
    command = [sys.executable, "-c", AS_IN_A_TERMINAL, "batch", *args, "--prompt", "a red door"]
    child = subprocess.Popen(
        [*command, "--endpoint", today.base_url],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def done_names() -> list[str]:
        for manifest in out.glob("batch-*.json"):
            try:
                items = json.loads(manifest.read_text())["items"]
            except (ValueError, OSError):
                return []
            return [n for n, item in items.items() if item["state"] == "done"]
        return []

    deadline = time.monotonic() + 60
    while len(done_names()) < 2 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    answered = done_names()
    assert 2 <= len(answered) < 6, answered
    sent_before = {e["fields"]["image"]["sha256"] for e in seen(today)}
    clear_faults(today)
    assert batch(today, *args) == 0
    # Every result once: one PNG and one sidecar per image, and the manifest says done.
    assert sorted(p.name.split("-")[0] for p in out.glob("p*-v1.png")) == [
        f"p{i}" for i in range(6)
    ]
    assert len(list(out.glob("p*.json"))) == 6
    assert len(done_names()) == 6
    # Images answered before the kill were not sent again.
    shas = [e["fields"]["image"]["sha256"] for e in seen(today)]
    assert len(set(shas)) == 6
    repeated = {s for s in shas if shas.count(s) > 1}
    assert len(repeated) <= 1  # only the one in flight at the kill, never answered to us
    assert len(sent_before) <= len(answered) + 1


def test_mask_dir_matches_by_name_and_skips_an_image_without_one(
    today: ServerThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    images = folder(tmp_path, count=3, broken=None)
    masks = tmp_path / "masks"
    masks.mkdir()
    mask_file(masks / "p0.png", SIZE, (10, 10, 60, 60))
    mask_file(masks / "p1.mask.png", SIZE, (200, 100, 280, 180))
    out = tmp_path / "out"
    code = batch(today, str(images), "--mask-dir", str(masks), "--out", str(out), "--json")
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert sorted(summary["done"]) == ["p0.png", "p1.png"]
    assert "p2.png" in summary["skipped"] and "p2.mask.png" in summary["skipped"]["p2.png"]
    # Each image went with its own mask: p1's edit area is its mask's box, not p0's.
    sidecar = json.loads(next(out.glob("p1-*.json")).read_text())
    x0, y0, x1, y1 = sidecar["sent"]["crop"] or (0, 0, *SIZE)
    assert x0 <= 200 and y0 <= 100 and x1 >= 280 and y1 >= 180


def test_an_empty_folder_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["batch", str(tmp_path / "empty"), "--prompt", "x"]) == 2
    assert "holds no images" in capsys.readouterr().err


def test_a_rejected_key_stops_the_batch(
    today: ServerThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    images = folder(tmp_path, broken=None)
    mask_file(tmp_path / "m.png", SIZE, (80, 50, 200, 120))
    add_fault(today, kind="status", status=401, times=100)
    args = [str(images), "--mask", str(tmp_path / "m.png"), "--out", str(tmp_path / "o")]
    code = batch(today, *args, "--jobs", "1", "--json")
    assert code == 3
    summary = json.loads(capsys.readouterr().out)
    assert summary["stopped"] and len(summary["failed"]) == 1 and summary["done"] == []
    assert len(seen(today)) == 1
    clear_faults(today)


def test_an_image_not_the_size_of_the_single_mask_fails_alone(
    today: ServerThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    images = folder(tmp_path, count=2, broken=None)
    photo(images / "wide.png", (400, 200))
    mask_file(tmp_path / "m.png", SIZE, (80, 50, 200, 120))
    out = tmp_path / "out"
    code = batch(today, str(images), "--mask", str(tmp_path / "m.png"), "--out", str(out), "--json")
    assert code == 1
    summary = json.loads(capsys.readouterr().out)
    assert summary["done"] == ["p0.png", "p1.png"]
    assert list(summary["failed"]) == ["wide.png"]
    assert "400" in summary["failed"]["wide.png"] and "300" in summary["failed"]["wide.png"]


# The child as a terminal starts it: SIGINT raises KeyboardInterrupt even when these tests run
# in a background job (whose children inherit SIGINT ignored).
AS_IN_A_TERMINAL = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'inpaint-editor'; runpy.run_module('editor', run_name='__main__')"
)


@pytest.mark.parametrize(
    "stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm (the window's Stop)"]
)
def test_ctrl_c_stops_cleanly_and_the_next_run_finishes(
    today: ServerThread, tmp_path: Path, stop: signal.Signals
) -> None:
    images = folder(tmp_path, count=6, broken=None)
    mask_file(tmp_path / "m.png", SIZE, (80, 50, 200, 120))
    out = tmp_path / "out"
    # Each answer comes a second late: after the first result, seconds of work are left.
    add_fault(today, kind="delay", seconds=1.0, times=40)
    args = [str(images), "--mask", str(tmp_path / "m.png"), "--out", str(out), "--jobs", "1"]
    command = [sys.executable, "-c", AS_IN_A_TERMINAL, "batch", *args, "--prompt", "a red door"]
    child = subprocess.Popen(
        [*command, "--endpoint", today.base_url],
        env={**os.environ, "INPAINT_EDITOR_CONFIG_DIR": str(tmp_path / "config")},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list(out.glob("p*-v1.png")) and time.monotonic() < deadline:
        time.sleep(0.05)
    running = child.poll() is None
    child.send_signal(stop)
    summary, err = child.communicate(timeout=30)
    assert running, f"the batch ended before Ctrl+C: {summary} {err}"
    assert child.returncode == 130, err
    assert "run the same command again" in err
    # Nothing half-written: every file there is whole, and the manifest is valid JSON.
    (manifest,) = out.glob("batch-*.json")
    items = json.loads(manifest.read_text())["items"]
    for name, item in items.items():
        if item["state"] == "done":
            for output in item["outputs"]:
                assert (out / output).stat().st_size > 0, name
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*"))
    for png in out.glob("*.png"):
        Image.open(png).load()  # decodes whole
    clear_faults(today)
    assert batch(today, *args) == 0
    assert len(list(out.glob("p*-v1.png"))) == 6
