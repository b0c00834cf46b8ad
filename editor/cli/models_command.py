"""`inpaint-editor models`: what a service offers (``GET /v1/models``), one name a line."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence

from editor.client import EditError, EditsClient, Endpoint

EXIT_OK, EXIT_SERVICE = 0, 3


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="inpaint-editor models",
        description="List the models a service offers. Without --endpoint: the local engine's.",
    )
    p.add_argument(
        "--endpoint",
        help="base URL ending in /v1, or 'env' for $OPENAI_BASE_URL; the key is $OPENAI_API_KEY",
    )
    p.add_argument("--timeout", type=float, default=30.0, help="seconds (default 30)")
    p.add_argument("--json", action="store_true", help='print {"endpoint": …, "models": […]}')
    return p


def _client_for(options: argparse.Namespace) -> EditsClient:
    if not options.endpoint:
        from editor.pipeline import embedded_client  # FastAPI and the engines: only when needed

        return embedded_client()
    overrides: dict[str, object] = {"timeout": options.timeout, "max_retries": 1}
    if options.endpoint != "env":
        overrides["base_url"] = options.endpoint
    return EditsClient(Endpoint.from_env(**overrides))


async def _list(client: EditsClient) -> list[str]:
    async with client:
        return await client.list_models()


def run_models_command(argv: Sequence[str]) -> int:
    options = _parser().parse_args(list(argv))
    try:
        client = _client_for(options)
        models = asyncio.run(_list(client))
    except EditError as exc:
        print(f"inpaint-editor models: {exc.user_message}", file=sys.stderr)
        return EXIT_SERVICE
    except ValueError as exc:  # an address that is no web address
        print(f"inpaint-editor models: {exc}", file=sys.stderr)
        return EXIT_SERVICE
    if options.json:
        where = client.endpoint.base_url if options.endpoint else "local engine (in-process)"
        print(json.dumps({"endpoint": where, "models": models}, indent=2))
    else:
        for name in models:
            print(name)
    return EXIT_OK
