"""A round over several regions: one request (fanned out as usual) per region, each with its
own mask, crop and prompt; variant k of the round combines every region's variant k."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from editor.client import EditsClient, Progress
from editor.core.params import EditParams
from editor.core.regions import combine_variants, overlap
from editor.pipeline.errors import InputError
from editor.pipeline.fanout import DEFAULT_CONCURRENCY, CapabilityMemory
from editor.pipeline.region import Region
from editor.pipeline.round_trip import EditOutcome, Variant, combined_outcome, send_round

__all__ = ["Region", "RegionsOutcome", "as_round", "check_regions", "send_regions"]


@dataclass(slots=True)
class RegionsOutcome:
    """Each region's own outcome, in order, and the round's variants (every region in each)."""

    regions: list[Region]
    outcomes: list[EditOutcome]
    variants: list[np.ndarray]

    @property
    def missing(self) -> str | None:
        """Why the round has fewer variants than asked, when a region got fewer."""
        got = [len(o.variants) for o in self.outcomes]
        if len(set(got)) <= 1:
            return None
        each = [
            f"{r.name or f'region {i + 1}'} got {n}"
            for i, (r, n) in enumerate(zip(self.regions, got, strict=True))
        ]
        return f"Only {min(got)} combined variants: " + ", ".join(each) + "."


def check_regions(regions: Sequence[Region], size: tuple[int, int]) -> None:
    """InputError with a plain reason for an empty list, a mask of the wrong size, an empty
    region or two regions that overlap."""
    if not regions:
        raise InputError("No region to send.")
    width, height = size
    for i, region in enumerate(regions, start=1):
        name = region.name or f"Region {i}"
        if region.mask.shape != (height, width):
            raise InputError(
                f"{name}'s mask is {region.mask.shape[1]} × {region.mask.shape[0]} but the image "
                f"is {width} × {height}."
            )
        if not region.mask.any():
            raise InputError(f"{name} has nothing painted.")
    clash = overlap([r.mask for r in regions])
    if clash is not None:
        i, j, shared = clash
        first = regions[i].name or f"Region {i + 1}"
        second = regions[j].name or f"Region {j + 1}"
        raise InputError(
            f"{first} and {second} overlap ({shared} pixels). Regions may not overlap: erase the "
            "shared part from one of them."
        )


async def send_regions(
    client: EditsClient,
    original: np.ndarray,
    regions: Sequence[Region],
    params: EditParams,
    *,
    on_progress: Callable[[int, Progress], None] | None = None,
    max_n_per_request: int | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    memory: CapabilityMemory | None = None,
    profile: str = "",
) -> RegionsOutcome:
    """Send every region (its own prompt, or ``params``'s when it has none) side by side and
    combine their variants. A region whose every request failed fails the round with its error:
    a combined variant without it would not be what was asked."""
    height, width = original.shape[:2]
    check_regions(regions, (width, height))
    per_region = max(1, concurrency // len(regions))

    async def one(index: int, region: Region) -> EditOutcome:
        prompt = region.prompt or params.api.prompt
        asked = replace(params, api=replace(params.api, prompt=prompt))
        return await send_round(
            client,
            original,
            region.mask,
            asked,
            on_progress=functools.partial(on_progress, index) if on_progress else None,
            max_n_per_request=max_n_per_request,
            concurrency=per_region,
            memory=memory,
            profile=profile,
        )

    outcomes = await asyncio.gather(
        *(one(i, r) for i, r in enumerate(regions)), return_exceptions=True
    )
    for result in outcomes:
        if isinstance(result, BaseException):
            raise result
    done = [o for o in outcomes if isinstance(o, EditOutcome)]
    count = min(len(o.variants) for o in done)
    variants = await asyncio.to_thread(
        lambda: [
            combine_variants(original, [o.variants[k].pixels for o in done]) for k in range(count)
        ]
    )
    return RegionsOutcome(list(regions), done, variants)


def as_round(outcome: RegionsOutcome) -> EditOutcome:
    """The regions round as one round's outcome: variant k is the combined frame, its text
    says what each region's variant was made of; usage, requests and failures added up."""
    variants = [
        Variant(
            index=k,
            pixels=pixels,
            data=b"",
            mime_type="image/png",
            revised_prompt=" · ".join(
                f"{r.name or f'region {i + 1}'}: {o.variants[k].revised_prompt or r.prompt}"
                for i, (r, o) in enumerate(zip(outcome.regions, outcome.outcomes, strict=True))
            ),
        )
        for k, pixels in enumerate(outcome.variants)
    ]
    return combined_outcome(
        list(enumerate(outcome.outcomes)),
        variants,
        asked=max(o.asked for o in outcome.outcomes),
        notes=(outcome.missing,) if outcome.missing else (),
    )
