"""packaging/linux/install.sh and uninstall.sh on a stand-in bundle, inside a temporary HOME."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

APP_ID = "io.github.inpainteditor.InpaintEditor"
ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "packaging" / "linux"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def _fake_bundle(folder: Path) -> Path:
    """The layout PyInstaller makes: the binary plus _internal/resources/ from the spec."""
    binary = folder / "inpaint-editor"
    folder.mkdir(parents=True)
    binary.write_text("#!/bin/sh\necho 'inpaint-editor 9.9.9'\n")
    binary.chmod(0o755)
    resources = folder / "_internal" / "resources"
    shutil.copytree(ROOT / "resources" / "icons", resources / "icons")
    shutil.copytree(ROOT / "resources" / "linux", resources / "linux")
    return folder


def _run(script: str, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home)}
    return subprocess.run(
        ["sh", str(SCRIPTS / script), *args], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
def test_install_then_uninstall_for_the_current_user(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    bundle = _fake_bundle(tmp_path / "dist" / "inpaint-editor")

    done = _run("install.sh", home, str(bundle))
    assert done.returncode == 0, done.stderr
    assert "Installed Inpaint Editor 9.9.9" in done.stdout
    local = home / ".local"
    dest = local / "opt" / "inpaint-editor"
    assert (dest / "inpaint-editor").is_file()
    link = local / "bin" / "inpaint-editor"
    assert link.is_symlink() and link.resolve() == (dest / "inpaint-editor").resolve()
    desktop = (local / "share" / "applications" / f"{APP_ID}.desktop").read_text()
    assert f"Exec={dest}/inpaint-editor %f" in desktop.splitlines()
    assert (local / "share" / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    hicolor = local / "share" / "icons" / "hicolor"
    for size in SIZES:
        assert (hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png").is_file()

    again = _run("install.sh", home, str(bundle))  # reinstall over the top
    assert again.returncode == 0, again.stderr

    gone = _run("uninstall.sh", home)
    assert gone.returncode == 0, gone.stderr
    assert not dest.exists() and not link.exists()
    assert not (local / "share" / "applications" / f"{APP_ID}.desktop").exists()
    assert not list((local / "share" / "icons").rglob(f"{APP_ID}.png"))


def test_install_refuses_a_folder_without_a_bundle(tmp_path: Path) -> None:
    done = _run("install.sh", tmp_path, str(tmp_path))
    assert done.returncode == 1
    assert "no bundle" in done.stderr
