"""Test mode: the request log and every fault kind, observed at the socket level."""

from __future__ import annotations

import json
import socket
import threading
import time
from typing import Any

import httpx
import pytest
from server_images import decode_b64, mask_png, multipart

from editor.server import ServerThread


def add_fault(server: ServerThread, **fault: Any) -> None:
    response = httpx.post(server.origin + "/_test/faults", json=fault)
    assert response.status_code == 200, response.text


def edit(
    server: ServerThread, fields: dict[str, str] | None = None, **kwargs: Any
) -> httpx.Response:
    request: dict[str, Any] = {"timeout": 30, **multipart(mask_data=mask_png(), **(fields or {}))}
    return httpx.post(server.base_url + "/images/edits", **{**request, **kwargs})


def test_request_log_records_fields_without_the_token(server: ServerThread) -> None:
    response = edit(server, headers={"authorization": "Bearer sk-very-secret"})
    assert response.status_code == 200
    [entry] = httpx.get(server.origin + "/_test/requests").json()
    assert entry["method"] == "POST" and entry["path"] == "/v1/images/edits"
    assert entry["content_type"].startswith("multipart/form-data; boundary=")
    assert entry["authorization"] == "bearer"
    assert "sk-very-secret" not in json.dumps(entry)
    assert entry["raw_field_names"] == ["prompt", "model", "image", "mask"]
    assert entry["fields"]["prompt"] == "fill it"
    image = entry["fields"]["image"]
    assert image["filename"] == "image.png" and image["content_type"] == "image/png"
    assert (image["width"], image["height"], image["mode"]) == (64, 48, "RGB")
    assert len(image["sha256"]) == 64 and image["bytes"] > 0
    assert httpx.delete(server.origin + "/_test/requests").status_code == 200
    assert httpx.get(server.origin + "/_test/requests").json() == []


def test_failed_requests_are_logged_too(server: ServerThread) -> None:
    httpx.post(server.base_url + "/edits", json={"prompt": "no image"})
    [entry] = httpx.get(server.origin + "/_test/requests").json()
    assert entry["path"] == "/v1/edits" and entry["fields"] == {"prompt": "no image"}
    assert entry["authorization"] is None


def test_status_fault_with_retry_headers(server: ServerThread) -> None:
    add_fault(
        server, kind="status", status=429, headers={"retry-after": "1", "retry-after-ms": "200"}
    )
    response = edit(server)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "1"
    assert response.headers["retry-after-ms"] == "200"
    assert response.headers["x-request-id"].startswith("req_")
    assert response.json()["error"]["code"] == "rate_limit_exceeded"
    assert edit(server).status_code == 200  # times=1: consumed
    log = httpx.get(server.origin + "/_test/requests").json()
    assert [e["fault"] for e in log] == ["status", None]


def test_status_fault_with_raw_body_times_and_match(server: ServerThread) -> None:
    add_fault(
        server,
        kind="status",
        status=502,
        body="<html>Bad gateway</html>",
        content_type="text/html",
        headers={"x-should-retry": "false"},
        times=2,
    )
    assert httpx.get(server.base_url + "/models").status_code == 200  # match=edits by default
    for _ in range(2):
        response = edit(server)
        assert response.status_code == 502
        assert response.headers["content-type"] == "text/html"
        assert response.headers["x-should-retry"] == "false"
        assert response.text == "<html>Bad gateway</html>"
    assert edit(server).status_code == 200


def test_status_fault_with_json_body(server: ServerThread) -> None:
    error = {"error": {"message": "quota", "type": "insufficient_quota", "param": None,
                       "code": "insufficient_quota"}}  # fmt: skip
    add_fault(server, kind="status", status=429, json=error)
    assert edit(server).json() == error


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ("<html><body>Login</body></html>", "text/html"),
        ('{"created": 1, "data": []}', "application/json"),
        ('{"created": 1, "data": [{"b64_json": "@@not base64@@"}]}', "application/json"),
    ],
)
def test_garbage_fault(server: ServerThread, body: str, content_type: str) -> None:
    add_fault(server, kind="garbage", body=body, content_type=content_type)
    response = edit(server)
    assert response.status_code == 200
    assert response.text == body
    assert response.headers["content-type"] == content_type


def test_delay_fault(server: ServerThread) -> None:
    add_fault(server, kind="delay", seconds=0.5)
    started = time.monotonic()
    response = edit(server)
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.5
    with pytest.raises(httpx.ReadTimeout):
        add_fault(server, kind="delay", seconds=1.0)
        edit(server, timeout=0.3)


