"""Running the local engine: ``serve`` (blocking) and ``ServerThread`` (tests, embedding)."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from types import TracebackType
from typing import Any, Self

import uvicorn

from editor.server.app import create_app


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    token: str | None = None,
    enable_faults: bool = False,
    log_level: str = "info",
    allow_remote: bool = False,
    public_base_url: str | None = None,
    stand_in: str | None = None,
) -> None:
    """Serve until interrupted. Non-loopback hosts need ``allow_remote=True`` (and a token is
    strongly advised): the engine is meant for this machine only."""
    if not _is_loopback(host) and not allow_remote:
        raise ValueError(
            f"Refusing to listen on {host!r}: the local engine only binds loopback addresses "
            "(127.0.0.1, ::1, localhost) unless allow_remote=True."
        )
    app = create_app(
        token=token,
        enable_faults=enable_faults,
        public_base_url=public_base_url,
        stand_in=stand_in,
    )
    uvicorn.run(app, host=host, port=port, log_level=log_level)


class ServerThread:
    """A real uvicorn server on 127.0.0.1 and a free port, in a daemon thread.

    ``with ServerThread(enable_faults=True) as server: httpx.get(server.origin + "/health")``.
    Keyword arguments go to ``create_app``.
    """

    def __init__(self, *, log_level: str = "warning", **app_kwargs: Any) -> None:
        self.app = create_app(**app_kwargs)
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))  # port 0: the OS picks a free port, no races
        self.port: int = self._socket.getsockname()[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.base_url = f"{self.origin}/v1"
        config = uvicorn.Config(
            self.app,
            log_level=log_level,
            lifespan="off",
            timeout_graceful_shutdown=2,  # a stalled fault must not hold up the exit
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            daemon=True,
            name=f"local-engine:{self.port}",
        )

    def start(self, timeout: float = 10.0) -> Self:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the local engine did not start")
            time.sleep(0.01)
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout):
            pass  # accepting connections
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)
        self._socket.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
