"""One edit round trip without Qt: prepare pixels, call the service, composite the variants."""

from editor.core.params import ApiOptions, EditParams
from editor.pipeline.embedded import EMBEDDED_BASE_URL, embedded_client, embedded_endpoint
from editor.pipeline.errors import InputError
from editor.pipeline.fanout import (
    DEFAULT_CONCURRENCY,
    CapabilityMemory,
    RequestRecord,
    is_n_rejection,
)
from editor.pipeline.resolve import check, resolve
from editor.pipeline.round_trip import (
    STREAM_FALLBACK_NOTE,
    EditOutcome,
    PartialPreview,
    PreparedEdit,
    Variant,
    prepare_edit,
    preview_from_partial,
    run_edit,
    send_prompts,
    send_round,
)

__all__ = [
    "DEFAULT_CONCURRENCY",
    "EMBEDDED_BASE_URL",
    "STREAM_FALLBACK_NOTE",
    "ApiOptions",
    "CapabilityMemory",
    "EditOutcome",
    "EditParams",
    "InputError",
    "PartialPreview",
    "PreparedEdit",
    "RequestRecord",
    "Variant",
    "check",
    "embedded_client",
    "embedded_endpoint",
    "is_n_rejection",
    "prepare_edit",
    "preview_from_partial",
    "resolve",
    "run_edit",
    "send_prompts",
    "send_round",
]
