"""The app's own engine takes what the app sends it: no 413 between the two."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from editor.core.imageio import encode_png
from editor.pipeline import (
    EMBEDDED_BASE_URL,
    ApiOptions,
    EditParams,
    embedded_client,
    send_round,
)
from editor.pipeline.embedded import warm_up_engine
from editor.pipeline.engine_process import stop_engine_process, use_engine_process
from editor.server import ServerThread


@pytest.fixture(params=["in-process", "child process"])
def where(request: pytest.FixtureRequest) -> Iterator[str]:
    """The engine as the CLI runs it (in-process) and as the window does (a child)."""
    if request.param == "child process":
        use_engine_process()
    yield request.param
    stop_engine_process()


@pytest.mark.slow
@pytest.mark.asyncio
async def test_an_upload_over_the_servers_limit_reaches_the_embedded_engine(where: str) -> None:
    await warm_up_engine()
    rng = np.random.default_rng(7)
    image = rng.integers(0, 256, (4200, 6000, 3), dtype=np.uint8)  # noise: PNG barely shrinks it
    assert len(encode_png(image)) > 50 * 1024 * 1024  # `serve` would answer 413
    mask = np.zeros(image.shape[:2], np.uint8)
    mask[2000:2100, 3000:3100] = 255
    params = EditParams(ApiOptions(prompt="", model="telea"), context="whole")
    async with embedded_client() as client:
        assert (client.endpoint.base_url == EMBEDDED_BASE_URL) == (where == "in-process")
        outcome = await send_round(client, image, mask, params)
    (variant,) = outcome.variants
    assert variant.pixels.shape == image.shape
    assert not np.array_equal(variant.pixels[2000:2100, 3000:3100], image[2000:2100, 3000:3100])
    assert np.array_equal(variant.pixels[:1000], image[:1000])


def test_serve_keeps_its_limit_for_other_clients() -> None:
    import httpx

    with ServerThread() as server:
        big = b"x" * (51 * 1024 * 1024)
        answer = httpx.post(
            server.base_url + "/images/edits",
            content=big,
            headers={"content-type": "multipart/form-data; boundary=x"},
            timeout=60,
        )
    assert answer.status_code == 413
