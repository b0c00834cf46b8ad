"""Entry point: dispatch to the window, the headless `edit` job or the local server."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence

from editor import __version__

SUBCOMMANDS = ("edit", "batch", "serve", "models")


def _gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inpaint-editor",
        description="Paint a mask, type a prompt, get variants back. "
        "Subcommands: edit (headless), batch (a folder of images), serve (local engine "
        "server), models (what a service offers).",
    )
    parser.add_argument("--version", action="version", version=f"inpaint-editor {__version__}")
    parser.add_argument("image", nargs="?", help="image to open")
    parser.add_argument("--mask", help="mask PNG to load with the image")
    parser.add_argument("--prompt", help="prompt text to start with")
    parser.add_argument(
        "--self-check",
        nargs="?",
        const="",
        metavar="OUT_DIR",
        help="open the window (offscreen without a display), edit the shipped sample with the "
        "local engine, write the result to OUT_DIR (default: a temporary folder) and exit 0",
    )
    return parser


def _use_user_models() -> None:
    """The user's own model table (``models.json`` in the config folder) over the shipped one."""
    from editor.core.models import load_user_models
    from editor.store._paths import default_config_dir

    problem = load_user_models(default_config_dir())
    if problem is not None:
        print(f"note: {problem}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("edit", "batch", "models"):  # the server's own engines need no table
        _use_user_models()
    if args and args[0] == "edit":
        from editor.cli.edit_command import run_edit_command

        return run_edit_command(args[1:])
    if args and args[0] == "batch":
        from editor.cli.batch_command import run_batch_command

        return run_batch_command(args[1:])
    if args and args[0] == "models":
        from editor.cli.models_command import run_models_command

        return run_models_command(args[1:])
    if args and args[0] == "serve":
        from editor.cli.serve_command import run_serve_command

        return run_serve_command(args[1:])
    options = _gui_parser().parse_args(args)
    if options.self_check is not None:
        _use_user_models()
        try:
            from editor.ui.self_check import run_self_check
        except ImportError as exc:
            print(f"self-check: FAILED: the window cannot start here ({exc})", file=sys.stderr)
            return 1
        return run_self_check(options.self_check or None)
    # Start-up makes some 60,000 objects that live as long as the window, and the collector
    # walked them over and over while the window's modules were imported (30 ms of a 0.45 s
    # start). Paused until run_app has built the window, which freezes them.
    gc.disable()
    _use_user_models()
    try:
        from editor.ui.app import run_app
    except ImportError as exc:
        gc.enable()
        print(f"inpaint-editor: the window cannot start here ({exc}).", file=sys.stderr)
        print("The headless job still works: inpaint-editor edit --help", file=sys.stderr)
        return 1
    return run_app(options.image, mask=options.mask, prompt=options.prompt)
