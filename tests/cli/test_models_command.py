"""`inpaint-editor models`: what a service offers, against the real local server."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from editor.cli.main import main
from editor.server import ServerThread

LOCAL = ["patchmatch", "telea", "navier-stokes"]


def test_without_an_endpoint_it_lists_the_local_engines(capsys: Any) -> None:
    assert main(["models"]) == 0
    assert capsys.readouterr().out.split() == LOCAL


def test_an_endpoint_as_json(
    server: ServerThread, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert main(["models", "--endpoint", server.base_url, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["endpoint"] == server.base_url and doc["models"] == LOCAL
    assert doc["image_models"] == LOCAL and doc["retired"] == [] and doc["other_models"] == []


def test_a_closed_port_is_said_plainly(capsys: Any) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert main(["models", "--endpoint", f"http://127.0.0.1:{port}/v1"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("inpaint-editor models: Could not connect to the service")
    assert "Traceback" not in err
