"""Writing an edit's variants and its JSON sidecar."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path
from urllib.parse import urlsplit

from editor.core.atomic import atomic_write_bytes
from editor.core.faithful_save import Provenance, encode_for_save, read_metadata
from editor.core.models import model_spec
from editor.core.pricing import PriceTable, parse_usage
from editor.core.references import reference_records
from editor.pipeline import EditOutcome, EditParams


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
) -> list[Path]:
    """Write every variant (PNG, full resolution) and one sidecar; return the written paths.

    Variants carry the original's ICC/EXIF/DPI and provenance unless ``strip_metadata``.
    ``expand`` (the canvas expansion, when the round grew the frame) goes into the sidecar as is.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    stem = f"{image_path.stem}-{stamp}"
    counter = 1
    while (out_dir / f"{stem}.json").exists():  # two runs in the same second
        counter += 1
        stem = f"{image_path.stem}-{stamp}-{counter}"
    written: list[Path] = []
    variants_meta = []
    metadata = read_metadata(image_path)
    provenance = Provenance(
        prompt=params.api.prompt,
        model=params.api.model,
        endpoint_host=urlsplit(endpoint).hostname or endpoint,
    )
    for variant in outcome.variants:
        path = out_dir / f"{stem}-v{variant.index + 1}.png"
        data = encode_for_save(
            variant.pixels, "png", metadata=metadata, provenance=provenance, strip=strip_metadata
        )
        atomic_write_bytes(path, data)
        written.append(path)
        meta: dict[str, object] = {
            "file": path.name,
            "variant": variant.index + 1,
            "revised_prompt": variant.revised_prompt,
        }
        if variant.leak is not None:
            meta["leak"] = variant.leak
        variants_meta.append(meta)
    result = outcome.result
    plan = outcome.plan
    table = prices if prices is not None else PriceTable()
    usage = parse_usage(result.usage)
    cost = table.cost(params.api.model, usage)
    price = table.for_model(params.api.model)
    sidecar: dict[str, object] = {
        "image": str(image_path),
        "prompt": params.api.prompt,
        "params": _params_json(params),
        "endpoint": _public_endpoint(endpoint),
        "request_id": result.request_id,
        "created": result.created,
        "usage": result.usage,
        "tokens": dataclasses.asdict(usage) if usage is not None else None,
        # Always an estimate unless the prices were entered by hand (editor.core.pricing).
        "cost": (
            {
                **cost.as_json(),
                "prices_per_1m_tokens": {
                    "text_input": price.text_input,
                    "image_input": price.image_input,
                    "image_output": price.image_output,
                },
                "prices_as_of": price.as_of,
            }
            if cost is not None and price is not None
            else {"amount": None, "estimate": True, "why": "no usage reported or no price known"}
        ),
        "service": result.meta,
        "sent": {
            "original_size": list(plan.original_size),
            "sent_size": list(plan.target_size),
            "size_field": plan.size_field,
            "crop": list(plan.crop) if plan.crop is not None else None,
            "density": round(min(plan.scale), 4),  # sent px per original px along an edge
        },
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
    sidecar_path = out_dir / f"{stem}.json"
    atomic_write_bytes(sidecar_path, json.dumps(sidecar, indent=2, default=str).encode())
    written.append(sidecar_path)
    return written


def _params_json(params: EditParams) -> dict[str, object]:
    """The sidecar's flat list of what was asked (API options first), without the prompt and
    references (said elsewhere) or unset fields."""
    # Field by field: dataclasses.asdict would deep-copy the references' pixels.
    out: dict[str, object] = {}
    for owner in (params.api, params):
        for f in dataclasses.fields(owner):
            v = getattr(owner, f.name)
            if f.name in ("prompt", "references", "api") or v is None:
                continue
            if f.name == "watermark" and not isinstance(v, bool):
                continue
            out[f.name] = v
    return out
