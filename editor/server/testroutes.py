"""``/_test/*``: the request logs and the fault queue. Mounted only with ``enable_faults=True``."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request

from editor.server.config import get_config
from editor.server.errors import bad_request
from editor.server.faults import Fault

router = APIRouter(prefix="/_test")


@router.get("/requests")
async def list_requests(request: Request) -> list[dict[str, Any]]:
    return get_config(request).log.entries()


@router.delete("/requests")
async def clear_requests(request: Request) -> dict[str, bool]:
    get_config(request).log.clear()
    return {"cleared": True}


@router.get("/file-requests")
async def list_file_requests(request: Request) -> list[dict[str, Any]]:
    """Result-file downloads: method, path, credential scheme (never the credential), fault."""
    return get_config(request).file_log.entries()


@router.delete("/file-requests")
async def clear_file_requests(request: Request) -> dict[str, bool]:
    get_config(request).file_log.clear()
    return {"cleared": True}


async def _json(request: Request, unreadable: str) -> Any:
    """The request's JSON body; ``unreadable`` is the 400's message when it is not JSON."""
    try:
        return json.loads(await request.body())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad_request(unreadable) from exc


@router.put("/stand-in-reports")
async def set_stand_in_reports(request: Request) -> dict[str, str]:
    """What the ``openai`` stand-in says it did, over what was asked (empty object: the truth)."""
    doc = await _json(request, 'Send a JSON object such as {"quality": "high"}.')
    allowed = {"size", "quality", "output_format", "background"}
    if not isinstance(doc, dict) or not set(doc) <= allowed:
        raise bad_request(f"Reports are an object with keys among {sorted(allowed)}.")
    reports = get_config(request).stand_in_reports
    reports.clear()
    reports.update({str(k): str(v) for k, v in doc.items()})
    return dict(reports)


@router.get("/faults")
async def list_faults(request: Request) -> list[dict[str, Any]]:
    return [fault.public() for fault in get_config(request).faults.pending()]


@router.post("/faults")
async def add_fault(request: Request) -> dict[str, Any]:
    fault = Fault.parse(await _json(request, "The fault must be a JSON object."))
    get_config(request).faults.add(fault)
    return fault.public()


@router.delete("/faults")
async def clear_faults(request: Request) -> dict[str, bool]:
    get_config(request).faults.clear()
    return {"cleared": True}
