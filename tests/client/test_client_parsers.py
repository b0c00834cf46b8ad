"""Retry rules and the body parsers, including a hypothesis fuzz: only EditErrors come out."""

from __future__ import annotations

import base64
import email.utils
import json
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor.client import APIStatusError, BadResponseError, EditError
from editor.client._errorbody import (
    ErrorContext,
    html_title,
    read_error_body,
    status_error,
    strip_wrappers,
)
from editor.client._response import parse_edit_response, sniff_image
from editor.client._retry import backoff, plan_retry, server_delay

from .conftest import FAKE_KEY, jpeg_bytes, png_bytes

CTX = ErrorContext(host="127.0.0.1:1", path="/v1/images/edits", model="gpt-image-1")


# -- retry rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "retry"),
    [(None, True), (400, False), (401, False), (404, False), (408, True), (409, True),
     (413, False), (429, True), (500, True), (502, True), (503, True), (504, True)],
)  # fmt: skip
def test_retryable_statuses(status: int | None, retry: bool) -> None:
    assert plan_retry(status=status, retries_done=0, max_retries=2).retry is retry


def test_retry_budget_and_overrides() -> None:
    assert not plan_retry(status=500, retries_done=2, max_retries=2).retry
    assert not plan_retry(status=500, retries_done=0, max_retries=0).retry
    assert not plan_retry(status=500, headers={"x-should-retry": "false"}, retries_done=0,
                          max_retries=2).retry  # fmt: skip
    assert plan_retry(status=400, headers={"X-Should-Retry": "true"}, retries_done=0,
                      max_retries=2).retry  # fmt: skip
    quota = plan_retry(status=429, code="insufficient_quota", retries_done=0, max_retries=2,
                       headers={"x-should-retry": "true"})  # fmt: skip
    assert not quota.retry


def test_server_delays() -> None:
    assert server_delay({"retry-after-ms": "250"}) == 0.25
    assert server_delay({"retry-after": "3"}) == 3.0
    assert server_delay({"retry-after-ms": "100", "retry-after": "9"}) == 0.1
    assert server_delay({"retry-after": "soon"}) is None
    assert server_delay({}) is None
    now = time.time()
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert 28 <= (server_delay({"retry-after": date}, now=now) or 0) <= 31
    plan = plan_retry(status=429, headers={"retry-after": date}, retries_done=0, max_retries=2)
    assert plan.retry and 28 <= plan.delay <= 31


def test_delay_choice() -> None:
    assert plan_retry(status=429, headers={"retry-after": "120"}, retries_done=0,
                      max_retries=2).delay == 120  # fmt: skip
    far = plan_retry(status=429, headers={"retry-after": "121"}, retries_done=0, max_retries=2)
    assert not far.retry and far.server_asked == 121
    for header in ({"retry-after": "0"}, {"retry-after": "-5"}, {}):
        plan = plan_retry(status=503, headers=header, retries_done=1, max_retries=2)
        assert plan.retry and 0.75 <= plan.delay <= 1.0
    for n, top in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (9, 8.0)]:
        for _ in range(20):
            assert top * 0.75 <= backoff(n) <= top


# -- error bodies ------------------------------------------------------------------------------


def test_openai_json_error() -> None:
    body = json.dumps(
        {"error": {"message": "Invalid size", "type": "invalid_request_error",
                   "param": "size", "code": "invalid_value"}}
    ).encode()  # fmt: skip
    info = read_error_body(body, "application/json")
    assert (info.message, info.error_type, info.param, info.code) == (
        "Invalid size", "invalid_request_error", "size", "invalid_value",
    )  # fmt: skip
    ctx = ErrorContext(**{**CTX.__dict__, "request_id": "req_1"})
    err = status_error(400, info, ctx)
    assert str(err) == "The service rejected the request (400): Invalid size."
    assert err.details["request_id"] == "req_1" and err.details["param"] == "size"


def test_html_page_is_reduced_to_its_title() -> None:
    page = b"<html><head><style>x{}</style><title>503 Service Temporarily Unavailable</title>"
    page += b"</head><body>" + b"<p>junk</p>" * 1000 + b"</body></html>"
    info = read_error_body(page, "text/html; charset=utf-8")
    assert info.is_html and info.html_title == "503 Service Temporarily Unavailable"
    err = status_error(503, info, ErrorContext(**{**CTX.__dict__, "attempts": 3}))
    assert "web page instead of an image (503 Service Temporarily Unavailable)" in str(err)
    assert "Tried 3 times." in str(err) and "<" not in str(err)
    assert html_title("<h1>Oops &amp; gone</h1>") == "Oops & gone"


