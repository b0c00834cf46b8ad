"""The model table is data: today's models, shut-down ones with dates, and the user's additions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from editor.core.models import (
    DEFAULT_REMOTE_MODEL,
    MODELS,
    ModelTableError,
    current_models,
    image_model_names,
    load_user_models,
    model_spec,
    reload_models,
    retirement_words,
    shipped_table_path,
)
from editor.core.pricing import PriceTable
from editor.core.sizing import plan_for


@pytest.fixture
def restore_table() -> Iterator[None]:
    yield
    reload_models()  # the shipped table again for every other test


def test_the_shipped_table_holds_todays_models_and_the_shut_down_ones() -> None:
    doc = json.loads(shipped_table_path().read_text())
    names = {m["name"] for m in doc["models"]}
    assert {
        "gpt-image-2",
        "gpt-image-2.5-flare",
        "gpt-image-2.5-sunburst",
        "gpt-image-2.6-flare",
        "gpt-image-2.6-sunburst",
    } <= set(current_models())
    assert {"gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5", "chatgpt-image-latest"} <= names
    assert DEFAULT_REMOTE_MODEL == "gpt-image-2.6-flare" == current_models()[0]
    retired = {n for n in image_model_names() if MODELS[n].retired()}
    assert retired == {
        "gpt-image-1",
        "gpt-image-1-mini",
        "gpt-image-1.5",
        "chatgpt-image-latest",
    } | {"dall-e-2"}
    assert MODELS["gpt-image-1"].shutdown_date == "2026-10-23"


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("gpt-image-2.6-flare", "gpt-image-2.6-flare"),
        ("gpt-image-2.6-flare-2026-11-04", "gpt-image-2.6-flare"),
        ("openai/gpt-image-2.6-flare", "gpt-image-2.6-flare"),
        ("gpt-image-2.6-all", "gpt-image-2.6-sunburst"),
        ("azure/gpt-image-2.6-vip", "gpt-image-2.6-sunburst"),
        ("gpt-image-2.5-sunburst-2026-09-08", "gpt-image-2.5-sunburst"),
        ("gpt-image-2-2026-04-21", "gpt-image-2"),
    ],
)
def test_2x_names_and_spellings_find_their_entry(name: str, family: str) -> None:
    spec = model_spec(name)
    assert spec.known and spec.family == family and spec.name == name
    # Never taken for gpt-image-2 (whose rules differ) nor unknown.
    assert family == "gpt-image-2" or spec.family != "gpt-image-2"


def test_capabilities_per_model() -> None:
    flare, g2, g25 = (
        MODELS[n] for n in ("gpt-image-2.6-flare", "gpt-image-2", "gpt-image-2.5-flare")
    )
    assert {"xhigh", "max"} <= set(flare.qualities) and "xhigh" not in g2.qualities
    assert flare.complexities == ("low", "medium", "high") and not g25.complexities
    assert flare.markup and not g25.markup and not g2.markup
    assert not any(MODELS[n].input_fidelity for n in current_models())
    assert "transparent" in flare.backgrounds and "transparent" not in g2.backgrounds
    assert MODELS["gpt-image-1"].input_fidelity and MODELS["gpt-image-1"].sizes


def test_a_shut_down_model_names_current_replacements() -> None:
    words = retirement_words(model_spec("gpt-image-1"))
    assert words == (
        "gpt-image-1 was shut down by OpenAI on 2026-10-23; use gpt-image-2.6-flare (fast) "
        "or gpt-image-2.6-sunburst (detail)"
    )


def test_every_2x_price_has_a_source_or_says_estimate() -> None:
    table = PriceTable()
    for name in current_models():
        price = table.for_model(name)
        assert price is not None, name
        assert price.note, name  # where the figure comes from
    assert not table.for_model("gpt-image-2.6-sunburst").estimate  # OpenAI's Nov 2026 page
    assert table.for_model("gpt-image-2.6-flare").estimate  # no authoritative figure


def test_a_user_file_adds_a_model_and_overrides_a_field(
    tmp_path: Path, restore_table: None
) -> None:
    (tmp_path / "models.json").write_text(
        json.dumps(
            {
                "models": [
                    {
                        "name": "gpt-image-3-preview",
                        "status": "current",
                        "size": {"free": "gpt-image-2"},
                        "qualities": ["low", "high"],
                        "markup": True,
                    },
                    {
                        "name": "gpt-image-2",
                        "qualities": ["low", "medium", "high", "auto", "xhigh"],
                    },
                ]
            }
        )
    )
    assert load_user_models(tmp_path) is None
    new = model_spec("gpt-image-3-preview")
    assert new.known and new.free_size and new.markup and new.qualities == ("low", "high")
    assert "xhigh" in MODELS["gpt-image-2"].qualities
    assert MODELS["gpt-image-2"].free_size  # the rest of the shipped entry stays


def test_a_broken_user_file_keeps_the_shipped_table(tmp_path: Path, restore_table: None) -> None:
    (tmp_path / "models.json").write_text('{"models": [{"status": "current"}]}')
    said = load_user_models(tmp_path)
    assert said is not None and "shipped one is in force" in said
    assert "gpt-image-2.6-flare" in MODELS
    with pytest.raises(ModelTableError):
        reload_models(tmp_path / "models.json")


@given(st.integers(1, 20000), st.integers(1, 20000))
def test_2x_sizes_keep_every_rule(w: int, h: int) -> None:
    plan = plan_for((w, h), model_spec("gpt-image-2.6-flare"))
    tw, th = plan.target_size
    assert tw % 16 == 0 and th % 16 == 0
    assert 1 / 3 <= tw / th <= 3
    assert max(tw, th) <= 3840
    assert 655_360 <= tw * th <= 8_294_400
    assert plan.size_field == f"{tw}x{th}"
    sw, sh = plan.scaled_size
    assert sw <= tw and sh <= th


def test_2x_default_budget_and_native_density() -> None:
    big = plan_for((6000, 4000), model_spec("gpt-image-2.6-flare"))
    # 2560x1440 worth of pixels by default (the experimental range above it is not used).
    assert abs(big.target_size[0] * big.target_size[1] - 2560 * 1440) < 0.01 * 2560 * 1440
    small = plan_for((1200, 800), model_spec("gpt-image-2.6-flare"))
    assert small.scaled_size == (1200, 800)  # within the budget: sent at its own size
