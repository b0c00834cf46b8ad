"""Where the shipped ``resources/`` (samples, icons, desktop files) are, however the app runs.

Looked for in this order; the first folder holding ``samples/coffee.png`` wins:

1. ``$INPAINT_EDITOR_RESOURCES`` (portable installs, tests);
2. a PyInstaller bundle: ``sys._MEIPASS/resources`` (the spec copies ``resources/`` there);
3. a source checkout or editable install: ``resources/`` next to the ``editor`` package;
4. an installed wheel: the files ``[tool.setuptools.data-files]`` put under
   ``<prefix>/share/inpaint-editor/`` (found through the distribution's RECORD, so a venv,
   ``--user`` or system install all work).

Standard library only, so every layer (and the CLI before Qt) may use it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "RESOURCES_ENV",
    "ResourceNotFoundError",
    "resource_path",
    "resources_dir",
    "sample_paths",
]

RESOURCES_ENV = "INPAINT_EDITOR_RESOURCES"
DIST_NAME = "inpaint-editor"
DATA_PREFIX = ("share", "inpaint-editor")
_MARKER = Path("samples") / "coffee.png"


class ResourceNotFoundError(FileNotFoundError):
    """No folder with the shipped resources was found; the message lists where we looked."""


def _candidates() -> Iterator[Path]:
    """Where to look, cheapest first: the distribution's RECORD is read only when the usual
    install prefixes miss (``importlib.metadata`` alone costs 18 ms of the window's start)."""
    override = os.environ.get(RESOURCES_ENV)
    if override:
        yield Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        yield Path(bundle) / "resources"
    yield Path(__file__).resolve().parent.parent / "resources"
    yield Path(sys.prefix).joinpath(*DATA_PREFIX)  # a venv or system install
    installed = _installed_data_dir()
    if installed is not None:
        yield installed


def _installed_data_dir() -> Path | None:
    """``<prefix>/share/inpaint-editor`` as recorded by the installed distribution, if any."""
    from importlib import metadata

    try:
        dist = metadata.distribution(DIST_NAME)
    except metadata.PackageNotFoundError:
        return None
    for entry in dist.files or []:
        parts = [p for p in entry.parts if p != ".."]
        if tuple(parts[:2]) == DATA_PREFIX and entry.name == _MARKER.name:
            located = Path(str(dist.locate_file(entry))).resolve()
            return located.parent.parent  # .../share/inpaint-editor/samples/coffee.png
    return None


def resources_dir() -> Path:
    """The folder holding ``samples/``, ``icons/`` and ``linux/``."""
    tried = []
    for folder in _candidates():
        if (folder / _MARKER).is_file():
            return folder
        tried.append(folder)
    where = ", ".join(str(p) for p in tried) or "nowhere"
    raise ResourceNotFoundError(f"the app's resources were not found (looked in: {where})")


def resource_path(*parts: str) -> Path:
    """``resource_path("samples", "coffee.png")``; raises if that file is not there."""
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise ResourceNotFoundError(f"{'/'.join(parts)} is missing from {path.parent}")
    return path


def sample_paths() -> tuple[Path, Path]:
    """The shipped sample image and its mask (the API's convention: alpha 0 = edit)."""
    return resource_path("samples", "coffee.png"), resource_path("samples", "coffee-mask.png")
