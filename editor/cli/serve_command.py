"""`inpaint-editor serve`: the offline engine as an OpenAI-compatible edits server."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

TOKEN_ENV = "INPAINT_EDITOR_SERVER_TOKEN"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inpaint-editor serve",
        description="Serve the offline engine at /v1/images/edits and /v1/edits.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow binding an address other than loopback",
    )
    parser.add_argument(
        "--require-token",
        action="store_true",
        help=f"require a bearer token, read from ${TOKEN_ENV}",
    )
    parser.add_argument(
        "--enable-faults",
        action="store_true",
        help="enable the /_test routes that inject faults (for testing clients)",
    )
    parser.add_argument(
        "--stand-in",
        choices=("openai",),
        help="answer as a strict stand-in for today's OpenAI image models (for testing clients): "
        "shut-down models, size, quality, complexity, input_fidelity and markup rules",
    )
    # The window's own engine (editor.pipeline.engine_process): loopback, a port the OS picks,
    # the token from $INPAINT_EDITOR_SERVER_TOKEN, ends with the window. Not for people.
    parser.add_argument("--app-engine", action="store_true", help=argparse.SUPPRESS)
    return parser


def run_serve_command(argv: Sequence[str]) -> int:
    from editor.server import serve

    options = _parser().parse_args(list(argv))
    if options.app_engine:
        from editor.server.app_engine import serve_app_engine

        app_token = os.environ.get(TOKEN_ENV)
        if not app_token:
            print(f"inpaint-editor serve: --app-engine needs {TOKEN_ENV}.", file=sys.stderr)
            return 2
        serve_app_engine(app_token)
        return 0
    token = None
    if options.require_token:
        token = os.environ.get(TOKEN_ENV)
        if not token:
            print(
                f"inpaint-editor serve: set {TOKEN_ENV} to the token clients must send.",
                file=sys.stderr,
            )
            return 2
    try:
        serve(
            options.host,
            options.port,
            token=token,
            enable_faults=options.enable_faults,
            stand_in=options.stand_in,
            allow_remote=options.allow_remote,
        )
    except ValueError:
        print(
            f"inpaint-editor serve: refusing to listen on {options.host!r}: the local engine "
            "binds loopback only (127.0.0.1, ::1). Pass --allow-remote to bind another address.",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return 130
    return 0
