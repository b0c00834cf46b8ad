"""Writing an edit's variants and its JSON sidecar."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from editor.client import EditError
from editor.core.atomic import atomic_write_bytes
from editor.core.faithful_save import Provenance, encode_for_save, read_metadata
from editor.core.models import model_spec
from editor.core.pricing import PriceTable, parse_usage
from editor.core.prompt_matrix import differing_words
from editor.core.references import reference_records
from editor.core.sizing import SendPlan
from editor.pipeline import EditOutcome, EditParams
from editor.pipeline.regions import RegionsOutcome
from editor.pipeline.round_trip import Variant


def _public_endpoint(endpoint: str) -> str:
    """The endpoint as safe to record: no user info, query or fragment."""
    parts = urlsplit(endpoint)
    if not parts.scheme:
        return endpoint
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}"


def write_outcome(
    out_dir: Path,
    image_path: Path,
    params: EditParams,
    outcome: EditOutcome,
    *,
    endpoint: str,
    total_s: float,
    strip_metadata: bool = False,
    prices: PriceTable | None = None,
    expand: dict[str, object] | None = None,
    markup: dict[str, object] | None = None,
    stem: str | None = None,
) -> list[Path]:
    """Write every variant (PNG, full resolution) and one sidecar; return the written paths.

    Variants carry the original's ICC/EXIF/DPI and provenance unless ``strip_metadata``.
    ``expand`` (the canvas expansion, when the round grew the frame) goes into the sidecar as is.
    """
    stem = _free_stem(out_dir, image_path, stem)
    saver = _Saver(out_dir, image_path, params, endpoint, strip_metadata)
    variants_meta = [
        saver.variant(f"{stem}-v{v.index + 1}.png", v, v.index + 1) for v in outcome.variants
    ]
    written = list(saver.written)
    result = outcome.result
    table = prices if prices is not None else PriceTable()
    usage = parse_usage(result.usage)
    sidecar: dict[str, object] = {
        "image": str(image_path),
        "prompt": params.api.prompt,
        "params": _params_json(params),
        "endpoint": _public_endpoint(endpoint),
        "request_id": result.request_id,
        "created": result.created,
        "usage": result.usage,
        "tokens": dataclasses.asdict(usage) if usage is not None else None,
        "cost": _cost_json(table, params.api.model, result.usage),
        "service": result.meta,
        "sent": _sent_json(outcome.plan),
        "variants": variants_meta,
        "references": reference_records(
            params.references, model_spec(params.api.model, profile_sizes=params.profile_sizes)
        ),
        "timings": {
            **{k: round(v, 4) for k, v in outcome.timings.items()},
            "ttfb_s": round(result.timings.ttfb_s or 0.0, 4),
            "request_total_s": round(result.timings.total_s or 0.0, 4),
            "attempts": result.timings.attempts,
            "total_s": round(total_s, 4),
            "requests": [record.as_json() for record in outcome.requests],
        },
    }
    if outcome.stream_fallback:  # asked for previews, but the service could not stream
        sidecar["stream_fallback"] = True
    if outcome.notes:  # options left out, markup sent as a mask: said once, here and on stderr
        sidecar["notes"] = list(outcome.notes)
    if outcome.service_did:  # the service's own word where it differs from what was asked
        sidecar["service_did"] = outcome.service_did
    if markup is not None:
        sidecar["markup"] = markup
    if expand is not None:
        sidecar["expand"] = expand
    if outcome.failures:
        sidecar["failures"] = {
            "message": outcome.failure_message,
            "errors": [{"message": e.user_message, "details": e.details} for e in outcome.failures],
        }
    return [*written, _write_sidecar(out_dir, stem, sidecar)]


def _free_stem(out_dir: Path, image_path: Path, stem: str | None = None) -> str:
    """``photo-20261205-101500``, numbered when two runs share a second; ``stem`` as given
    (a batch names its outputs so a resumed run writes the same files)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if stem is not None:
        return stem
    stamp = time.strftime("%Y%m%d-%H%M%S")
    stem = f"{image_path.stem}-{stamp}"
    counter = 1
    while (out_dir / f"{stem}.json").exists():
        counter += 1
        stem = f"{image_path.stem}-{stamp}-{counter}"
    return stem


class _Saver:
    """Writes variants with the original's metadata and provenance; remembers what it wrote."""

    def __init__(
        self, out_dir: Path, image_path: Path, params: EditParams, endpoint: str, strip: bool
    ) -> None:
        self.out_dir = out_dir
        self.metadata = read_metadata(image_path)
        self.host = urlsplit(endpoint).hostname or endpoint
        self.model = params.api.model
        self.prompt = params.api.prompt
        self.strip = strip
        self.written: list[Path] = []

    def pixels(self, name: str, pixels: np.ndarray, prompt: str) -> Path:
        provenance = Provenance(prompt=prompt, model=self.model, endpoint_host=self.host)
        data = encode_for_save(
            pixels, "png", metadata=self.metadata, provenance=provenance, strip=self.strip
        )
        path = self.out_dir / name
        atomic_write_bytes(path, data)
        self.written.append(path)
        return path

    def variant(
        self, name: str, variant: Variant, number: int, prompt: str | None = None
    ) -> dict[str, object]:
        """Write one variant; its sidecar entry."""
        path = self.pixels(name, variant.pixels, prompt or self.prompt)
        meta: dict[str, object] = {
            "file": path.name,
            "variant": number,
            "revised_prompt": variant.revised_prompt,
        }
        if variant.leak is not None:
            meta["leak"] = variant.leak
        return meta


