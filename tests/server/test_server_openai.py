"""The official ``openai`` package against our server: proof that it speaks real OpenAI."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import openai
import pytest
from server_images import H, W, decode, mask, photo

from editor.server import ServerThread


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    image_path, mask_path = tmp_path / "photo.png", tmp_path / "mask.png"
    photo().save(image_path)
    mask().save(mask_path)
    return image_path, mask_path


def client(server: ServerThread) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)


def test_images_edit_with_file_objects(server: ServerThread, files: tuple[Path, Path]) -> None:
    image_path, mask_path = files
    with image_path.open("rb") as image, mask_path.open("rb") as mask_file:
        result = client(server).images.edit(
            image=image, mask=mask_file, prompt="fill the hole", model="telea", n=2
        )
    assert result.data is not None and len(result.data) == 2
    for item in result.data:
        assert item.b64_json is not None
        assert decode(base64.b64decode(item.b64_json)).size == (W, H)
        assert item.revised_prompt and "OpenCV" in item.revised_prompt
    assert result.size == f"{W}x{H}" and result.output_format == "png"
    [entry] = httpx.get(server.origin + "/_test/requests").json()
    assert entry["authorization"] == "bearer"
    assert entry["fields"]["image"]["content_type"] == "image/png"
    assert entry["fields"]["image"]["filename"] == "photo.png"
    assert entry["fields"]["n"] == "2"


def test_images_edit_with_a_list_of_images(server: ServerThread, files: tuple[Path, Path]) -> None:
    image_path, mask_path = files
    result = client(server).images.edit(
        image=[image_path, image_path], mask=mask_path, prompt="p", model="navier-stokes"
    )
    assert result.data is not None and len(result.data) == 1
    assert "Navier–Stokes" in (result.data[0].revised_prompt or "")
    [entry] = httpx.get(server.origin + "/_test/requests").json()
    assert entry["raw_field_names"].count("image[]") == 2


def test_images_edit_with_tuples_and_options(server: ServerThread) -> None:
    from server_images import encode

    result = client(server).images.edit(
        image=("photo.png", encode(photo()), "image/png"),
        mask=("mask.png", encode(mask()), "image/png"),
        prompt="p",
        model="telea",
        size="128x96",
        output_format="jpeg",
        output_compression=70,
        quality="high",
        extra_body={"watermark": "false"},
    )
    assert result.data is not None
    assert decode(base64.b64decode(result.data[0].b64_json or "")).size == (128, 96)
    assert result.quality == "high"


def test_openai_errors_map_to_sdk_exceptions(
    server: ServerThread, files: tuple[Path, Path]
) -> None:
    image_path, mask_path = files
    with pytest.raises(openai.NotFoundError) as not_found:
        client(server).images.edit(image=image_path, mask=mask_path, prompt="p", model="dall-e-9")
    assert not_found.value.code == "model_not_found"
    assert not_found.value.request_id and not_found.value.request_id.startswith("req_")
    with pytest.raises(openai.BadRequestError) as bad:
        client(server).images.edit(
            image=("photo.bin", b"raw", "application/octet-stream"), prompt="p"
        )
    assert bad.value.code == "unsupported_file_mimetype"


def test_openai_sdk_retries_on_injected_429(server: ServerThread, files: tuple[Path, Path]) -> None:
    image_path, mask_path = files
    httpx.post(
        server.origin + "/_test/faults",
        json={"kind": "status", "status": 429, "headers": {"retry-after-ms": "10"}},
    )
    sdk = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=1)
    result = sdk.images.edit(image=image_path, mask=mask_path, prompt="p", model="telea")
    assert result.data is not None and result.data[0].b64_json
    assert len(httpx.get(server.origin + "/_test/requests").json()) == 2


def test_openai_sdk_with_token() -> None:
    with ServerThread(token="sk-local") as guarded:
        wrong = openai.OpenAI(base_url=guarded.base_url, api_key="sk-wrong", max_retries=0)
        with pytest.raises(openai.AuthenticationError):
            wrong.models.list()
        right = openai.OpenAI(base_url=guarded.base_url, api_key="sk-local", max_retries=0)
        assert [m.id for m in right.models.list()] == ["patchmatch", "telea", "navier-stokes"]


def test_openai_sdk_stream(server: ServerThread, files: tuple[Path, Path]) -> None:
    image_path, mask_path = files
    stream = client(server).images.edit(
        image=image_path, mask=mask_path, prompt="p", model="telea", stream=True
    )
    events = list(stream)
    assert [e.type for e in events] == ["image_edit.completed"]
    assert decode(base64.b64decode(events[0].b64_json)).size == (W, H)


@pytest.mark.asyncio
async def test_openai_and_our_client_send_references_the_same_way(
    server: ServerThread, tmp_path: Path
) -> None:
    """images.edit(image=[edited, ref, ref]) and our EditRequest with three images arrive alike:
    repeated ``image[]`` parts in the order given, then the mask once."""
    from editor.client import EditsClient, Endpoint
    from editor.core.request import EditRequest, ImageInput

    paths = [tmp_path / f"{name}.png" for name in ("edited", "hat", "scarf")]
    for i, path in enumerate(paths):
        photo().resize((W + 16 * i, H)).save(path)
    mask_path = tmp_path / "mask.png"
    mask().save(mask_path)
    client(server).images.edit(
        image=list(paths), mask=mask_path, prompt="p", model="telea", input_fidelity="high"
    )
    request = EditRequest(
        prompt="p",
        images=tuple(ImageInput(p.read_bytes(), filename=p.name) for p in paths),
        mask=ImageInput(mask_path.read_bytes(), filename="mask.png"),
        model="telea",
        input_fidelity="high",
    )
    async with EditsClient(Endpoint(base_url=server.base_url, max_retries=0)) as ours:
        await ours.edit(request)
    sdk, mine = httpx.get(server.origin + "/_test/requests").json()
    for entry in (sdk, mine):
        names = entry["raw_field_names"]
        assert names.count("image[]") == 3 and names.count("mask") == 1
        assert names.index("mask") > max(i for i, n in enumerate(names) if n == "image[]")
        widths = [part["width"] for part in entry["fields"]["image[]"]]
        assert widths == [W, W + 16, W + 32], "the edited image first, references in order"
        assert entry["fields"]["input_fidelity"] == "high"
    shas = [[p["sha256"] for p in e["fields"]["image[]"]] for e in (sdk, mine)]
    assert shas[0] == shas[1]
