"""What each image model accepts, read from the model table (``resources/models/models.json``).

The table is data: a model released next quarter is one entry there (or in the user's own
``models.json`` in the config folder, which adds entries or overrides fields of shipped ones).
The local engines are ours, so they stay in code. See /work/shared/api/README.md for the facts.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from editor.core.errors import UserInputError

from .aliases import OTHER, alias_family

__all__ = [
    "DEFAULT_REMOTE_MODEL",
    "FREE_SIZE_BUDGET",
    "GPT_IMAGE_SIZES",
    "LOCAL_ENGINES",
    "MODELS",
    "NATIVE_LONG_EDGE_CAP",
    "USER_MODELS_FILE",
    "ModelSpec",
    "ModelTableError",
    "alias_families",
    "current_models",
    "format_size",
    "image_model_names",
    "is_known",
    "load_user_models",
    "model_spec",
    "parse_size",
    "reload_models",
    "retirement_words",
    "shipped_table_path",
    "stands_for",
    "usable_replacements",
]

log = logging.getLogger(__name__)

Size = tuple[int, int]

GPT_IMAGE_SIZES: tuple[Size, ...] = ((1024, 1024), (1536, 1024), (1024, 1536))
# The 2.x models: above 2560x1440 is experimental, so that many pixels is the default budget.
FREE_SIZE_BUDGET = 2560 * 1440
# Unknown models and "the service's default" get the image at its own size, but a gateway is
# unlikely to take a 24 MP upload gracefully: 2048 px on the long edge is a safe common ceiling.
NATIVE_LONG_EDGE_CAP = 2048
LOCAL_ENGINES = ("patchmatch", "telea", "navier-stokes")  # the local server's models, default first
# The fast current model: what our users do is compare prompts quickly.
DEFAULT_REMOTE_MODEL = "gpt-image-2.6-flare"
USER_MODELS_FILE = "models.json"
_DATED = re.compile(r"-\d{4}-\d{2}-\d{2}$")


class ModelTableError(UserInputError):
    """A model table file that can't be read; str() says which file and what is wrong."""


@dataclass(frozen=True)
class ModelSpec:
    name: str
    sizes: tuple[Size, ...] = ()  # fixed sizes to choose from; empty for free-size/native
    free_size: bool = False  # any WxH within the free-size rules below (the 2.x models)
    native: bool = False  # send at the image's own size (local engines, unknown models)
    max_prompt: int = 32000
    max_n: int = 10
    max_images: int = 16
    response_formats: tuple[str, ...] = ()  # () = always b64_json: don't send response_format
    supports_json_body: bool = True
    qualities: tuple[str, ...] = ("low", "medium", "high", "auto")
    complexities: tuple[str, ...] = ()  # planning effort (2.6); () = the field is not taken
    backgrounds: tuple[str, ...] = ("transparent", "opaque", "auto")
    output_formats: tuple[str, ...] = ("png", "jpeg", "webp")
    input_fidelity: bool = False
    markup: bool = False  # takes a transparent overlay of marks (never together with a mask)
    size_multiple: int = 1  # free size: both sides must be multiples of this
    min_aspect: float = 1 / 3  # free size: w / h bounds
    max_aspect: float = 3.0
    max_long_edge: int = 3840  # free size: the longest side
    min_pixels: int = 0  # free size: w·h bounds
    max_pixels: int = 3840 * 2160
    pixel_budget: int | None = None  # free size: pixels to aim for by default
    long_edge_cap: int | None = None  # native: downscale so the long edge fits, None = never
    known: bool = True  # False: a name neither the table nor an alias knows (we can only guess)
    family: str = ""  # the table's name this spec comes from (a snapshot's or gateway's base)
    status: str = "current"  # "current", "shutdown", "local" or "unknown"
    shutdown_date: str | None = None  # YYYY-MM-DD, when the vendor shut it down
    replacements: tuple[str, ...] = ()  # what the vendor names in its place, best first
    role: str | None = None  # "fast", "detail": said beside a replacement
    prices: Mapping[str, Any] | None = field(default=None, compare=False, hash=False)

    @property
    def local(self) -> bool:
        return self.name in LOCAL_ENGINES

    @property
    def max_references(self) -> int:
        """Reference images a request may carry after the edited image."""
        return max(0, self.max_images - 1)

    @property
    def largest_side(self) -> int | None:
        """The longest side the model takes (references are scaled to fit); None = any."""
        if self.free_size:
            return self.max_long_edge
        if self.sizes and not self.native:
            return max(max(s) for s in self.sizes)
        return self.long_edge_cap

    def retired(self, today: _dt.date | None = None) -> bool:
        """Shut down by its vendor on or before ``today`` (default: today)."""
        if self.shutdown_date is None:
            return False
        try:
            when = _dt.date.fromisoformat(self.shutdown_date)
        except ValueError:
            return self.status == "shutdown"
        return when <= (today or _dt.date.today())


