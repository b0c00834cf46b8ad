"""{a|b} alternatives expand into every combination; labels keep the words that differ."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from editor.core.prompt_matrix import (
    MAX_PROMPTS,
    differing_words,
    expand,
    expand_all,
    expand_lines,
    marked_words,
)


def test_two_groups_give_four_prompts_in_reading_order() -> None:
    assert expand("a {red|blue} {velvet|leather} armchair") == [
        "a red velvet armchair",
        "a red leather armchair",
        "a blue velvet armchair",
        "a blue leather armchair",
    ]


def test_braces_without_alternatives_stay_as_typed() -> None:
    assert expand("a sign that says {hello} and {") == ["a sign that says {hello} and {"]


def test_an_empty_alternative_leaves_no_double_space() -> None:
    assert expand("a {|very} big cat") == ["a big cat", "a very big cat"]


def test_lines_and_repeats() -> None:
    assert expand_lines("a door\n\n a {door|window} \n") == ["a door", "a window"]
    assert expand_all(["x", "x"]) == ["x"]


def test_too_many_is_refused_with_the_count() -> None:
    with pytest.raises(ValueError, match="128 prompts"):
        expand("{a|b|c|d} {a|b|c|d} {a|b|c|d} {a|b}")
    assert len(expand("{a|b|c|d} {a|b|c|d} {a|b|c|d}")) == MAX_PROMPTS


def test_labels_are_the_words_that_differ() -> None:
    prompts = expand("a {red|blue} {velvet|leather} armchair")
    assert differing_words(prompts) == ["red velvet", "red leather", "blue velvet", "blue leather"]
    assert differing_words(["one prompt"]) == ["one prompt"]


words = st.text(alphabet="abcxyz", min_size=1, max_size=5)


@given(
    st.lists(st.lists(words, min_size=1, max_size=3, unique=True), min_size=0, max_size=3),
    st.lists(words, min_size=1, max_size=4),
)
def test_every_combination_once(groups: list[list[str]], fixed: list[str]) -> None:
    prompt = " ".join(fixed[:1] + [f"{{{'|'.join(g)}}}" if len(g) > 1 else g[0] for g in groups])
    out = expand(prompt)
    expected = 1
    for group in groups:
        expected *= len(group)
    assert len(out) == len(set(out)) == expected
    assert all("{" not in p and "|" not in p for p in out)


def test_marked_words_are_those_some_other_prompt_lacks() -> None:
    marks = marked_words(["a red ball", "a blue ball"])
    assert marks == [
        [("a", False), ("red", True), ("ball", False)],
        [("a", False), ("blue", True), ("ball", False)],
    ]
    assert marked_words(["alone"]) == [[("alone", False)]]
