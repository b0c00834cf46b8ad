"""Endpoint profiles: a named service with its address, route, body kind and defaults.

A :class:`Profile` is immutable and always valid (bad fields raise :class:`ProfileError` with a
plain message). It round-trips through JSON exactly; header values that look like credentials
are not written to JSON but kept in the keyring (see :meth:`Profile.to_json`).
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

from psygnal import Signal

from editor.client import ApiKey, BodyKind, Endpoint, Route
from editor.core.models import (
    DEFAULT_REMOTE_MODEL,
    alias_families,
    model_spec,
    parse_size,
    usable_replacements,
)

from ._errors import ProfileError

# The same limits as editor.pipeline (round_trip.MAX_PARTIAL_IMAGES, fanout.MAX_VARIANTS and
# DEFAULT_CONCURRENCY); repeated so the store stays below the pipeline.
MAX_PARTIAL_IMAGES = 3
MAX_VARIANTS = 10
DEFAULT_CONCURRENCY = 4

__all__ = [
    "EMBEDDED_BASE_URL",
    "LOCAL_PROFILE_ID",
    "OPENAI_BASE_URL",
    "OPENAI_PROFILE_ID",
    "Profile",
    "ProfileKind",
    "ProfileSet",
    "builtin_profiles",
    "is_loopback",
    "looks_secret",
    "needs_insecure_warning",
    "new_profile_id",
]

ProfileKind = Literal["local", "openai", "custom"]

LOCAL_PROFILE_ID = "local"
OPENAI_PROFILE_ID = "openai"
# Same origin as editor.pipeline.embedded: never resolved, the in-process transport answers it.
EMBEDDED_BASE_URL = "http://local-engine/v1"
OPENAI_BASE_URL = "https://api.openai.com/v1"

_SECRET_PLACEHOLDER = {"$secret": True}
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
_HEADER_NAME_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_SECRET_NAME_RE = re.compile(
    r"auth|key|token|secret|passw|cookie|credential|signature|session", re.IGNORECASE
)
_SECRET_VALUE_RE = re.compile(
    r"^(bearer|basic|token|apikey|api-key)\s+\S|^sk-|^[A-Za-z0-9_\-.=+/:]{24,}$", re.IGNORECASE
)


def looks_secret(name: str, value: str) -> bool:
    """Whether a header value is probably a credential (kept in the keyring, not in JSON)."""
    return bool(_SECRET_NAME_RE.search(name) or _SECRET_VALUE_RE.search(value.strip()))


@dataclass(frozen=True)
class Profile:
    """One service the window can send to. ``sizes`` are offered for models the app doesn't know."""

    id: str
    name: str
    base_url: str
    kind: ProfileKind = "custom"
    route: Route = "images/edits"
    body: BodyKind = "multipart"
    default_model: str | None = None
    default_size: str | None = None  # None or "auto": the model table decides
    default_quality: str | None = None
    timeout: float = 600.0
    connect_timeout: float = 5.0
    max_retries: int = 2
    extra_headers: Mapping[str, str] = field(default_factory=dict, hash=False)
    sizes: tuple[str, ...] = ()
    color_match: bool = False
    color_match_strength: float = 1.0
    # Iteration (issue 10): streamed previews, fan-out, the user's prices.
    stream: bool = False
    partial_images: int = 2  # previews per variant while streaming, 0–3
    max_n_per_request: int | None = None  # None: learned, or from the model table
    concurrency: int = DEFAULT_CONCURRENCY  # parallel requests of one fanned-out job
    prices: Mapping[str, Any] = field(default_factory=dict, hash=False)  # PriceTable JSON
    # A gateway's own model names → the known model each is treated like (editor.core.aliases).
    aliases: Mapping[str, str] = field(default_factory=dict, hash=False)
    # The service's models as its GET /models last listed them (offered in the Model box).
    service_models: tuple[str, ...] = ()
    # "b64_json" / "url" to send; None sends none (the service's default).
    response_format: str | None = None
    # An environment variable holding this profile's key (e.g. TEAM_GATEWAY_KEY), read when a
    # request is made; only its name is saved.
    key_env: str | None = None
    # Whether the service passes markup on to the model: None = learn it (a gateway that
    # forwards it as text, e.g. LiteLLM, does not); False = always send the marks as a mask.
    markup_carried: bool | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", str(self.name).strip())
        object.__setattr__(self, "base_url", str(self.base_url).strip().rstrip("/"))
        object.__setattr__(self, "extra_headers", dict(self.extra_headers))
        object.__setattr__(self, "sizes", tuple(self.sizes))
        object.__setattr__(self, "prices", dict(self.prices or {}))
        object.__setattr__(self, "aliases", dict(self.aliases or {}))
        object.__setattr__(self, "service_models", tuple(self.service_models))
        object.__setattr__(
            self, "key_env", (str(self.key_env).strip() or None) if self.key_env else None
        )
        _validate(self)

    # --- what the window needs ----------------------------------------------------------------

    @property
    def deletable(self) -> bool:
        return self.id != LOCAL_PROFILE_ID

    @property
    def needs_key(self) -> bool:
        return self.kind != "local"

    @property
    def key_optional(self) -> bool:
        """A service on this computer (loopback address) may run without a key."""
        return self.needs_key and is_loopback(self.base_url)

    @property
    def env_key_allowed(self) -> bool:
        """Whether OPENAI_API_KEY may stand in for a stored key (OpenAI-kind profiles)."""
        return self.kind == "openai" or _host(self.base_url) == "api.openai.com"

    @property
    def size_pairs(self) -> tuple[tuple[int, int], ...]:
        """``sizes`` as (w, h) pairs, the form ``EditParams.profile_sizes`` takes."""
        return tuple(parse_size(s) for s in self.sizes)

    def to_endpoint(self, api_key: ApiKey | None) -> Endpoint:
        return Endpoint(
            base_url=self.base_url,
            api_key=api_key if self.needs_key else None,
            route=self.route,
            body=self.body,
            timeout=self.timeout,
            connect_timeout=self.connect_timeout,
            max_retries=self.max_retries,
            extra_headers=dict(self.extra_headers),
        )

    def with_(self, **changes: Any) -> Profile:
        return replace(self, **changes)

    # --- JSON ---------------------------------------------------------------------------------

    def secret_headers(self) -> dict[str, str]:
        """The header values :meth:`to_json` leaves out (they belong in the keyring)."""
        return {k: v for k, v in self.extra_headers.items() if looks_secret(k, v)}

    def to_json(self) -> dict[str, Any]:
        """Every field; credential-looking header values become ``{"$secret": true}``."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "extra_headers":
                value = {
                    k: dict(_SECRET_PLACEHOLDER) if looks_secret(k, v) else v
                    for k, v in value.items()
                }
            elif f.name in ("sizes", "service_models"):
                value = list(value)
            elif f.name in ("prices", "aliases"):
                value = dict(value)
            out[f.name] = value
        return out

    @classmethod
    def from_json(
        cls, raw: Mapping[str, Any], secret: Callable[[str], str | None] | None = None
    ) -> Profile:
        """Rebuild a profile; ``secret(header_name)`` supplies the values kept elsewhere.

        Unknown keys (from newer versions) are ignored; a secret header whose value can't be
        found is dropped. Raises ProfileError for invalid values.
        """
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in raw.items() if k in known}
        headers: dict[str, str] = {}
        for name, value in (values.get("extra_headers") or {}).items():
            if value == _SECRET_PLACEHOLDER:
                found = secret(name) if secret is not None else None
                if found is not None:
                    headers[name] = found
            else:
                headers[name] = str(value)
        values["extra_headers"] = headers
        values["sizes"] = tuple(values.get("sizes") or ())
        models = values.get("service_models")
        values["service_models"] = tuple(models) if isinstance(models, list | tuple) else ()
        for name in ("prices", "aliases"):
            if not isinstance(values.get(name), Mapping):
                values.pop(name, None)
        try:
            return cls(**values)
        except TypeError as e:
            raise ProfileError(f"A saved profile is missing a field ({e})") from e

    def __repr__(self) -> str:
        headers = {k: "***" for k in self.extra_headers}
        return (
            f"Profile(id={self.id!r}, name={self.name!r}, base_url={self.base_url!r}, "
            f"kind={self.kind!r}, route={self.route!r}, body={self.body!r}, "
            f"default_model={self.default_model!r}, extra_headers={headers!r})"
        )

    __str__ = __repr__


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _validate(p: Profile) -> None:
    if not _ID_RE.match(p.id):
        raise ProfileError(
            f"The profile id {p.id!r} may only hold lowercase letters, digits, - and _"
        )
    if not p.name:
        raise ProfileError("A profile needs a name")
    if p.kind not in get_args(ProfileKind):
        raise ProfileError(f"Unknown profile kind {p.kind!r}")
    _validate_url(p.base_url)
    if p.route not in get_args(Route):
        raise ProfileError(f"The route must be “images/edits” or “edits”, not “{p.route}”")
    if p.body not in get_args(BodyKind):
        raise ProfileError(f"The request body must be multipart or json, not “{p.body}”")
    for label, value in (("timeout", p.timeout), ("connection timeout", p.connect_timeout)):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ProfileError(f"The {label} must be a number of seconds")
        if not math.isfinite(value) or value <= 0:
            raise ProfileError(f"The {label} must be more than 0 seconds")
    if isinstance(p.max_retries, bool) or not isinstance(p.max_retries, int):
        raise ProfileError("Retries must be a whole number")
    if not 0 <= p.max_retries <= 10:
        raise ProfileError("Retries must be between 0 and 10")
    for size in (*p.sizes, *([p.default_size] if p.default_size not in (None, "auto") else [])):
        try:
            parse_size(str(size))
        except ValueError:
            raise ProfileError(f"The size “{size}” is not WIDTHxHEIGHT, e.g. 1024x1024") from None
    strength = p.color_match_strength
    if isinstance(strength, bool) or not isinstance(strength, int | float):
        raise ProfileError("Colour match strength must be a number between 0 and 1")
    if not 0.0 <= strength <= 1.0:
        raise ProfileError("Colour match strength must be between 0 and 1")
    _validate_iteration(p)
    _validate_gateway(p)
    if p.key_env is not None and not _ENV_NAME_RE.match(p.key_env):
        raise ProfileError(
            f"“{p.key_env}” is not an environment variable name (letters, digits and _, "
            "e.g. TEAM_GATEWAY_KEY)"
        )
    for name, header_value in p.extra_headers.items():
        if not _HEADER_NAME_RE.match(name):
            raise ProfileError(f"“{name}” is not a valid header name")
        if not isinstance(header_value, str) or any(c in header_value for c in "\r\n\0"):
            raise ProfileError(f"The value of header “{name}” must be one line of text")


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _validate_iteration(p: Profile) -> None:
    if not isinstance(p.stream, bool):
        raise ProfileError("Streaming must be on or off")
    if not _whole(p.partial_images) or not 0 <= p.partial_images <= MAX_PARTIAL_IMAGES:
        raise ProfileError(f"Previews per variant must be between 0 and {MAX_PARTIAL_IMAGES}")
    limit = p.max_n_per_request
    if limit is not None and (not _whole(limit) or not 1 <= limit <= MAX_VARIANTS):
        raise ProfileError(f"Images per request must be between 1 and {MAX_VARIANTS}, or blank")
    if not _whole(p.concurrency) or not 1 <= p.concurrency <= MAX_VARIANTS:
        raise ProfileError(f"Parallel requests must be between 1 and {MAX_VARIANTS}")


def _validate_gateway(p: Profile) -> None:
    for name, family in p.aliases.items():
        if not isinstance(name, str) or not name.strip():
            raise ProfileError("A model alias needs a model name")
        if family not in alias_families():
            raise ProfileError(
                f"“{name}” can be treated like {', '.join(alias_families())}, not “{family}”"
            )
    if any(not isinstance(m, str) or not m.strip() for m in p.service_models):
        raise ProfileError("The service's model names must be text")
    if p.markup_carried not in (None, True, False):
        raise ProfileError("Markup is learned, passed on or sent as a mask")
    if p.response_format not in (None, "b64_json", "url"):
        raise ProfileError("The response format must be b64_json, url or the service's default")


def _validate_url(url: str) -> None:
    plain = f"“{url}” is not a web address like https://api.example.com/v1"
    if not url or any(c.isspace() for c in url):
        raise ProfileError(f"The address {plain}")
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a bad port
    except ValueError:
        raise ProfileError(f"The address {plain}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProfileError(f"The address {plain}")
    if parts.username or parts.password:
        raise ProfileError(
            "The address must not contain a user name or password; put the key in the API key field"
        )
    if parts.query or parts.fragment:
        raise ProfileError("The address must not contain “?” or “#” parts")


def is_loopback(url: str) -> bool:
    """Whether the address is this computer: localhost, 127.0.0.0/8 or ::1."""
    host = _host(url)
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def needs_insecure_warning(profile: Profile) -> bool:
    """True when the key would travel unencrypted: http:// to a host other than this machine."""
    if profile.kind == "local" or not profile.base_url.lower().startswith("http://"):
        return False
    return not is_loopback(profile.base_url)


