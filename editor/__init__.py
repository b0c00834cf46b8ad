"""Inpaint Editor: paint a mask, type a prompt, get variants back."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("inpaint-editor")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
