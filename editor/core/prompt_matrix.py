"""A prompt matrix: ``{a|b|c}`` alternatives expanded into every combination, and what tells
the prompts apart.

"a {red|blue} {velvet|leather} armchair" gives four prompts, first alternatives varying slowest
(the order a designer reads them in). ``{`` without a closing ``}``, or braces without a ``|``,
are kept as typed: a prompt may mention braces. One prompt per line is the other way to write a
matrix (:func:`expand_lines`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

__all__ = [
    "MAX_PROMPTS",
    "differing_words",
    "expand",
    "expand_all",
    "expand_lines",
    "marked_words",
]

# More than this many prompts is a typing slip, not a comparison (a 4×4×4 matrix): refused.
MAX_PROMPTS = 64

_GROUP = re.compile(r"\{([^{}]*\|[^{}]*)\}")


def expand(prompt: str) -> list[str]:
    """Every combination of the prompt's ``{a|b}`` groups, in reading order, without repeats.
    Raises ValueError past MAX_PROMPTS."""
    pieces: list[str] = []
    choices: list[list[str]] = []
    last = 0
    for match in _GROUP.finditer(prompt):
        pieces.append(prompt[last : match.start()])
        choices.append([option.strip() for option in match.group(1).split("|")])
        last = match.end()
    pieces.append(prompt[last:])
    count = 1
    for options in choices:
        count *= len(options)
    if count > MAX_PROMPTS:
        raise ValueError(
            f"The prompt expands to {count} prompts; at most {MAX_PROMPTS} go in one round."
        )
    out: list[str] = []
    for combo in itertools.product(*choices):
        text = pieces[0] + "".join(o + p for o, p in zip(combo, pieces[1:], strict=True))
        text = " ".join(text.split())  # an empty option leaves no double space
        if text not in out:
            out.append(text)
    return out


def expand_all(prompts: Iterable[str]) -> list[str]:
    """Each prompt expanded, in order, without repeats; ValueError past MAX_PROMPTS in all."""
    out: list[str] = []
    for prompt in prompts:
        out.extend(p for p in expand(prompt) if p not in out)
    if len(out) > MAX_PROMPTS:
        raise ValueError(f"That is {len(out)} prompts; at most {MAX_PROMPTS} go in one round.")
    return out


def expand_lines(text: str) -> list[str]:
    """One prompt per non-empty line, each line expanded too."""
    return expand_all(line.strip() for line in text.splitlines() if line.strip())


def differing_words(prompts: Sequence[str]) -> list[str]:
    """For each prompt, the words that tell it apart from the others: the prompt without the
    longest run of words every prompt starts with and every prompt ends with. A single prompt,
    or one left empty by that, is labelled whole."""
    if len(prompts) < 2:
        return list(prompts)
    split = [p.split() for p in prompts]
    shortest = min(len(words) for words in split)
    head = 0
    while head < shortest and len({words[head] for words in split}) == 1:
        head += 1
    tail = 0
    while tail < shortest - head and len({words[-1 - tail] for words in split}) == 1:
        tail += 1
    labels = []
    for prompt, words in zip(prompts, split, strict=True):
        middle = words[head : len(words) - tail]
        labels.append(" ".join(middle) if middle else prompt)
    return labels


def marked_words(prompts: Sequence[str]) -> list[list[tuple[str, bool]]]:
    """Each prompt's words, each marked True where some other prompt lacks it (what sets the
    prompts apart, to highlight); nothing is marked for a single prompt."""
    split = [p.split() for p in prompts]
    shared = set.intersection(*(set(words) for words in split)) if split else set()
    several = len(prompts) > 1
    return [[(word, several and word not in shared) for word in words] for words in split]
