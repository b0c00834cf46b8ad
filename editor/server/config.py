"""Per-app settings and shared state, kept on ``app.state.config``."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request

from editor.server.faults import FaultQueue
from editor.server.storage import ResultStore
from editor.server.testmode import RequestLog


@dataclass(slots=True)
class ServerConfig:
    token: str | None = None
    enable_faults: bool = False
    public_base_url: str | None = None
    max_upload_bytes: int = 50 * 1024 * 1024
    max_pixels: int = 100_000_000
    # "openai": answer as today's OpenAI would (editor.server.openai_today), for client tests.
    stand_in: str | None = None
    # Test mode: what the stand-in reports it did instead of what was asked ({"quality": "high"}),
    # as a gateway that drops parameters silently would.
    stand_in_reports: dict[str, str] = field(default_factory=dict)
    store: ResultStore = field(default_factory=ResultStore)
    log: RequestLog = field(default_factory=RequestLog)
    file_log: RequestLog = field(default_factory=RequestLog)  # result-file GETs (test mode)
    faults: FaultQueue = field(default_factory=FaultQueue)


def get_config(request: Request) -> ServerConfig:
    config: ServerConfig = request.app.state.config
    return config
