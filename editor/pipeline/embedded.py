"""The embedded default: the offline engine served in-process through the real client path."""

from __future__ import annotations

import asyncio
import logging
import threading

from starlette.types import ASGIApp

from editor.client import EditsClient, Endpoint
from editor.core.imageio import MAX_PIXELS
from editor.pipeline.engine_process import EngineNotStarted, engine_process

log = logging.getLogger(__name__)

# Never resolved: the in-process transport answers every request for this origin.
EMBEDDED_ORIGIN = "http://local-engine"
EMBEDDED_BASE_URL = f"{EMBEDDED_ORIGIN}/v1"
EMBEDDED_DEFAULT_MODEL = "patchmatch"


def embedded_endpoint() -> Endpoint:
    # The engine is on the same machine and answers in seconds: no retries needed.
    return Endpoint(base_url=EMBEDDED_BASE_URL, max_retries=0, timeout=300.0)


_app: ASGIApp | None = None
_app_lock = threading.Lock()


def _engine_app() -> ASGIApp:
    """The in-process engine, built once. Imported and built on first use: FastAPI and the
    engines cost a few hundred ms, which the window's start should not pay. One app serves
    every job, as a server does (warm_up_engine builds it off the loop)."""
    global _app
    with _app_lock:  # a warm-up and the first job may ask at once: build it once
        if _app is None:
            from editor.server import create_app
            from editor.server.app_engine import MAX_UPLOAD_BYTES

            # The app's own engine takes whatever the app sends (a 96 MP photo is a 130 MB
            # upload); the 50 MB limit of `serve` stays for other clients.
            _app = create_app(
                public_base_url=EMBEDDED_ORIGIN,
                single_use_results=True,
                max_upload_bytes=MAX_UPLOAD_BYTES,
                max_pixels=MAX_PIXELS,
            )
        return _app


def is_own_engine(endpoint: Endpoint) -> bool:
    """Whether ``endpoint`` is the app's own engine: in-process, or the window's child."""
    if endpoint.base_url == EMBEDDED_BASE_URL:
        return True
    child = engine_process()
    own = child.endpoint() if child is not None else None
    return own is not None and own.base_url == endpoint.base_url


def _transports() -> None:
    """Import the in-process transports (they subclass httpx's, which the start defers)."""
    import editor.pipeline.asgi_stream
    import editor.pipeline.background_transport  # noqa: F401


async def warm_up_engine() -> None:
    """Start the child engine if the app runs one (:mod:`editor.pipeline.engine_process`),
    else import and build the in-process engine and its transports; on a worker thread (at
    once when done), so the first job's "Preparing" waits on nothing on the caller's loop."""
    child = engine_process()
    if child is not None:
        try:
            await asyncio.to_thread(child.start)
            return
        except (OSError, EngineNotStarted) as exc:
            # Slower beside the window, but the designer's round still runs.
            log.warning("the local engine runs in the window's process: %s", exc)
    if _app is None:

        def build() -> None:
            _engine_app()
            _transports()

        await asyncio.to_thread(build)


def embedded_client() -> EditsClient:
    """A client of the local engine. When the app runs the engine as a child process and it is
    up, over loopback to it. Otherwise requests go straight into the local server app, no socket
    involved; streamed answers arrive event by event (editor.pipeline.asgi_stream). That app
    runs on its own thread and loop, so the caller's (the window's) loop waits only on the
    interpreter."""
    child = engine_process()
    endpoint = child.endpoint() if child is not None else None
    if endpoint is not None:
        return EditsClient(endpoint)
    # Imported here: they subclass httpx's transports, which the window's start defers.
    from editor.pipeline.asgi_stream import StreamingASGITransport
    from editor.pipeline.background_transport import BackgroundLoopTransport

    transport = BackgroundLoopTransport(StreamingASGITransport(_engine_app()))
    return EditsClient(embedded_endpoint(), transport=transport)
