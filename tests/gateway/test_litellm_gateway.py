"""The client, the CLI and the pipeline through a real LiteLLM proxy (see conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pytest
from PIL import Image

from editor.cli.main import main
from editor.client import EditError, EditsClient, Endpoint
from editor.pipeline import ApiOptions, CapabilityMemory, EditParams, send_round

from .conftest import Gateway

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "resources" / "samples" / "coffee.png"
SAMPLE_MASK = ROOT / "resources" / "samples" / "coffee-mask.png"


def edits_seen(gateway: Gateway) -> list[dict[str, Any]]:
    """The edit requests that reached the local server through the proxy."""
    entries = httpx.get(f"{gateway.upstream.origin}/_test/requests", timeout=10).json()
    return [e for e in entries if e["path"].endswith("/edits")]


def links_fetched(gateway: Gateway) -> list[dict[str, Any]]:
    return list(httpx.get(f"{gateway.upstream.origin}/_test/file-requests", timeout=10).json())


@pytest.fixture
def via(gateway: Gateway, server: Any, monkeypatch: pytest.MonkeyPatch) -> Gateway:
    """The gateway, its key as OPENAI_API_KEY, the local server's logs cleared."""
    httpx.delete(f"{gateway.upstream.origin}/_test/file-requests", timeout=10)
    monkeypatch.setenv("OPENAI_API_KEY", gateway.key)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    return gateway


def edit(gateway: Gateway, out: Path, *extra: str) -> int:
    return main(
        [
            "edit",
            str(SAMPLE),
            "--mask",
            str(SAMPLE_MASK),
            "--prompt",
            "remove the spoon",
            "--endpoint",
            gateway.base_url,
            "--out",
            str(out),
            *extra,
        ]
    )


def test_plain_edit_through_the_gateway(via: Gateway, tmp_path: Path, capsys: Any) -> None:
    assert edit(via, tmp_path, "--model", "telea") == 0
    pngs = sorted(tmp_path.glob("*.png"))
    assert len(pngs) == 1
    original = np.asarray(Image.open(SAMPLE).convert("RGB"))
    result = np.asarray(Image.open(pngs[0]))
    assert result.shape == original.shape and not np.array_equal(result, original)
    (sent,) = edits_seen(via)
    # Named like a local engine, but behind a gateway: no result link is asked for, none fetched.
    assert "response_format" not in sent["fields"]
    assert links_fetched(via) == []


def test_three_variants_through_the_gateway(via: Gateway, tmp_path: Path) -> None:
    assert edit(via, tmp_path, "--model", "telea", "-n", "3") == 0
    assert len(list(tmp_path.glob("*.png"))) == 3
    assert sum(int(e["fields"].get("n", 1)) for e in edits_seen(via)) == 3
    assert links_fetched(via) == []


def test_streamed_edit_falls_back_and_writes_the_variants(
    via: Gateway, tmp_path: Path, capsys: Any
) -> None:
    code = edit(via, tmp_path, "--model", "telea", "-n", "2", "--stream", "--partial-images", "2")
    err = capsys.readouterr().err
    assert code == 0, err
    assert len(list(tmp_path.glob("*.png"))) == 2
    assert "could not stream previews" in err
    (sidecar,) = tmp_path.glob("*.json")
    doc = json.loads(sidecar.read_text())
    assert doc["stream_fallback"] is True and doc["params"]["stream"] is True
    sent = edits_seen(via)
    # The proxy forwarded the streamed request once, then the same request came unstreamed.
    assert [e["fields"].get("stream") for e in sent] == ["true", None]
    assert links_fetched(via) == []


@pytest.mark.asyncio
async def test_a_learned_no_stream_skips_streaming_next_time(via: Gateway) -> None:
    original = np.asarray(Image.open(SAMPLE).convert("RGB"))
    edit_area = (np.asarray(Image.open(SAMPLE_MASK))[..., 3] == 0).astype(np.uint8) * 255
    params = EditParams(
        ApiOptions(prompt="remove the spoon", model="telea", stream=True, partial_images=2)
    )
    memory = CapabilityMemory()
    endpoint = Endpoint(base_url=via.base_url, api_key=via.key, max_retries=1)
    async with EditsClient(endpoint) as client:
        first = await send_round(client, original, edit_area, params, memory=memory, profile="team")
        second = await send_round(
            client, original, edit_area, params, memory=memory, profile="team"
        )
    assert first.stream_fallback and len(first.variants) == 1
    assert not memory.streams("team", "telea")
    assert not second.stream_fallback and len(second.variants) == 1
    assert [e["fields"].get("stream") for e in edits_seen(via)] == ["true", None, None]
    # Remembered across restarts, and forgotten on request (Settings' Forget).
    restored = CapabilityMemory.from_json(json.loads(json.dumps(memory.to_json())))
    assert not restored.streams("team", "telea")
    restored.forget("team")
    assert restored.streams("team", "telea")


def test_a_team_alias_is_sized_like_the_model_it_names(via: Gateway, tmp_path: Path) -> None:
    # "openai/gpt-image-2.6-flare" is the team's name: sized by the 2.x rules, not native (the
    # 600x400 sample is enlarged to the 655,360-pixel minimum, sides in multiples of 16).
    name = "openai/gpt-image-2.6-flare"
    assert edit(via, tmp_path, "--model", name, "--context", "whole") == 0
    (sent,) = edits_seen(via)
    assert sent["fields"]["size"] == "992x672"
    image = sent["fields"].get("image[]") or sent["fields"].get("image")
    assert (image["width"], image["height"]) == (992, 672)


