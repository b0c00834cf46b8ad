"""Where Generate sends a job: a short list of endpoint profiles (settings come later).

Qt-free on purpose, so a settings room can grow out of it without touching the views.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from editor.client import EditsClient, Endpoint
from editor.core.models import LOCAL_ENGINES
from editor.pipeline import embedded_client
from editor.pipeline.embedded import EMBEDDED_DEFAULT_MODEL

__all__ = ["REMOTE_MODELS", "Profile", "builtin_profiles", "endpoint_profile"]

REMOTE_MODELS = ("gpt-image-1", "gpt-image-1.5", "gpt-image-1-mini", "gpt-image-2", "dall-e-2")
ALL_MODELS = (*LOCAL_ENGINES, *REMOTE_MODELS)


def _no_problem() -> str | None:
    return None


@dataclass(frozen=True)
class Profile:
    """A named service: how to make a client, which model to start with, what may be missing."""

    name: str
    make_client: Callable[[], EditsClient]
    default_model: str
    models: tuple[str, ...] = ALL_MODELS
    problem: Callable[[], str | None] = field(default=_no_problem)
    """A plain sentence when the profile cannot be used right now (e.g. no API key)."""


def _openai_problem() -> str | None:
    if not os.environ.get("OPENAI_API_KEY", "").strip():
        return (
            "The OpenAI profile needs an API key: set OPENAI_API_KEY in the environment and "
            "restart, or pick “Local engine”."
        )
    return None


def _openai_client() -> EditsClient:
    return EditsClient(Endpoint.from_env())


def endpoint_profile(name: str, endpoint: Endpoint, default_model: str) -> Profile:
    """A profile for any OpenAI-compatible endpoint (tests point one at the local server)."""
    return Profile(name, lambda: EditsClient(endpoint), default_model, ALL_MODELS)


def builtin_profiles() -> list[Profile]:
    return [
        Profile("Local engine", embedded_client, EMBEDDED_DEFAULT_MODEL),
        Profile("OpenAI", _openai_client, "gpt-image-1", problem=_openai_problem),
    ]
