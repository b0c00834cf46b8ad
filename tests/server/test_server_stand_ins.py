"""Test-mode stand-ins for a generative service: ``echo_cast`` and ``flat`` faults."""

from __future__ import annotations

from typing import Any

import httpx
import numpy as np
from server_images import data_url, decode_b64, mask_png, multipart, photo, png

from editor.server import ServerThread


def add_fault(server: ServerThread, **fault: Any) -> httpx.Response:
    return httpx.post(server.origin + "/_test/faults", json=fault)


def test_echo_cast_answers_the_sent_image_under_the_cast(server: ServerThread) -> None:
    fault = {"kind": "echo_cast", "offset": [20, 0, -10], "gain": [1.0, 0.9, 1.0]}
    assert add_fault(server, **fault).status_code == 200
    response = httpx.post(
        server.base_url + "/images/edits",
        **multipart(mask_data=mask_png(), model="gpt-image-1", n="2"),
        timeout=30,
    )
    assert response.status_code == 200, response.text
    doc = response.json()
    assert len(doc["data"]) == 2 and doc["size"] == "64x48"
    sent = np.asarray(photo()).astype(float)
    want = np.clip(np.rint(sent * [1.0, 0.9, 1.0] + [20, 0, -10]), 0, 255)
    got = np.asarray(decode_b64(doc["data"][0]["b64_json"]).convert("RGB"))
    assert np.array_equal(got, want.astype(np.uint8))
    [entry] = httpx.get(server.origin + "/_test/requests").json()
    assert entry["fault"] == "echo_cast" and entry["fields"]["model"] == "gpt-image-1"


def test_echo_cast_takes_json_gamma_and_the_requested_size(server: ServerThread) -> None:
    add_fault(server, kind="echo_cast", gamma=2.0).raise_for_status()
    body = {"prompt": "x", "images": [{"image_url": data_url(png())}], "size": "128x96"}
    response = httpx.post(server.base_url + "/images/edits", json=body, timeout=30)
    assert response.status_code == 200, response.text
    got = np.asarray(decode_b64(response.json()["data"][0]["b64_json"]).convert("RGB"))
    assert got.shape == (96, 128, 3)
    assert got.mean() < np.asarray(photo()).mean() - 10  # gamma 2 darkens


def test_flat_answers_one_colour_at_the_requested_size(server: ServerThread) -> None:
    add_fault(server, kind="flat", color=[10, 20, 30]).raise_for_status()
    response = httpx.post(
        server.base_url + "/images/edits",
        **multipart(mask_data=mask_png(), model="any-model", size="1536x1024"),
        timeout=30,
    )
    assert response.status_code == 200, response.text
    got = np.asarray(decode_b64(response.json()["data"][0]["b64_json"]).convert("RGB"))
    assert got.shape == (1024, 1536, 3)
    assert (got == [10, 20, 30]).all()


def test_stand_in_parameters_are_checked(server: ServerThread) -> None:
    assert add_fault(server, kind="echo_cast", gain=[1, 1]).status_code == 400
    assert add_fault(server, kind="echo_cast", gamma=0).status_code == 400
    add_fault(server, kind="flat").raise_for_status()
    bad = httpx.post(server.base_url + "/images/edits", json={"prompt": "x"}, timeout=30)
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "image"
