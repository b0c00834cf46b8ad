"""Test-mode stand-ins for a generative service's habits (only with enable_faults).

``echo_cast`` answers with the sent image under a colour cast (``gain``, ``offset`` per RGB
channel, ``gamma``), as a service that shifts the whole frame's colours would; ``flat`` answers
a frame of one ``color``, as a service that ignores its input would. Both are valid edits
responses of ``n`` images at the requested ``size``; any model name is accepted.
"""

from __future__ import annotations

import base64
import json
import time
from typing import TYPE_CHECKING, Any

import anyio.to_thread
import numpy as np

from editor.server.errors import ApiError, bad_request
from editor.server.imaging import encode, open_image, resize, to_pixels
from editor.server.parsing import AnyModel, RawFile, ReceivedEdit, read_body, validate

if TYPE_CHECKING:
    from editor.server.faults import Fault

_MAX_PIXELS = 100_000_000


def _no_urls(url: str, param: str) -> RawFile:
    raise bad_request("Test stand-ins take images as files or base64 only.", param=param)


def _cast(pixels: np.ndarray, fault: Fault) -> np.ndarray:
    rgb = pixels[:, :, :3].astype(np.float64) / 255.0
    rgb = rgb ** float(fault.gamma) * 255.0
    rgb = rgb * np.asarray(fault.gain, np.float64)[:3] + np.asarray(fault.offset, np.float64)[:3]
    out = pixels.copy()
    out[:, :, :3] = np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
    return out


def _frames(params: ReceivedEdit, fault: Fault) -> np.ndarray:
    image = open_image(params.images[0], "image", "image 1", _MAX_PIXELS)
    if fault.kind == "flat":
        w, h = params.size or image.size
        return np.full((h, w, 3), np.asarray(fault.color, np.uint8)[:3], np.uint8)
    pixels = _cast(np.ascontiguousarray(to_pixels(image)), fault)
    return resize(pixels, params.size or image.size)


async def stand_in_response(fault: Fault, content_type: str, body: bytes) -> tuple[int, bytes]:
    """(status, JSON body) for an ``echo_cast`` or ``flat`` fault."""
    try:
        raw = await read_body(content_type, body, max_part_size=len(body) + 1)
        params = validate(raw, models=AnyModel(), default_model="stand-in", resolve=_no_urls)
        # Decoding and encoding are CPU work: keep the event loop free, as the real route does.
        frame = await anyio.to_thread.run_sync(_frames, params, fault)
    except ApiError as exc:
        return exc.status, json.dumps(exc.body()).encode()
    data = await anyio.to_thread.run_sync(
        encode, frame, params.output_format, params.output_compression
    )
    item = {"b64_json": base64.b64encode(data).decode("ascii"), "revised_prompt": fault.kind}
    doc: dict[str, Any] = {
        "created": int(time.time()),
        "data": [item] * params.n,
        "size": f"{frame.shape[1]}x{frame.shape[0]}",
        "output_format": params.output_format,
    }
    return 200, json.dumps(doc).encode()
