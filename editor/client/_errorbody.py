"""Turn an error answer (OpenAI JSON, plain text or an HTML page) into the right APIStatusError."""

from __future__ import annotations

import ast
import html
import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from ..core.models import MODELS, model_spec, retirement_words, usable_replacements
from ._exceptions import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ModelRetiredError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
)
from ._httpx import httpx

__all__ = [
    "ErrorContext",
    "ErrorInfo",
    "read_error_body",
    "redact",
    "status_error",
    "strip_wrappers",
]

_EXCERPT = 300
_MESSAGE = 240
_TITLE = 80
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_MODERATION = ("moderation", "safety", "content_policy", "content policy", "content_filter")


@dataclass(frozen=True)
class ErrorInfo:
    """What an error body told us, already shortened and cleaned of secrets."""

    message: str | None = None
    error_type: str | None = None
    code: str | None = None
    param: str | None = None
    html_title: str | None = None
    is_html: bool = False
    excerpt: str | None = None


@dataclass(frozen=True)
class ErrorContext:
    """What the client knows about the request, for plain messages."""

    host: str
    path: str
    model: str | None = None
    has_key: bool = True
    attempts: int = 1
    request_id: str | None = None
    location: str | None = None


# A gateway's echo of (part of) the key it refused: "Received API Key = sk-...abcd".
_KEY_ECHO = re.compile(r"(API Key\s*=\s*)[^\s,]+", re.IGNORECASE)


