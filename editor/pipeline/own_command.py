"""This app's own command line, for the processes it starts (the local engine, a batch)."""

from __future__ import annotations

import sys


def own_command(*args: str) -> list[str]:
    """``inpaint-editor ARGS``: the packaged app is its own command; from source, the package
    is run by this interpreter."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *args]
    return [sys.executable, "-m", "editor", *args]