def _local(name: str) -> ModelSpec:
    # Our own engines: one image at its own size; up to 10 variants (patch size or radius differ).
    return ModelSpec(
        name=name,
        native=True,
        max_images=1,
        qualities=(),
        backgrounds=(),
        response_formats=("url", "b64_json"),
        markup=True,  # the marks' enclosed region is filled when no mask is sent
        family=name,
        status="local",
    )


def _strings(value: object, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ModelTableError(f"{what} must be a list of words")
    return tuple(value)


def _spec_from_entry(entry: Mapping[str, Any], rules: Mapping[str, Any]) -> ModelSpec:
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ModelTableError("every model needs a name")
    fields: dict[str, Any] = {"name": name, "family": name}
    size = entry.get("size", {})
    if isinstance(size, Mapping) and "fixed" in size:
        try:
            fields["sizes"] = tuple((int(w), int(h)) for w, h in size["fixed"])
        except (TypeError, ValueError) as exc:
            raise ModelTableError(f"{name}: size.fixed is a list of [width, height]") from exc
    elif isinstance(size, Mapping) and "free" in size:
        rule = rules.get(size["free"]) if isinstance(size["free"], str) else size["free"]
        if not isinstance(rule, Mapping):
            raise ModelTableError(f"{name}: no free-size rules named {size['free']!r}")
        try:
            fields.update(
                free_size=True,
                size_multiple=int(rule.get("multiple", 1)),
                min_aspect=float(rule.get("min_aspect", 1 / 3)),
                max_aspect=float(rule.get("max_aspect", 3.0)),
                max_long_edge=int(rule.get("max_long_edge", 3840)),
                min_pixels=int(rule.get("min_pixels", 0)),
                max_pixels=int(rule.get("max_pixels", 3840 * 2160)),
                pixel_budget=int(rule.get("budget_pixels", FREE_SIZE_BUDGET)),
            )
        except (TypeError, ValueError) as exc:
            raise ModelTableError(f"{name}: the free-size rules hold numbers") from exc
    else:
        fields["native"] = True
    words = {
        "qualities": "qualities",
        "complexities": "complexities",
        "backgrounds": "backgrounds",
        "output_formats": "output_formats",
        "response_formats": "response_formats",
        "replacements": "replacements",
    }
    for key, attr in words.items():
        if key in entry:
            fields[attr] = _strings(entry[key], f"{name}: {key}")
    for key in ("max_prompt", "max_n", "max_images"):
        if key in entry:
            if not isinstance(entry[key], int) or entry[key] < 1:
                raise ModelTableError(f"{name}: {key} is a whole number ≥ 1")
            fields[key] = entry[key]
    for key, attr in (
        ("input_fidelity", "input_fidelity"),
        ("markup", "markup"),
        ("json_body", "supports_json_body"),
    ):
        if key in entry:
            fields[attr] = bool(entry[key])
    status = entry.get("status", "current")
    if status not in ("current", "shutdown"):
        raise ModelTableError(f"{name}: status is current or shutdown, not {status!r}")
    fields["status"] = status
    when = entry.get("shutdown_date")
    if when is not None:
        try:
            _dt.date.fromisoformat(str(when))
        except ValueError as exc:
            raise ModelTableError(f"{name}: shutdown_date is YYYY-MM-DD") from exc
        fields["shutdown_date"] = str(when)
    if isinstance(entry.get("role"), str):
        fields["role"] = entry["role"]
    if isinstance(entry.get("prices"), Mapping):
        fields["prices"] = dict(entry["prices"])
    return ModelSpec(**fields)


@dataclass
class _Table:
    specs: dict[str, ModelSpec]
    names: dict[str, str]  # snapshot / gateway spelling (lower case) → the table's name


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """The shipped document with a user document over it: models by name, field by field."""
    out = dict(base)
    out["free_size_rules"] = {
        **base.get("free_size_rules", {}),
        **(extra.get("free_size_rules") or {}),
    }
    models = {m["name"]: dict(m) for m in base.get("models", []) if isinstance(m, Mapping)}
    for entry in extra.get("models") or []:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
            raise ModelTableError("every model in the user's table needs a name")
        models[entry["name"]] = {**models.get(entry["name"], {}), **entry}
    out["models"] = list(models.values())
    return out


def _read(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelTableError(f"{path}: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("models", []), list):
        raise ModelTableError(f"{path}: expected an object with a 'models' list")
    return doc


def _build(doc: Mapping[str, Any]) -> _Table:
    rules = doc.get("free_size_rules", {})
    specs: dict[str, ModelSpec] = {}
    names: dict[str, str] = {}
    for entry in doc.get("models", []):
        spec = _spec_from_entry(entry, rules)
        specs[spec.name] = spec
        for other in (*entry.get("snapshots", ()), *entry.get("gateway_names", ())):
            if isinstance(other, str):
                names[other.lower()] = spec.name
    for name in LOCAL_ENGINES:
        specs[name] = _local(name)
    return _Table(specs, names)


def shipped_table_path() -> Path:
    from editor.resources_path import resource_path

    return resource_path("models", "models.json")


def _shipped_doc() -> dict[str, Any]:
    return _read(shipped_table_path())


MODELS: dict[str, ModelSpec] = {}
_NAMES: dict[str, str] = {}


def reload_models(user_file: Path | None = None) -> None:
    """Read the shipped table again, with ``user_file`` over it when it exists. A broken user
    file raises ModelTableError and leaves the table as it was."""
    doc = _shipped_doc()
    if user_file is not None and user_file.is_file():
        doc = _merge(doc, _read(user_file))
    table = _build(doc)
    MODELS.clear()
    MODELS.update(table.specs)
    _NAMES.clear()
    _NAMES.update(table.names)


def load_user_models(config_dir: Path) -> str | None:
    """The user's own additions from ``config_dir/models.json``; a plain message when that
    file can't be used (the shipped table stays in force), None when all is well."""
    try:
        reload_models(config_dir / USER_MODELS_FILE)
    except ModelTableError as exc:
        log.warning("the user's model table was not used: %s", exc)
        return f"Your model table was not used ({exc}); the shipped one is in force."
    return None


reload_models()


def _canonical(key: str) -> str | None:
    """The table's name for a name, a dated snapshot or a listed gateway spelling."""
    low = key.lower()
    for candidate in (key, low):
        if candidate in MODELS:
            return candidate
    if low in _NAMES:
        return _NAMES[low]
    base = _DATED.sub("", low)
    if base in MODELS:
        return base
    return _NAMES.get(base)


def _native_unknown(name: str) -> ModelSpec:
    return ModelSpec(
        name=name, native=True, long_edge_cap=NATIVE_LONG_EDGE_CAP, known=False, status="unknown"
    )


def stands_for(name: str | None, aliases: Mapping[str, str] | None = None) -> str | None:
    """The table's name that ``name`` is, or stands for behind a gateway; None when unknown."""
    key = (name or "").strip()
    if not key:
        return None
    return _canonical(key) or _guess(key, aliases)


def _guess(key: str, aliases: Mapping[str, str] | None) -> str | None:
    """A gateway's name → the table's name: the profile's alias, else the longest known name or
    spelling it contains (``openai/gpt-image-2.6-flare``, ``azure-gpt-image-2.6-all``)."""
    found = alias_family(key, aliases, (*MODELS, *_NAMES))
    if found is None:
        return None
    return _canonical(found)


def model_spec(
    name: str | None,
    *,
    profile_sizes: Sequence[Size] = (),
    aliases: Mapping[str, str] | None = None,
) -> ModelSpec:
    """The spec for a model name, tolerant of names only a gateway knows.

    - Known names, dated snapshots (``gpt-image-2-2026-04-21``) and listed gateway spellings
      (``gpt-image-2.6-all``) get their table entry, under the name given.
    - A gateway's own name gets the entry of the model the profile's ``aliases`` say it stands
      for, or that its name contains (``openai/gpt-image-2.6-flare``; editor.core.aliases), under
      its own name — so it is never taken for a local engine.
    - Unknown names get ``profile_sizes`` as fixed sizes when the profile lists some, else the
      image's own size capped at NATIVE_LONG_EDGE_CAP on the long edge.
    - ``None`` means the service picks its default model: we can't know its sizes, so native
      with the same cap, and no ``size`` is sent.
    """
    if name is None or not name.strip():
        return _native_unknown("")
    key = name.strip()
    found = _canonical(key)
    if found is None:
        found = _guess(key, aliases)
    if found is not None:
        spec = MODELS[found]
        return spec if spec.name == key else replace(spec, name=key)
    if profile_sizes:
        sizes = tuple((int(w), int(h)) for w, h in profile_sizes)
        return ModelSpec(name=key, sizes=sizes, known=False, status="unknown")
    return _native_unknown(key)


def is_known(name: str | None) -> bool:
    """Whether the model table (not a guess for a gateway's name) describes ``name``."""
    if name is None or not name.strip():
        return False
    return _canonical(name.strip()) is not None


def current_models() -> tuple[str, ...]:
    """The vendor's models in service today, in the table's order (fast and new first)."""
    return tuple(
        s.name for s in MODELS.values() if s.status == "current" and not s.retired() and not s.local
    )


def image_model_names() -> tuple[str, ...]:
    """Every remote image model the table knows, current first, then the shut-down ones."""
    retired = tuple(s.name for s in MODELS.values() if s.status != "local" and s.retired())
    return (*current_models(), *retired)


def alias_families() -> tuple[str, ...]:
    """What a gateway's name can be treated like: every remote model in the table, or other."""
    return (*(s.name for s in MODELS.values() if not s.local), OTHER)


def retirement_words(spec: ModelSpec, *, by: str = "OpenAI") -> str:
    """ "gpt-image-1 was shut down by OpenAI on 2026-10-23; use gpt-image-2.6-flare (fast) or
    gpt-image-2.6-sunburst (detail)"."""
    when = f" on {spec.shutdown_date}" if spec.shutdown_date else ""
    name = spec.family or spec.name
    said = f"{name} was shut down by {by}{when}"
    options = [_labelled(r) for r in usable_replacements(spec)]
    if not options:
        return said
    return f"{said}; use {' or '.join(options)}"


def usable_replacements(spec: ModelSpec) -> tuple[str, ...]:
    """The vendor's replacements that are themselves in service (never a shut-down model)."""
    named = [r for r in spec.replacements if r in MODELS and not MODELS[r].retired()]
    return tuple(named) or current_models()[:2]


def _labelled(name: str) -> str:
    role = MODELS[name].role if name in MODELS else None
    return f"{name} ({role})" if role else name


_SIZE_RE = re.compile(r"^\s*(\d{1,6})\s*[x×X*]\s*(\d{1,6})\s*$")


def parse_size(text: str) -> Size:
    """``"1536x1024"`` → ``(1536, 1024)``; raises ValueError for anything else."""
    m = _SIZE_RE.match(text)
    if m is None:
        raise ValueError(f"{text!r} is not a size like 1536x1024")
    w, h = int(m.group(1)), int(m.group(2))
    if w <= 0 or h <= 0:
        raise ValueError(f"{text!r} has a zero side")
    return w, h


def format_size(size: Size) -> str:
    return f"{int(size[0])}x{int(size[1])}"
