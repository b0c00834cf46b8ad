"""Where Generate sends a job: the service choices of the prompt panel, made from stored profiles.

The endpoint profiles themselves (address, route, key…) live in :mod:`editor.store`
(:class:`~editor.store.SettingsStore`); a :class:`Profile` here is what the panel needs of one:
a name, how to make a client, the model to start with, and what may be missing. Qt-free.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from editor.client import EditsClient, Endpoint
from editor.core.models import DEFAULT_REMOTE_MODEL, LOCAL_ENGINES, image_model_names
from editor.core.pricing import PriceTable
from editor.pipeline import embedded_client
from editor.pipeline.embedded import EMBEDDED_DEFAULT_MODEL
from editor.store import Profile as StoredProfile
from editor.store import SettingsStore, needs_insecure_warning

__all__ = [
    "REMOTE_MODELS",
    "Profile",
    "endpoint_profile",
    "profiles_from_store",
]

# The model table's remote models: those in service first, then the shut-down ones (a gateway
# may still serve them; the Model box marks them).
REMOTE_MODELS = image_model_names()
ALL_MODELS = (*LOCAL_ENGINES, *REMOTE_MODELS)


def _nothing() -> str | None:
    return None


@dataclass(frozen=True)
class Profile:
    """A named service: how to make a client, which model to start with, what may be missing."""

    name: str
    make_client: Callable[[], EditsClient]
    default_model: str
    models: tuple[str, ...] = ALL_MODELS
    problem: Callable[[], str | None] = field(default=_nothing)
    """A plain sentence when the profile cannot be used right now (e.g. no API key)."""
    warning: Callable[[], str | None] = field(default=_nothing)
    """A sentence to show once before the first send (e.g. the key would go unencrypted)."""
    id: str = ""  # the stored profile's id ("" for ad-hoc profiles)
    color_match: bool = False
    color_match_strength: float = 1.0
    sizes: tuple[tuple[int, int], ...] = ()
    default_size: str | None = None  # None or "auto": the model table decides
    default_quality: str | None = None
    # Iteration: streamed previews, fan-out and prices (see editor.store.Profile).
    stream: bool = False
    partial_images: int = 2
    max_n_per_request: int | None = None
    concurrency: int = 4
    prices: PriceTable = field(default_factory=PriceTable, compare=False)
    # Gateways: the team's model names → known models, the response format the profile sets,
    # and where a fresh list of the service's models is kept (None: nowhere, e.g. in tests).
    aliases: tuple[tuple[str, str], ...] = ()
    response_format: str | None = None
    remember_models: Callable[[tuple[str, ...]], None] | None = field(default=None, compare=False)
    # Whether the service passes markup on: None = learn it (a LiteLLM answer says it doesn't).
    markup_carried: bool | None = None
    # Shutdown dates the service's own model list gave (GET /models), by model name.
    shutdown_dates: tuple[tuple[str, str], ...] = ()


def endpoint_profile(name: str, endpoint: Endpoint, default_model: str) -> Profile:
    """A profile for any OpenAI-compatible endpoint (tests point one at the local server)."""
    return Profile(name, lambda: EditsClient(endpoint), default_model, ALL_MODELS)


def from_stored(store: SettingsStore, stored: StoredProfile) -> Profile:
    """The panel's view of one stored profile; the key is looked up when a job starts."""
    if stored.kind == "local":
        return Profile(
            stored.name,
            embedded_client,
            stored.default_model or EMBEDDED_DEFAULT_MODEL,
            LOCAL_ENGINES,  # the offline engine runs these only
            id=stored.id,
            color_match=stored.color_match,
            color_match_strength=stored.color_match_strength,
            **_iteration(stored),
        )

    def make_client() -> EditsClient:
        return EditsClient(store.endpoint_for(stored))

    def problem() -> str | None:
        # A service on this computer (e.g. `inpaint-editor serve`) may run without a key.
        if stored.key_optional or store.api_key_for(stored) is not None:
            return None
        if stored.key_env:
            return (
                f"The “{stored.name}” service takes its key from {stored.key_env}, which is not "
                "set: set it before starting Inpaint Editor, or add a key in Edit ▸ Settings "
                "(Ctrl+,)."
            )
        return (
            f"The “{stored.name}” service needs an API key: add it in Edit ▸ Settings "
            "(Ctrl+,), or pick “Local engine”."
        )

    def warning() -> str | None:
        if needs_insecure_warning(stored):
            return (
                f"“{stored.name}” uses http:// to another computer: your API key would travel "
                "unencrypted. Press Generate again to send anyway, or use https:// in Settings."
            )
        return None

    def remember_models(models: tuple[str, ...]) -> None:
        if stored.id in store.profiles:
            store.profiles.update(store.profiles.get(stored.id).with_(service_models=models))
            store.save()

    # The service's own list first (its names are what it takes), then the model table's.
    models = tuple(dict.fromkeys((*stored.service_models, *REMOTE_MODELS)))
    if stored.default_model and stored.default_model not in models:
        models = (stored.default_model, *models)
    return Profile(
        stored.name,
        make_client,
        stored.default_model or DEFAULT_REMOTE_MODEL,
        models,
        problem=problem,
        warning=warning,
        id=stored.id,
        color_match=stored.color_match,
        color_match_strength=stored.color_match_strength,
        sizes=stored.size_pairs,
        aliases=tuple(stored.aliases.items()),
        response_format=stored.response_format,
        remember_models=remember_models,
        markup_carried=stored.markup_carried,
        **_iteration(stored),
    )


def _iteration(stored: StoredProfile) -> dict[str, Any]:
    prices = PriceTable.from_json(stored.prices)
    prices.aliases = dict(stored.aliases)
    return {
        "stream": stored.stream,
        "partial_images": stored.partial_images,
        "max_n_per_request": stored.max_n_per_request,
        "concurrency": stored.concurrency,
        "prices": prices,
        "default_size": stored.default_size,
        "default_quality": stored.default_quality,
    }


def profiles_from_store(store: SettingsStore) -> list[Profile]:
    return [from_stored(store, p) for p in store.profiles]
