"""``create_app``: the offline, OpenAI-compatible image edits service."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from editor.server import routes, testroutes
from editor.server.config import ServerConfig
from editor.server.errors import ApiError, error_body
from editor.server.faults import FaultMiddleware
from editor.server.middleware import RequestIdMiddleware
from editor.server.storage import ResultStore


def create_app(
    *,
    token: str | None = None,
    enable_faults: bool = False,
    public_base_url: str | None = None,
    max_upload_bytes: int = 50 * 1024 * 1024,
    max_pixels: int = 100_000_000,
    stand_in: str | None = None,
    single_use_results: bool = False,
) -> FastAPI:
    """Build the app. ``public_base_url`` is the origin result URLs start with, e.g.
    ``http://192.168.1.5:8000`` (default: the request's own base URL)."""
    config = ServerConfig(
        token=token,
        enable_faults=enable_faults,
        public_base_url=public_base_url,
        max_upload_bytes=max_upload_bytes,
        max_pixels=max_pixels,
        stand_in=stand_in,
        store=ResultStore(single_use=single_use_results),
    )
    app = FastAPI(
        title="Inpaint Editor local engine",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.config = config
    app.include_router(routes.router)
    app.include_router(routes.authed)
    if enable_faults:
        app.include_router(testroutes.router)
        app.add_middleware(
            FaultMiddleware, faults=config.faults, log=config.log, file_log=config.file_log
        )
    app.add_middleware(RequestIdMiddleware)  # added last = outermost: sees every response

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code in (404, 405):
            message = f"Invalid URL ({request.method} {request.url.path})"
        else:
            message = str(exc.detail)
        return JSONResponse(error_body(message), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(error_body(f"Invalid request: {exc.errors()}"), status_code=400)

    return app
