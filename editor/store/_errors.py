"""What the store raises. ``str(error)`` is always a sentence fit to show the user as is.

StoreError
├── StoreWriteError      a file could not be written (disk full, permission, …)
├── StoreReadError       a saved file is missing, damaged or from a newer version
├── SessionNotFound      no session with that id
├── SessionInUse         another running Inpaint Editor has the session open
└── KeyringUnavailable   no safe place to keep a secret, and no fallback allowed
ProfileError (ValueError) an endpoint profile with a bad field
"""

from __future__ import annotations

from editor.core.errors import UserInputError

__all__ = [
    "KeyringUnavailable",
    "ProfileError",
    "SessionInUse",
    "SessionNotFound",
    "StoreError",
    "StoreReadError",
    "StoreWriteError",
]


class StoreError(Exception):
    """Base of every store error; ``str()`` is a plain message for the user."""


class StoreWriteError(StoreError):
    """A write failed. Nothing in memory changed: retry once the cause is fixed."""


class StoreReadError(StoreError):
    """A saved file could not be read back."""


class SessionNotFound(StoreError):
    """No session with that id under the store's root."""


class SessionInUse(StoreError):
    """Another running Inpaint Editor has this session open."""


class KeyringUnavailable(StoreError, UserInputError):
    """No system keyring works and the caller did not allow the private-file fallback."""


class ProfileError(UserInputError):
    """An endpoint profile field is invalid; ``str()`` says which and why."""
