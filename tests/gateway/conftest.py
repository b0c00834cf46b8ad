"""A real LiteLLM proxy (``litellm[proxy]==1.106.12``) in front of the real local server.

LiteLLM lives in its own venv, ``.gateway-venv/`` at the top of the checkout, so its pins never
touch the app's; ``.ci/run`` creates it. Without it these tests skip, saying so. The proxy runs
the README's own config (``telea``, and ``openai/gpt-image-2.6-flare``: a team's name for what
is here the PatchMatch engine, both routed to the local server), binds 127.0.0.1 only, and is
stopped at the end of the run.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from editor.server import ServerThread

ROOT = Path(__file__).resolve().parents[2]
LITELLM = ROOT / ".gateway-venv" / "bin" / "litellm"
MASTER_KEY = "sk-team-gateway-master"
STARTUP_S = 120.0  # LiteLLM's import and start take several seconds, more on a loaded machine

README_UPSTREAM = "http://127.0.0.1:8000/v1"


def readme_config() -> str:
    """The LiteLLM config the README shows under "A team gateway" (tested as written)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("```yaml\n# litellm.yaml\n") + len("```yaml\n")
    return text[start : text.index("```", start)]


@dataclass(frozen=True)
class Gateway:
    base_url: str  # "http://127.0.0.1:PORT/v1"
    key: str
    upstream: ServerThread


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)


@pytest.fixture(scope="session")
def gateway(
    local_server: ServerThread, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Gateway]:
    if not LITELLM.exists():
        pytest.skip(
            "LiteLLM's venv .gateway-venv/ is absent; create it with: python3 -m venv "
            ".gateway-venv && .gateway-venv/bin/pip install 'litellm[proxy]==1.106.12'"
        )
    folder = tmp_path_factory.mktemp("gateway")
    config = folder / "config.yaml"
    config.write_text(readme_config().replace(README_UPSTREAM, local_server.base_url))
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder),
        "LITELLM_MASTER_KEY": MASTER_KEY,
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # else it fetches the price map at import
        "NO_PROXY": "127.0.0.1,localhost",
    }
    log = (folder / "litellm.log").open("wb")
    command = [str(LITELLM), "--config", str(config), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=folder, start_new_session=True
    )
    origin = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            if proc.poll() is not None:
                log.flush()
                tail = (folder / "litellm.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"LiteLLM exited at start ({proc.returncode}):\n{tail}")
            try:
                if httpx.get(f"{origin}/health/liveliness", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"LiteLLM did not answer within {STARTUP_S:g} s")
            time.sleep(0.5)
        yield Gateway(f"{origin}/v1", MASTER_KEY, local_server)
    finally:
        _stop(proc)
        log.close()
