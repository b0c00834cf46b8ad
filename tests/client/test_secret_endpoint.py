"""ApiKey never shows itself; Endpoint reads the environment like the official client."""

from __future__ import annotations

import pickle

import pytest

from editor.client import ApiKey, Endpoint

from .conftest import FAKE_KEY


def test_api_key_hides_itself() -> None:
    key = ApiKey(FAKE_KEY)
    assert key.reveal() == FAKE_KEY
    for text in (
        repr(key),
        str(key),
        f"{key}",
        f"{key!r}",
        "{}".format(key),  # noqa: UP032
        format(key, ">40"),
    ):
        assert FAKE_KEY not in text
    assert repr(key) == str(key) == "ApiKey(***)"
    assert key == ApiKey(FAKE_KEY) and key != ApiKey("other")
    assert len({key, ApiKey(FAKE_KEY)}) == 1
    with pytest.raises(TypeError):
        pickle.dumps(key)
    with pytest.raises(ValueError):
        ApiKey("  ")


def test_endpoint_repr_hides_key_and_header_values() -> None:
    ep = Endpoint(
        "http://127.0.0.1:8000/v1/",
        api_key=FAKE_KEY,
        extra_headers={"X-Api-Key": FAKE_KEY},
    )
    assert isinstance(ep.api_key, ApiKey)
    for text in (repr(ep), str(ep), f"{ep}", repr([ep]), repr({"e": ep})):
        assert FAKE_KEY not in text
        assert "ApiKey(***)" in text
    assert ep.base_url == "http://127.0.0.1:8000/v1"
    assert ep.edits_url == "http://127.0.0.1:8000/v1/images/edits"
    assert ep.with_(route="edits").edits_url == "http://127.0.0.1:8000/v1/edits"
    assert ep.models_url == "http://127.0.0.1:8000/v1/models"
    assert ep.host == "127.0.0.1:8000"
    assert Endpoint("https://api.openai.com/v1").host == "api.openai.com"
    assert hash(ep) == hash(Endpoint("http://127.0.0.1:8000/v1", api_key=FAKE_KEY))


def test_endpoint_defaults_follow_the_official_client() -> None:
    ep = Endpoint("https://api.openai.com/v1")
    assert ep.api_key is None
    assert (ep.route, ep.body) == ("images/edits", "multipart")
    assert (ep.timeout, ep.connect_timeout, ep.max_retries) == (600.0, 5.0, 2)
    assert dict(ep.extra_headers) == {}


def test_same_origin() -> None:
    ep = Endpoint("http://127.0.0.1:8000/v1")
    assert ep.same_origin("http://127.0.0.1:8000/v1/files/x.png")
    assert not ep.same_origin("http://127.0.0.1:8001/v1/files/x.png")
    assert not ep.same_origin("https://127.0.0.1:8000/x.png")
    assert not ep.same_origin("http://127.0.0.2:8000/x.png")
    assert Endpoint("https://a.example/v1").same_origin("https://A.example:443/img.png")


def test_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    ep = Endpoint.from_env()
    assert ep.base_url == "https://api.openai.com/v1" and ep.api_key is None

    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9999/v1/")
    ep = Endpoint.from_env(route="edits", max_retries=0)
    assert ep.api_key is not None and ep.api_key.reveal() == FAKE_KEY
    assert ep.base_url == "http://127.0.0.1:9999/v1"
    assert (ep.route, ep.max_retries) == ("edits", 0)
    assert FAKE_KEY not in repr(ep)
    assert Endpoint.from_env(api_key=None).api_key is None
    with pytest.raises(TypeError):
        Endpoint.from_env(colour="blue")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"base_url": "ftp://x/v1"},
        {"base_url": "not a url"},
        {"base_url": "http://127.0.0.1/v1", "route": "images/generations"},
        {"base_url": "http://127.0.0.1/v1", "body": "xml"},
        {"base_url": "http://127.0.0.1/v1", "timeout": 0},
        {"base_url": "http://127.0.0.1/v1", "max_retries": -1},
    ],
)
def test_endpoint_rejects_bad_settings(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Endpoint(**kwargs)  # type: ignore[arg-type]
