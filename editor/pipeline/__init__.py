"""One edit round trip without Qt: prepare pixels, call the service, composite the variants."""

from editor.pipeline.embedded import EMBEDDED_BASE_URL, embedded_client, embedded_endpoint
from editor.pipeline.round_trip import (
    EditOutcome,
    EditParams,
    PreparedEdit,
    Variant,
    prepare_edit,
    run_edit,
)

__all__ = [
    "EMBEDDED_BASE_URL",
    "EditOutcome",
    "EditParams",
    "PreparedEdit",
    "Variant",
    "embedded_client",
    "embedded_endpoint",
    "prepare_edit",
    "run_edit",
]
