"""What can go wrong when asking the service for an edit.

The tree (every class carries a plain ``user_message`` and technical ``details``)::

    EditError
    ├── RequestBuildError          (also a ValueError) the request cannot be sent as configured
    ├── ServiceConnectionError     refused, DNS, reset, connection lost mid-answer
    ├── ServiceTimeoutError        no (complete) answer within the time allowed
    ├── APIStatusError             the service answered with a non-2xx status
    │   ├── BadRequestError            400 (and 422)
    │   ├── AuthenticationError        401
    │   ├── PermissionDeniedError      403: moderation or no access to the model
    │   ├── NotFoundError              404: the route or the model
    │   ├── PayloadTooLargeError       413
    │   ├── RateLimitError             429
    │   │   └── QuotaExceededError     429 insufficient_quota: needs billing, never retried
    │   └── ServerError                5xx
    └── BadResponseError           2xx, but no usable image: not JSON, HTML, empty data,
                                   bad base64, a result URL that fails or is not an image

httpx's own errors are mapped into this tree in one place, ``EditsClient._exchange``; error
bodies are read by ``_errorbody.py``.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "APIStatusError",
    "AuthenticationError",
    "BadRequestError",
    "BadResponseError",
    "EditError",
    "ModelRetiredError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "QuotaExceededError",
    "RateLimitError",
    "RequestBuildError",
    "ServerError",
    "ServiceConnectionError",
    "ServiceTimeoutError",
]


class EditError(Exception):
    """Base of every error the client raises. ``str(error)`` is the plain ``user_message``."""

    def __init__(self, user_message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self._details: dict[str, Any] = {k: v for k, v in (details or {}).items() if v is not None}

    @property
    def details(self) -> dict[str, Any]:
        """Technical facts for a "details" box or a bug report (never the key, never bytes)."""
        return dict(self._details)

    @property
    def attempts(self) -> int:
        return int(self._details.get("attempts", 1))

    def _note_attempts(self, attempts: int) -> None:
        """Record how many attempts were made; the message says so when there was more than one."""
        self._details["attempts"] = attempts
        if attempts > 1 and "Tried " not in self.user_message:
            self._set_message(f"{self.user_message} Tried {attempts} times.")

    def _set_message(self, user_message: str) -> None:
        self.user_message = user_message
        self.args = (user_message,)

    def amend(self, message: str | None = None, **details: Any) -> None:
        """What the client learns after the error was made (the service's models, a cut
        stream, the gateway it came through): a fuller message and more details. Only the
        client calls this, before the error reaches its caller."""
        if message is not None:
            self._set_message(message)
        self._details.update({k: v for k, v in details.items() if v is not None})

    def __str__(self) -> str:
        return self.user_message


class RequestBuildError(EditError, ValueError):
    """The request cannot be sent as configured (e.g. a URL image in a multipart body)."""


class ServiceConnectionError(EditError):
    """No connection, or the connection broke before a complete answer arrived."""


class ServiceTimeoutError(EditError):
    """The service did not answer (completely) in time."""


class BadResponseError(EditError):
    """The service said yes but sent nothing we can use as an image."""


class APIStatusError(EditError):
    """The service answered with an error status."""

    def __init__(
        self,
        user_message: str,
        *,
        status: int,
        error_type: str | None = None,
        code: str | None = None,
        param: str | None = None,
        service_message: str | None = None,
        request_id: str | None = None,
        body_excerpt: str | None = None,
        retry_after: float | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.status = status
        self.error_type = error_type
        self.code = code
        self.param = param
        self.service_message = service_message
        self.request_id = request_id
        self.body_excerpt = body_excerpt
        self.retry_after = retry_after
        merged = {
            "status": status,
            "type": error_type,
            "code": code,
            "param": param,
            "service_message": service_message,
            "request_id": request_id,
            "body_excerpt": body_excerpt,
            "retry_after_s": retry_after,
        }
        merged.update(details or {})
        super().__init__(user_message, details=merged)


class BadRequestError(APIStatusError):
    """400 (or 422): the service did not accept the request as sent."""


class AuthenticationError(APIStatusError):
    """401: missing or wrong API key."""


class PermissionDeniedError(APIStatusError):
    """403: refused by moderation, or the key has no access to the model."""


class NotFoundError(APIStatusError):
    """404: the route or the model is unknown; ``what`` says which when the body tells."""

    @property
    def what(self) -> str:
        return str(self._details.get("not_found", "route"))


class ModelRetiredError(NotFoundError):
    """The model was shut down by its vendor (OpenAI answers 404 "… has been deprecated").
    The message names when, and current models to use instead; never a shut-down one."""

    @property
    def retired_model(self) -> str:
        return str(self._details.get("retired_model", ""))

    @property
    def replacements(self) -> tuple[str, ...]:
        return tuple(self._details.get("replacements", ()))


class PayloadTooLargeError(APIStatusError):
    """413: the upload is too big."""


class RateLimitError(APIStatusError):
    """429: too many requests for now."""


class QuotaExceededError(RateLimitError):
    """429 with code ``insufficient_quota``: no retry will help; the account needs credit."""


class ServerError(APIStatusError):
    """5xx: the service (or a gateway in front of it) failed."""
