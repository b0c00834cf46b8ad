"""What one round asks: the API options (the contract with the service) inside the round's
parameters (how the answer is brought back into the photo).

:class:`~editor.core.request.ApiOptions` holds what the user chose of the edits endpoint's
fields (an :class:`~editor.core.request.EditRequest` is those options with the prepared images);
:class:`EditParams` nests it beside the options
that never leave this computer (compositing, context, colour match, the profile's sizes and
aliases) and the reference images. The window, the CLI, the job queue and the session store
all pass an ``EditParams``; the pipeline turns it into an ``EditRequest``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from editor.core.references import Reference
from editor.core.request import ApiOptions

__all__ = ["ApiOptions", "EditParams"]


@dataclass(frozen=True, slots=True)
class EditParams:
    """What the user chose for one round: the API options and how the answer comes back."""

    api: ApiOptions
    composite: bool = True
    feather: int | None = None
    profile_sizes: tuple[tuple[int, int], ...] = ()
    # The profile's gateway model names → the known model each stands for (editor.core.aliases).
    aliases: tuple[tuple[str, str], ...] = ()
    # "auto" | "whole" | "crop" (editor.core.context); margin: context per side, × the mask box.
    context: str = "auto"
    context_margin: float = 0.5
    # Off by default so a bare EditParams keeps the old output bit for bit; front-ends turn it
    # on for remote services (the local engines' fill has no cast).
    color_match: bool = False
    color_match_strength: float = 1.0
    color_method: str | None = None  # None = editor.core.color_match.DEFAULT_METHOD
    # Sent after the edited image as "image 2", "image 3", … (editor.core.references); the mask
    # and the context crop apply to the edited image only.
    references: tuple[Reference, ...] = field(default=())
    # A prompt matrix: each of these prompts is sent with ``api.n`` variants, variant i coming
    # from ``prompts[i // api.n]`` (``api.prompt`` keeps what was typed). Empty: one prompt.
    prompts: tuple[str, ...] = ()

    @property
    def per_prompt(self) -> int:
        return self.api.n if self.api.n and self.api.n > 0 else 1

    @property
    def image_count(self) -> int:
        """How many images the round asks for: prompts × variants."""
        return max(1, len(self.prompts)) * self.per_prompt

    def prompt_of(self, index: int) -> str:
        """The prompt variant ``index`` was made from."""
        if not self.prompts:
            return self.api.prompt
        return self.prompts[min(index // self.per_prompt, len(self.prompts) - 1)]
