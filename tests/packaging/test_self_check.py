"""``inpaint-editor --self-check`` from the source tree: window, one local edit, result on disk."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from editor.resources_path import sample_paths
from editor.ui.self_check import process_start_age


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        INPAINT_EDITOR_DATA_DIR=str(tmp_path / "data"),
        INPAINT_EDITOR_CONFIG_DIR=str(tmp_path / "config"),
        INPAINT_EDITOR_LOG_DIR=str(tmp_path / "logs"),
        INPAINT_EDITOR_SELF_CHECK_TIMEOUT="100",
        HOME=str(tmp_path / "home"),
    )
    env.pop("INPAINT_EDITOR_RESOURCES", None)
    return env


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "editor", "--self-check", *args],
        env=_env(tmp_path),
        cwd=tmp_path,  # not the checkout: the sample must be found through the package
        capture_output=True,
        text=True,
        timeout=150,
    )


def test_self_check_edits_the_sample_and_writes_the_result(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _run(tmp_path, str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    result = out / "coffee-self-check.png"
    sample, _mask = sample_paths()
    with Image.open(result) as written, Image.open(sample) as original:
        assert written.size == original.size
    lines = done.stdout.splitlines()
    assert any("window shown" in line and "after the process started" in line for line in lines)
    assert any("local engine up in its own process" in line for line in lines)
    assert any("edit done with the local engine (patchmatch, n=1)" in line for line in lines)
    assert lines[-1].startswith("self-check: OK in ")
    assert not (tmp_path / "home" / ".config").exists()  # the user's settings stay untouched


def test_self_check_fails_plainly_when_it_cannot_write(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should go")
    done = _run(tmp_path, str(blocker))
    assert done.returncode == 1
    assert "self-check: FAILED:" in done.stdout


def test_process_start_age_is_a_small_positive_number() -> None:
    age = process_start_age()
    if age is None:
        pytest.skip("no /proc here")
    assert 0 <= age < 24 * 3600


def test_process_start_age_takes_a_launcher_timestamp(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("INPAINT_EDITOR_T0", str(time.time() - 2.0))
    age = process_start_age()
    assert age is not None and 1.9 < age < 5
