"""``GET /models``: the service's models, their shutdown dates and what kind of service it is."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..core.models import model_spec

__all__ = ["ListedModel", "ModelListing", "gateway_of", "parse_listing"]


@dataclass(frozen=True, slots=True)
class ListedModel:
    id: str
    shutdown_date: str | None = None  # YYYY-MM-DD as the service gives it, else the table's
    dated_by: str | None = None  # "service" or "table": where the date comes from

    @property
    def image_model(self) -> bool:
        """An image model (the model table knows it, or its name says so)."""
        spec = model_spec(self.id)
        return spec.known or "image" in self.id.lower() or "dall-e" in self.id.lower()

    def retired(self, today: _dt.date | None = None) -> bool:
        if self.shutdown_date is None:
            return False
        try:
            return _dt.date.fromisoformat(self.shutdown_date) <= (today or _dt.date.today())
        except ValueError:
            return False


@dataclass(frozen=True, slots=True)
class ModelListing:
    models: tuple[ListedModel, ...]
    gateway: str | None = None  # e.g. "LiteLLM 1.106.12" when the answer says it came through one

    @property
    def ids(self) -> list[str]:
        return [m.id for m in self.models]

    def usable(self) -> list[str]:
        """Image models in service today: what a message may offer as a fix."""
        return [m.id for m in self.models if m.image_model and not m.retired()]


# LiteLLM's proxy lists every model with this one creation time (1.106.12 and before); its
# /models answer carries no x-litellm-* header, unlike its edits answers.
_LITELLM_CREATED = 1677610602


def gateway_of(headers: Mapping[str, str]) -> str | None:
    """The gateway an answer came through, from its headers (LiteLLM marks its edits answers)."""
    version = headers.get("x-litellm-version")
    if version:
        return f"LiteLLM {version}"
    return None


def _listed_by_litellm(items: list[Any]) -> bool:
    entries = [i for i in items if isinstance(i, dict)]
    return bool(entries) and all(i.get("created") == _LITELLM_CREATED for i in entries)


def parse_listing(doc: Any, headers: Mapping[str, str]) -> ModelListing:
    """The models of a ``{"data": [{"id": …, "shutdown_date"?: …}]}`` answer; raises
    KeyError/TypeError when it is not one."""
    models = []
    for item in doc["data"]:
        if not isinstance(item, dict) or "id" not in item:
            continue
        name = str(item["id"])
        given = item.get("shutdown_date")
        if isinstance(given, str) and given:
            models.append(ListedModel(name, given, "service"))
            continue
        table = model_spec(name).shutdown_date if "shutdown_date" not in item else None
        models.append(ListedModel(name, table, "table" if table else None))
    gateway = gateway_of(headers) or ("LiteLLM" if _listed_by_litellm(doc["data"]) else None)
    return ModelListing(tuple(models), gateway)
