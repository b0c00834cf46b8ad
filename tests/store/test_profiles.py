"""Endpoint profiles: exact JSON round trips, plain validation, insecure-address warning."""

from __future__ import annotations

import json

import pytest

from editor.client import ApiKey, Endpoint
from editor.store import (
    LOCAL_PROFILE_ID,
    OPENAI_PROFILE_ID,
    Profile,
    ProfileError,
    ProfileSet,
    builtin_profiles,
    needs_insecure_warning,
)


def custom(**changes: object) -> Profile:
    values: dict[str, object] = {
        "id": "studio",
        "name": "Studio server",
        "base_url": "https://images.example.com/v1/",
        "route": "edits",
        "body": "json",
        "default_model": "flux-fill",
        "default_size": "1536x1024",
        "default_quality": "high",
        "timeout": 120.5,
        "connect_timeout": 3,
        "max_retries": 4,
        "extra_headers": {"X-Team": "design", "X-Api-Key": "abc123"},
        "sizes": ("1024x1024", "1536x1024"),
        "color_match": True,
        "color_match_strength": 0.6,
    }
    values.update(changes)
    return Profile(**values)  # type: ignore[arg-type]


GATEWAY = custom(
    extra_headers={"X-Team": "a"},
    aliases={"team-image": "gpt-image-1", "odd-one": "other"},
    service_models=("team-image", "openai/gpt-image-1"),
    response_format="b64_json",
)


@pytest.mark.parametrize(
    "profile", [*builtin_profiles(), custom(extra_headers={"X-Team": "a"}), GATEWAY]
)
def test_profiles_round_trip_through_json_exactly(profile: Profile) -> None:
    text = json.dumps(profile.to_json())
    assert Profile.from_json(json.loads(text)) == profile


def test_secret_headers_stay_out_of_json() -> None:
    p = custom()
    doc = p.to_json()
    assert doc["extra_headers"] == {"X-Team": "design", "X-Api-Key": {"$secret": True}}
    assert "abc123" not in json.dumps(doc) and "abc123" not in repr(p)
    assert p.secret_headers() == {"X-Api-Key": "abc123"}
    back = Profile.from_json(doc, {"X-Api-Key": "abc123"}.get)
    assert back == p
    assert Profile.from_json(doc).extra_headers == {"X-Team": "design"}


def test_builtins() -> None:
    local, openai = builtin_profiles()
    assert (local.id, local.name, local.kind, local.deletable) == (
        LOCAL_PROFILE_ID,
        "Local engine",
        "local",
        False,
    )
    assert local.to_endpoint(ApiKey("sk-x")).api_key is None  # the engine takes no key
    assert (openai.name, openai.base_url, openai.env_key_allowed) == (
        "OpenAI",
        "https://api.openai.com/v1",
        True,
    )
    assert not needs_insecure_warning(local) and not needs_insecure_warning(openai)