def test_fastapi_and_odd_shapes() -> None:
    detail = {"detail": [{"loc": ["body", "prompt"], "msg": "field required"}]}
    info = read_error_body(json.dumps(detail).encode())
    assert (info.message, info.param) == ("field required", "prompt")
    assert read_error_body(b'{"error": "nope", "code": 7}').code == "7"
    assert read_error_body(b"Gateway Timeout\nsecond line").message == "Gateway Timeout"
    assert read_error_body(b"").message is None


def test_secrets_are_redacted_from_error_bodies() -> None:
    body = json.dumps({"error": {"message": f"bad key {FAKE_KEY}"}}).encode()
    info = read_error_body(body, secrets=(FAKE_KEY,))
    assert FAKE_KEY not in repr(info) and "***" in (info.message or "")


# -- success bodies ----------------------------------------------------------------------------


def test_parse_success_body() -> None:
    png, jpg = png_bytes(), jpeg_bytes()
    body = {
        "created": 5,
        "data": [
            {"b64_json": base64.b64encode(png).decode(), "revised_prompt": "r"},
            {"url": "https://cdn.invalid/x.png"},
            {"url": "data:image/jpeg;base64," + base64.b64encode(jpg).decode()},
        ],
        "usage": {"total_tokens": 3},
        "size": "48x32",
        "quality": "high",
        "output_format": "png",
        "background": "opaque",
        "other": 1,
    }
    parsed = parse_edit_response(json.dumps(body).encode(), request_id="req_9")
    assert parsed.created == 5 and parsed.usage == {"total_tokens": 3}
    assert parsed.meta == {"size": "48x32", "quality": "high", "output_format": "png",
                           "background": "opaque"}  # fmt: skip
    assert [(i.index, i.url, i.revised_prompt) for i in parsed.items] == [
        (1, None, "r"), (2, "https://cdn.invalid/x.png", None), (3, None, None),
    ]  # fmt: skip
    assert parsed.items[0].data == png and parsed.items[2].data == jpg
    assert sniff_image(b"RIFF\0\0\0\0WEBPVP8 ") == "image/webp"
    assert sniff_image(b"GIF89a...") == "image/gif" and sniff_image(b"<svg") is None


def test_bad_response_keeps_the_request_id() -> None:
    with pytest.raises(BadResponseError) as info:
        parse_edit_response(b'{"data": null}', request_id="req_7")
    assert info.value.details["request_id"] == "req_7"


# -- fuzz --------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
known_keys = st.sampled_from(
    ["created", "data", "b64_json", "url", "revised_prompt", "usage", "size", "error",
     "message", "type", "param", "code", "detail", "loc", "msg", "quality", "background"]
)  # fmt: skip
shaped = st.recursive(
    json_values,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(known_keys, children, max_size=5)
    ),
    max_leaves=16,
)
b64_strings = st.binary(max_size=40).map(lambda b: base64.b64encode(b).decode())
items = st.dictionaries(
    st.sampled_from(["b64_json", "url", "revised_prompt"]),
    shaped | b64_strings | st.sampled_from(["data:image/png;base64,iVBORw0KGgo=", "data:,"]),
    max_size=3,
)
success_docs = st.fixed_dictionaries(
    {"data": st.lists(items | shaped, max_size=4)},
    optional={"created": shaped, "usage": shaped, "size": shaped, "output_format": shaped},
)
raw_bodies = st.one_of(
    shaped.map(lambda v: json.dumps(v).encode()),
    success_docs.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda t: f"<html><title>{t}</title>{t}</html>".encode()),
)

STATUSES = [300, 302, 400, 401, 403, 404, 405, 408, 409, 413, 418, 422, 429, 500, 502, 503, 599]
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(body=raw_bodies, content_type=st.sampled_from(["", "application/json", "text/html"]))
def test_fuzz_success_parser_raises_only_edit_errors(body: bytes, content_type: str) -> None:
    try:
        parsed = parse_edit_response(body, content_type)
    except EditError as err:
        assert isinstance(err, BadResponseError)
        assert str(err) == err.user_message and err.user_message.endswith((".", ")"))
        return
    assert parsed.items
    for item in parsed.items:
        assert (item.data is None) != (item.url is None)
        assert item.data is None or sniff_image(item.data)


