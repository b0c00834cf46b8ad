"""The OpenAI-compatible routes: edits (and the gateway's /v1/edits alias), models, files."""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import anyio
import anyio.to_thread
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect

from editor.server import openai_today
from editor.server.config import ServerConfig, get_config
from editor.server.editing import Cancelled, EditResult, run_edit
from editor.server.engines import DEFAULT_MODEL, ENGINES
from editor.server.errors import ApiError, bad_request, too_large
from editor.server.image_json import chunked_response, image_answer
from editor.server.imaging import mime_for
from editor.server.parsing import AnyModel, RawBody, RawFile, UrlResolver, read_body, validate
from editor.server.streaming import stream_edit

_FILE_PATH = re.compile(r"/v1/files/([A-Za-z0-9_]+\.[a-z]+)$")
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def require_token(request: Request) -> None:
    expected = get_config(request).token
    if expected is None:
        return
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip(), expected):
        raise ApiError(
            401,
            "Incorrect API key provided. Use the token this local server was started with, "
            "as 'Authorization: Bearer <token>'.",
            code="invalid_api_key",
        )


router = APIRouter()
authed = APIRouter(dependencies=[Depends(require_token)])


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@authed.get("/v1/models")
async def list_models(request: Request) -> dict[str, Any]:
    if get_config(request).stand_in == "openai":
        return openai_today.models_listing()
    data = [{"id": name, "object": "model", "created": 0, "owned_by": "local"} for name in ENGINES]
    return {"object": "list", "data": data}


# Result URLs need no token, like the signed URLs of the real service: the ids are unguessable.
@router.get("/v1/files/{name}")
async def get_file(name: str, request: Request) -> Response:
    stored = get_config(request).store.get(name)
    if stored is None:
        raise ApiError(404, f"No such file: '{name}' (results expire after 60 minutes).")
    return Response(stored.data, media_type=stored.content_type)


@authed.post("/v1/images/edits")
@authed.post("/v1/edits")
async def create_edit(request: Request) -> Response:
    config = get_config(request)
    try:
        body = await _read_limited(request, config.max_upload_bytes)
    except ClientDisconnect:
        return Response(status_code=499)  # nobody is left to answer (nginx's convention)
    content_type = request.headers.get("content-type", "")
    if config.enable_faults:
        await config.log.record(
            method=request.method,
            path=request.url.path,
            headers=request.headers,
            body=body,
            fault=getattr(request.state, "fault", None),
        )
    raw = await read_body(content_type, body, max_part_size=config.max_upload_bytes)
    if config.stand_in == "openai":
        return await _stand_in_edit(raw, request, config)
    params = validate(
        raw, models=ENGINES, default_model=DEFAULT_MODEL, resolve=_resolver(request, config)
    )
    # Decoding, inpainting and encoding are CPU work: keep the event loop free.
    cancel = threading.Event()
    if params.stream:  # server-sent events as the engine goes (editor.server.streaming)
        try:
            return await stream_edit(
                request,
                params,
                lambda hooks: run_edit(
                    params, max_pixels=config.max_pixels, cancel=cancel, hooks=hooks
                ),
                cancel,
                int(time.time()),
            )
        except Cancelled:
            return Response(status_code=499)
    job = partial(run_edit, params, max_pixels=config.max_pixels, cancel=cancel)
    try:
        result = await _in_worker(request, job, cancel)
    except Cancelled:
        return Response(status_code=499)
    created = int(time.time())
    base = (config.public_base_url or str(request.base_url)).rstrip("/")
    items: list[tuple[bytes | None, dict[str, str]]] = []
    for image in result.images:
        if params.response_format == "url":
            name = config.store.put(
                image.data, mime_for(params.output_format), params.output_format
            )
            link = {"url": f"{base}/v1/files/{name}", "revised_prompt": image.revised_prompt}
            items.append((None, link))
        else:
            items.append((image.data, {"revised_prompt": image.revised_prompt}))
    fields = {
        "created": created,
        "size": result.size,
        "output_format": params.output_format,
        "quality": params.quality,
        "background": result.background,
    }
    # Base64 a slice at a time in a worker, sent as made (editor.server.image_json).
    return chunked_response(await anyio.to_thread.run_sync(image_answer, items, fields))


async def _stand_in_edit(raw: RawBody, request: Request, config: ServerConfig) -> Response:
    params = validate(
        raw, models=AnyModel(), default_model="gpt-image-2", resolve=_resolver(request, config)
    )
    openai_today.check(params)
    answer = await anyio.to_thread.run_sync(openai_today.edit_answer, params)
    answer.update(config.stand_in_reports)  # test mode: a service that did otherwise
    return JSONResponse(answer)


async def _in_worker(
    request: Request, job: Callable[[], EditResult], cancel: threading.Event
) -> EditResult:
    """Run ``job`` in a worker thread; a client that disconnects, or a caller that cancels this
    coroutine (the in-process client), sets ``cancel`` so the job skips its remaining variants.

    A fill already running is one native call and finishes in the background."""

    async def watch_disconnect() -> None:
        while not cancel.is_set():
            if await request.is_disconnected():
                cancel.set()
                return
            await anyio.sleep(0.1)

    outcome: EditResult | Exception
    try:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(watch_disconnect)
            try:
                outcome = await anyio.to_thread.run_sync(job, abandon_on_cancel=True)
            except Exception as exc:  # raised below, outside the group: not as an ExceptionGroup
                outcome = exc
            tasks.cancel_scope.cancel()
    finally:
        cancel.set()  # done, failed or cancelled: the job has nothing left to do for anyone
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(f"Request body too large: {declared} bytes; the limit is {limit} bytes.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large(f"Request body too large: the limit is {limit} bytes.")
    return bytes(body)


def _resolver(request: Request, config: ServerConfig) -> UrlResolver:
    """http(s) images: only our own served results; the local engine never fetches remote hosts."""
    own = {request.url.netloc}
    if config.public_base_url:
        own.add(urlsplit(config.public_base_url).netloc)

    def resolve(url: str, param: str) -> RawFile:
        parts = urlsplit(url)
        loopback_here = parts.hostname in _LOOPBACK and parts.port == request.url.port
        match = _FILE_PATH.search(parts.path)
        if match is None or not (parts.netloc in own or loopback_here):
            raise bad_request(
                f"The local engine does not fetch images from other hosts ({url[:100]}): send the "
                "image as a file, base64 or a data URL.",
                param=param,
            )
        stored = config.store.get(match.group(1))
        if stored is None:
            raise bad_request(
                f"{url[:100]} is not served here (results expire after 60 minutes).", param=param
            )
        return RawFile(stored.data, match.group(1), stored.content_type)

    return resolve
