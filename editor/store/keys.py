"""API keys and other secrets: the OS keyring, never plain text unless the user agreed.

Order of lookup for ``get``: the environment variable a profile names as its key source (read
at use, never written anywhere), the system keyring, the private key file (only exists if the
user once allowed it), then ``OPENAI_API_KEY`` for OpenAI-kind profiles only — so an OpenAI key
never goes to another host. ``set`` writes to the
keyring; with no working keyring it raises :class:`KeyringUnavailable` unless the caller passes
``allow_file_fallback=True`` (after telling the user), which writes a file readable only by the
user (mode 0600) in the config folder. Plain-text keyrings (``keyrings.alt``) and the ``null``
backend never count as a keyring.
"""

from __future__ import annotations

import contextlib
import enum
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from editor.client import ApiKey
from editor.core.deferred_imports import DeferredModule

from ._errors import KeyringUnavailable, StoreReadError
from ._fsio import describe_os_error, make_dir, write_durable
from ._paths import default_config_dir

if TYPE_CHECKING:
    import keyring
    from keyring.backend import KeyringBackend
else:  # imported at first use: the window's start does without it (~50 ms)
    keyring = DeferredModule("keyring")

__all__ = ["KEYS_FILE", "KEY_ENV", "SERVICE", "KeySource", "KeyStore", "header_secret_name"]

log = logging.getLogger(__name__)

SERVICE = "inpaint-editor"
KEYS_FILE = "keys.json"
KEY_ENV = "OPENAI_API_KEY"


class KeySource(enum.StrEnum):
    KEYRING = "keyring"
    FILE = "file"  # the private file the user allowed
    ENVIRONMENT = "environment"


def header_secret_name(profile_id: str, header: str) -> str:
    """The keyring user name under which a secret header value of a profile is kept."""
    return f"{profile_id}/header/{header.lower()}"


def _usable_backends() -> list[KeyringBackend]:
    # Imported at use: the window's start defers keyring until a key is needed.
    from keyring.backends import fail, null
    from keyring.backends.chainer import ChainerBackend

    current = keyring.get_keyring()
    chain = list(current.backends) if isinstance(current, ChainerBackend) else [current]
    return [
        b
        for b in chain
        if not isinstance(b, fail.Keyring | null.Keyring)
        and not type(b).__module__.startswith("keyrings.alt")
    ]


