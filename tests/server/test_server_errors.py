"""Every refusal is OpenAI-shaped and carries an x-request-id."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from server_images import H, W, data_url, encode, mask, mask_png, multipart, photo, png

from editor.server import ServerThread


def assert_error(
    response: httpx.Response, status: int, *, code: str | None = None, param: str | None = None
) -> str:
    assert response.status_code == status, response.text
    assert response.headers["x-request-id"].startswith("req_")
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert isinstance(error["message"], str) and error["message"]
    assert error["code"] == code
    assert error["param"] == param
    return str(error["message"])


def post(server: ServerThread, **kwargs: Any) -> httpx.Response:
    return httpx.post(server.base_url + "/images/edits", timeout=30, **kwargs)


def test_missing_prompt(server: ServerThread) -> None:
    kwargs = multipart(mask_data=mask_png())
    kwargs["data"] = {"model": "telea"}
    assert_error(post(server, **kwargs), 400, param="prompt")


def test_missing_image(server: ServerThread) -> None:
    assert_error(post(server, json={"prompt": "x"}), 400, param="image")


def test_not_an_image(server: ServerThread) -> None:
    response = post(server, **multipart(image=b"this is not a png"))
    assert_error(response, 400, code="invalid_image_file", param="image")


def test_gif_is_not_accepted(server: ServerThread) -> None:
    response = post(server, **multipart(image=encode(photo(), "GIF")))
    assert_error(response, 400, code="invalid_image_file", param="image")


def test_mask_of_another_size(server: ServerThread) -> None:
    response = post(server, **multipart(mask_data=mask_png((W * 2, H))))
    message = assert_error(response, 400, code="invalid_image_file", param="mask")
    assert "same size" in message and "128x48" in message


def test_mask_without_alpha(server: ServerThread) -> None:
    response = post(server, **multipart(mask_data=encode(mask().convert("RGB"))))
    message = assert_error(response, 400, code="invalid_image_file", param="mask")
    assert "mask must have an alpha channel" in message


def test_nothing_to_fill(server: ServerThread) -> None:
    message = assert_error(post(server, **multipart()), 400, param="mask")
    assert message.startswith("The local engine fills masked areas only")


def test_octet_stream_part_is_refused(server: ServerThread) -> None:
    files = [("image", ("image.png", png(), "application/octet-stream"))]
    response = post(server, files=files, data={"prompt": "p"})
    message = assert_error(response, 400, code="unsupported_file_mimetype", param="image")
    assert "application/octet-stream" in message


def test_repeated_plain_image_is_a_duplicate(server: ServerThread) -> None:
    files = [("image", ("a.png", png(), "image/png")), ("image", ("b.png", png(), "image/png"))]
    response = post(server, files=files, data={"prompt": "p"})
    message = assert_error(response, 400, code="duplicate_parameter", param="image")
    assert "image[]" in message


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"n": "11"}, "n"),
        ({"n": "-1"}, "n"),
        ({"n": "two"}, "n"),
        ({"size": "big"}, "size"),
        ({"size": "0x10"}, "size"),
        ({"output_format": "bmp"}, "output_format"),
        ({"response_format": "xml"}, "response_format"),
        ({"quality": "ultra"}, "quality"),
        ({"output_compression": "101"}, "output_compression"),
        ({"watermark": "maybe"}, "watermark"),
    ],
)
def test_bad_parameters(server: ServerThread, fields: dict[str, str], param: str) -> None:
    response = post(server, **multipart(mask_data=mask_png(), **fields))
    assert response.status_code == 400, response.text
    assert response.json()["error"]["param"] == param


def test_unknown_model_is_404(server: ServerThread) -> None:
    response = post(server, **multipart(mask_data=mask_png(), model="gpt-image-1"))
    message = assert_error(response, 404, code="model_not_found")
    assert "gpt-image-1" in message


def test_remote_image_urls_are_not_fetched(server: ServerThread) -> None:
    doc = {"prompt": "p", "images": [{"image_url": "https://example.com/cat.png"}]}
    message = assert_error(post(server, json=doc), 400, param="images")
    assert "does not fetch" in message
    gateway = {"prompt": "p", "image": "http://127.0.0.1:1/v1/files/img_x.png"}
    assert_error(post(server, json=gateway), 400, param="image")


def test_file_ids_are_refused(server: ServerThread) -> None:
    doc = {"prompt": "p", "images": [{"file_id": "file-abc"}]}
    assert_error(post(server, json=doc), 400, param="images")


def test_bad_json(server: ServerThread) -> None:
    response = post(server, content=b"{not json", headers={"content-type": "application/json"})
    assert_error(response, 400)


def test_bad_base64(server: ServerThread) -> None:
    assert_error(post(server, json={"prompt": "p", "image": "%%%"}), 400, param="image")


def test_unsupported_content_type(server: ServerThread) -> None:
    assert_error(post(server, content=b"x", headers={"content-type": "text/plain"}), 400)


def test_unknown_route_is_404(server: ServerThread) -> None:
    response = httpx.get(server.base_url + "/images/nothing")
    assert "Invalid URL" in assert_error(response, 404)


def test_too_large_body_and_image() -> None:
    with ServerThread(max_upload_bytes=20_000, max_pixels=50 * 50) as small:
        big = {"prompt": "p", "image": data_url(b"x" * 30_000)}
        assert_error(post(small, json=big), 413, code="request_too_large")
        response = post(small, **multipart(mask_data=mask_png()))  # 64x48 > 2500 pixels
        assert_error(response, 413, code="request_too_large", param="image")


def test_bearer_token_is_checked() -> None:
    with ServerThread(token="sk-local-secret") as guarded:
        edit = multipart(mask_data=mask_png())
        for headers in (
            {},
            {"authorization": "Bearer wrong"},
            {"authorization": "sk-local-secret"},
        ):
            response = post(guarded, headers=headers, **edit)
            message = assert_error(response, 401, code="invalid_api_key")
            assert "sk-local-secret" not in message
        models = httpx.get(guarded.base_url + "/models")
        assert_error(models, 401, code="invalid_api_key")
        ok = post(guarded, headers={"authorization": "Bearer sk-local-secret"}, **edit)
        assert ok.status_code == 200
        assert httpx.get(guarded.origin + "/health").status_code == 200  # liveness stays open