def _cost_json(table: PriceTable, model: str | None, usage_json: object) -> dict[str, object]:
    # Always an estimate unless the prices were entered by hand (editor.core.pricing).
    cost = table.cost(model, parse_usage(usage_json))
    price = table.for_model(model)
    if cost is None or price is None:
        return {"amount": None, "estimate": True, "why": "no usage reported or no price known"}
    return {
        **cost.as_json(),
        "prices_per_1m_tokens": {
            "text_input": price.text_input,
            "image_input": price.image_input,
            "image_output": price.image_output,
        },
        "prices_as_of": price.as_of,
    }


def _sent_json(plan: SendPlan) -> dict[str, object]:
    return {
        "original_size": list(plan.original_size),
        "sent_size": list(plan.target_size),
        "size_field": plan.size_field,
        "crop": list(plan.crop) if plan.crop is not None else None,
        "density": round(min(plan.scale), 4),  # sent px per original px along an edge
    }


def _write_sidecar(out_dir: Path, stem: str, sidecar: dict[str, object]) -> Path:
    path = out_dir / f"{stem}.json"
    atomic_write_bytes(path, json.dumps(sidecar, indent=2, default=str).encode())
    return path


def write_matrix(
    out_dir: Path,
    image_path: Path,
    params: EditParams,
    prompts: list[str],
    outcomes: list[EditOutcome | EditError],
    *,
    endpoint: str,
    total_s: float,
    strip_metadata: bool = False,
    prices: PriceTable | None = None,
    stem: str | None = None,
) -> list[Path]:
    """A prompt matrix: ``stem-p{row}-v{k}.png`` per prompt and variant, and one sidecar that
    lists each prompt (with the words that set it apart) with its variants, cost and errors."""
    stem = _free_stem(out_dir, image_path, stem)
    saver = _Saver(out_dir, image_path, params, endpoint, strip_metadata)
    table = prices if prices is not None else PriceTable()
    rows: list[dict[str, object]] = []
    plan: SendPlan | None = None
    for row, (prompt, label, outcome) in enumerate(
        zip(prompts, differing_words(prompts), outcomes, strict=True), start=1
    ):
        entry: dict[str, object] = {"row": row, "prompt": prompt, "label": label}
        if isinstance(outcome, EditError):
            entry["variants"] = []
            entry["error"] = {"message": outcome.user_message, "details": outcome.details}
        else:
            plan = outcome.plan
            entry["variants"] = [
                saver.variant(f"{stem}-p{row}-v{v.index + 1}.png", v, v.index + 1, prompt)
                for v in outcome.variants
            ]
            entry["request_id"] = outcome.result.request_id
            entry["cost"] = _cost_json(table, params.api.model, outcome.result.usage)
            if outcome.failures:
                entry["failures"] = outcome.failure_message
        rows.append(entry)
    sidecar: dict[str, object] = {
        "image": str(image_path),
        "prompts": rows,
        "params": _params_json(params),
        "endpoint": _public_endpoint(endpoint),
        "sent": _sent_json(plan) if plan is not None else None,
        "timings": {"total_s": round(total_s, 4)},
    }
    return [*saver.written, _write_sidecar(out_dir, stem, sidecar)]


def write_regions(
    out_dir: Path,
    image_path: Path,
    params: EditParams,
    outcome: RegionsOutcome,
    mask_paths: list[str],
    *,
    endpoint: str,
    total_s: float,
    strip_metadata: bool = False,
    prices: PriceTable | None = None,
    stem: str | None = None,
) -> list[Path]:
    """A round over several regions: ``stem-v{k}.png`` with every region in it, and a sidecar
    listing each region's mask, prompt, crop, cost and own variants' descriptions."""
    stem = _free_stem(out_dir, image_path, stem)
    saver = _Saver(out_dir, image_path, params, endpoint, strip_metadata)
    table = prices if prices is not None else PriceTable()
    prompts = [r.prompt or params.api.prompt for r in outcome.regions]
    files = [
        saver.pixels(f"{stem}-v{k + 1}.png", pixels, " / ".join(prompts)).name
        for k, pixels in enumerate(outcome.variants)
    ]
    regions = [
        {
            "mask": mask,
            "prompt": prompt,
            "sent": _sent_json(own.plan),
            "request_id": own.result.request_id,
            "cost": _cost_json(table, params.api.model, own.result.usage),
            "revised_prompts": [v.revised_prompt for v in own.variants],
            **({"failures": own.failure_message} if own.failures else {}),
        }
        for mask, prompt, own in zip(mask_paths, prompts, outcome.outcomes, strict=True)
    ]
    sidecar: dict[str, object] = {
        "image": str(image_path),
        "regions": regions,
        "variants": [{"file": f, "variant": k + 1} for k, f in enumerate(files)],
        "params": _params_json(params),
        "endpoint": _public_endpoint(endpoint),
        "timings": {"total_s": round(total_s, 4)},
    }
    if outcome.missing:
        sidecar["notes"] = [outcome.missing]
    return [*saver.written, _write_sidecar(out_dir, stem, sidecar)]


def _params_json(params: EditParams) -> dict[str, object]:
    """The sidecar's flat list of what was asked (API options first), without the prompt and
    references (said elsewhere) or unset fields."""
    # Field by field: dataclasses.asdict would deep-copy the references' pixels.
    out: dict[str, object] = {}
    for owner in (params.api, params):
        for f in dataclasses.fields(owner):
            v = getattr(owner, f.name)
            if f.name in ("prompt", "prompts", "references", "api") or v is None:
                continue
            if f.name == "watermark" and not isinstance(v, bool):
                continue
            out[f.name] = v
    return out
