"""Bugs the hardening work found, pinned down one by one (each failed before its fix)."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from editor.client._errorbody import ErrorContext, read_error_body, status_error
from editor.client._exceptions import BadResponseError
from editor.client._response import parse_edit_response
from editor.core import masks
from editor.core.composite import take_variant
from editor.core.context import plan_with_context
from editor.core.imageio import ImageLoadError, load_image
from editor.core.models import model_spec
from editor.core.sent_view import sent_view
from editor.core.sizing import apply_plan, apply_plan_to_mask


# OpenCV 5 refused cv2.compare(a, 0, …) when a is 1×1: a one-pixel image, or a one-pixel dab
# composited without feather, raised cv2.error out of the job.
def test_growing_a_one_pixel_mask() -> None:
    np.testing.assert_array_equal(masks.grow(np.array([[255]], np.uint8), 1), [[255]])
    np.testing.assert_array_equal(masks.grow(np.array([[255]], np.uint8), -1), [[0]])


@pytest.mark.parametrize("size", [(1, 1), (40, 30)])
def test_a_single_pixel_edit_composites_without_feather(size: tuple[int, int]) -> None:
    w, h = size
    original = np.full((h, w, 3), 90, np.uint8)
    edit = np.zeros((h, w), np.uint8)
    edit[h // 2, w // 2] = 255
    plan = plan_with_context((w, h), edit, model_spec("gpt-image-1"), mode="auto", reach=0)
    sent = apply_plan(original, plan)
    assert apply_plan_to_mask(edit, plan).shape == sent.shape[:2]
    assert sent_view(original, edit, plan, 0) is not None
    returned = np.full_like(sent[..., :3], 200)
    variant = take_variant(original, returned, plan, edit, reach=0)
    assert variant[h // 2, w // 2].tolist() == [200, 200, 200]
    assert int((variant != original).any(axis=2).sum()) == 1


# A result that looks like a PNG (magic bytes) but does not decode used to fail the job through
# the "crash" path ("Something went wrong: …", logged as a bug): ImageLoadError was not a
# ValueError like the pipeline's other bad-input errors.
def test_an_undecodable_result_is_bad_input_not_a_crash() -> None:
    with pytest.raises(ValueError, match="not an image Inpaint Editor can read"):
        load_image(b"\x89PNG\r\n\x1a\n" + b"\0" * 20, name="result #1")
    assert issubclass(ImageLoadError, ValueError)


# Per-result decoding errors lost the answer's request id (the one thing support asks for).
@pytest.mark.parametrize(
    "entry", [{"b64_json": "@@@"}, {"b64_json": base64.b64encode(b"hi").decode()}]
)
def test_result_decoding_errors_keep_the_request_id(entry: dict[str, str]) -> None:
    body = json.dumps({"data": [entry]}).encode()
    with pytest.raises(BadResponseError) as info:
        parse_edit_response(body, "application/json", request_id="req_abc")
    assert info.value.details["request_id"] == "req_abc"


# A redirect back to the very same address told the user to "update the base URL to the new
# address" — there is none; it is a loop.
def test_a_redirect_to_the_same_address_is_called_a_loop() -> None:
    ctx = ErrorContext(host="127.0.0.1:9", path="/v1/images/edits", location="/v1/images/edits")
    text = status_error(302, read_error_body(b""), ctx).user_message
    assert "same address" in text and "loop" in text and "new address" not in text
    moved = ErrorContext(
        host="127.0.0.1:9", path="/v1/images/edits", location="https://api.example/v1/images/edits"
    )
    text = status_error(301, read_error_body(b""), moved).user_message
    assert "Update the base URL to the new address" in text and "loop" not in text
