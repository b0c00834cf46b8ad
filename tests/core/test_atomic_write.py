"""Files the user names follow the umask; the app's private files stay owner-only."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from editor.core.atomic import atomic_write_bytes

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_follows_the_umask(tmp_path: Path, umask_022: None) -> None:
    path = tmp_path / "export.png"
    atomic_write_bytes(path, b"pixels")
    assert path.read_bytes() == b"pixels"
    assert mode(path) == 0o644


def test_a_stricter_umask_is_obeyed(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        atomic_write_bytes(tmp_path / "export.png", b"pixels")
    finally:
        os.umask(old)
    assert mode(tmp_path / "export.png") == 0o600


def test_replacing_a_file_keeps_its_permissions(tmp_path: Path, umask_022: None) -> None:
    path = tmp_path / "shared.png"
    path.write_bytes(b"old")
    path.chmod(0o664)
    atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"new"
    assert mode(path) == 0o664


def test_a_private_file_is_owner_only(tmp_path: Path, umask_022: None) -> None:
    path = tmp_path / "keys.json"
    path.write_bytes(b"{}")
    path.chmod(0o644)  # even when it replaces a readable one
    atomic_write_bytes(path, b"{}", private=True)
    assert mode(path) == 0o600


def test_no_temp_file_is_left_behind(tmp_path: Path, umask_022: None) -> None:
    atomic_write_bytes(tmp_path / "a.png", b"1")
    atomic_write_bytes(tmp_path / "a.png", b"2")
    assert [p.name for p in tmp_path.iterdir()] == ["a.png"]


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, umask_022: None) -> None:
    path = tmp_path / "a.png"
    path.write_bytes(b"old")
    with pytest.raises(TypeError):
        atomic_write_bytes(path, "not bytes")  # type: ignore[arg-type]
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.png"]
