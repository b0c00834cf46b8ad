"""What OK/Apply in Settings does, apart from the dialog's widgets.

The dialog collects what was edited into :class:`SettingsChanges`; :class:`SettingsController`
checks it, saves it as one transaction (:meth:`SettingsStore.save_all`: all or nothing) and then
brings the window in line: the storage budget, the forgotten learned limits, the UI prefs and
the service picker.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QStatusBar

from editor.core.selection import PressureCurve
from editor.store import KeyringUnavailable, Profile, ProfileError, SettingsStore, StoreError
from editor.ui.settings.capabilities import Capabilities
from editor.ui.settings.prefs import UiPrefs

__all__ = ["SettingsChanges", "SettingsController", "SettingsHost", "SettingsTarget"]

T = TypeVar("T")


class SettingsTarget(Protocol):
    """What applying settings changes in the window."""

    @property
    def settings(self) -> QSettings: ...
    @property
    def app_settings(self) -> SettingsStore: ...
    @property
    def capabilities(self) -> Capabilities: ...
    def set_storage_budget(self, budget_bytes: int) -> None: ...
    def apply_prefs(self) -> None: ...
    def reload_profiles(self) -> None: ...


@dataclass(frozen=True)
class SettingsChanges:
    """Everything the dialog edited, as it will be saved."""

    profiles: tuple[Profile, ...]
    keys: dict[str, str]  # profile id → the key typed for it
    removed: tuple[Profile, ...] = ()
    allow_file_fallback: bool = False
    storage_budget_bytes: int = 0
    forgotten: frozenset[str] = frozenset()  # profile names whose learned limits go
    brush_size: int = 0
    overlay_color: QColor = field(default_factory=QColor)
    theme: str = "system"
    confirm_images_over: int = 12
    pressure_curve: PressureCurve = field(default_factory=PressureCurve)


class SettingsController:
    def __init__(self, window: SettingsTarget) -> None:
        self.window = window

    def apply(self, changes: SettingsChanges) -> str | None:
        """Save everything or nothing; None when saved, else the plain reason nothing was."""
        store = self.window.app_settings
        keys, allow_file = changes.keys, changes.allow_file_fallback
        if keys and not allow_file and not store.keys.keyring_available():
            name = next(p.name for p in changes.profiles if p.id in keys)
            return (
                f"Nothing was saved: no system keyring works here, so the API key for “{name}” "
                "has nowhere to go. Tick “allow saving API keys in a file”, name an environment "
                "variable that holds the key (Key variable), or empty the API key field."
            )
        try:
            store.save_all(
                changes.profiles,
                keys,
                allow_file_fallback=allow_file,
                storage_budget_bytes=changes.storage_budget_bytes,
            )
        except (KeyringUnavailable, ProfileError, StoreError) as e:
            return f"Nothing was saved: {e}"
        kept = {p.id for p in changes.profiles}
        for gone in changes.removed:
            if gone.id not in kept:
                with contextlib.suppress(StoreError):  # saved already; a leftover is harmless
                    store.forget_profile_secrets(gone)
        w = self.window
        for name in changes.forgotten:
            w.capabilities.forget(name)
        w.set_storage_budget(store.settings.storage_budget_bytes)
        prefs = UiPrefs(w.settings)
        prefs.brush_size = changes.brush_size
        prefs.overlay_color = changes.overlay_color
        prefs.theme = changes.theme
        prefs.confirm_images_over = changes.confirm_images_over
        prefs.pressure_curve = changes.pressure_curve
        prefs.sync()
        w.apply_prefs()
        w.reload_profiles()
        return None


class SettingsHost(SettingsTarget, Protocol):
    """What Settings reads and updates in the window."""

    def statusBar(self) -> QStatusBar: ...
    def spawn(self, coro: Coroutine[Any, Any, T], what: str) -> asyncio.Task[T]: ...
