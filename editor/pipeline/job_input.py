"""What a job is asked, frozen at the moment Generate was pressed, and how a service profile
turns a round into one (:func:`job_input`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from editor.client import EditsClient
from editor.core.markup_layer import Shape
from editor.core.params import EditParams
from editor.pipeline.fanout import DEFAULT_CONCURRENCY, CapabilityMemory
from editor.pipeline.region import Region
from editor.pipeline.resolve import ProfileTraits, resolve

__all__ = ["ClientFactory", "JobInput", "SendingProfile", "job_input"]

ClientFactory = Callable[[], EditsClient]
"""Makes a fresh client for one job (closed when the job ends); may raise with a plain message."""


@dataclass(frozen=True, slots=True)
class JobInput:
    """Everything a job needs, frozen at the moment Generate was pressed."""

    image: np.ndarray
    mask: np.ndarray | None
    params: EditParams
    make_client: ClientFactory
    profile: str = ""
    # Fan-out (editor.pipeline.fanout): None = learned or from the model table.
    max_n_per_request: int | None = None
    concurrency: int = DEFAULT_CONCURRENCY
    memory: CapabilityMemory | None = None  # shared, learns "n=1 only" from rejections
    preview_max_side: int | None = 1024  # streamed previews are downscaled to fit this
    # The markup layer's shapes (drawn to pixels off the loop when the job runs), and whether
    # the service passes markup on (None: learned per profile).
    markup: tuple[Shape, ...] = ()
    markup_carried: bool | None = None
    # A round over several regions (editor.pipeline.regions): one request each, combined.
    regions: tuple[Region, ...] = ()


class SendingProfile(ProfileTraits, Protocol):
    """What a job takes from the service profile it is sent with (the window's profiles)."""

    @property
    def name(self) -> str: ...
    @property
    def make_client(self) -> ClientFactory: ...
    @property
    def max_n_per_request(self) -> int | None: ...
    @property
    def concurrency(self) -> int: ...
    @property
    def markup_carried(self) -> bool | None: ...


def job_input(
    image: np.ndarray,
    mask: np.ndarray | None,
    params: EditParams,
    profile: SendingProfile,
    memory: CapabilityMemory | None,
    markup: tuple[Shape, ...] = (),
    regions: tuple[Region, ...] = (),
) -> JobInput:
    """The one way a round becomes a job: the profile's streaming and fan-out settings, and the
    shared memory of learned limits, apply whether it is a new Generate or a Retry of a saved
    round."""
    params = resolve(params, profile)
    return JobInput(
        image,
        mask,
        params,
        profile.make_client,
        profile.name,
        max_n_per_request=profile.max_n_per_request,
        concurrency=profile.concurrency,
        memory=memory,
        markup=markup,
        markup_carried=profile.markup_carried,
        regions=regions,
    )
