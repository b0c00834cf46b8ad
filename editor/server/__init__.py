"""The offline local engine: an OpenAI-compatible image edits server built on OpenCV."""

from editor.server.app import create_app
from editor.server.run import ServerThread, serve

__all__ = ["ServerThread", "create_app", "serve"]