def test_to_endpoint() -> None:
    p = custom()
    e = p.to_endpoint(ApiKey("sk-1"))
    assert e == Endpoint(
        base_url="https://images.example.com/v1",
        api_key=ApiKey("sk-1"),
        route="edits",
        body="json",
        timeout=120.5,
        connect_timeout=3,
        max_retries=4,
        extra_headers={"X-Team": "design", "X-Api-Key": "abc123"},
    )
    assert e.extra_headers == {"X-Team": "design", "X-Api-Key": "abc123"}
    assert p.size_pairs == ((1024, 1024), (1536, 1024))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "  "}, "A profile needs a name"),
        ({"base_url": "api.example.com"}, "is not a web address like https://"),
        ({"base_url": "ftp://example.com"}, "is not a web address"),
        ({"base_url": "https://exa mple.com"}, "is not a web address"),
        ({"base_url": "https://example.com:99999"}, "is not a web address"),
        ({"base_url": "https://me:pw@example.com"}, "must not contain a user name"),
        ({"base_url": "https://example.com/v1?key=1"}, "must not contain"),
        ({"route": "v1/edit"}, "The route must be"),
        ({"body": "xml"}, "multipart or json"),
        ({"timeout": 0}, "more than 0 seconds"),
        ({"max_retries": 11}, "between 0 and 10"),
        ({"sizes": ("big",)}, "“big” is not WIDTHxHEIGHT"),
        ({"default_size": "1024"}, "not WIDTHxHEIGHT"),
        ({"color_match_strength": 1.5}, "between 0 and 1"),
        ({"extra_headers": {"Bad Header": "x"}}, "not a valid header name"),
        ({"extra_headers": {"X-A": "a\r\nb"}}, "one line of text"),
        ({"id": "Has Space"}, "may only hold"),
        ({"aliases": {"team-image": "dall-e-3"}}, "can be treated like gpt-image-2.6-flare, "),
        ({"aliases": {" ": "gpt-image-1"}}, "needs a model name"),
        ({"response_format": "png"}, "b64_json, url or the service's default"),
        ({"key_env": "TEAM-KEY"}, "not an environment variable name"),
        ({"key_env": "sk-abc def"}, "not an environment variable name"),
    ],
)
def test_validation_messages_are_plain(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        custom(**changes)


@pytest.mark.parametrize(
    ("url", "warn"),
    [
        ("http://192.168.1.20:8000/v1", True),
        ("http://images.example.com/v1", True),
        ("http://localhost:8000/v1", False),
        ("http://127.0.0.1:8000/v1", False),
        ("http://[::1]:8000/v1", False),
        ("http://gpu.localhost/v1", False),
        ("https://images.example.com/v1", False),
    ],
)
def test_insecure_warning(url: str, warn: bool) -> None:
    assert needs_insecure_warning(custom(base_url=url)) is warn


@pytest.mark.parametrize(
    ("url", "optional"),
    [
        ("http://127.0.0.1:8000/v1", True),
        ("http://127.8.9.10/v1", True),
        ("http://[::1]:8000/v1", True),
        ("http://localhost:8000/v1", True),
        ("https://api.openai.com/v1", False),
        ("http://192.168.1.20:8000/v1", False),
        ("http://128.0.0.1/v1", False),
    ],
)
def test_services_on_this_computer_may_run_without_a_key(url: str, optional: bool) -> None:
    assert custom(base_url=url).key_optional is optional


def test_a_profile_names_its_key_variable_and_only_the_name_is_saved() -> None:
    profile = custom(extra_headers={}, key_env=" TEAM_GATEWAY_KEY ")
    assert profile.key_env == "TEAM_GATEWAY_KEY"
    assert Profile.from_json(profile.to_json()) == profile
    assert custom(extra_headers={}, key_env="  ").key_env is None


def test_replace_all_changes_everything_or_nothing() -> None:
    profiles = ProfileSet()
    seen: list[None] = []
    profiles.changed.connect(lambda: seen.append(None))
    clash = [*profiles, custom(extra_headers={}), custom(id="twin", extra_headers={})]
    with pytest.raises(ProfileError, match="already a profile named"):
        profiles.replace_all(clash)
    assert [p.id for p in profiles] == [LOCAL_PROFILE_ID, OPENAI_PROFILE_ID] and not seen
    local = profiles.get(LOCAL_PROFILE_ID)
    with pytest.raises(ProfileError, match="can't be changed"):
        profiles.replace_all([local.with_(base_url="http://elsewhere/v1")])
    profiles.replace_all([local, custom(extra_headers={})])
    assert [p.id for p in profiles] == [LOCAL_PROFILE_ID, "studio"] and len(seen) == 1


def test_profile_set_rules() -> None:
    profiles = ProfileSet()
    seen: list[None] = []
    profiles.changed.connect(lambda: seen.append(None))
    assert [p.id for p in profiles] == [LOCAL_PROFILE_ID, OPENAI_PROFILE_ID]
    profiles.add(custom(extra_headers={}))
    with pytest.raises(ProfileError, match="already a profile named"):
        profiles.add(custom(id=profiles.new_id("Studio server"), extra_headers={}))
    assert profiles.new_id("Studio server") == "studio-server"
    with pytest.raises(ProfileError, match="can't be deleted"):
        profiles.remove(LOCAL_PROFILE_ID)
    local = profiles.get(LOCAL_PROFILE_ID)
    with pytest.raises(ProfileError, match="can't be changed"):
        profiles.update(local.with_(base_url="http://elsewhere/v1"))
    profiles.update(local.with_(default_model="navier-stokes"))
    profiles.remove(OPENAI_PROFILE_ID)
    assert [p.id for p in profiles] == [LOCAL_PROFILE_ID, "studio"]
    assert len(seen) == 3
    assert ProfileSet([custom(extra_headers={})]).get(LOCAL_PROFILE_ID).kind == "local"


def test_a_profile_saved_before_gateways_reads_with_empty_gateway_fields() -> None:
    raw = GATEWAY.to_json()
    for name in ("aliases", "service_models", "response_format"):
        del raw[name]
    old = Profile.from_json(raw)
    assert (old.aliases, old.service_models, old.response_format) == ({}, (), None)
