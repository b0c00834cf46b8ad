"""Successful edits against a real uvicorn server: bodies, routes, variants, sizes, formats."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import httpx
import numpy as np
import pytest
from server_images import (
    H,
    W,
    data_url,
    decode,
    decode_b64,
    encode,
    mask,
    mask_png,
    multipart,
    photo,
    png,
)

from editor.server import ServerThread


def post(server: ServerThread, path: str = "/images/edits", **kwargs: Any) -> httpx.Response:
    return httpx.post(server.base_url + path, timeout=30, **kwargs)


@pytest.mark.parametrize("path", ["/images/edits", "/edits"])
def test_multipart_edit_on_both_routes(server: ServerThread, path: str) -> None:
    response = post(server, path, **multipart(mask_data=mask_png()))
    assert response.status_code == 200, response.text
    assert response.headers["x-request-id"].startswith("req_")
    assert int(response.headers["openai-processing-ms"]) >= 0
    body = response.json()
    assert isinstance(body["created"], int)
    assert body["size"] == f"{W}x{H}"
    assert body["output_format"] == "png"
    assert body["background"] == "opaque"
    assert "usage" not in body
    [item] = body["data"]
    result = decode_b64(item["b64_json"])
    assert result.size == (W, H) and result.format == "PNG"
    assert "Telea" in item["revised_prompt"] and "radius 3 px" in item["revised_prompt"]


def test_only_the_masked_area_changes(server: ServerThread) -> None:
    source = np.asarray(photo())
    response = post(server, **multipart(mask_data=mask_png()))
    result = np.asarray(decode_b64(response.json()["data"][0]["b64_json"]).convert("RGB"))
    edit = np.asarray(mask())[:, :, 3] == 0
    assert np.array_equal(result[~edit], source[~edit])
    assert not np.array_equal(result[edit], source[edit])


def test_n_variants_differ_and_say_what_was_done(server: ServerThread) -> None:
    response = post(server, **multipart(mask_data=mask_png(), n="4", model="navier-stokes"))
    data = response.json()["data"]
    assert len(data) == 4
    prompts = [item["revised_prompt"] for item in data]
    assert "Navier–Stokes" in prompts[0] and "radius 3 px" in prompts[0]
    assert "Telea" in prompts[1] and "radius 3 px" in prompts[1]
    assert "Navier–Stokes" in prompts[2] and "radius 7 px" in prompts[2]
    assert all("The prompt is not interpreted." in p for p in prompts)
    assert len(set(prompts)) == 4
    pixels = {decode_b64(item["b64_json"]).tobytes() for item in data}
    assert len(pixels) == 4


@pytest.mark.parametrize(("n", "expected"), [("0", 1), ("10", 10)])
def test_n_zero_means_one_and_ten_are_distinct(server: ServerThread, n: str, expected: int) -> None:
    data = post(server, **multipart(mask_data=mask_png(), n=n)).json()["data"]
    assert len(data) == expected
    assert len({item["revised_prompt"] for item in data}) == expected


def test_size_resizes_the_output(server: ServerThread) -> None:
    response = post(server, **multipart(mask_data=mask_png(), size="96x32"))
    body = response.json()
    assert body["size"] == "96x32"
    assert decode_b64(body["data"][0]["b64_json"]).size == (96, 32)
    assert "Resized from 64x48 to 96x32" in body["data"][0]["revised_prompt"]
    auto = post(server, **multipart(mask_data=mask_png(), size="auto")).json()
    assert auto["size"] == f"{W}x{H}"


@pytest.mark.parametrize(
    ("fmt", "pil_format"), [("jpeg", "JPEG"), ("webp", "WEBP"), ("png", "PNG")]
)
def test_output_formats(server: ServerThread, fmt: str, pil_format: str) -> None:
    fields = {"output_format": fmt, "output_compression": "80"}
    body = post(server, **multipart(mask_data=mask_png(), **fields)).json()
    assert body["output_format"] == fmt
    assert decode_b64(body["data"][0]["b64_json"]).format == pil_format


def test_image_array_parts_use_the_first_image(server: ServerThread) -> None:
    files = [
        ("image[]", ("a.png", png(), "image/png")),
        ("image[]", ("b.jpg", encode(photo((20, 20)), "JPEG"), "image/jpeg")),
        ("mask", ("mask.png", mask_png(), "image/png")),
    ]
    response = post(server, files=files, data={"prompt": "p", "model": "telea"})
    assert response.status_code == 200, response.text
    item = response.json()["data"][0]
    assert decode_b64(item["b64_json"]).size == (W, H)
    assert "Reference images 2–2 were not used" in item["revised_prompt"]
    logged = httpx.get(server.origin + "/_test/requests").json()[-1]
    assert logged["raw_field_names"] == ["prompt", "model", "image[]", "image[]", "mask"]
    first, second = logged["fields"]["image[]"]
    assert (first["filename"], first["width"], first["mode"]) == ("a.png", W, "RGB")
    assert (second["content_type"], second["width"]) == ("image/jpeg", 20)


def test_transparent_image_without_mask_is_filled(server: ServerThread) -> None:
    rgba = photo(mode="RGBA")
    rgba.paste((0, 0, 0, 0), (10, 10, 30, 30))
    body = post(server, **multipart(image=png(rgba))).json()
    result = decode_b64(body["data"][0]["b64_json"])
    assert result.mode == "RGBA"
    assert np.asarray(result)[:, :, 3].min() == 255  # the holes are content now
    assert body["background"] == "opaque"


def test_opaque_background_drops_alpha(server: ServerThread) -> None:
    rgba = photo(mode="RGBA")
    body = post(server, **multipart(png(rgba), mask_png(), background="opaque")).json()
    assert decode_b64(body["data"][0]["b64_json"]).mode == "RGB"


@pytest.mark.parametrize("watermark", ["true", "false"])
def test_watermark_is_accepted_and_recorded(server: ServerThread, watermark: str) -> None:
    response = post(server, **multipart(mask_data=mask_png(), watermark=watermark, quality="high"))
    assert response.status_code == 200
    assert response.json()["quality"] == "high"
    assert (
        httpx.get(server.origin + "/_test/requests").json()[-1]["fields"]["watermark"] == watermark
    )


def test_extra_openai_fields_are_accepted(server: ServerThread) -> None:
    fields = {"user": "u-1", "input_fidelity": "high", "partial_images": "0", "stream": "false"}
    response = post(server, **multipart(mask_data=mask_png(), **fields))
    assert response.status_code == 200, response.text


def test_stream_sends_completed_events(server: ServerThread) -> None:
    response = post(server, **multipart(mask_data=mask_png(), stream="true", n="2"))
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [line for line in response.text.splitlines() if line.startswith("event: ")]
    assert events == ["event: image_edit.completed"] * 2


def test_json_body_openai_style(server: ServerThread) -> None:
    doc = {
        "prompt": "fill",
        "model": "telea",
        "images": [{"image_url": data_url(png())}],
        "mask": {"image_url": data_url(mask_png())},
        "n": 2,
        "size": "auto",
        "watermark": False,
    }
    response = post(server, json=doc)
    assert response.status_code == 200, response.text
    assert len(response.json()["data"]) == 2
    logged = httpx.get(server.origin + "/_test/requests").json()[-1]
    assert logged["content_type"] == "application/json"
    assert logged["fields"]["images"][0]["image_url"]["width"] == W
    assert logged["fields"]["mask"]["image_url"]["mode"] == "RGBA"
    assert logged["fields"]["watermark"] is False
    assert logged["raw_field_names"] == list(doc)


@pytest.mark.parametrize(
    "image_value",
    [
        pytest.param(lambda: base64.b64encode(png()).decode(), id="base64"),
        pytest.param(lambda: data_url(png()), id="data-url"),
        pytest.param(lambda: {"image_url": data_url(png())}, id="object"),
        pytest.param(lambda: [data_url(png()), data_url(png())], id="list"),
    ],
)
def test_json_body_gateway_style(server: ServerThread, image_value: Callable[[], Any]) -> None:
    doc = {"prompt": "fill", "image": image_value(), "mask": data_url(mask_png())}
    response = post(server, "/edits", json=doc)
    assert response.status_code == 200, response.text
    assert decode_b64(response.json()["data"][0]["b64_json"]).size == (W, H)


def test_url_results_are_served(server: ServerThread) -> None:
    fields = {"response_format": "url", "n": "2", "output_format": "webp"}
    body = post(server, **multipart(mask_data=mask_png(), **fields)).json()
    urls = [item["url"] for item in body["data"]]
    assert all(u.startswith(server.base_url + "/files/img_") and u.endswith(".webp") for u in urls)
    for url in urls:
        fetched = httpx.get(url)
        assert fetched.status_code == 200
        assert fetched.headers["content-type"] == "image/webp"
        assert decode(fetched.content).size == (W, H)
    # A served result can be the input of the next edit (the only URLs the engine accepts).
    again = post(server, json={"prompt": "again", "image": urls[0], "mask": data_url(mask_png())})
    assert again.status_code == 200, again.text
    missing = httpx.get(server.base_url + "/files/img_00000000000000000000000000000000.png")
    assert missing.status_code == 404
    assert missing.json()["error"]["type"] == "invalid_request_error"


def test_public_base_url_is_used_for_result_urls() -> None:
    with ServerThread(public_base_url="http://editor.example:9000") as other:
        response = post(other, **multipart(mask_data=mask_png(), response_format="url"))
        url = response.json()["data"][0]["url"]
        assert url.startswith("http://editor.example:9000/v1/files/img_")
        local = url.replace("http://editor.example:9000", other.origin)
        assert httpx.get(local).headers["content-type"] == "image/png"


def test_models_and_health(server: ServerThread) -> None:
    models = httpx.get(server.base_url + "/models").json()
    assert models["object"] == "list"
    ids = [m["id"] for m in models["data"]]
    assert ids == ["patchmatch", "telea", "navier-stokes"]
    assert all(m["object"] == "model" and m["owned_by"] == "local" for m in models["data"])
    health = httpx.get(server.origin + "/health")
    assert health.status_code == 200 and health.json() == {"status": "ok"}


def test_multipart_text_field_images_gateway_style(server: ServerThread) -> None:
    fields = {
        "prompt": "p",
        "image": data_url(png()),
        "mask": base64.b64encode(mask_png()).decode(),
    }
    # (None, value) parts force multipart/form-data without any file part.
    response = post(server, "/edits", files=[(k, (None, v)) for k, v in fields.items()])
    assert response.status_code == 200, response.text
    urlencoded = post(server, "/edits", data=fields)
    assert urlencoded.status_code == 400  # not an edits body


def test_cpu_work_does_not_block_the_event_loop(server: ServerThread) -> None:
    """/health answers while a four-variant PatchMatch edit is still being worked on."""
    import threading

    big = photo((1024, 768))
    kwargs = multipart(png(big), encode(mask((1024, 768), (100, 100, 700, 600))), n="4")
    answers: list[httpx.Response] = []
    thread = threading.Thread(target=lambda: answers.append(post(server, **kwargs)))
    thread.start()
    # The request log is written as the body arrives, before the engine starts.
    while not httpx.get(server.origin + "/_test/requests").json():
        assert thread.is_alive(), "the edit ended before the server logged it"
    for _ in range(5):
        assert httpx.get(server.origin + "/health").status_code == 200
    assert thread.is_alive()  # all five answers came while the engine was busy
    thread.join()
    assert answers[0].status_code == 200 and len(answers[0].json()["data"]) == 4
