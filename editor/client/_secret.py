"""The API key, wrapped so it cannot leak through a repr, a log line or an exception."""

from __future__ import annotations

import hmac

__all__ = ["ApiKey"]


class ApiKey:
    """Holds a secret. Only :meth:`reveal` hands it out; every text form shows ``ApiKey(***)``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("ApiKey wants a str")
        value = value.strip()
        if not value:
            raise ValueError("an ApiKey cannot be empty")
        self._value = value

    def reveal(self) -> str:
        """The key itself: for the Authorization header and nothing else."""
        return self._value

    def __repr__(self) -> str:
        return "ApiKey(***)"

    __str__ = __repr__

    def __format__(self, format_spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ApiKey):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((ApiKey, self._value))

    def __reduce__(self) -> tuple[object, ...]:
        # Pickling would write the key to wherever the pickle goes (files, queues): refuse.
        raise TypeError("an ApiKey is not picklable; keep it in the keyring")