class KeyStore:
    """Where API keys (user name = profile id) and secret header values live."""

    def __init__(
        self,
        config_dir: Path | str | None = None,
        *,
        service: str = SERVICE,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._dir = Path(config_dir) if config_dir is not None else default_config_dir()
        self._service = service
        self._environ = environ if environ is not None else os.environ

    @property
    def file_path(self) -> Path:
        """The private fallback file (exists only if the user allowed it)."""
        return self._dir / KEYS_FILE

    def keyring_available(self) -> bool:
        return bool(_usable_backends())

    def backend_description(self) -> str:
        """One sentence for the settings dialog: where keys are kept."""
        backends = _usable_backends()
        if backends:
            name = getattr(backends[0], "name", type(backends[0]).__name__)
            return f"API keys are kept in the system keyring ({name})."
        if self.file_path.exists():
            return (
                "No system keyring is available; API keys are kept in a file only you can read "
                f"({self.file_path})."
            )
        return (
            "No system keyring is available: a key can come from an environment variable the "
            "profile names (OPENAI_API_KEY for OpenAI), or be saved in a file only you can read "
            "if you allow it."
        )

    # --- API keys -----------------------------------------------------------------------------

    def get(
        self, profile_id: str, *, env_fallback: bool = False, env_var: str | None = None
    ) -> ApiKey | None:
        """The key for a profile; ``env_var`` names the profile's own variable (tried first),
        ``env_fallback`` lets OpenAI-kind profiles use OPENAI_API_KEY (tried last)."""
        found = self._find(profile_id, env_fallback, env_var)
        return None if found is None else ApiKey(found[1])

    def source(
        self, profile_id: str, *, env_fallback: bool = False, env_var: str | None = None
    ) -> KeySource | None:
        """Where :meth:`get` would find the key (for the settings dialog's label)."""
        found = self._find(profile_id, env_fallback, env_var)
        return None if found is None else found[0]

    def env_value_set(self, name: str) -> bool:
        """Whether the variable holds something (the value itself is never shown)."""
        return bool(self._environ.get(name, "").strip())

    def _find(
        self, profile_id: str, env_fallback: bool, env_var: str | None = None
    ) -> tuple[KeySource, str] | None:
        if env_var:
            own = self._environ.get(env_var, "").strip()
            if own:
                return KeySource.ENVIRONMENT, own
        found = self._lookup(profile_id)
        if found is not None:
            return found
        if env_fallback:
            env = self._environ.get(KEY_ENV, "").strip()
            if env:
                return KeySource.ENVIRONMENT, env
        return None

    def set(
        self, profile_id: str, key: ApiKey | str, *, allow_file_fallback: bool = False
    ) -> KeySource:
        """Store a profile's key; returns where it went. Raises KeyringUnavailable (see module)."""
        value = key.reveal() if isinstance(key, ApiKey) else ApiKey(key).reveal()
        return self.set_secret(profile_id, value, allow_file_fallback=allow_file_fallback)

    def delete(self, profile_id: str) -> None:
        self.delete_secret(profile_id)

    # --- any secret ---------------------------------------------------------------------------

    def get_secret(self, name: str) -> str | None:
        found = self._lookup(name)
        return None if found is None else found[1]

    def _lookup(self, name: str) -> tuple[KeySource, str] | None:
        for backend in _usable_backends():
            try:
                value = backend.get_password(self._service, name)
            except keyring.errors.KeyringError as e:
                log.warning("the keyring could not be read (%s)", type(e).__name__)
                continue
            if value:
                return KeySource.KEYRING, value
        value = self._read_file().get(name)
        return (KeySource.FILE, value) if value else None

    def set_secret(self, name: str, value: str, *, allow_file_fallback: bool = False) -> KeySource:
        backends = _usable_backends()
        problem = "no system keyring is available"
        if backends:
            try:
                backends[0].set_password(self._service, name, value)
            except keyring.errors.KeyringError as e:
                problem = f"the system keyring refused it ({type(e).__name__})"
                log.warning("the keyring refused a secret for %s: %s", name, type(e).__name__)
            else:
                self._forget_in_file(name)
                log.info("stored a secret for %s in the system keyring", name)
                return KeySource.KEYRING
        if not allow_file_fallback:
            raise KeyringUnavailable(
                f"The API key was not saved: {problem}. You can name an environment variable "
                "that holds the key in the profile (OPENAI_API_KEY serves OpenAI profiles), "
                "unlock or install a keyring (such as GNOME Keyring or KWallet), or allow "
                f"saving the key in a file only you can read ({self.file_path})."
            )
        secrets_ = self._read_file()
        secrets_[name] = value
        self._write_file(secrets_)
        log.info("stored a secret for %s in the private key file", name)
        return KeySource.FILE

    def delete_secret(self, name: str) -> None:
        for backend in _usable_backends():
            with contextlib.suppress(keyring.errors.KeyringError):
                backend.delete_password(self._service, name)
        self._forget_in_file(name)

    # --- the private file ---------------------------------------------------------------------

    def _read_file(self) -> dict[str, str]:
        try:
            raw: Any = json.loads(self.file_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as e:
            raise StoreReadError(f"Could not read the key file {self.file_path}") from e
        secrets_ = raw.get("secrets") if isinstance(raw, dict) else None
        return {str(k): str(v) for k, v in (secrets_ or {}).items()}

    def _write_file(self, secrets_: Mapping[str, str]) -> None:
        make_dir(self._dir, "settings")
        data = json.dumps({"version": 1, "secrets": dict(secrets_)}, indent=2).encode()
        # write_durable creates the temp file 0600 and renames it into place: owner-only throughout.
        write_durable(self.file_path, data, "the key file")
        try:
            os.chmod(self.file_path, 0o600)
        except OSError as e:  # pragma: no cover - the file was just written by us
            log.warning("could not restrict %s: %s", self.file_path, describe_os_error(e))

    def _forget_in_file(self, name: str) -> None:
        if not self.file_path.exists():
            return
        secrets_ = self._read_file()
        if name in secrets_:
            del secrets_[name]
            if secrets_:
                self._write_file(secrets_)
            else:
                with contextlib.suppress(FileNotFoundError):
                    self.file_path.unlink()
