"""The embedded default: the offline engine served in-process through the real client path."""

from __future__ import annotations

from editor.client import EditsClient, Endpoint
from editor.pipeline.asgi_stream import StreamingASGITransport
from editor.pipeline.background_transport import BackgroundLoopTransport

# Never resolved: the in-process transport answers every request for this origin.
EMBEDDED_ORIGIN = "http://local-engine"
EMBEDDED_BASE_URL = f"{EMBEDDED_ORIGIN}/v1"
EMBEDDED_DEFAULT_MODEL = "patchmatch"


def embedded_endpoint() -> Endpoint:
    # The engine is on the same machine and answers in seconds: no retries needed.
    return Endpoint(base_url=EMBEDDED_BASE_URL, max_retries=0, timeout=300.0)


def embedded_client() -> EditsClient:
    """A client whose requests go straight into the local server app, no socket involved;
    streamed answers arrive event by event (editor.pipeline.asgi_stream). The app runs on its
    own thread and loop so its CPU work never stalls the caller's (the window's) loop."""
    # Imported here: FastAPI and the engines cost a few hundred ms, which the window's start
    # should not pay before the first local job.
    from editor.server import create_app

    app = create_app(public_base_url=EMBEDDED_ORIGIN)
    transport = BackgroundLoopTransport(StreamingASGITransport(app))
    return EditsClient(embedded_endpoint(), transport=transport)
