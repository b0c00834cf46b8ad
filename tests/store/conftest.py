"""Fixtures for the store: real folders in tmp_path, an in-memory keyring, sample pixels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from editor.store import SessionStore
from tests import keyring_backend

# the fixtures, shared with the window tests
memory_keyring = keyring_backend.memory_keyring
no_keyring = keyring_backend.no_keyring


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing a test does may reach the real user folders or the real OPENAI_API_KEY."""
    monkeypatch.setenv("INPAINT_EDITOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("INPAINT_EDITOR_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "sessions", app_version="9.9.9")


def make_image(w: int = 48, h: int = 32, seed: int = 0, channels: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(h, w, channels), dtype=np.uint8)


def make_mask(w: int = 48, h: int = 32, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(1000 + seed)
    edit = np.zeros((h, w), np.uint8)
    edit[4 : h - 4, 6 : w - 6] = rng.integers(0, 256, size=(h - 8, w - 12), dtype=np.uint8)
    return edit