def test_drop_fault_breaks_the_connection(server: ServerThread) -> None:
    add_fault(server, kind="drop")
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        edit(server)
    assert edit(server).status_code == 200  # the server itself is fine


def test_trickle_fault_arrives_slowly_but_whole(server: ServerThread) -> None:
    add_fault(server, kind="trickle", bytes_per_chunk=1024, interval=0.02)
    started = time.monotonic()
    with httpx.stream(
        "POST", server.base_url + "/images/edits", **multipart(mask_data=mask_png())
    ) as r:
        chunks = list(r.iter_raw())
        total = b"".join(chunks)
    elapsed = time.monotonic() - started
    assert int(r.headers["content-length"]) == len(total)
    assert len(chunks) > 1
    assert elapsed >= 0.02 * (len(total) // 1024)
    body = json.loads(total)
    assert decode_b64(body["data"][0]["b64_json"]).size == (64, 48)


def test_redirect_loop(server: ServerThread) -> None:
    add_fault(server, kind="redirect_loop", times=100)
    response = edit(server)
    assert response.status_code == 302
    assert response.headers["location"] == "/v1/images/edits"
    with pytest.raises(httpx.TooManyRedirects):
        httpx.get(server.base_url + "/images/edits", follow_redirects=True)
    httpx.delete(server.origin + "/_test/faults")


def test_upload_stall_stops_reading_the_body(server: ServerThread) -> None:
    """The client's upload blocks once the socket buffers fill: a write timeout fires."""
    add_fault(server, kind="upload_stall", seconds=1.5, after_bytes=0)
    payload = b"x" * (48 * 1024 * 1024)  # more than loopback socket buffers can absorb
    timeout = httpx.Timeout(5.0, write=0.3)
    headers = {"content-type": "application/json"}
    with pytest.raises(httpx.WriteTimeout):
        httpx.post(
            server.base_url + "/images/edits", content=payload, headers=headers, timeout=timeout
        )


def test_upload_stall_then_normal_processing(server: ServerThread) -> None:
    add_fault(server, kind="upload_stall", seconds=0.4)
    started = time.monotonic()
    assert edit(server).status_code == 200
    assert time.monotonic() - started >= 0.4


def test_files_match(server: ServerThread) -> None:
    url = edit(server, {"response_format": "url"}).json()["data"][0]["url"]
    add_fault(server, kind="status", status=503, match="files")
    assert edit(server).status_code == 200
    assert httpx.get(url).status_code == 503
    assert httpx.get(url).status_code == 200


def test_fault_queue_routes(server: ServerThread) -> None:
    add_fault(server, kind="delay", seconds=0.1, match="any", times=3)
    [pending] = httpx.get(server.origin + "/_test/faults").json()
    assert pending["kind"] == "delay" and pending["times"] == 3
    bad = httpx.post(server.origin + "/_test/faults", json={"kind": "explode"})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "kind"
    httpx.delete(server.origin + "/_test/faults")
    assert httpx.get(server.origin + "/_test/faults").json() == []


def test_raw_socket_drop_sends_less_than_promised(server: ServerThread) -> None:
    add_fault(server, kind="drop", match="any")
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n")
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length")))  # fmt: skip
    assert 0 < len(body) < length


def test_test_routes_absent_without_faults() -> None:
    with ServerThread() as plain:
        for method in ("GET", "POST", "DELETE"):
            for path in ("/_test/faults", "/_test/requests"):
                response = httpx.request(method, plain.origin + path, json={"kind": "drop"})
                assert response.status_code == 404
                assert response.json()["error"]["type"] == "invalid_request_error"
        assert edit(plain).status_code == 200


def test_faults_do_not_block_other_requests(server: ServerThread) -> None:
    """A request held by a delay fault does not hold up the next one."""
    add_fault(server, kind="delay", seconds=3.0)
    answers: list[httpx.Response] = []
    thread = threading.Thread(target=lambda: answers.append(edit(server)))
    thread.start()
    while httpx.get(server.origin + "/_test/faults").json():  # not yet taken by the edit
        assert thread.is_alive()
    assert httpx.get(server.base_url + "/models").status_code == 200
    assert thread.is_alive()  # the models list came back while the edit was still held
    thread.join()
    assert answers[0].status_code == 200
