"""Inpaint Editor: paint a mask, type a prompt, get variants back."""

__version__ = "0.1.0"

__all__ = ["__version__"]
