"""The one kind of error that is the user's to fix, not a bug.

Whatever a person gave that cannot be used (an image that won't open, a request the service
can't take, a profile that is incomplete) raises a subclass of :class:`UserInputError` whose
``str()`` is the plain reason shown to them. Everything else that goes wrong is a bug: logged
with its traceback, and still shown, never lost.
"""

from __future__ import annotations

__all__ = ["UserInputError"]


class UserInputError(ValueError):
    """Input that cannot be used as given; ``str()`` is the plain reason."""