def is_openai(profile: Profile) -> bool:
    """A profile whose endpoint is OpenAI's own (where shut-down models answer 404)."""
    return profile.kind == "openai" or _host(profile.base_url) == _host(OPENAI_BASE_URL)


@dataclass(frozen=True, slots=True)
class ModelMove:
    """A profile moved off a model its vendor shut down, as it was loaded."""

    profile_id: str
    profile_name: str
    old: str
    new: str
    shutdown_date: str | None

    @property
    def message(self) -> str:
        when = f" on {self.shutdown_date}" if self.shutdown_date else ""
        return (
            f"{self.old} was shut down by OpenAI{when}, so “{self.profile_name}” now uses "
            f"{self.new}."
        )


def move_off_retired(profile: Profile) -> tuple[Profile, ModelMove | None]:
    """An OpenAI profile saved with a shut-down model, moved to its first current replacement.
    Gateway profiles keep their names: a gateway may still serve them."""
    model = profile.default_model
    if not model or not is_openai(profile):
        return profile, None
    spec = model_spec(model)
    if not spec.retired():
        return profile, None
    replacements = usable_replacements(spec)
    if not replacements:
        return profile, None
    new = replacements[0]
    move = ModelMove(profile.id, profile.name, model, new, spec.shutdown_date)
    return profile.with_(default_model=new), move


