"""What is sent, from what was asked: every rewrite of a round's parameters in one place, and
the one check that says in plain words why a round can't be sent.

A round's :class:`~editor.core.params.EditParams` are what the person chose. Before they reach
the service they are rewritten, always here and in this order:

1. the service profile's: its sizes and model aliases, its answer format when none was chosen,
   streamed previews when the profile asks for them;
2. what was learned about the service: no streaming where it could not stream;
3. the engine's: the offline engines read no prompt (an empty one is sent as words), and the
   in-process engine hands full-size results over as links.

:func:`check` is the one set of rules (it knows aliases): the window asks it before sending,
the pipeline again before preparing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from editor.core.color_match import COLOR_METHODS
from editor.core.context import CONTEXT_MODES
from editor.core.models import MODELS, ModelSpec, current_models, model_spec, parse_size
from editor.core.params import EditParams
from editor.core.references import references_refusal

from .errors import InputError
from .fanout import MAX_VARIANTS, CapabilityMemory

__all__ = [
    "COMPLEXITIES",
    "INPUT_FIDELITIES",
    "LOCAL_PROMPT",
    "MAX_PARTIAL_IMAGES",
    "MAX_VARIANTS",
    "ProfileTraits",
    "check",
    "markup_models",
    "resolve",
    "spec_for",
]

MAX_PARTIAL_IMAGES = 3
INPUT_FIDELITIES = ("low", "high")
COMPLEXITIES = ("low", "medium", "high")
# The offline engines fill from the surroundings and never read the prompt; the edits API still
# wants one, so an empty prompt to them is sent as these words.
LOCAL_PROMPT = "fill the masked area from its surroundings"


class ProfileTraits(Protocol):
    """What a service profile changes in what is sent."""

    @property
    def sizes(self) -> tuple[tuple[int, int], ...]: ...
    @property
    def aliases(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def response_format(self) -> str | None: ...
    @property
    def stream(self) -> bool: ...
    @property
    def partial_images(self) -> int: ...


def resolve(
    params: EditParams,
    profile: ProfileTraits | None = None,
    learned: CapabilityMemory | None = None,
    *,
    profile_name: str = "",
    sending: bool = False,
    own_engine: bool = False,
) -> EditParams:
    """``params`` as they are sent (see the module's list); what is not given is not applied.
    The engine's rewrites only when ``sending`` (a round keeps what was asked, an empty prompt
    too); ``own_engine``: our own engine answers (in-process, or the window's child). Applying
    it twice changes nothing."""
    api = params.api
    if profile is not None:
        params = replace(
            params,
            profile_sizes=params.profile_sizes or profile.sizes,
            aliases=params.aliases or profile.aliases,
        )
        if api.response_format is None and profile.response_format:
            api = replace(api, response_format=profile.response_format)
        if profile.stream:
            api = replace(api, stream=True, partial_images=profile.partial_images)
    if api.stream and learned is not None and not learned.streams(profile_name, api.model):
        api = replace(api, stream=False, partial_images=None)
    spec = model_spec(api.model, aliases=dict(params.aliases))
    if sending and spec.local and not api.prompt.strip():
        api = replace(api, prompt=LOCAL_PROMPT)
    if sending and own_engine and spec.local and api.response_format is None and not api.stream:
        # Full-resolution results as links: raw PNG downloads instead of one huge base64 JSON
        # answer, whose encoding and parsing would hold the interpreter for hundreds of ms.
        # Only from our own engine: a link a service behind a gateway hands out may not be
        # reachable.
        api = replace(api, response_format="url")
    return params if api is params.api else replace(params, api=api)


def spec_for(params: EditParams) -> ModelSpec:
    """The model table's entry for the round's model, with the size it asked for, if any."""
    spec = model_spec(
        params.api.model, profile_sizes=params.profile_sizes, aliases=dict(params.aliases)
    )
    if params.api.size and params.api.size != "auto":
        try:
            wanted = parse_size(params.api.size)
        except ValueError as exc:
            raise InputError(
                f"The size {params.api.size!r} is not WIDTHxHEIGHT, e.g. 1024x1024."
            ) from exc
        spec = replace(spec, sizes=(wanted,), free_size=False, native=False)
    return spec


def markup_models() -> list[str]:
    """The current models that take markup."""
    return [n for n in current_models() if MODELS[n].markup]


def check(params: EditParams, *, masked: bool | None = None, marked: bool = False) -> ModelSpec:
    """Raise :class:`InputError` with the plain reason a round can't be sent as asked;
    ``marked``: it has markup; ``masked``: it has a painted mask (None: a caller that sends
    the whole frame without one, as the CLI may). Returns the model's spec."""
    spec = spec_for(params)
    api = params.api
    if not api.prompt.strip() and not spec.local:
        raise InputError("Type a prompt first: the service needs words describing the change.")
    if masked is False and not marked and spec.local:
        raise InputError(
            "Paint the area to change first (or mark it with Markup, M): the local engine "
            "only fills the masked area."
        )
    if marked and spec.known and not spec.markup:
        raise InputError(
            f"{spec.name} takes no markup. Pick {' or '.join(markup_models())}, or clear "
            "the markup (Ctrl+Alt+D) and paint a mask."
        )
    if len(api.prompt) > spec.max_prompt:
        raise InputError(
            f"The prompt has {len(api.prompt)} characters; {spec.name} takes at most "
            f"{spec.max_prompt}."
        )
    n = api.n or 1
    if not 1 <= n <= MAX_VARIANTS:  # above the model's max_n the round fans out
        raise InputError(f"Ask for 1 to {MAX_VARIANTS} variants ({n} asked).")
    partials = api.partial_images
    if partials is not None and not 0 <= partials <= MAX_PARTIAL_IMAGES:
        raise InputError(f"Partial images are 0 to {MAX_PARTIAL_IMAGES} per variant.")
    if params.context not in CONTEXT_MODES:
        raise InputError(f"Context is one of {', '.join(CONTEXT_MODES)} ({params.context!r}).")
    if params.color_method is not None and params.color_method not in COLOR_METHODS:
        raise InputError(f"Colour match method is one of {', '.join(COLOR_METHODS)}.")
    if not 0.0 <= params.color_match_strength <= 1.0:
        raise InputError("Colour match strength is between 0 and 1.")
    refusal = references_refusal(spec, len(params.references))
    if refusal is not None:
        raise InputError(refusal)
    if api.input_fidelity is not None and api.input_fidelity not in INPUT_FIDELITIES:
        raise InputError(f"Input fidelity is low or high ({api.input_fidelity!r}).")
    if api.complexity is not None and api.complexity not in COMPLEXITIES:
        raise InputError(f"Complexity is low, medium or high ({api.complexity!r}).")
    known = spec.known  # a table name, snapshot, listed spelling or alias; not a guess
    quality = api.quality
    if known and quality and quality != "auto" and spec.qualities and quality not in spec.qualities:
        raise InputError(f"{spec.name} takes quality {', '.join(spec.qualities)}; not {quality!r}.")
    if known and api.background == "transparent" and "transparent" not in spec.backgrounds:
        takes = [n for n in current_models() if "transparent" in MODELS[n].backgrounds]
        raise InputError(
            f"{spec.name} can't return a transparent background; "
            f"{' or '.join(takes) or 'another model'} can."
        )
    return spec
