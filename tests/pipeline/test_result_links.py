"""Result links are asked of our own engine only (in-process, or the window's child): behind any
other address a link the service hands out may point where the designer's machine can't reach."""

from __future__ import annotations

import httpx
import numpy as np
import pytest

from editor.client import EditsClient, Endpoint
from editor.pipeline import ApiOptions, EditParams, embedded_client, prepare_edit, send_round
from editor.server import ServerThread


def scene() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    image = rng.integers(0, 256, (96, 128, 3), dtype=np.uint8)
    edit = np.zeros((96, 128), np.uint8)
    edit[30:60, 40:90] = 255
    return image, edit


def test_links_are_asked_only_of_our_own_engine_unless_the_profile_sets_a_format() -> None:
    image, edit = scene()
    telea = EditParams(ApiOptions(prompt="fill", model="telea"))
    assert prepare_edit(image, edit, telea, own_engine=True).request.response_format == "url"
    assert prepare_edit(image, edit, telea).request.response_format is None
    chosen = EditParams(ApiOptions(prompt="fill", model="telea", response_format="b64_json"))
    assert prepare_edit(image, edit, chosen, own_engine=True).request.response_format == (
        "b64_json"
    )
    # A gateway's name for a local engine asks for none either.
    gateway = EditParams(ApiOptions(prompt="fill", model="openai/telea"))
    assert prepare_edit(image, edit, gateway).request.response_format is None
    # The profile's own choice goes to a model nothing is known of, not to one that takes none.
    team = EditParams(ApiOptions(prompt="fill", model="team-image", response_format="url"))
    assert prepare_edit(image, edit, team).request.response_format == "url"
    gpt = EditParams(ApiOptions(prompt="fill", model="openai/gpt-image-1", response_format="url"))
    assert prepare_edit(image, edit, gpt).request.response_format is None


@pytest.mark.asyncio
async def test_a_served_engine_answers_in_the_body_and_no_link_is_fetched(
    server: ServerThread,
) -> None:
    httpx.delete(f"{server.origin}/_test/file-requests", timeout=10).raise_for_status()
    image, edit = scene()
    params = EditParams(ApiOptions(prompt="fill", model="telea", n=2))
    async with EditsClient(Endpoint(base_url=server.base_url, max_retries=0)) as client:
        outcome = await send_round(client, image, edit, params)
    assert len(outcome.variants) == 2
    assert all(v.url is None for v in outcome.result.images)
    (sent,) = httpx.get(f"{server.origin}/_test/requests", timeout=10).json()
    assert "response_format" not in sent["fields"]
    assert httpx.get(f"{server.origin}/_test/file-requests", timeout=10).json() == []


@pytest.mark.asyncio
async def test_the_own_engine_engine_still_sends_its_results_as_links() -> None:
    image, edit = scene()
    async with embedded_client() as client:
        outcome = await send_round(
            client, image, edit, EditParams(ApiOptions(prompt="fill", model="telea"))
        )
    assert len(outcome.variants) == 1 and outcome.result.images[0].url is not None
