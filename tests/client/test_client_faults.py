"""Each fault of the real server → the right exception, a plain message, the right retries."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
from typing import Any

import pytest

from editor.client import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    BadResponseError,
    EditsClient,
    Endpoint,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    Progress,
    QuotaExceededError,
    RateLimitError,
    ServerError,
    ServiceConnectionError,
    ServiceTimeoutError,
)
from editor.core.request import ImageInput
from editor.server import ServerThread

from .conftest import (
    FAKE_KEY,
    add_fault,
    endpoint_for,
    logged_requests,
    make_request,
    mask_bytes,
    pending_faults,
    png_bytes,
)

pytestmark = pytest.mark.asyncio

NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad "
    "Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n"
)


def plain(err: Exception) -> str:
    """The message is plain words: no traceback, no HTML, no JSON."""
    text = str(err)
    assert "Traceback" not in text and "<" not in text and "{" not in text
    assert text == getattr(err, "user_message", None)
    return text


async def edit_error(server: Any, request: Any = None, **endpoint: Any) -> Any:
    async with EditsClient(endpoint_for(server, **endpoint)) as client:
        with pytest.raises(Exception) as info:
            await client.edit(request or make_request())
    return info.value


# -- errors the real engine produces by itself ------------------------------------------------


async def test_mask_of_another_size(server: Any) -> None:
    request = make_request(mask=ImageInput(mask_bytes((20, 20)), "image/png", "mask.png"))
    err = await edit_error(server, request)
    assert type(err) is BadRequestError
    assert plain(err) == "The service rejected the mask: it must be the same size as the image."
    assert (err.status, err.code, err.param) == (400, "invalid_image_file", "mask")
    assert err.details["request_id"].startswith("req_")
    assert "48x32" in err.details["service_message"]


async def test_unknown_model_says_model(server: Any) -> None:
    err = await edit_error(server, make_request(model="dall-e-9"))
    assert type(err) is NotFoundError and err.what == "model"
    # The message offers what the service does have (its GET /v1/models).
    assert plain(err) == (
        'The service does not know the model "dall-e-9" (404). Pick another model. '
        "This service offers: patchmatch, telea, navier-stokes."
    )


async def test_unknown_route_says_route(server: Any) -> None:
    err = await edit_error(server, base_url=server.origin + "/v2")
    assert type(err) is NotFoundError and err.what == "route"
    assert "no edits endpoint at /v2/images/edits (404)" in plain(err)
    assert "base URL" in err.user_message
    assert err.attempts == 1


async def test_wrong_key_and_missing_key() -> None:
    with ServerThread(token="sk-the-right-one") as other:
        err = await edit_error(other)
        assert type(err) is AuthenticationError
        assert plain(err) == "The API key was not accepted (401). Check the key for this endpoint."
        assert err.code == "invalid_api_key"
        err = await edit_error(other, api_key=None)
        assert plain(err) == "The service needs an API key (401). Set one for this endpoint."
        async with EditsClient(endpoint_for(other, api_key="sk-the-right-one")) as client:
            assert len((await client.edit(make_request())).images) == 1


async def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with EditsClient(Endpoint(f"http://127.0.0.1:{port}/v1", max_retries=1)) as client:
        with pytest.raises(ServiceConnectionError) as info:
            await client.edit(make_request())
    text = plain(info.value)
    assert text.startswith(f"Could not connect to the service at 127.0.0.1:{port}")
    assert "refused" in text and "Tried 2 times." in text
    assert info.value.details["attempts"] == 2


# -- injected status faults ---------------------------------------------------------------------


async def test_moderation_403(server: Any) -> None:
    add_fault(
        server,
        kind="status",
        status=403,
        json={
            "error": {
                "message": "Your request was rejected by the safety system.",
                "type": "image_generation_user_error",
                "param": None,
                "code": "moderation_blocked",
            }
        },
    )
    err = await edit_error(server)
    assert type(err) is PermissionDeniedError
    assert "refused this edit under its content rules (403)" in plain(err)
    assert err.attempts == 1


async def test_no_model_access_403(server: Any) -> None:
    add_fault(server, kind="status", status=403, json={"error": {"message": "No access."}})
    err = await edit_error(server, make_request(model="telea"))
    assert type(err) is PermissionDeniedError
    assert plain(err).startswith('This API key has no access to "telea" (403).')


async def test_payload_too_large(server: Any) -> None:
    add_fault(server, kind="status", status=413, body="Request Entity Too Large")
    err = await edit_error(server)
    assert type(err) is PayloadTooLargeError
    assert plain(err) == "The images are too large for the service (413). Use smaller images."
    assert err.service_message == "Request Entity Too Large"


async def test_html_gateway_page(server: Any) -> None:
    add_fault(server, kind="status", status=502, body=NGINX_502, content_type="text/html", times=3)
    err = await edit_error(server, max_retries=0)
    assert type(err) is ServerError and err.status == 502
    assert plain(err) == (
        "The service answered with a web page instead of an image (502 Bad Gateway) — "
        "a proxy or gateway in between may be down."
    )
    assert err.body_excerpt == "502 Bad Gateway"
    assert "nginx" not in json.dumps(err.details)


async def test_plain_text_5xx_retried_then_reported(server: Any) -> None:
    add_fault(
        server, kind="status", status=503, body="upstream overloaded\nmore", times=3,
        headers={"retry-after-ms": "50"},
    )  # fmt: skip
    err = await edit_error(server)
    assert type(err) is ServerError
    assert plain(err) == (
        "The service had a problem on its side (503 Service Unavailable). Tried 3 times; "
        "try again later."
    )
    assert err.service_message == "upstream overloaded"
    assert len(logged_requests(server)) == 3


async def test_500_then_success(server: Any) -> None:
    add_fault(server, kind="status", status=500, headers={"retry-after-ms": "100"})
    seen: list[Progress] = []
    async with EditsClient(endpoint_for(server)) as client:
        result = await client.edit(make_request(), on_progress=seen.append)
    assert result.timings.attempts == 2
    retries = [p for p in seen if p.phase == "retry"]
    assert [(p.attempt, p.retry_in) for p in retries] == [(1, 0.1)]
    assert seen[-1].phase == "done" and seen[-1].attempt == 2


# -- retries -----------------------------------------------------------------------------------


class Waits:
    """The client's clock for retries: records each wait it asks for, and waits not at all."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        await asyncio.sleep(0)


