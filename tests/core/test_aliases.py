"""A gateway's own model names: taken for the known model they stand for (sizes, limits, prices)."""

from __future__ import annotations

import pytest

from editor.core.aliases import OTHER, alias_family, guess_family
from editor.core.models import GPT_IMAGE_SIZES, MODELS, NATIVE_LONG_EDGE_CAP, model_spec
from editor.core.pricing import PriceTable, default_prices


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("openai/gpt-image-1", "gpt-image-1"),
        ("azure-gpt-image-1", "gpt-image-1"),
        ("azure/gpt-image-1-2025-04-15", "gpt-image-1"),
        ("openai/gpt-image-1.5", "gpt-image-1.5"),
        ("openai/gpt-image-1-mini", "gpt-image-1-mini"),
        ("vertex/GPT-IMAGE-2", "gpt-image-2"),
        ("openai/gpt-image-2.6-flare", "gpt-image-2.6-flare"),
        ("azure-gpt-image-2.5-sunburst", "gpt-image-2.5-sunburst"),
        ("openai/dall-e-2", "dall-e-2"),
        ("team-image", None),
        ("gpt-image-10", None),
        ("my-dall-e-22", None),
        ("", None),
    ],
)
def test_names_that_contain_a_known_model_are_guessed(name: str, family: str | None) -> None:
    assert guess_family(name, MODELS) == family


def test_the_profiles_alias_wins_over_the_guess_and_other_stops_it() -> None:
    aliases = {"team-image": "gpt-image-2", "openai/gpt-image-1": OTHER}
    assert alias_family("team-image", aliases, MODELS) == "gpt-image-2"
    assert alias_family("openai/gpt-image-1", aliases, MODELS) is None
    assert alias_family("azure-gpt-image-1", aliases, MODELS) == "gpt-image-1"


def test_an_alias_is_sized_and_limited_like_its_model_under_its_own_name() -> None:
    spec = model_spec("team-image", aliases={"team-image": "dall-e-2"})
    assert spec.name == "team-image"
    assert spec.sizes == MODELS["dall-e-2"].sizes and spec.max_prompt == 1000
    guessed = model_spec("openai/gpt-image-1")
    assert guessed.sizes == GPT_IMAGE_SIZES and not guessed.native
    # A gateway's name for a local engine is never the in-process engine itself.
    assert not model_spec("openai/telea").local and model_spec("telea").local
    # "other": the profile's sizes, or the image's own size under the cap.
    other = model_spec("openai/gpt-image-1", aliases={"openai/gpt-image-1": OTHER})
    assert other.native and other.long_edge_cap == NATIVE_LONG_EDGE_CAP
    sized = model_spec("team-image", aliases={"team-image": OTHER}, profile_sizes=((1024, 768),))
    assert sized.sizes == ((1024, 768),)


def test_an_alias_is_priced_like_its_model() -> None:
    table = PriceTable(aliases={"team-image": "gpt-image-1"})
    assert table.for_model("team-image") == default_prices()["gpt-image-1"]
    assert table.for_model("azure-gpt-image-1") == default_prices()["gpt-image-1"]
    assert table.for_model("team-other") is None
    # The user's own price for the known model applies to its alias too.
    mine = table.set("gpt-image-1", 1.0, 2.0, 3.0)
    assert table.for_model("team-image") == mine
