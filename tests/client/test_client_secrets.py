"""The key goes only to the endpoint's own origin and never into logs, errors or reprs.

httpx.MockTransport stands in only for what the local server cannot be: a second origin
(127.0.0.2) serving the result files.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest

from editor.client import EditError, EditsClient, Endpoint
from editor.server import ServerThread

from .conftest import FAKE_KEY, add_fault, endpoint_for, logged_requests, make_request, png_bytes

pytestmark = pytest.mark.asyncio

CDN = "http://127.0.0.2:9"


class Recorder:
    """A result-file host on another origin that remembers the headers it was sent."""

    def __init__(self) -> None:
        self.seen: list[httpx.Headers] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request.headers)
        if request.url.path == "/missing.png":
            return httpx.Response(404, text="gone")
        return httpx.Response(200, content=png_bytes(), headers={"content-type": "image/png"})


async def test_no_authorization_to_a_result_url_on_another_origin(server: Any) -> None:
    own = f"{server.base_url}/files/x.png"
    add_fault(
        server,
        kind="garbage",
        body=json.dumps({"data": [{"url": f"{CDN}/a.png"}, {"url": f"{CDN}/b.png"}]}),
    )
    cdn = Recorder()
    mounts = {CDN: httpx.MockTransport(cdn)}
    async with EditsClient(endpoint_for(server), mounts=mounts) as client:
        result = await client.edit(make_request())
    assert [im.url for im in result.images] == [f"{CDN}/a.png", f"{CDN}/b.png"]
    assert all(im.mime_type == "image/png" for im in result.images)
    assert len(cdn.seen) == 2
    for headers in cdn.seen:
        assert "authorization" not in headers
        assert FAKE_KEY not in json.dumps(dict(headers))
    assert logged_requests(server)[0]["authorization"] == "bearer"
    assert own  # the endpoint's own result URLs are covered by the contract tests


async def test_same_origin_result_url_keeps_the_key() -> None:
    """Wire shape only: a relative result URL resolves against the endpoint's own origin."""
    seen: dict[str, httpx.Headers] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen[request.url.path] = request.headers
        if request.method == "POST":
            body = {"data": [{"url": "/v1/files/own.png"}, {"url": f"{CDN}/cdn.png"}]}
            return httpx.Response(200, json=body)
        return httpx.Response(200, content=png_bytes())

    endpoint = Endpoint("http://127.0.0.1:9/v1", api_key=FAKE_KEY)
    transport = httpx.MockTransport(handler)
    async with EditsClient(endpoint, transport=transport, mounts={CDN: transport}) as client:
        result = await client.edit(make_request())
    assert [im.url for im in result.images] == ["/v1/files/own.png", f"{CDN}/cdn.png"]
    assert seen["/v1/images/edits"]["authorization"] == f"Bearer {FAKE_KEY}"
    assert seen["/v1/files/own.png"]["authorization"] == f"Bearer {FAKE_KEY}"
    assert "authorization" not in seen["/cdn.png"]
    assert seen["/v1/images/edits"]["user-agent"].startswith("inpaint-editor/")


async def test_extra_headers_are_sent(server: Any) -> None:
    seen: list[httpx.Headers] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers)
        return httpx.Response(200, json={"data": [{"id": "m"}]})

    endpoint = Endpoint("http://127.0.0.1:9/v1", extra_headers={"X-Team": "design"})
    async with EditsClient(endpoint, transport=httpx.MockTransport(handler)) as client:
        assert await client.list_models() == ["m"]
    assert seen[0]["x-team"] == "design" and "authorization" not in seen[0]


async def test_the_key_never_leaks(server: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included
    errors: list[EditError] = []
    cdn = Recorder()
    mounts = {CDN: httpx.MockTransport(cdn)}
    endpoint = endpoint_for(server, max_retries=1, extra_headers={"X-Api-Key": FAKE_KEY})
    async with EditsClient(endpoint, mounts=mounts) as client:
        assert FAKE_KEY not in repr(client)
        await client.edit(make_request(response_format="url"))
        faults: list[dict[str, Any]] = [
            {"kind": "status", "status": 500, "times": 2, "headers": {"retry-after-ms": "10"}},
            {"kind": "status", "status": 401, "body": f"Incorrect API key provided: {FAKE_KEY}"},
            {"kind": "garbage", "body": json.dumps({"data": [{"url": f"{CDN}/missing.png"}]})},
            {"kind": "garbage", "body": f"<html><title>{FAKE_KEY}</title></html>"},
            {"kind": "drop", "times": 2},
        ]
        for fault in faults:
            add_fault(server, **fault)
            with pytest.raises(EditError) as info:
                await client.edit(make_request())
            errors.append(info.value)
    with ServerThread(token="sk-other") as other:
        async with EditsClient(endpoint_for(other)) as client:
            with pytest.raises(EditError) as info:
                await client.list_models()
            errors.append(info.value)
    assert len(errors) == 6
    for err in errors:
        texts = [str(err), repr(err), err.user_message, json.dumps(err.details, default=str)]
        texts += [str(err.__cause__), repr(err.__cause__)]
        assert all(FAKE_KEY not in t for t in texts), texts
    for record in caplog.records:
        assert FAKE_KEY not in record.getMessage()
        assert FAKE_KEY not in str(record.args)
    assert FAKE_KEY not in caplog.text
    ours = [r.getMessage() for r in caplog.records if r.name == "editor.client"]
    assert any(m.startswith("POST /v1/images/edits -> 200 (request id req_") for m in ours)
    assert any(m.startswith("GET result #1 from 127.0.0.2 -> 404") for m in ours)
    assert not any("/files/img_" in m for m in ours)  # result links stay out of our log
