"""Team gateways in the window: the service's models in the Model box, aliases and the response
format in Settings, and a service that can't stream previews (resent plain, remembered,
forgettable in Settings). All against the real local server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from editor.client import EditsClient, Endpoint
from editor.pipeline.jobs import JobState
from editor.server import ServerThread
from editor.store import Profile as StoredProfile
from editor.store import SettingsStore
from editor.ui.common.services import Profile
from editor.ui.settings.settings_dialog import SettingsDialog
from editor.ui.window.main_window import MainWindow
from tests.keyring_backend import MemoryKeyring
from tests.ui.window_helpers import (
    add_fault,
    close_window,
    generate_and_wait,
    job_of,
    logged_requests,
    open_photo,
    paint,
    show_window,
)

LOCAL_MODELS = ["patchmatch", "telea", "navier-stokes"]


def click(qtbot: QtBot, widget: object) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def combo_items(combo: object) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]  # type: ignore[attr-defined]


@pytest.fixture
def windows(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> Iterator[Callable[[Profile], MainWindow]]:
    """Opens a window on one profile; closed (jobs ended first) after the test."""
    opened: list[MainWindow] = []

    def open_on(profile: Profile) -> MainWindow:
        store = SettingsStore(tmp_path / "config")
        opened.append(show_window(qtbot, tmp_path, [profile], app_settings=store))
        return opened[-1]

    yield open_on
    for window in opened:
        close_window(qtbot, window)


def test_settings_list_the_models_and_keep_aliases_for_the_model_box(
    qtbot: QtBot,
    window: MainWindow,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    server: ServerThread,
) -> None:
    dialog = SettingsDialog(window, window)
    qtbot.addWidget(dialog)
    dialog.show()
    click(qtbot, dialog.add_button)
    form = dialog.form
    form.name.selectAll()
    qtbot.keyClicks(form.name, "Team gateway")
    form.base_url.selectAll()
    qtbot.keyClicks(form.base_url, server.base_url)
    qtbot.keyClicks(form.key, "sk-team-key-123")
    assert form.gateway.models.text() == "not listed yet"

    click(qtbot, form.gateway.refresh)
    task = dialog.test_task
    assert task is not None
    qtbot.waitUntil(task.done, timeout=15_000)
    assert form.gateway.models.text() == "3: patchmatch, telea, navier-stokes"

    # A wrong alias line is refused in plain words; nothing is saved.
    qtbot.keyClicks(form.gateway.aliases, "team-image = dall-e-3")
    assert "can be treated like" in dialog.error.text()
    form.gateway.aliases.selectAll()
    qtbot.keyClicks(form.gateway.aliases, "team-image = gpt-image-2")
    click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Ok))
    assert not dialog.isVisible(), dialog.error.text()

    saved = SettingsStore(tmp_path / "config").profiles.get("team-gateway")
    assert saved.service_models == tuple(LOCAL_MODELS)
    assert dict(saved.aliases) == {"team-image": "gpt-image-2"}
    assert saved.response_format is None

    panel = window.prompt_panel
    panel.set_profile("Team gateway")
    assert combo_items(panel.model_combo)[:3] == LOCAL_MODELS  # the service's own names first
    panel.set_model("team-image")
    # Treated like gpt-image-2: any size, so the size box takes typed sizes.
    assert panel.size_combo.isEditable()
    params = panel.params()
    assert params.aliases == (("team-image", "gpt-image-2"),)
    assert params.api.response_format is None


def test_the_model_box_refresh_asks_the_service(
    qtbot: QtBot, windows: Callable[[Profile], MainWindow], server: ServerThread
) -> None:
    endpoint = Endpoint(base_url=server.base_url, api_key=None, max_retries=0, timeout=20)
    kept: list[tuple[str, ...]] = []
    profile = Profile(
        "Team",
        lambda: EditsClient(endpoint),
        "gpt-image-1",
        ("gpt-image-1",),
        remember_models=kept.append,
    )
    window = windows(profile)
    panel = window.prompt_panel
    assert combo_items(panel.model_combo) == ["gpt-image-1"]
    click(qtbot, panel.models_button)
    task = panel.models_task
    assert task is not None
    qtbot.waitUntil(task.done, timeout=15_000)
    # The service's models first; the shut-down gpt-image-1 apart, after a separator, dated.
    assert combo_items(panel.model_combo) == [*LOCAL_MODELS, "", "gpt-image-1"]
    assert panel.model_note("gpt-image-1") == "shut down 2026-10-23"
    assert kept == [tuple(LOCAL_MODELS)]
    assert panel.model() == "gpt-image-1"  # the choice stays
    assert "offers 3 models" in panel.hint.text()


def test_a_service_that_cannot_stream_is_resent_plain_remembered_and_forgettable(
    qtbot: QtBot, windows: Callable[[Profile], MainWindow], tmp_path: Path, server: ServerThread
) -> None:
    endpoint = Endpoint(base_url=server.base_url, api_key=None, max_retries=2, timeout=20)
    profile = Profile("Team", lambda: EditsClient(endpoint), "telea", stream=True, partial_images=2)
    window = windows(profile)
    open_photo(qtbot, window, tmp_path)
    paint(qtbot, window, [(60, 60), (120, 90), (160, 100)])
    window.prompt_panel.set_prompt("a red ball")

    add_fault(server, kind="status", status=500, times=1)  # what a gateway answers a stream
    job_id = generate_and_wait(qtbot, window)
    qtbot.waitUntil(lambda: job_id in window.binding.settled, timeout=20_000)
    job = job_of(window, job_id)  # finished jobs leave the queue; the row keeps them
    assert job.state is JobState.SUCCEEDED and len(window.results.variants(job_id)) == 1
    row = window.jobs_panel.row(job_id)
    assert row.warning.isVisible() and "could not stream previews" in row.warning.text()
    assert window.capabilities.no_stream("Team") == ["telea"]
    assert [r["fields"].get("stream") for r in logged_requests(server)] == ["true", None]

    # The next job does not ask for a stream, and its row says nothing about it.
    second = generate_and_wait(qtbot, window)
    qtbot.waitUntil(lambda: second in window.binding.settled, timeout=20_000)
    assert logged_requests(server)[-1]["fields"].get("stream") is None
    assert not window.jobs_panel.row(second).warning.isVisible()

    # Settings show what was learned for the profile of that name; Forget resets it on Apply.
    window.app_settings.profiles.add(
        StoredProfile(id="team", name="Team", base_url=server.base_url)
    )
    dialog = SettingsDialog(window, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.list.setCurrentItem(dialog.list.findItems("Team", Qt.MatchFlag.MatchExactly)[0])
    iteration = dialog.form.iteration
    assert "no streamed previews (telea)" in iteration.learned.text()
    click(qtbot, iteration.forget)
    assert iteration.learned.text() == ""
    assert window.capabilities.no_stream("Team") == ["telea"]  # until OK or Apply
    assert dialog.apply(), dialog.error.text()
    assert window.capabilities.no_stream("Team") == []
    dialog.close()