async def test_rate_limit_obeys_retry_after_ms(server: Any) -> None:
    add_fault(server, kind="status", status=429, times=3, headers={"retry-after-ms": "200"})
    waits = Waits()
    async with EditsClient(endpoint_for(server), sleep=waits) as client:
        with pytest.raises(RateLimitError) as info:
            await client.edit(make_request())
    err = info.value
    assert plain(err) == (
        "The service is rate-limiting requests (429). Tried 3 times; try again in a minute."
    )
    assert waits.asked == [0.2, 0.2]  # as the service asked, before each retry
    assert len(logged_requests(server)) == 3
    assert err.details["code"] == "rate_limit_exceeded" and err.request_id


async def test_retry_after_seconds_then_success(server: Any) -> None:
    add_fault(server, kind="status", status=429, headers={"retry-after": "1"})
    waits = Waits()
    async with EditsClient(endpoint_for(server), sleep=waits) as client:
        result = await client.edit(make_request())
    assert waits.asked == [1.0]
    assert result.timings.attempts == 2


async def test_retry_after_beyond_120_s_is_not_retried(server: Any) -> None:
    add_fault(server, kind="status", status=429, headers={"retry-after": "300"})
    waits = Waits()
    async with EditsClient(endpoint_for(server), sleep=waits) as client:
        with pytest.raises(RateLimitError) as info:
            await client.edit(make_request())
    err = info.value
    assert waits.asked == []  # no five-minute wait inside a round: said, and left to the user
    assert err.retry_after == 300
    assert "asks to wait about 5 minutes; try again after" in plain(err)
    assert len(logged_requests(server)) == 1


async def test_x_should_retry_false(server: Any) -> None:
    add_fault(server, kind="status", status=500, times=3, headers={"x-should-retry": "false"})
    err = await edit_error(server)
    assert type(err) is ServerError and err.attempts == 1
    assert "Tried once" in plain(err)
    assert len(logged_requests(server)) == 1


async def test_x_should_retry_true_retries_a_400(server: Any) -> None:
    add_fault(
        server,
        kind="status",
        status=400,
        headers={"x-should-retry": "true", "retry-after-ms": "10"},
    )
    async with EditsClient(endpoint_for(server)) as client:
        assert (await client.edit(make_request())).timings.attempts == 2


async def test_insufficient_quota_is_not_retried(server: Any) -> None:
    quota = {
        "error": {
            "message": "You exceeded your current quota, please check your plan and billing.",
            "type": "insufficient_quota",
            "param": None,
            "code": "insufficient_quota",
        }
    }
    add_fault(server, kind="status", status=429, json=quota, times=3, headers={"retry-after": "0"})
    err = await edit_error(server)
    assert type(err) is QuotaExceededError and isinstance(err, RateLimitError)
    assert "run out of quota" in plain(err) and "billing" in err.user_message
    assert len(logged_requests(server)) == 1
    assert pending_faults(server)[0]["times"] == 2


