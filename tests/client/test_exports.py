"""The public front: exactly these names, all importable, nothing private leaks out."""

from __future__ import annotations

import editor.client as client

EXPECTED = {
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
    "SSEDecoder",
    "ServerSentEvent",
    "RequestBuildError",
    "Route",
    "ServerError",
    "ServiceConnectionError",
    "ServiceTimeoutError",
    "Timings",
    "warm_up",
    "build_json",
    "build_multipart",
}


def test_exported_members() -> None:
    assert set(client.__all__) == EXPECTED
    assert len(client.__all__) == len(EXPECTED)
    for name in client.__all__:
        assert getattr(client, name) is not None


def test_error_tree() -> None:
    c = client
    assert issubclass(c.RequestBuildError, c.EditError)
    assert issubclass(c.RequestBuildError, ValueError)
    for cls in (c.ServiceConnectionError, c.ServiceTimeoutError, c.APIStatusError):
        assert issubclass(cls, c.EditError)
    assert issubclass(c.BadResponseError, c.EditError)
    for cls in (
        c.BadRequestError,
        c.AuthenticationError,
        c.PermissionDeniedError,
        c.NotFoundError,
        c.PayloadTooLargeError,
        c.RateLimitError,
        c.ServerError,
    ):
        assert issubclass(cls, c.APIStatusError)
    assert issubclass(c.QuotaExceededError, c.RateLimitError)


def test_client_imports_only_core_and_httpx() -> None:
    import ast
    import pathlib
    import sys

    allowed_roots = {"httpx", "__future__"}
    stdlib = set(sys.stdlib_module_names)
    for path in pathlib.Path(client.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                roots = {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    target = (node.module or "").split(".")[0]
                    assert node.level == 1 or target in ("core", ""), (path.name, node.module)
                    continue
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert roots <= allowed_roots | stdlib, (path.name, roots)
