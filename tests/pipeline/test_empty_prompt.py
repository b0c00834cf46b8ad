"""An empty prompt: the offline engines never read it, so the round goes (the edits API still
gets words); a generative model refuses it before anything is sent."""

from __future__ import annotations

from typing import Any

import httpx
import numpy as np
import pytest

from editor.client import EditsClient, Endpoint
from editor.pipeline import ApiOptions, EditParams, send_round
from editor.pipeline.errors import InputError
from editor.pipeline.resolve import LOCAL_PROMPT
from editor.server import ServerThread


def _logged(server: ServerThread) -> list[dict[str, Any]]:
    return list(httpx.get(f"{server.origin}/_test/requests", timeout=5).json())


def _inputs() -> tuple[np.ndarray, np.ndarray]:
    y, x = np.mgrid[0:64, 0:96]
    image = np.dstack([x * 2, y * 3, np.full_like(x, 90)]).astype(np.uint8)
    edit = np.zeros((64, 96), np.uint8)
    edit[20:40, 30:60] = 255
    return image, edit


@pytest.mark.asyncio
@pytest.mark.parametrize("prompt", ["", "   "])
async def test_a_local_engine_fills_without_a_prompt(server: ServerThread, prompt: str) -> None:
    image, edit = _inputs()
    endpoint = Endpoint(base_url=server.base_url, max_retries=0, timeout=30)
    async with EditsClient(endpoint) as c:
        outcome = await send_round(c, image, edit, EditParams(ApiOptions(prompt, model="telea")))
    assert len(outcome.variants) == 1
    assert not np.array_equal(outcome.variants[0].pixels[25, 40], image[25, 40])  # filled
    [entry] = _logged(server)
    assert entry["fields"]["prompt"] == LOCAL_PROMPT


@pytest.mark.asyncio
async def test_a_generative_model_still_asks_for_words(server: ServerThread) -> None:
    image, edit = _inputs()
    endpoint = Endpoint(base_url=server.base_url, max_retries=0, timeout=30)
    async with EditsClient(endpoint) as c:
        with pytest.raises(InputError, match="Type a prompt"):
            await send_round(c, image, edit, EditParams(ApiOptions("", model="gpt-image-1")))
    assert _logged(server) == [], "nothing was sent"