# -- broken answers ----------------------------------------------------------------------------


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.mark.parametrize(
    ("body", "content_type", "words"),
    [
        ("{not json", "application/json", "The service's answer could not be read (it is not"),
        ("", "application/json", "The service sent an empty answer instead of an image."),
        (
            "<!DOCTYPE html><html><head><title>Sign in - Corp Wi-Fi</title></head></html>",
            "text/html",
            "The service answered with a web page instead of an image (Sign in - Corp Wi-Fi)",
        ),
        ('{"created": 1, "data": []}', None, "The service answered without any image."),
        ('{"data": [{"b64_json": "@@@"}]}', None, "result #1 could not be decoded"),
        (
            json.dumps({"data": [{"b64_json": b64(png_bytes())}, {"b64_json": b64(b"hello")}]}),
            None,
            "The service's result #2 is not an image.",
        ),
        ('{"data": [{"revised_prompt": "x"}]}', None, "result #1 has neither image data nor"),
    ],
)  # fmt: skip
async def test_garbage_200(server: Any, body: str, content_type: str | None, words: str) -> None:
    fault: dict[str, Any] = {"kind": "garbage", "body": body}
    if content_type:
        fault["content_type"] = content_type
    add_fault(server, **fault)
    err = await edit_error(server)
    assert type(err) is BadResponseError
    assert words in plain(err)
    assert err.attempts == 1


async def test_result_url_that_fails_or_is_not_an_image(server: Any) -> None:
    missing = f"{server.base_url}/files/img_{'0' * 32}.png"
    add_fault(server, kind="garbage", body=json.dumps({"data": [{"url": missing}]}))
    err = await edit_error(server)
    assert type(err) is BadResponseError
    assert plain(err) == "The service's result #1 could not be downloaded (404 Not Found)."

    not_image = f"{server.base_url}/models"
    body = {"data": [{"b64_json": b64(png_bytes())}, {"url": not_image}]}
    add_fault(server, kind="garbage", body=json.dumps(body))
    err = await edit_error(server)
    assert plain(err) == "The service's result #2 is not an image."


async def test_drop_mid_answer(server: Any) -> None:
    add_fault(server, kind="drop", times=5)
    err = await edit_error(server, max_retries=0)
    assert type(err) is ServiceConnectionError
    assert plain(err) == (
        f"The connection to the service at {server.origin[7:]} was lost before it finished "
        "answering."
    )


async def test_drop_once_is_retried(server: Any) -> None:
    add_fault(server, kind="drop")
    async with EditsClient(endpoint_for(server)) as client:
        result = await client.edit(make_request())
    assert result.timings.attempts == 2 and len(logged_requests(server)) == 2


async def test_waiting_past_the_timeout(server: Any) -> None:
    add_fault(server, kind="delay", seconds=4)
    # The client gives up at its own timeout, long before the service would have answered.
    err = await asyncio.wait_for(edit_error(server, timeout=0.4, max_retries=0), 3)
    assert type(err) is ServiceTimeoutError
    assert (
        plain(err) == f"The service at {server.origin[7:]} did not finish answering within 0.4 s."
    )


async def test_slow_trickle_past_the_timeout(server: Any) -> None:
    add_fault(server, kind="trickle", bytes_per_chunk=32, interval=0.05)
    seen: list[Progress] = []
    async with EditsClient(endpoint_for(server, timeout=0.6, max_retries=0)) as client:
        with pytest.raises(ServiceTimeoutError) as info:
            # The trickle would take far longer; the client stops at its timeout.
            await asyncio.wait_for(client.edit(make_request(), on_progress=seen.append), 5)
    assert "did not finish answering within 0.6 s" in plain(info.value)
    downloads = [p for p in seen if p.phase == "download"]
    assert downloads and 0 < downloads[-1].done < (downloads[-1].total or 0)


async def test_redirect_loop_on_the_edit_route(server: Any) -> None:
    add_fault(server, kind="redirect_loop")
    err = await edit_error(server)
    assert type(err) is APIStatusError and err.status == 302
    assert plain(err) == (
        "The service redirected the request back to the same address (302), a loop — "
        "a proxy or sign-in page may be in between. Check the base URL."
    )


async def test_redirect_loop_on_the_result_url(server: Any) -> None:
    add_fault(server, kind="redirect_loop", match="files", times=100)
    err = await edit_error(server, make_request(response_format="url"))
    assert type(err) is BadResponseError
    assert plain(err) == (
        "The service's result #1 could not be downloaded "
        "(the service kept redirecting the request (too many redirects))."
    )


async def test_no_key_in_any_error(server: Any) -> None:
    add_fault(server, kind="status", status=400, body=f"bad key {FAKE_KEY} echoed")
    err = await edit_error(server)
    assert FAKE_KEY not in repr(err) + str(err) + json.dumps(err.details)
    assert "bad key *** echoed" in err.details["service_message"]