def redact(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return _KEY_ECHO.sub(r"\1***", text)


# Gateways (LiteLLM and the SDKs under it) wrap the upstream's message in their exception
# names: "litellm.APIError: APIError: OpenAIException - <the message>".
_WRAPPER = re.compile(
    r"^\s*(?:[A-Za-z_][\w.]*(?:Error|Exception)\b\s*(?::|-)\s*|Error code:\s*\d{3}\s*-\s*)"
)
# Tails a gateway appends: routing notes, and a "Received API Key = sk-...abcd" echo.
_GATEWAY_TAIL = re.compile(
    r"\s*(?:Received Model Group=|Available Model Group Fallbacks=|Received API Key\s*=|"
    r"Key Hash \(Token\)\s*=|LiteLLM Retried:|LiteLLM: model group|"
    r"No fallback model group found).*$",
    re.IGNORECASE | re.DOTALL,
)
_NESTED_LIMIT = 20_000


def strip_wrappers(text: str) -> str:
    """The upstream's own message out of a gateway's wrapper chain (see ``_WRAPPER``);
    a wrapped JSON (or Python-literal) error body is read for its message."""
    for _ in range(8):
        shorter = _WRAPPER.sub("", text, count=1)
        if shorter == text:
            break
        text = shorter
    text = _GATEWAY_TAIL.sub("", text).strip()
    if text[:1] in "{[" and len(text) <= _NESTED_LIMIT:
        inner = _nested_message(text)
        if inner:
            return strip_wrappers(inner)
    return text


def _nested_message(text: str) -> str | None:
    doc: Any = None
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        try:
            doc = ast.literal_eval(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return None
    error = doc.get("error", doc) if isinstance(doc, dict) else None
    if isinstance(error, dict):
        message = error.get("message", error.get("detail"))
        return message if isinstance(message, str) and message.strip() else None
    return error if isinstance(error, str) and error.strip() else None


def _clean(value: Any, limit: int, secrets: Sequence[str], *, plain: bool = True) -> str | None:
    """Redacted, one line, at most ``limit`` characters; ``plain``: gateway wrappers stripped."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = redact(str(value), secrets)
    text = _SPACE.sub(" ", strip_wrappers(text) if plain else text).strip()
    if not text:
        return None
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _looks_html(text: str, content_type: str) -> bool:
    if "html" in content_type.lower():
        return True
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html", "<head", "<body", "<title", "<h1"))


def html_title(text: str) -> str | None:
    """A short title for an HTML page: <title>, else the first <h1>, else the first text."""
    for tag in ("title", "h1", "h2"):
        found = re.search(rf"<{tag}[^>]*>(.*?)</{tag}\s*>", text, re.IGNORECASE | re.DOTALL)
        if found:
            title = _SPACE.sub(" ", html.unescape(_TAG.sub(" ", found.group(1)))).strip()
            if title:
                return title[:_TITLE]
    body = re.sub(r"<(script|style)[^>]*>.*?</\1\s*>", " ", text, flags=re.IGNORECASE | re.DOTALL)
    plain = _SPACE.sub(" ", html.unescape(_TAG.sub(" ", body))).strip()
    return plain[:_TITLE] or None


def _from_json(doc: Any, secrets: Sequence[str]) -> ErrorInfo | None:
    if not isinstance(doc, dict):
        return None
    error = doc.get("error")
    if isinstance(error, dict):
        return ErrorInfo(
            message=_clean(error.get("message"), _MESSAGE, secrets),
            error_type=_clean(error.get("type"), _TITLE, secrets),
            code=_clean(error.get("code"), _TITLE, secrets),
            param=_clean(error.get("param"), _TITLE, secrets),
        )
    if isinstance(error, str):
        return ErrorInfo(
            message=_clean(error, _MESSAGE, secrets),
            code=_clean(doc.get("code"), _TITLE, secrets),
        )
    detail = doc.get("detail", doc.get("message"))
    if isinstance(detail, list) and detail and isinstance(detail[0], dict):  # FastAPI 422
        first = detail[0]
        loc = first.get("loc")
        param = loc[-1] if isinstance(loc, list) and loc else None
        return ErrorInfo(
            message=_clean(first.get("msg"), _MESSAGE, secrets),
            param=_clean(param, _TITLE, secrets),
        )
    return ErrorInfo(
        message=_clean(detail, _MESSAGE, secrets),
        code=_clean(doc.get("code"), _TITLE, secrets),
        error_type=_clean(doc.get("type"), _TITLE, secrets),
    )


def read_error_body(body: bytes, content_type: str = "", secrets: Sequence[str] = ()) -> ErrorInfo:
    """Read any error body; never raises."""
    text = body.decode("utf-8", errors="replace")
    excerpt = _clean(text, _EXCERPT, secrets, plain=False)  # the body as it came, for details
    if not text.strip():
        return ErrorInfo()
    if _looks_html(text, content_type):
        title = html_title(text)
        return ErrorInfo(
            html_title=_clean(title, _TITLE, secrets),
            is_html=True,
            excerpt=_clean(title, _TITLE, secrets),
        )
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        doc = None
    info = _from_json(doc, secrets)
    if info is not None:
        return ErrorInfo(
            message=info.message,
            error_type=info.error_type,
            code=info.code,
            param=info.param,
            excerpt=excerpt,
        )
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    return ErrorInfo(message=_clean(first_line, _MESSAGE, secrets), excerpt=excerpt)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def _tried(attempts: int) -> str:
    return "Tried once" if attempts == 1 else f"Tried {attempts} times"


def _wait_words(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    if minutes >= 90:
        hours = round(minutes / 60)
        return f"about {hours} hour{'s' if hours != 1 else ''}"
    return f"about {minutes} minute{'s' if minutes != 1 else ''}"


def _page_label(status: int, info: ErrorInfo) -> str:
    title = info.html_title or ""
    status_text = f"{status} {_reason(status)}".strip()
    if not title:
        return status_text
    return title if str(status) in title else f"{status_text}: {title}"


def _is_moderation(info: ErrorInfo) -> bool:
    text = " ".join(filter(None, (info.code, info.error_type, info.message))).lower()
    return any(word in text for word in _MODERATION)


def _unknown_model(info: ErrorInfo) -> bool:
    """A 400 that names the model as unknown (gateways answer so instead of 404)."""
    if info.code in ("model_not_found", "unknown_model"):
        return True
    text = (info.message or "").lower()
    return "invalid model name" in text or "model not found" in text or "unknown model" in text


_RETIRED_WORDS = ("deprecated", "shut down", "shutdown", "retired", "no longer available")


def _retired(info: ErrorInfo) -> bool:
    """OpenAI's answer for a shut-down model: 404 model_not_found "… has been deprecated"."""
    text = (info.message or "").lower()
    return _mentions_model(info) and any(word in text for word in _RETIRED_WORDS)


def _retired_message(status: int, model: str | None) -> tuple[str, dict[str, Any]]:
    spec = model_spec(model)
    replacements = usable_replacements(spec)
    if spec.shutdown_date is not None:
        said = retirement_words(spec)
    else:  # a name our table does not date: the service's word is all we have
        name = f'"{model}"' if model else "this model"
        options = " or ".join(
            f"{r} ({MODELS[r].role})" if MODELS[r].role else r for r in replacements
        )
        said = f"The service says {name} has been shut down ({status}); use {options}"
    facts: dict[str, Any] = {"retired_model": model, "replacements": list(replacements)}
    return f"{said}.", facts


def _mentions_model(info: ErrorInfo) -> bool:
    if info.code in ("model_not_found", "unknown_model") or info.param == "model":
        return True
    return "model" in (info.message or "").lower()


def _points_back(ctx: ErrorContext) -> bool:
    """Whether a redirect's Location is the very address that was asked (a loop)."""
    if not ctx.location:
        return False
    try:
        target = httpx.URL(ctx.location)
    except (httpx.InvalidURL, ValueError, TypeError):
        return False
    if target.host and target.host.lower() not in ctx.host.lower():
        return False
    return target.path.rstrip("/") == ctx.path.rstrip("/")


def status_error(
    status: int, info: ErrorInfo, ctx: ErrorContext, *, retry_after: float | None = None
) -> APIStatusError:
    """The exception for an error answer, with a message a designer can act on."""
    cls: type[APIStatusError] = APIStatusError
    extra: dict[str, Any] = {"url_path": ctx.path, "attempts": ctx.attempts}
    svc = info.message
    said = f": {_sentence(svc)}" if svc else "."
    label = _page_label(status, info)
    model = f'"{ctx.model}"' if ctx.model else "this model"

    if info.is_html and (status >= 500 or status in (400, 404, 405)):
        cls = ServerError if status >= 500 else NotFoundError if status == 404 else cls
        if status >= 500:
            msg = (
                f"The service answered with a web page instead of an image ({label}) — "
                "a proxy or gateway in between may be down."
            )
            if ctx.attempts > 1:
                msg += f" {_tried(ctx.attempts)}."
        else:
            msg = (
                f"The service answered with a web page instead of an image ({label}) — "
                "check the base URL (it usually ends in /v1)."
            )
    elif 300 <= status < 400 and _points_back(ctx):
        msg = (
            f"The service redirected the request back to the same address ({status}), a loop — "
            "a proxy or sign-in page may be in between. Check the base URL."
        )
    elif 300 <= status < 400:
        where = f" to {ctx.location}" if ctx.location else ""
        msg = (
            f"The service redirected the request ({status}{where}). "
            "Update the base URL to the new address."
        )
    elif status in (400, 404, 410) and _retired(info):
        cls = ModelRetiredError
        msg, facts = _retired_message(status, ctx.model)
        extra.update(facts, not_found="model")
    elif status in (400, 422):
        cls = BadRequestError
        param = (info.param or "").lower()
        if info.error_type == "no_db_connection" or info.code == "no_db_connection":
            # LiteLLM without a key database knows its master key only: any other key ends
            # up here instead of in a 401.
            cls = AuthenticationError
            msg = (
                f"The API key was not accepted ({status}): the gateway knows no such key. "
                "Check the key for this endpoint."
            )
        elif _unknown_model(info):
            extra["not_found"] = "model"
            known = f'the model "{ctx.model}"' if ctx.model else "the requested model"
            msg = f"The service does not offer {known} ({status}). Pick another model."
        elif info.code == "invalid_image_file" and "mask" in param:
            text = (svc or "").lower()
            if "alpha" in text or "transparen" in text:
                msg = (
                    "The service rejected the mask: it must be a PNG with transparent areas "
                    "where the edit goes."
                )
            else:
                msg = "The service rejected the mask: it must be the same size as the image."
        elif info.code == "invalid_image_file":
            msg = f"The service could not use the image ({status}){said}"
        elif info.code == "unsupported_file_mimetype":
            msg = f"The service rejected the image type ({status}). Use PNG, JPEG or WebP images."
        elif info.code == "duplicate_parameter":
            which = f" ({info.param})" if info.param else ""
            msg = f"The service rejected the request ({status}): a field was sent twice{which}."
        else:
            msg = f"The service rejected the request ({status}){said}"
    elif status == 401:
        cls = AuthenticationError
        if ctx.has_key:
            msg = "The API key was not accepted (401). Check the key for this endpoint."
        else:
            msg = "The service needs an API key (401). Set one for this endpoint."
    elif status == 403:
        cls = PermissionDeniedError
        if _is_moderation(info):
            msg = (
                "The service refused this edit under its content rules (403). "
                "Try a different prompt or image."
            )
        elif _mentions_model(info) or ctx.model:
            msg = (
                f"This API key has no access to {model} (403). "
                "Pick another model or check the key's permissions."
            )
        else:
            msg = f"The service denied access (403){said}"
    elif status == 404:
        cls = NotFoundError
        if _mentions_model(info):
            extra["not_found"] = "model"
            known = f'the model "{ctx.model}"' if ctx.model else "the requested model"
            msg = f"The service does not know {known} (404). Pick another model."
        else:
            extra["not_found"] = "route"
            msg = (
                f"The service has no edits endpoint at {ctx.path} (404). "
                "Check the base URL (it usually ends in /v1) and the route."
            )
    elif status == 413:
        cls = PayloadTooLargeError
        msg = "The images are too large for the service (413). Use smaller images."
    elif status == 429 and info.code == "insufficient_quota":
        cls = QuotaExceededError
        msg = (
            "The account behind this API key has run out of quota (429 insufficient_quota). "
            "Check the plan and billing for this endpoint."
        )
    elif status == 429:
        cls = RateLimitError
        if retry_after is not None and retry_after > 120:
            when = time.strftime("%H:%M", time.localtime(time.time() + retry_after))
            msg = (
                f"The service is rate-limiting requests (429) and asks to wait "
                f"{_wait_words(retry_after)}; try again after {when}."
            )
        else:
            msg = (
                f"The service is rate-limiting requests (429). {_tried(ctx.attempts)}; "
                "try again in a minute."
            )
    elif status >= 500:
        cls = ServerError
        msg = (
            f"The service had a problem on its side ({label}). {_tried(ctx.attempts)}; "
            "try again later."
        )
    elif status in (408, 409):
        msg = f"The service could not finish the request ({label}). {_tried(ctx.attempts)}."
    else:
        msg = f"The service answered with an unexpected status ({label}){said}"

    return cls(
        msg,
        status=status,
        error_type=info.error_type,
        code=info.code,
        param=info.param,
        service_message=info.message,
        request_id=ctx.request_id,
        body_excerpt=info.excerpt,
        retry_after=retry_after,
        details=extra,
    )
