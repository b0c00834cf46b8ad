"""Token usage and what it costs: typed ``usage``, a per-profile price table, cost per request.

``usage`` is what the service reports (OpenAI's ``ImagesUsage``): input tokens (text and image
tokens of the prompt and the uploaded images) and output tokens (the image made). Prices are per
1 million tokens, in US dollars, in three rates: text input, image input, image output.

The default prices come from the model table (resources/models/models.json): each names its
source and date, and those without an authoritative figure are marked as estimates. A cost is an
estimate when a price or the token split it rests on is one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from .aliases import alias_family
from .models import MODELS, stands_for

__all__ = [
    "PRICES_AS_OF",
    "Cost",
    "PriceTable",
    "Prices",
    "Usage",
    "add_usage",
    "cost_of",
    "default_prices",
    "parse_usage",
]

PRICES_AS_OF = "2025-10"
_PER = 1_000_000


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def add_usage(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Add two raw usage dicts number by number (nested dicts too); None when both are None."""
    if a is None:
        return dict(b) if b is not None else None
    if b is None:
        return dict(a)
    out: dict[str, Any] = dict(a)
    for key, value in b.items():
        mine = out.get(key)
        if isinstance(value, Mapping) and (mine is None or isinstance(mine, Mapping)):
            out[key] = add_usage(mine, value)
        elif _int(value) is not None and (mine is None or _int(mine) is not None):
            out[key] = (mine or 0) + value
        elif key not in out:
            out[key] = value
    return out


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts of one request (or a sum of several). ``input_text``/``input_image`` are
    None when the service did not break the input down."""

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    input_text: int | None = None
    input_image: int | None = None

    def __add__(self, other: Usage) -> Usage:
        def both(a: int | None, b: int | None) -> int | None:
            return None if a is None or b is None else a + b

        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.total_tokens + other.total_tokens,
            both(self.input_text, other.input_text),
            both(self.input_image, other.input_image),
        )


def parse_usage(raw: object) -> Usage | None:
    """The service's ``usage`` dict as a :class:`Usage`; None when absent or not usable."""
    if not isinstance(raw, Mapping):
        return None
    inp, out, total = (_int(raw.get(k)) for k in ("input_tokens", "output_tokens", "total_tokens"))
    if inp is None and out is None and total is None:
        return None
    details = raw.get("input_tokens_details")
    text = image = None
    if isinstance(details, Mapping):
        text, image = _int(details.get("text_tokens")), _int(details.get("image_tokens"))
    inp, out = inp or 0, out or 0
    return Usage(inp, out, total if total is not None else inp + out, text, image)


@dataclass(frozen=True, slots=True)
class Prices:
    """US dollars per 1M tokens. ``estimate``: a default, not entered by the user."""

    text_input: float
    image_input: float
    image_output: float
    estimate: bool = True
    as_of: str | None = PRICES_AS_OF
    note: str = ""


_LOCAL_PRICE = Prices(0.0, 0.0, 0.0, estimate=False, as_of=None, note="local engine")


def _from_table(raw: Mapping[str, Any]) -> Prices | None:
    try:
        text, image_in, image_out = (
            float(raw[k]) for k in ("text_input", "image_input", "image_output")
        )
    except (KeyError, TypeError, ValueError):
        return None
    as_of = raw.get("as_of")
    return Prices(
        text,
        image_in,
        image_out,
        estimate=raw.get("estimate") is not False,
        as_of=as_of if isinstance(as_of, str) else None,
        note=str(raw.get("source") or ""),
    )


def default_prices() -> dict[str, Prices]:
    """Every model's price from the model table (each with its source, or marked as an
    estimate); the offline engines cost nothing."""
    out: dict[str, Prices] = {}
    for name, spec in MODELS.items():
        if spec.local:
            out[name] = _LOCAL_PRICE
        elif spec.prices is not None and (found := _from_table(spec.prices)) is not None:
            out[name] = found
    return out


