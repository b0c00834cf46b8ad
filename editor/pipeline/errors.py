"""The pipeline's own error: a round that can't be sent as asked."""

from __future__ import annotations

from editor.core.errors import UserInputError

__all__ = ["InputError"]


class InputError(UserInputError):
    """A request that cannot be sent as asked; str() is the plain reason."""
