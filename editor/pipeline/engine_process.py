"""The local engine in a process of its own, started and ended by the window.

In the window's process, the engine's work (OpenCV, PNG coding, 100 MB of base64 for four 24 MP
variants) held the interpreter and the memory map beside the loop: 36–44 ms stalls mid-job. In
a child process it holds neither. The child is ``inpaint-editor serve --app-engine``
(:mod:`editor.server.app_engine`); it answers only a token made for this launch, ends when our
end of its stdin closes (quit, or crash) and is restarted by the next job if it died.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import secrets
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence

from editor.client import ApiKey, Endpoint
from editor.pipeline.own_command import own_command

TOKEN_ENV = "INPAINT_EDITOR_SERVER_TOKEN"
# A cold start of a packaged app on a slow disk takes seconds; past this the job runs in-process.
READY_TIMEOUT_S = 60.0
# After a failed start, jobs run in-process for this long before a start is tried again: a
# child that cannot start must not cost every Generate its timeout.
RETRY_START_AFTER_S = 300.0

log = logging.getLogger(__name__)


class EngineNotStarted(RuntimeError):
    """The child did not start or did not say where it listens."""


def _without_keys(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment minus API keys: the engine calls no service, so it holds none."""
    return {name: value for name, value in environ.items() if "API_KEY" not in name.upper()}


class EngineProcess:
    """One child engine; :meth:`start` (blocking: call it on a worker) returns its endpoint."""

    def __init__(
        self, command: Sequence[str] | None = None, ready_timeout: float = READY_TIMEOUT_S
    ) -> None:
        self._command = list(command or own_command("serve", "--app-engine"))
        self._ready_timeout = ready_timeout
        self._lock = threading.Lock()
        self._failed: tuple[float, str] | None = None  # when and why the last start failed
        self._process: subprocess.Popen[bytes] | None = None
        self._endpoint: Endpoint | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def endpoint(self) -> Endpoint | None:
        """Where the running child listens; None while none runs (not started, or it died)."""
        process, endpoint = self._process, self._endpoint
        if process is None or endpoint is None or process.poll() is not None:
            return None
        return endpoint

    def start(self) -> Endpoint:
        """The running child's endpoint, starting one first if none runs."""
        with self._lock:
            endpoint = self.endpoint()
            if endpoint is not None:
                return endpoint
            if (
                self._failed is not None
                and time.monotonic() - self._failed[0] < RETRY_START_AFTER_S
            ):
                raise EngineNotStarted(self._failed[1])
            self._stop_locked()  # a child that died leaves its pipes behind
            token = secrets.token_urlsafe(32)
            process = subprocess.Popen(
                self._command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env={**_without_keys(os.environ), TOKEN_ENV: token},
                # Windows: no console window flashes up for the child.
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
            )
            self._process = process
            try:
                port = self._read_port(process)
            except EngineNotStarted as exc:
                self._failed = (time.monotonic(), str(exc))
                raise
            self._failed = None
            # The engine answers in seconds and is restarted rather than retried.
            self._endpoint = Endpoint(
                base_url=f"http://127.0.0.1:{port}/v1",
                api_key=ApiKey(token),
                max_retries=0,
                timeout=300.0,
            )
            log.info("local engine started (pid %d, port %d)", process.pid, port)
            return self._endpoint

    def _read_port(self, process: subprocess.Popen[bytes]) -> int:
        line: list[bytes] = []
        assert process.stdout is not None
        reader = threading.Thread(
            target=lambda: line.append(process.stdout.readline()),  # type: ignore[union-attr]
            daemon=True,
            name="engine-ready",
        )
        reader.start()
        reader.join(self._ready_timeout)
        text = line[0].decode("utf-8", "replace").strip() if line else ""
        if not text.isdigit():  # the child's one line on stdout is its port
            self._stop_locked()
            why = "took too long to start" if reader.is_alive() else "ended at start"
            raise EngineNotStarted(f"the local engine {why} ({text or 'no answer'})")
        return int(text)

    def lost(self, endpoint: Endpoint) -> None:
        """A client could not reach ``endpoint``. If it is still this child's, end the child
        (reaped, or killed if it lingers): a killed engine's threads take a moment to exit, and
        until then it looks alive and the next start would hand out its address again."""
        with self._lock:
            if endpoint is self._endpoint:  # not a newer child that took the same port
                self._stop_locked()

    def stop(self, timeout: float = 3.0) -> None:
        """End the child: close its stdin (it finishes and exits), then kill it if it lingers."""
        with self._lock:
            self._stop_locked(timeout)

    def _stop_locked(self, timeout: float = 3.0) -> None:
        process, self._process, self._endpoint = self._process, None, None
        if process is None:
            return
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_engine: EngineProcess | None = None
_engine_lock = threading.Lock()


def use_engine_process() -> EngineProcess:
    """From now on the local engine runs in a child process (the window's choice; the CLI and
    the tests keep it in-process). It starts with the first warm-up or job."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = EngineProcess()
            atexit.register(_engine.stop)
        return _engine


def engine_process() -> EngineProcess | None:
    """The child engine if the app asked for one."""
    return _engine


def stop_engine_process() -> None:
    """End the child engine (if any) and go back to the in-process one."""
    global _engine
    with _engine_lock:
        engine, _engine = _engine, None
    if engine is not None:
        atexit.unregister(engine.stop)
        engine.stop()
