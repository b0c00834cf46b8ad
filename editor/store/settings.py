"""App settings and endpoint profiles, persisted as ``settings.json`` in the user config folder.

``Settings`` is an evented dataclass: ``settings.events.<field>.connect(cb)`` for one field,
``settings.events.all.connect(cb)`` for any. :class:`SettingsStore` loads and saves it together
with the :class:`ProfileSet`; secret header values of profiles go to the keyring, never to JSON.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, ClassVar

from psygnal import Signal, SignalGroupDescriptor

from editor.client import ApiKey, Endpoint

from ._errors import ProfileError, StoreError, StoreReadError
from ._fsio import make_dir, read_json, write_json
from ._paths import default_config_dir
from .keys import KeyStore, header_secret_name
from .profiles import (
    LOCAL_PROFILE_ID,
    ModelMove,
    Profile,
    ProfileSet,
    builtin_profiles,
    move_off_retired,
)

__all__ = ["DEFAULT_STORAGE_BUDGET", "SETTINGS_FILE", "Settings", "SettingsStore"]

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.json"
SETTINGS_SCHEMA = 1
DEFAULT_STORAGE_BUDGET = 5 * 1024**3


@dataclass
class Settings:
    """What the user chose that outlives a session. Assigning a field emits its signal."""

    events: ClassVar[SignalGroupDescriptor] = SignalGroupDescriptor()

    active_profile: str = LOCAL_PROFILE_ID
    storage_budget_bytes: int = DEFAULT_STORAGE_BUDGET
    offer_restore: bool = True  # offer crashed sessions at start
    default_variants: int = 1
    composite: bool = True
    autosave_delay_s: float = 1.0  # how long the window waits after a stroke before saving
    recent_files: tuple[str, ...] = ()
    # Decoded full-resolution results kept in memory, in bytes; 0 = about three frames of the
    # open image or 600 MB, whichever is smaller (editor.store.frame_cache).
    frame_cache_bytes: int = 0
    # "profile-id:model" moves off a shut-down model the user undid: never made again.
    kept_models: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["recent_files"] = list(self.recent_files)
        return out

    def update_from_json(self, raw: Mapping[str, Any]) -> None:
        """Apply saved values of the right type; unknown keys and wrong types are skipped."""
        defaults = Settings()
        for f in fields(self):
            if f.name not in raw:
                continue
            value = _coerce(getattr(defaults, f.name), raw[f.name])
            if value is None:
                log.warning("settings: ignoring a bad value for %s", f.name)
                continue
            setattr(self, f.name, value)


def _coerce(default: Any, value: Any) -> Any:
    """``value`` if it has the type of ``default`` (ints widen to floats), else None."""
    if isinstance(default, tuple):
        return tuple(str(v) for v in value) if isinstance(value, list) else None
    if isinstance(default, bool):
        return value if isinstance(value, bool) else None
    if isinstance(value, bool):
        return None
    if isinstance(default, float):
        return float(value) if isinstance(value, int | float) else None
    if isinstance(default, int):
        return value if isinstance(value, int) else None
    if isinstance(default, str):
        return value if isinstance(value, str) else None
    return None


class SettingsStore:
    """Loads and saves settings and profiles. ``changed`` fires when either changes.

    ``load_problem`` holds a plain message when the saved file could not be read (it is then
    kept as ``settings.json.bad`` and defaults are used).
    """

    changed = Signal()

    def __init__(
        self,
        config_dir: Path | str | None = None,
        *,
        keys: KeyStore | None = None,
        allow_file_fallback: bool = False,
    ) -> None:
        self._dir = Path(config_dir) if config_dir is not None else default_config_dir()
        self.keys = keys if keys is not None else KeyStore(self._dir)
        self.allow_file_fallback = allow_file_fallback
        self.settings = Settings()
        self.profiles = ProfileSet()
        self.load_problem: str | None = None
        # Profiles moved off a shut-down model as they were loaded; the window says so once.
        self.model_moves: list[ModelMove] = []
        self._load()
        self.settings.events.all.connect(self._emit_changed)
        self.profiles.changed.connect(self._emit_changed)

    @property
    def path(self) -> Path:
        return self._dir / SETTINGS_FILE

    @property
    def active_profile(self) -> Profile:
        """The chosen profile, or the local engine if it was deleted."""
        try:
            return self.profiles.get(self.settings.active_profile)
        except KeyError:
            return self.profiles.get(LOCAL_PROFILE_ID)

    def api_key_for(self, profile: Profile) -> ApiKey | None:
        """The profile's ApiKey (its own variable, keyring, private file, or OPENAI_API_KEY for
        OpenAI profiles) or None."""
        if not profile.needs_key:
            return None
        return self.keys.get(
            profile.id, env_fallback=profile.env_key_allowed, env_var=profile.key_env
        )

    def endpoint_for(self, profile: Profile) -> Endpoint:
        return profile.to_endpoint(self.api_key_for(profile))

    # --- saving -------------------------------------------------------------------------------

    def save(self) -> None:
        """Write settings.json; secret header values go to the keyring first.

        Raises KeyringUnavailable (a secret header and no keyring, no fallback allowed) or
        StoreWriteError; in both cases the file on disk is unchanged.
        """
        for profile in self.profiles:
            for header, value in profile.secret_headers().items():
                name = header_secret_name(profile.id, header)
                if self.keys.get_secret(name) != value:
                    self.keys.set_secret(name, value, allow_file_fallback=self.allow_file_fallback)
        document = {
            "schema": SETTINGS_SCHEMA,
            "settings": self.settings.to_json(),
            "profiles": [p.to_json() for p in self.profiles],
        }
        make_dir(self._dir, "settings")
        write_json(self.path, document, "the settings")
        log.debug("settings saved to %s", self.path)

    async def save_async(self) -> None:
        await asyncio.to_thread(self.save)

    def save_all(
        self,
        profiles: Sequence[Profile],
        keys: Mapping[str, str],
        *,
        allow_file_fallback: bool,
        storage_budget_bytes: int,
    ) -> None:
        """Profiles, their new API keys and settings.json as one transaction: on any error
        (raised) the profiles, keys and settings are as they were."""
        budget, allowed = self.settings.storage_budget_bytes, self.allow_file_fallback
        old_profiles = list(self.profiles)
        written: list[tuple[str, str | None]] = []  # (profile id, the key it had)
        try:
            self.allow_file_fallback = allow_file_fallback
            self.profiles.replace_all(list(profiles))
            for profile_id, key in keys.items():
                previous = self.keys.get_secret(profile_id)
                self.keys.set(profile_id, ApiKey(key), allow_file_fallback=allow_file_fallback)
                written.append((profile_id, previous))
            self.settings.storage_budget_bytes = storage_budget_bytes
            self.save()
        except BaseException:
            self.settings.storage_budget_bytes, self.allow_file_fallback = budget, allowed
            self.profiles.replace_all(old_profiles)
            for profile_id, previous in reversed(written):
                with contextlib.suppress(StoreError):
                    if previous is None:
                        self.keys.delete(profile_id)
                    else:
                        self.keys.set_secret(profile_id, previous, allow_file_fallback=True)
            raise

    def forget_profile_secrets(self, profile: Profile) -> None:
        """Remove a deleted profile's key and secret headers from the keyring."""
        self.keys.delete(profile.id)
        for header in profile.extra_headers:
            self.keys.delete_secret(header_secret_name(profile.id, header))

    # --- loading ------------------------------------------------------------------------------

    def _load(self) -> None:
        if not self.path.exists():
            return
        try:
            raw = read_json(self.path, "the settings")
            if not isinstance(raw, dict) or int(raw.get("schema", 0)) > SETTINGS_SCHEMA:
                raise StoreReadError("the settings were saved by a newer Inpaint Editor")
            profiles = [
                Profile.from_json(p, self._secret_lookup(str(p.get("id", ""))))
                for p in raw.get("profiles") or ()
            ]
            self.settings.update_from_json(raw.get("settings") or {})
            self.profiles = ProfileSet(self._moved(profiles) or builtin_profiles())
        except (StoreReadError, ProfileError, TypeError, ValueError, AttributeError) as e:
            self.load_problem = (
                f"Your settings could not be read ({e}); defaults are used and the old file "
                f"was kept as {self.path.name}.bad"
            )
            log.warning("%s", self.load_problem)
            with contextlib.suppress(OSError):
                self.path.replace(self.path.with_name(SETTINGS_FILE + ".bad"))
            self.settings = Settings()
            self.profiles = ProfileSet()

    def _moved(self, profiles: list[Profile]) -> list[Profile]:
        out = []
        for profile in profiles:
            moved, move = move_off_retired(profile)
            if (
                move is not None
                and f"{move.profile_id}:{move.old}" not in self.settings.kept_models
            ):
                log.info("%s", move.message)
                self.model_moves.append(move)
                profile = moved
            out.append(profile)
        return out

    def undo_model_move(self, move: ModelMove) -> None:
        """Put the profile back on its old model and never move it again (then save)."""
        profile = self.profiles.get(move.profile_id)
        if profile.default_model == move.new:
            self.profiles.update(profile.with_(default_model=move.old))
        key = f"{move.profile_id}:{move.old}"
        if key not in self.settings.kept_models:
            self.settings.kept_models = (*self.settings.kept_models, key)
        if move in self.model_moves:
            self.model_moves.remove(move)

    def _secret_lookup(self, profile_id: str) -> Callable[[str], str | None]:
        def lookup(header: str) -> str | None:
            return self.keys.get_secret(header_secret_name(profile_id, header))

        return lookup

    def _emit_changed(self, *args: Any) -> None:
        self.changed.emit()
