"""The async client for OpenAI-compatible image edits endpoints.

    async with EditsClient(Endpoint.from_env()) as client:
        result = await client.edit(request, on_progress=print)

Only :class:`EditError` subclasses (and ``asyncio.CancelledError``) come out of ``edit``.
"""

from ._client import USER_AGENT, EditsClient, warm_up
from ._endpoint import DEFAULT_BASE_URL, BodyKind, Endpoint, Route
from ._exceptions import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    BadResponseError,
    EditError,
    ModelRetiredError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitError,
    RequestBuildError,
    ServerError,
    ServiceConnectionError,
    ServiceTimeoutError,
)
from ._jsonbody import ImageKey, build_json
from ._models import ListedModel, ModelListing
from ._multipart import Body, build_multipart
from ._progress import Phase, Progress, ProgressCallback
from ._response import EditedImage, EditResult, Timings
from ._secret import ApiKey
from ._sse import ServerSentEvent, SSEDecoder
from ._streaming import PartialCallback, PartialImage

__all__ = [
    "DEFAULT_BASE_URL",
    "USER_AGENT",
    "APIStatusError",
    "ApiKey",
    "AuthenticationError",
    "BadRequestError",
    "BadResponseError",
    "Body",
    "BodyKind",
    "EditError",
    "EditResult",
    "EditedImage",
    "EditsClient",
    "Endpoint",
    "ImageKey",
    "ListedModel",
    "ModelListing",
    "ModelRetiredError",
    "NotFoundError",
    "PartialCallback",
    "PartialImage",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "Phase",
    "Progress",
    "ProgressCallback",
    "QuotaExceededError",
    "RateLimitError",
    "RequestBuildError",
    "Route",
    "SSEDecoder",
    "ServerError",
    "ServerSentEvent",
    "ServiceConnectionError",
    "ServiceTimeoutError",
    "Timings",
    "build_json",
    "build_multipart",
    "warm_up",
]
