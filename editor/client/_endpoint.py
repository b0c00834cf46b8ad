"""Where requests go and how: base URL, key, route, body kind, timeouts and retries."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

from ._httpx import httpx
from ._secret import ApiKey

__all__ = ["DEFAULT_BASE_URL", "BodyKind", "Endpoint", "Route"]

DEFAULT_BASE_URL = "https://api.openai.com/v1"

Route = Literal["images/edits", "edits"]
BodyKind = Literal["multipart", "json"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Endpoint:
    """One edits service.

    ``base_url`` follows the OpenAI SDK convention (``https://api.openai.com/v1``); ``route`` is
    appended to it. ``timeout`` bounds a whole attempt (upload, waiting, download);
    ``connect_timeout`` only the connection. ``max_retries`` of 2 means up to 3 attempts.
    """

    base_url: str
    api_key: ApiKey | None = None
    route: Route = "images/edits"
    body: BodyKind = "multipart"
    timeout: float = 600.0
    connect_timeout: float = 5.0
    max_retries: int = 2
    extra_headers: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        key: Any = self.api_key
        if isinstance(key, str):  # convenience: Endpoint(url, api_key="sk-...")
            object.__setattr__(self, "api_key", ApiKey(key) if key.strip() else None)
        elif key is not None and not isinstance(key, ApiKey):
            raise TypeError("api_key must be an ApiKey, a str or None")
        object.__setattr__(self, "base_url", str(self.base_url).strip().rstrip("/"))
        url = httpx.URL(self.base_url)
        if url.scheme not in _DEFAULT_PORTS or not url.host:
            raise ValueError(f"base_url must be an http(s) address, got {self.base_url!r}")
        if self.route not in ("images/edits", "edits"):
            raise ValueError(f"route must be 'images/edits' or 'edits', got {self.route!r}")
        if self.body not in ("multipart", "json"):
            raise ValueError(f"body must be 'multipart' or 'json', got {self.body!r}")
        if not self.timeout > 0 or not self.connect_timeout > 0:
            raise ValueError("timeouts must be positive")
        if self.max_retries < 0:
            raise ValueError("max_retries cannot be negative")
        object.__setattr__(self, "extra_headers", dict(self.extra_headers))

    @classmethod
    def from_env(cls, **overrides: Any) -> Endpoint:
        """Read ``OPENAI_API_KEY`` and ``OPENAI_BASE_URL`` (as the official client does)."""
        values: dict[str, Any] = {
            "base_url": os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL,
            "api_key": os.environ.get("OPENAI_API_KEY") or None,
        }
        known = {f.name for f in fields(cls)}
        unknown = set(overrides) - known
        if unknown:
            raise TypeError(f"unknown Endpoint fields: {', '.join(sorted(unknown))}")
        values.update(overrides)
        return cls(**values)

    def with_(self, **changes: Any) -> Endpoint:
        """A copy with some fields changed."""
        return replace(self, **changes)

    @property
    def edits_url(self) -> str:
        return f"{self.base_url}/{self.route}"

    @property
    def models_url(self) -> str:
        return f"{self.base_url}/models"

    @property
    def host(self) -> str:
        """``host`` or ``host:port`` (when not the scheme's default), for messages."""
        url = httpx.URL(self.base_url)
        return url.host if url.port is None else f"{url.host}:{url.port}"

    def same_origin(self, url: str | httpx.URL) -> bool:
        """Whether ``url`` has this endpoint's scheme, host and port (so it may see the key)."""
        return origin_of(url) == origin_of(self.base_url)

    def __repr__(self) -> str:
        headers = {name: "***" for name in self.extra_headers}
        return (
            f"Endpoint(base_url={self.base_url!r}, api_key={self.api_key!r}, "
            f"route={self.route!r}, body={self.body!r}, timeout={self.timeout!r}, "
            f"connect_timeout={self.connect_timeout!r}, max_retries={self.max_retries!r}, "
            f"extra_headers={headers!r})"
        )

    __str__ = __repr__


def origin_of(url: str | httpx.URL) -> tuple[str, str, int]:
    u = httpx.URL(url)
    scheme = u.scheme.lower()
    return scheme, u.host.lower(), u.port or _DEFAULT_PORTS.get(scheme, 0)