def test_markup_reaches_the_upstream_as_a_mask_never_as_text(
    via: Gateway, tmp_path: Path, capsys: Any
) -> None:
    """LiteLLM 1.106.12 forwards an unknown file field as the text "UploadFile(…)": the marks
    would never reach the model. Its answers carry x-litellm-version, so the client learns that
    from one free GET /models and sends the marks as a mask instead."""
    original = np.asarray(Image.open(SAMPLE).convert("RGB"))
    h, w = original.shape[:2]
    marks = np.zeros((h, w, 4), np.uint8)
    cv2.circle(marks, (w // 2, h // 2), 60, (235, 30, 45, 255), 5, cv2.LINE_AA)
    Image.fromarray(marks).save(tmp_path / "marks.png")
    out = tmp_path / "out"
    code = main(
        [
            "edit",
            str(SAMPLE),
            "--markup",
            str(tmp_path / "marks.png"),
            "--prompt",
            "remove it",
            "--endpoint",
            via.base_url,
            "--model",
            "openai/gpt-image-2.6-flare",
            "--out",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    assert err.count("sent as a mask instead") == 1
    (sent,) = edits_seen(via)
    assert "markup" not in sent["fields"]
    mask = sent["fields"]["mask"]
    assert isinstance(mask, dict) and mask["content_type"] == "image/png"
    (sidecar,) = out.glob("*.json")
    doc = json.loads(sidecar.read_text())
    assert doc["markup"]["sent_as"] == "mask"
    result = np.asarray(Image.open(next(out.glob("*.png"))))
    # The circle's inside was filled; far outside it the photo is untouched.
    assert not np.array_equal(result[h // 2, w // 2], original[h // 2, w // 2])
    assert np.array_equal(result[:40, :40], original[:40, :40])


@pytest.mark.asyncio
async def test_without_the_fallback_litellm_forwards_markup_as_text(
    via: Gateway, tmp_path: Path
) -> None:
    """What the fallback protects from, seen on the wire: told the service carries markup, the
    request reaches the upstream with ``markup`` as a text field, not the image."""
    original = np.asarray(Image.open(SAMPLE).convert("RGB"))
    h, w = original.shape[:2]
    marks = np.zeros((h, w, 4), np.uint8)
    cv2.circle(marks, (w // 2, h // 2), 60, (235, 30, 45, 255), 5)
    params = EditParams(ApiOptions(prompt="remove it", model="openai/gpt-image-2.6-flare"))
    endpoint = Endpoint(base_url=via.base_url, api_key=via.key, max_retries=0)
    async with EditsClient(endpoint) as client:
        with pytest.raises(EditError):  # the upstream can't read text as an image
            await send_round(client, original, None, params, markup=marks, markup_carried=True)
    (sent,) = edits_seen(via)
    assert str(sent["fields"]["markup"]).startswith("UploadFile(")


def test_models_lists_what_the_gateway_offers(via: Gateway, capsys: Any) -> None:
    assert main(["models", "--endpoint", via.base_url]) == 0
    assert capsys.readouterr().out.split() == ["telea", "openai/gpt-image-2.6-flare"]
    assert main(["models", "--endpoint", via.base_url, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["models"] == ["telea", "openai/gpt-image-2.6-flare"]
    assert doc["gateway"] == "LiteLLM" and doc["retired"] == []


def test_an_unknown_model_says_so_and_offers_the_list(
    via: Gateway, tmp_path: Path, capsys: Any
) -> None:
    assert edit(via, tmp_path, "--model", "team-image") == 3
    first = capsys.readouterr().err.splitlines()[-2]  # the message; details follow
    assert first == (
        'inpaint-editor edit: The service does not offer the model "team-image" (400). '
        "Pick another model. This service offers: telea, openai/gpt-image-2.6-flare."
    )
    assert edits_seen(via) == [] and list(tmp_path.glob("*")) == []


def test_a_wrong_key_is_said_plainly(
    via: Gateway, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-the-team-key-1234")
    assert edit(via, tmp_path, "--model", "telea") == 3
    err = capsys.readouterr().err
    message = err.splitlines()[-2]
    assert message.startswith("inpaint-editor edit: The API key was not accepted")
    assert "litellm" not in err.lower() and "sk-not-the-team-key-1234" not in err
    assert main(["models", "--endpoint", via.base_url]) == 3
    assert "The API key was not accepted" in capsys.readouterr().err
    assert edits_seen(via) == []


def test_an_upstream_refusal_comes_through_in_its_own_words(
    via: Gateway, tmp_path: Path, capsys: Any
) -> None:
    refusal = {
        "error": {
            "message": "The prompt was refused by the team's content rules.",
            "type": "invalid_request_error",
            "param": "prompt",
            "code": None,
        }
    }
    fault = {"kind": "status", "status": 400, "json": refusal, "times": 1}
    httpx.post(f"{via.upstream.origin}/_test/faults", json=fault, timeout=10).raise_for_status()
    assert edit(via, tmp_path, "--model", "telea") == 3
    err = capsys.readouterr().err
    message = err.splitlines()[-2]
    assert message == (
        "inpaint-editor edit: The service rejected the request (400): "
        "The prompt was refused by the team's content rules."
    ), err
