"""OpenAI-shaped errors: every failure the server reports looks like api.openai.com's."""

from __future__ import annotations

import json
from typing import Any

_TYPES = {401: "invalid_request_error", 429: "requests", 500: "server_error", 503: "server_error"}


class ApiError(Exception):
    """An error answered as ``{"error": {"message", "type", "param", "code"}}``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        type_: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code
        self.type = type_ or _TYPES.get(status, "invalid_request_error")

    def body(self) -> dict[str, Any]:
        return error_body(self.message, type_=self.type, param=self.param, code=self.code)


def error_body(
    message: str,
    *,
    type_: str = "invalid_request_error",
    param: str | None = None,
    code: str | None = None,
) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def error_bytes(status: int, message: str, *, code: str | None = None) -> bytes:
    """The encoded body for errors raised below the FastAPI layer (middleware)."""
    type_ = _TYPES.get(status, "invalid_request_error")
    return json.dumps(error_body(message, type_=type_, code=code)).encode()


def bad_request(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    return ApiError(400, message, param=param, code=code)


def invalid_image(message: str, param: str) -> ApiError:
    return ApiError(400, message, param=param, code="invalid_image_file")


def too_large(message: str, param: str | None = None) -> ApiError:
    return ApiError(413, message, param=param, code="request_too_large")