@dataclass(frozen=True, slots=True)
class Cost:
    """Dollars for some usage. ``estimate`` whenever a default price or a guess went into it."""

    amount: float
    estimate: bool
    text_input: float = 0.0
    image_input: float = 0.0
    image_output: float = 0.0
    currency: str = "USD"

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            self.amount + other.amount,
            self.estimate or other.estimate,
            self.text_input + other.text_input,
            self.image_input + other.image_input,
            self.image_output + other.image_output,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "amount": round(self.amount, 6),
            "currency": self.currency,
            "estimate": self.estimate,
            "text_input": round(self.text_input, 6),
            "image_input": round(self.image_input, 6),
            "image_output": round(self.image_output, 6),
        }


def cost_of(usage: Usage, prices: Prices) -> Cost:
    """What ``usage`` costs at ``prices``. Input tokens the service did not split into text and
    image are charged at the image-input rate (the higher one: never under-estimates), and the
    cost is then marked as an estimate."""
    guessed = usage.input_text is None or usage.input_image is None
    if guessed:
        text_tokens = usage.input_text or 0
        image_tokens = max(0, usage.input_tokens - text_tokens)
    else:
        text_tokens, image_tokens = usage.input_text or 0, usage.input_image or 0
    text = text_tokens * prices.text_input / _PER
    image = image_tokens * prices.image_input / _PER
    output = usage.output_tokens * prices.image_output / _PER
    return Cost(
        text + image + output,
        prices.estimate or (guessed and usage.input_tokens > 0),
        text,
        image,
        output,
    )


@dataclass(slots=True)
class PriceTable:
    """One profile's prices: the user's entries over the defaults. Editable, JSON round-trip."""

    prices: dict[str, Prices] = field(default_factory=dict)
    use_defaults: bool = True
    # The profile's gateway names → known model (editor.core.aliases); not part of the JSON.
    aliases: dict[str, str] = field(default_factory=dict, compare=False)

    def for_model(self, model: str | None) -> Prices | None:
        key = (model or "").strip()
        if key in self.prices:
            return self.prices[key]
        family = alias_family(key, self.aliases, self.prices)
        if family is not None and family in self.prices:
            return self.prices[family]
        if not self.use_defaults:
            return None
        defaults = default_prices()
        # The table's name for a snapshot, a gateway spelling or an aliased team name.
        base = stands_for(key, self.aliases)
        return defaults.get(key) or (defaults.get(base) if base is not None else None)

    def set(self, model: str, text_input: float, image_input: float, image_output: float) -> Prices:
        """The user's own prices for ``model`` (not an estimate)."""
        entry = Prices(text_input, image_input, image_output, estimate=False, as_of=None)
        self.prices[model] = entry
        return entry

    def cost(self, model: str | None, usage: Usage | Mapping[str, Any] | None) -> Cost | None:
        """The cost of one request's usage, or None without usage or without a price."""
        parsed = usage if isinstance(usage, Usage) else parse_usage(usage)
        prices = self.for_model(model)
        if parsed is None or prices is None:
            return None
        return cost_of(parsed, prices)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "use_defaults": self.use_defaults,
            "prices": {model: asdict(p) for model, p in sorted(self.prices.items())},
        }

    @classmethod
    def from_json(cls, doc: object) -> PriceTable:
        table = cls()
        if not isinstance(doc, Mapping):
            return table
        table.use_defaults = doc.get("use_defaults", True) is not False
        entries = doc.get("prices")
        for model, raw in entries.items() if isinstance(entries, Mapping) else []:
            if not isinstance(model, str) or not isinstance(raw, Mapping):
                continue
            try:
                text, image_in, image_out = (
                    float(raw[k]) for k in ("text_input", "image_input", "image_output")
                )
            except (KeyError, TypeError, ValueError):
                continue
            if any(r < 0 for r in (text, image_in, image_out)):
                continue
            note = raw.get("note")
            as_of = raw.get("as_of")
            table.prices[model] = Prices(
                text,
                image_in,
                image_out,
                estimate=raw.get("estimate") is True,
                as_of=as_of if isinstance(as_of, str) else None,
                note=note if isinstance(note, str) else "",
            )
        return table
