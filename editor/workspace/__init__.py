"""The window's model without Qt: the image, its mask and markup, the undo timeline, and every
round's life (see :mod:`editor.workspace.workspace`)."""

from .image import CurrentImage, ImageKind
from .regions import Region, RegionSet
from .restore import LoadedSession, grown_from_round, load_session
from .tasks import TaskSet, spawn
from .undo_timeline import EditHistory, ImageRef
from .workspace import Presenter, Workspace

__all__ = [
    "CurrentImage",
    "EditHistory",
    "ImageKind",
    "ImageRef",
    "LoadedSession",
    "Presenter",
    "Region",
    "RegionSet",
    "TaskSet",
    "Workspace",
    "grown_from_round",
    "load_session",
    "spawn",
]
