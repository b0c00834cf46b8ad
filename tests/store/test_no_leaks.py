"""The API key never lands in a session folder, the settings JSON or a log record."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from editor.core.params import ApiOptions, EditParams
from editor.store import (
    OPENAI_PROFILE_ID,
    BaseRef,
    Profile,
    RoundState,
    SessionStore,
    SettingsStore,
)
from tests.keyring_backend import MemoryKeyring

from .conftest import make_image, make_mask

FAKE_KEY = "sk-test-LEAKCHECK-42"


def test_the_key_is_nowhere_but_the_keyring(
    memory_keyring: MemoryKeyring, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = SettingsStore(tmp_path / "config")
    settings.keys.set(OPENAI_PROFILE_ID, FAKE_KEY)
    settings.profiles.add(
        Profile(
            id="proxy",
            name="Proxy",
            base_url="http://10.0.0.5:8080/v1",
            extra_headers={"X-Api-Key": FAKE_KEY},
        )
    )
    settings.settings.active_profile = OPENAI_PROFILE_ID
    settings.save()
    endpoint = settings.endpoint_for(settings.active_profile)
    logging.getLogger("test").debug(
        "sending with %s and %r", endpoint, settings.profiles.get("proxy")
    )

    sessions = SessionStore(tmp_path / "data" / "sessions")
    with sessions.create(make_image()) as s:
        s.save_prompt("a door")
        r = s.start_round(
            EditParams(ApiOptions("a door", model="gpt-image-1")),
            mask=make_mask(),
            profile="openai",
        )
        s.add_variant(r.id, 0, make_image(seed=1), revised_prompt="a wooden door")
        s.finish_round(r.id, RoundState.SUCCEEDED, usage={"total_tokens": 1}, request_id="r")
        r2 = s.start_round(EditParams(ApiOptions("again")), base=BaseRef(r.id, 0))
        s.finish_round(r2.id, RoundState.FAILED, error=f"401 for {endpoint!r}")
    sessions.list_sessions()
    SettingsStore(tmp_path / "config").save()

    needle = FAKE_KEY.encode()
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) >= 8
    leaked = [str(p) for p in files if needle in p.read_bytes()]
    assert leaked == []
    assert [r.getMessage() for r in caplog.records if FAKE_KEY in r.getMessage()] == []
    assert FAKE_KEY not in caplog.text
    # It is where it belongs.
    assert memory_keyring.entries[("inpaint-editor", OPENAI_PROFILE_ID)] == FAKE_KEY
    assert memory_keyring.entries[("inpaint-editor", "proxy/header/x-api-key")] == FAKE_KEY
