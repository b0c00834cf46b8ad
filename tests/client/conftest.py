"""Helpers for the client tests: small real images and requests built from them."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from PIL import Image

from editor.client import EditsClient, Endpoint
from editor.core.request import EditRequest, ImageInput

FAKE_KEY = "sk-test-SECRET-123"
WIDTH, HEIGHT = 48, 32


def png_bytes(
    size: tuple[int, int] = (WIDTH, HEIGHT), mode: str = "RGB", color: Any = None
) -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, color if color is not None else (200, 120, 40)).save(buf, "PNG")
    return buf.getvalue()


def mask_bytes(size: tuple[int, int] = (WIDTH, HEIGHT)) -> bytes:
    """Opaque everywhere but a transparent square in the middle (alpha 0 = edit)."""
    mask = Image.new("RGBA", size, (0, 0, 0, 255))
    w, h = size
    mask.paste((0, 0, 0, 0), (w // 4, h // 4, 3 * w // 4, 3 * h // 4))
    buf = io.BytesIO()
    mask.save(buf, "PNG")
    return buf.getvalue()


def jpeg_bytes(size: tuple[int, int] = (WIDTH, HEIGHT)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (10, 200, 90)).save(buf, "JPEG")
    return buf.getvalue()


def make_request(**overrides: Any) -> EditRequest:
    values: dict[str, Any] = {
        "prompt": "fill the hole",
        "images": (ImageInput(png_bytes(), "image/png", "photo.png"),),
        "mask": ImageInput(mask_bytes(), "image/png", "mask.png"),
        "model": "telea",
    }
    values.update(overrides)
    return EditRequest(**values)


@pytest.fixture
def request_factory() -> Callable[..., EditRequest]:
    return make_request


def add_fault(server: Any, **fault: Any) -> None:
    """Queue a fault on the real server (schema: editor/server/faults.py)."""
    with httpx.Client(base_url=server.origin, timeout=10) as http:
        http.post("/_test/faults", json=fault).raise_for_status()


def pending_faults(server: Any) -> list[dict[str, Any]]:
    with httpx.Client(base_url=server.origin, timeout=10) as http:
        return list(http.get("/_test/faults").json())


def logged_requests(server: Any) -> list[dict[str, Any]]:
    """What each edit request carried, as the server saw it."""
    with httpx.Client(base_url=server.origin, timeout=10) as http:
        return list(http.get("/_test/requests").json())


def endpoint_for(server: Any, **overrides: Any) -> Endpoint:
    values: dict[str, Any] = {"base_url": server.base_url, "api_key": FAKE_KEY}
    values.update(overrides)
    return Endpoint(**values)


def active_connections(client: EditsClient) -> list[Any]:
    """Connections of the client's pool that are busy (neither idle nor closed)."""
    pool = client._http._transport._pool  # type: ignore[attr-defined]
    busy = [c for c in pool.connections if not (c.is_idle() or c.is_closed())]
    return busy + list(pool._requests)