@FUZZ
@given(
    body=raw_bodies,
    status=st.sampled_from(STATUSES),
    content_type=st.sampled_from(["", "application/json", "text/html", "text/plain"]),
    retry_after=st.none() | st.floats(min_value=0, max_value=1e6),
    attempts=st.integers(min_value=1, max_value=5),
    model=st.none() | st.text(max_size=10),
)
def test_fuzz_error_mapping_always_gives_a_status_error(
    body: bytes,
    status: int,
    content_type: str,
    retry_after: float | None,
    attempts: int,
    model: str | None,
) -> None:
    info = read_error_body(body, content_type, secrets=(FAKE_KEY,))
    ctx = ErrorContext(host="h", path="/v1/images/edits", model=model, attempts=attempts)
    err = status_error(status, info, ctx, retry_after=retry_after)
    assert isinstance(err, APIStatusError) and err.status == status
    assert str(err) == err.user_message and "Traceback" not in str(err)
    assert len(err.user_message) < 500
    json.dumps(err.details)  # details stay plain data


@FUZZ
@given(doc=shaped)
def test_fuzz_error_json_shapes(doc: Any) -> None:
    info = read_error_body(json.dumps(doc).encode(), "application/json")
    for value in (info.message, info.code, info.param, info.error_type):
        assert value is None or isinstance(value, str)
    assert isinstance(status_error(400, info, CTX), APIStatusError)


@pytest.mark.parametrize(
    ("wrapped", "plain"),
    [
        (
            "litellm.APIError: APIError: OpenAIException - The engine is warming up.",
            "The engine is warming up.",
        ),
        (
            "litellm.BadRequestError: OpenAIException - Error code: 400 - "
            "{'error': {'message': 'Your prompt was flagged.', 'type': 'invalid_request_error'}}",
            "Your prompt was flagged.",
        ),
        (
            'litellm.ServiceUnavailableError: OpenAIException - {"error": {"message": '
            '"Try later."}} Received Model Group=team-image\nAvailable Model Group Fallbacks=None',
            "Try later.",
        ),
        (
            "Authentication Error, Invalid proxy server token passed. "
            "Received API Key = sk-...abcd, Key Hash (Token) =5f2e",
            "Authentication Error, Invalid proxy server token passed.",
        ),
        (
            '{"error": {"message": "Refused by the rules.", "code": null}} LiteLLM: model group '
            "'telea' failed with the error above. No fallback was attempted.",
            "Refused by the rules.",
        ),
        ("The mask is too small.", "The mask is too small."),
        ("Error: keep me", "Error: keep me"),
    ],
)
def test_gateway_wrappers_are_stripped_to_the_upstreams_words(wrapped: str, plain: str) -> None:
    assert strip_wrappers(wrapped) == plain
    body = json.dumps({"error": {"message": wrapped, "type": "api_error"}}).encode()
    err = status_error(400, read_error_body(body), ErrorContext(host="gw", path="/v1/images/edits"))
    assert err.service_message == plain
    assert "litellm" not in err.user_message and "Exception" not in err.user_message


def test_a_gateways_unknown_model_400_is_said_as_such() -> None:
    body = json.dumps(
        {
            "error": {
                "message": "/images/edits: Invalid model name passed in model=team-img. "
                "Call `/v1/models` to view available models for your key.",
                "type": "invalid_request_error",
                "code": "400",
            }
        }
    ).encode()
    ctx = ErrorContext(host="gw", path="/v1/images/edits", model="team-img")
    err = status_error(400, read_error_body(body), ctx)
    assert err.user_message == (
        'The service does not offer the model "team-img" (400). Pick another model.'
    )
    assert err.details["not_found"] == "model"


def test_a_gateways_echo_of_a_refused_key_is_redacted_in_the_details_too() -> None:
    body = json.dumps(
        {
            "error": {
                "message": "Authentication Error, Invalid proxy server token passed. "
                "Received API Key = sk-...9f3a, Key Hash (Token) =abc",
                "type": "auth_error",
            }
        }
    ).encode()
    info = read_error_body(body)
    assert info.message == "Authentication Error, Invalid proxy server token passed."
    assert info.excerpt is not None and "9f3a" not in info.excerpt
    assert "Received API Key = ***" in info.excerpt