def new_profile_id(name: str, taken: Container[str]) -> str:
    """An id derived from a display name that is not in ``taken`` ("my-server", "my-server-2")."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:50] or "profile"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def builtin_profiles() -> tuple[Profile, ...]:
    """The first-run list: the embedded engine (always there) and OpenAI."""
    return (
        Profile(
            id=LOCAL_PROFILE_ID,
            name="Local engine",
            base_url=EMBEDDED_BASE_URL,
            kind="local",
            default_model="patchmatch",  # editor.pipeline.embedded.EMBEDDED_DEFAULT_MODEL
            timeout=300.0,
            max_retries=0,
        ),
        Profile(
            id=OPENAI_PROFILE_ID,
            name="OpenAI",
            base_url=OPENAI_BASE_URL,
            kind="openai",
            default_model=DEFAULT_REMOTE_MODEL,
            color_match=True,  # remote services drift in colour; the local fill does not
        ),
    )


class ProfileSet:
    """The ordered, observable list of profiles. ``changed`` fires after every change."""

    changed = Signal()

    def __init__(self, profiles: Iterable[Profile] | None = None) -> None:
        items = list(profiles) if profiles is not None else list(builtin_profiles())
        if not any(p.id == LOCAL_PROFILE_ID for p in items):
            items.insert(0, builtin_profiles()[0])
        self._items: dict[str, Profile] = {}
        for p in items:
            self._check_unique(p, replacing=None)
            self._items[p.id] = p

    def __iter__(self) -> Iterator[Profile]:
        return iter(tuple(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, profile_id: object) -> bool:
        return profile_id in self._items

    def get(self, profile_id: str) -> Profile:
        try:
            return self._items[profile_id]
        except KeyError:
            raise KeyError(f"no profile {profile_id!r}") from None

    def new_id(self, name: str) -> str:
        """A fresh id derived from a display name ("My Server" → "my-server", "my-server-2")."""
        return new_profile_id(name, self._items)

    def add(self, profile: Profile) -> None:
        if profile.id in self._items:
            raise ProfileError(f"There is already a profile with the id {profile.id!r}")
        self._check_unique(profile, replacing=None)
        self._items[profile.id] = profile
        self.changed.emit()

    def update(self, profile: Profile) -> None:
        """Replace the profile with the same id (the local engine keeps its address and kind)."""
        old = self.get(profile.id)
        if old.kind == "local" and (profile.kind != "local" or profile.base_url != old.base_url):
            raise ProfileError("The Local engine's address and kind can't be changed")
        self._check_unique(profile, replacing=profile.id)
        self._items[profile.id] = profile
        self.changed.emit()

    def replace_all(self, profiles: Iterable[Profile]) -> None:
        """Swap in a whole new list at once, or change nothing (ProfileError) if it is invalid."""
        fresh = ProfileSet(profiles)
        local = fresh.get(LOCAL_PROFILE_ID)
        old = self._items.get(LOCAL_PROFILE_ID)
        if old is not None and (local.kind != "local" or local.base_url != old.base_url):
            raise ProfileError("The Local engine's address and kind can't be changed")
        self._items = fresh._items
        self.changed.emit()

    def remove(self, profile_id: str) -> Profile:
        profile = self.get(profile_id)
        if not profile.deletable:
            raise ProfileError(f"The “{profile.name}” profile can't be deleted")
        del self._items[profile_id]
        self.changed.emit()
        return profile

    def _check_unique(self, profile: Profile, replacing: str | None) -> None:
        for other in self._items.values():
            if other.id != replacing and other.name.casefold() == profile.name.casefold():
                raise ProfileError(f"There is already a profile named “{profile.name}”")
