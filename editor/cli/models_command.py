"""`inpaint-editor models`: what a service offers (``GET /v1/models``), one name a line.

Image models in service come first; shut-down ones follow under a ``#`` heading with the date
(the service's ``shutdown_date``, else the model table's), then models that make no images."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence

from editor.client import EditError, EditsClient, Endpoint, ModelListing

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
    p.add_argument(
        "--json",
        action="store_true",
        help='print {"endpoint": …, "models": […], "image_models": […], "retired": […], …}',
    )
    return p


def _client_for(options: argparse.Namespace) -> EditsClient:
    if not options.endpoint:
        from editor.pipeline import embedded_client  # FastAPI and the engines: only when needed

        return embedded_client()
    overrides: dict[str, object] = {"timeout": options.timeout, "max_retries": 1}
    if options.endpoint != "env":
        overrides["base_url"] = options.endpoint
    return EditsClient(Endpoint.from_env(**overrides))


async def _list(client: EditsClient) -> ModelListing:
    async with client:
        return await client.list_model_info()


def _lines(listing: ModelListing) -> list[str]:
    usable = listing.usable()
    retired = [m for m in listing.models if m.image_model and m.retired()]
    other = [m.id for m in listing.models if not m.image_model]
    lines = list(usable)
    if retired:
        width = max(len(m.id) for m in retired)
        lines.append("# shut down (a gateway may still serve them):")
        lines += [f"{m.id:<{width}}  shut down {m.shutdown_date}" for m in retired]
    if other:
        lines.append("# not image models:")
        lines += other
    return lines


def run_models_command(argv: Sequence[str]) -> int:
    options = _parser().parse_args(list(argv))
    try:
        client = _client_for(options)
        listing = asyncio.run(_list(client))
    except EditError as exc:
        print(f"inpaint-editor models: {exc.user_message}", file=sys.stderr)
        return EXIT_SERVICE
    except ValueError as exc:  # an address that is no web address
        print(f"inpaint-editor models: {exc}", file=sys.stderr)
        return EXIT_SERVICE
    if options.json:
        where = client.endpoint.base_url if options.endpoint else "local engine (in-process)"
        doc = {
            "endpoint": where,
            "models": listing.ids,
            "image_models": listing.usable(),
            "retired": [
                {"id": m.id, "shutdown_date": m.shutdown_date, "dated_by": m.dated_by}
                for m in listing.models
                if m.image_model and m.retired()
            ],
            "other_models": [m.id for m in listing.models if not m.image_model],
            "gateway": listing.gateway,
        }
        print(json.dumps(doc, indent=2))
    else:
        for line in _lines(listing):
            print(line)
    return EXIT_OK
