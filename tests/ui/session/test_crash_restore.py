"""kill -9 a real app while variants arrive; the next start restores image, mask, prompt, all."""

from __future__ import annotations

import asyncio
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
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from editor.core.imageio import load_mask, mask_to_api_png
from editor.store import RoundState, SessionStore, SettingsStore
from editor.ui.session.restore import offer_restore
from editor.ui.window.main_window import MainWindow

W, H = 240, 160
PROMPT = "remove the cable, keep the wall"


def _inputs(folder: Path) -> tuple[Path, Path]:
    y, x = np.mgrid[0:H, 0:W]
    pixels = np.dstack([x % 256, y % 256, np.full_like(x, 90)]).astype(np.uint8)
    image = folder / "photo.png"
    Image.fromarray(pixels).save(image)
    edit = np.zeros((H, W), np.uint8)
    edit[50:110, 80:170] = 255
    mask = folder / "photo-mask.png"
    mask.write_bytes(mask_to_api_png(edit))
    return image, mask


def _wait_for_variants(data: Path, n: int, proc: subprocess.Popen[bytes]) -> list[Path]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = sorted(data.glob("sessions/*/rounds/*/variant-*.png"))
        if len(found) >= n:
            return found
        if proc.poll() is not None:
            pytest.fail(
                f"the app ended early: {proc.stderr.read().decode() if proc.stderr else ''}"
            )
        time.sleep(0.05)
    pytest.fail("no variants were written within 60 s")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_kill_9_then_restore_brings_back_every_variant_mask_and_prompt(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    image, mask_path = _inputs(tmp_path)
    data, config = tmp_path / "data", tmp_path / "config"
    config.mkdir()
    # Two variants per Generate (the settings a designer would have chosen).
    settings = SettingsStore(config)
    settings.settings.default_variants = 2
    settings.save()
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "INPAINT_EDITOR_DATA_DIR": str(data),
        "INPAINT_EDITOR_CONFIG_DIR": str(config),
        "INPAINT_EDITOR_LOG_DIR": str(tmp_path / "logs"),
        "INPAINT_EDITOR_AUTOSUBMIT": "1",
    }
    cmd = [sys.executable, "-m", "editor", str(image), "--mask", str(mask_path)]
    proc = subprocess.Popen([*cmd, "--prompt", PROMPT], env=env, stderr=subprocess.PIPE)
    try:
        written = _wait_for_variants(data, 2, proc)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        if proc.stderr:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    store = SessionStore(data / "sessions")
    window = MainWindow(
        settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat),
        store=store,
        app_settings=SettingsStore(config),
    )
    qtbot.addWidget(window)
    window.show()
    looking = asyncio.ensure_future(offer_restore(window, show=False, parent=window))
    qtbot.waitUntil(looking.done, timeout=10_000)
    offer = looking.result()
    assert offer is not None, "no restore was offered after kill -9"
    task = offer.accept_restore()
    qtbot.waitUntil(task.done, timeout=20_000)
    assert task.result() is True

    session = window.sessions.session
    assert session is not None and len(session.rounds) == 1
    record = session.rounds[0]
    assert record.state in (RoundState.SUCCEEDED, RoundState.INTERRUPTED)
    assert window.prompt_panel.prompt.toPlainText() == PROMPT
    assert window.image is not None and window.image.shape == (H, W, 3)
    np.testing.assert_array_equal(window.image, np.asarray(Image.open(image)))
    expected_mask = load_mask(mask_path, size=(W, H))
    assert window.document is not None
    np.testing.assert_array_equal(window.document.edit, expected_mask)
    assert window.gallery.variant_count(record.id) == 2
    for path in written:
        index = int(path.stem.split("-")[1])
        np.testing.assert_array_equal(
            window.frame(record.id, index), np.asarray(Image.open(path).convert("RGB"))
        )
    # Restoring took the session over: it is open here now, not offered again.
    assert store.find_crashed() == []
    # The round's record on disk agrees.
    saved = json.loads((session.round_dir(record.id) / "round.json").read_text())
    assert saved["prompt"] == PROMPT
    window.close()
    assert session.closed


def test_a_round_in_flight_comes_back_interrupted_and_retry_sends_it_again(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    from editor.pipeline import ApiOptions, EditParams
    from editor.ui.session.restore import restore_session
    from tests.ui.session_helpers import make_window

    image, mask_path = _inputs(tmp_path)
    pixels = np.asarray(Image.open(image))
    edit = load_mask(mask_path, size=(W, H))
    # What a dead app leaves: a round started (running) and never finished.
    dead = SessionStore(tmp_path / "data" / "sessions").create(image)
    dead.start_round(EditParams(ApiOptions(prompt="in flight", model="telea", n=1)), mask=edit)

    window = make_window(qtbot, tmp_path)
    task = asyncio.ensure_future(restore_session(window, dead.id))
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result() is True
    assert "interrupted" in window.message_banner.text()
    np.testing.assert_array_equal(window.image, pixels)
    panel = window.history_panel
    assert window.side_tabs.currentWidget() is panel
    item = panel.item("r0001")
    assert item is not None and item.text(2) == "interrupted"
    panel.tree.setCurrentItem(item)
    assert panel.retry_button.isEnabled() and panel.retry_button.text() == "Retry"
    qtbot.mouseClick(panel.retry_button, Qt.MouseButton.LeftButton)
    assert panel.task is not None
    qtbot.waitUntil(panel.task.done, timeout=10_000)
    job = window.jobs.jobs[-1]
    qtbot.waitUntil(lambda: job.id in window.binding.settled, timeout=20_000)
    qtbot.waitUntil(lambda: not window.sessions.busy, timeout=10_000)
    assert job.params.api.prompt == "in flight"
    rounds = window.sessions.rounds()
    session = window.sessions.session
    assert session is not None
    np.testing.assert_array_equal(session.load_mask(rounds[1].mask), edit)
    assert [r.state for r in rounds] == [RoundState.INTERRUPTED, RoundState.SUCCEEDED]
    assert len(rounds[1].variants) == 1
    window.close()
