"""When to try again, and after how long (the official client's rules)."""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["MAX_SERVER_DELAY", "RetryPlan", "backoff", "plan_retry", "server_delay"]

MAX_SERVER_DELAY = 120.0
INITIAL_DELAY = 0.5
MAX_BACKOFF = 8.0
RETRY_STATUSES = frozenset({408, 409, 429})


@dataclass(frozen=True)
class RetryPlan:
    """``retry`` with ``delay`` seconds; ``server_asked`` is what the server wanted, if it said."""

    retry: bool
    delay: float = 0.0
    server_asked: float | None = None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def server_delay(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds asked by ``retry-after-ms`` or ``retry-after`` (seconds or an HTTP date)."""
    ms = _header(headers, "retry-after-ms")
    if ms is not None:
        try:
            return float(ms) / 1000.0
        except ValueError:
            pass
    value = _header(headers, "retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return when.timestamp() - (time.time() if now is None else now)


def backoff(retries_done: int) -> float:
    """min(0.5·2ⁿ, 8) s minus up to 25 % jitter."""
    delay = min(INITIAL_DELAY * 2.0**retries_done, MAX_BACKOFF)
    return delay * (1.0 - 0.25 * random.random())


def plan_retry(
    *,
    status: int | None,
    headers: Mapping[str, str] | None = None,
    code: str | None = None,
    retries_done: int,
    max_retries: int,
) -> RetryPlan:
    """``status`` None means the connection failed or timed out (always worth a retry)."""
    headers = headers or {}
    asked = server_delay(headers)
    if code == "insufficient_quota":
        return RetryPlan(False, server_asked=asked)
    should = (_header(headers, "x-should-retry") or "").strip().lower()
    if should == "false":
        retry = False
    elif should == "true":
        retry = True
    else:
        retry = status is None or status in RETRY_STATUSES or status >= 500
    if not retry or retries_done >= max_retries:
        return RetryPlan(False, server_asked=asked)
    if asked is not None and asked > MAX_SERVER_DELAY:
        return RetryPlan(False, server_asked=asked)
    if asked is not None and 0 < asked <= MAX_SERVER_DELAY:
        return RetryPlan(True, asked, asked)
    return RetryPlan(True, backoff(retries_done), asked)
