"""Variant fan-out: more images than a model takes per request, as parallel requests.

Many gateway models accept only n=1. The most images one request may ask for comes, in order,
from: the caller (a profile setting), what was learned from an earlier rejection
(:class:`CapabilityMemory`, keyed by profile and model), the model table (``ModelSpec.max_n``).
Asking for more sends several requests (at most ``concurrency`` at once) and gathers them into
one outcome. A 400 that is about ``n`` (see :func:`is_n_rejection`) makes the request be sent
again as single-image requests, and the limit of 1 is remembered.

Numbering: image ``i`` of the request that covers slots ``offset..offset+k-1`` is variant
``offset + i``, whether or not other requests fail, so a variant keeps its number from its
first streamed preview to its final (a failed request leaves a gap). Usage is added up over
the requests; each request's timings are kept (:class:`RequestRecord`).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from editor.client import (
    BadRequestError,
    EditError,
    EditResult,
    EditsClient,
    PartialImage,
    Progress,
    Timings,
)
from editor.core.pricing import add_usage
from editor.core.request import EditRequest

__all__ = [
    "DEFAULT_CONCURRENCY",
    "MAX_VARIANTS",
    "CapabilityMemory",
    "FanOut",
    "RequestRecord",
    "failure_summary",
    "is_n_rejection",
    "merge_results",
    "send_fanned",
    "split_counts",
]

MAX_VARIANTS = 10  # the API's n range is 1–10; fan-out keeps the same ceiling for a round
DEFAULT_CONCURRENCY = 4
_N_WORDS = re.compile(
    r"(\bn must be\b|\bonly n\s*=\s*1\b|invalid value for 'n'|invalid 'n'|\bn\s*=\s*1 is supported"
    r"|\bparameter 'n'|\bn is not supported|\bn > 1\b|\bn>1\b|\bmultiple images\b)",
    re.IGNORECASE,
)


def is_n_rejection(error: EditError) -> bool:
    """A 400 about the number of images: ``param`` is ``n``, or the message says so."""
    if not isinstance(error, BadRequestError):
        return False
    if (error.param or "").strip().lower() == "n":
        return True
    return bool(_N_WORDS.search(error.service_message or ""))


class CapabilityMemory:
    """Learned "most images per request", and "no streamed previews" (a gateway that could not
    relay server-sent events), per (profile, model); and per profile whether the service carries
    markup to the model (a gateway may forward it as text). Qt-free; the caller persists it with
    :meth:`to_json` / :meth:`from_json`."""

    def __init__(
        self,
        limits: Mapping[tuple[str, str], int] | None = None,
        no_stream: Iterable[tuple[str, str]] = (),
        markup: Mapping[str, tuple[bool, str]] | None = None,
    ) -> None:
        self._limits: dict[tuple[str, str], int] = dict(limits or {})
        self._no_stream: set[tuple[str, str]] = set(no_stream)
        self._markup: dict[str, tuple[bool, str]] = dict(markup or {})

    def carries_markup(self, profile: str) -> bool | None:
        """Whether this profile's service passes markup on as a file; None = not yet known."""
        found = self._markup.get(profile)
        return None if found is None else found[0]

    def markup_reason(self, profile: str) -> str:
        found = self._markup.get(profile)
        return found[1] if found is not None else ""

    def learn_markup(self, profile: str, carries: bool, reason: str = "") -> None:
        self._markup[profile] = (carries, reason)

    def streams(self, profile: str, model: str | None) -> bool:
        """False once a streamed request for this profile and model had to be resent plain."""
        return (profile, model or "") not in self._no_stream

    def learn_no_stream(self, profile: str, model: str | None) -> None:
        self._no_stream.add((profile, model or ""))

    def no_stream_items(self) -> list[tuple[str, str]]:
        return sorted(self._no_stream)

    def limit(self, profile: str, model: str | None) -> int | None:
        return self._limits.get((profile, model or ""))

    def learn(self, profile: str, model: str | None, limit: int) -> None:
        self._limits[(profile, model or "")] = max(1, int(limit))

    def forget(self, profile: str, model: str | None = None) -> None:
        """Forget one model's limit, or (``model`` None) everything learned for a profile."""
        for key in list(self._limits):
            if key[0] == profile and (model is None or key[1] == (model or "")):
                del self._limits[key]
        for key in list(self._no_stream):
            if key[0] == profile and (model is None or key[1] == (model or "")):
                self._no_stream.discard(key)
        if model is None:
            self._markup.pop(profile, None)

    def items(self) -> list[tuple[str, str, int]]:
        return [(p, m, n) for (p, m), n in sorted(self._limits.items())]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "limits": [{"profile": p, "model": m, "max_n": n} for p, m, n in self.items()],
            "no_stream": [{"profile": p, "model": m} for p, m in self.no_stream_items()],
            "markup": [
                {"profile": p, "carries": c, "reason": r}
                for p, (c, r) in sorted(self._markup.items())
            ],
        }

    @classmethod
    def from_json(cls, doc: object) -> CapabilityMemory:
        """Tolerant: entries that are not well-formed are skipped."""
        memory = cls()
        entries = doc.get("limits") if isinstance(doc, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            profile, model, limit = entry.get("profile"), entry.get("model"), entry.get("max_n")
            if (
                isinstance(profile, str)
                and isinstance(model, str)
                and isinstance(limit, int)
                and not isinstance(limit, bool)
                and limit >= 1
            ):
                memory.learn(profile, model, limit)
        plain = doc.get("no_stream") if isinstance(doc, dict) else None
        for entry in plain if isinstance(plain, list) else []:
            if isinstance(entry, dict):
                profile, model = entry.get("profile"), entry.get("model")
                if isinstance(profile, str) and isinstance(model, str):
                    memory.learn_no_stream(profile, model)
        marks = doc.get("markup") if isinstance(doc, dict) else None
        for entry in marks if isinstance(marks, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("profile"), str):
                reason = entry.get("reason")
                memory.learn_markup(
                    entry["profile"],
                    entry.get("carries") is True,
                    reason if isinstance(reason, str) else "",
                )
        return memory

    def __len__(self) -> int:
        return len(self._limits) + len(self._no_stream) + len(self._markup)

    def __repr__(self) -> str:
        return f"CapabilityMemory({self._limits!r}, no_stream={sorted(self._no_stream)!r})"


def split_counts(n: int, per_request: int) -> list[int]:
    """``n`` images in requests of at most ``per_request``: [per, per, …, rest]."""
    per = max(1, per_request)
    full, rest = divmod(max(1, n), per)
    return [per] * full + ([rest] if rest else [])


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request of a round: which variants it covered and how it went."""

    offset: int  # first variant slot (0-based)
    n: int
    ok: bool
    request_id: str | None = None
    ttfb_s: float | None = None
    total_s: float | None = None
    attempts: int = 1
    usage: dict[str, Any] | None = None
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "variants": list(range(self.offset + 1, self.offset + self.n + 1)),
            "ok": self.ok,
            "request_id": self.request_id,
            "ttfb_s": None if self.ttfb_s is None else round(self.ttfb_s, 4),
            "total_s": None if self.total_s is None else round(self.total_s, 4),
            "attempts": self.attempts,
        }
        if self.usage is not None:
            out["usage"] = self.usage
        if self.error is not None:
            out["error"] = self.error
        return out


@dataclass(slots=True)
class FanOut:
    """What the requests of one round gave: (first slot, result) per success, in slot order."""

    results: list[tuple[int, EditResult]] = field(default_factory=list)
    failures: list[EditError] = field(default_factory=list)
    records: list[RequestRecord] = field(default_factory=list)
    learned_limit: int | None = None  # set when a rejection taught a new limit this round
    stream_fallback: bool = False  # a streamed request had to be resent without streaming

    @property
    def requested(self) -> int:
        return sum(r.n for r in self.records)


def failure_summary(failures: list[EditError], failed: int, asked: int) -> str | None:
    """``"2 of 4 variants failed: <first reason>"`` (None without failures)."""
    if not failures:
        return None
    reasons: list[str] = []
    for error in failures:
        if error.user_message not in reasons:
            reasons.append(error.user_message)
    more = (
        f" (and {len(reasons) - 1} other reason{'s' * (len(reasons) > 2)})"
        if len(reasons) > 1
        else ""
    )
    noun = "variant" if asked == 1 else "variants"
    return f"{failed} of {asked} {noun} failed: {reasons[0]}{more}"


def merge_results(parts: list[tuple[int, EditResult]], total_s: float) -> EditResult:
    """One EditResult for a round: images in slot order, usage added up, the first request's
    id and metadata, the earliest first byte and the round's wall time."""
    if not parts:
        raise ValueError("no results to merge")
    if len(parts) == 1:
        return parts[0][1]
    first = parts[0][1]
    usage: dict[str, Any] | None = None
    for _, result in parts:
        usage = add_usage(usage, result.usage)
    ttfbs = [r.timings.ttfb_s for _, r in parts if r.timings.ttfb_s is not None]
    return EditResult(
        created=first.created,
        images=[image for _, result in parts for image in result.images],
        usage=usage,
        request_id=first.request_id,
        meta=dict(first.meta),
        gateway=first.gateway,
        timings=Timings(
            ttfb_s=min(ttfbs) if ttfbs else None,
            total_s=total_s,
            attempts=max(r.timings.attempts for _, r in parts),
        ),
    )


async def send_fanned(
    client: EditsClient,
    request: EditRequest,
    *,
    per_request: int,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_progress: Callable[[Progress], None] | None = None,
    on_partial: Callable[[PartialImage], None] | None = None,
    memory: CapabilityMemory | None = None,
    profile: str = "",
) -> FanOut:
    """Send ``request`` (its ``n`` images) as requests of at most ``per_request`` images, at most
    ``concurrency`` at a time. Never raises EditError: failures are collected in the result."""
    gate = asyncio.Semaphore(max(1, concurrency))
    out = FanOut()
    outcomes: dict[int, tuple[int, EditResult]] = {}

    def shifted(offset: int) -> Callable[[PartialImage], None] | None:
        if on_partial is None:
            return None
        callback = on_partial
        return lambda p: callback(replace(p, index=p.index + offset))

    async def one(offset: int, k: int) -> None:
        async with gate:
            try:
                result = await client.edit(
                    replace(request, n=k), on_progress=on_progress, on_partial=shifted(offset)
                )
            except EditError as error:
                rejected = k > 1 and is_n_rejection(error)
                if not rejected:
                    out.failures.append(error)
                    out.records.append(
                        RequestRecord(
                            offset,
                            k,
                            False,
                            request_id=getattr(error, "request_id", None),
                            attempts=error.attempts,
                            error=error.user_message,
                        )
                    )
                    return
            else:
                outcomes[offset] = (offset, result)
                if result.stream_fallback:
                    out.stream_fallback = True
                    if memory is not None:
                        memory.learn_no_stream(profile, request.model)
                out.records.append(
                    RequestRecord(
                        offset,
                        k,
                        True,
                        request_id=result.request_id,
                        ttfb_s=result.timings.ttfb_s,
                        total_s=result.timings.total_s,
                        attempts=result.timings.attempts,
                        usage=result.usage,
                    )
                )
                return
        # The service takes one image per request: remember, and send this share one by one.
        out.learned_limit = 1
        if memory is not None:
            memory.learn(profile, request.model, 1)
        await asyncio.gather(*(one(offset + i, 1) for i in range(k)))

    offsets: list[tuple[int, int]] = []
    position = 0
    for k in split_counts(request.n_to_send, per_request):
        offsets.append((position, k))
        position += k
    await asyncio.gather(*(one(offset, k) for offset, k in offsets))
    out.results = [outcomes[key] for key in sorted(outcomes)]
    out.records.sort(key=lambda r: r.offset)
    return out
