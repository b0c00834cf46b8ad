"""The editable mask behind the canvas: brush strokes, whole-mask operations and undo.

Qt-free, after napari's labels brush: a stroke stamps a round footprint into a NumPy
array, fills the space between successive pointer positions, records what it changed so one drag is
one undo step, and reports only the changed rectangle through :attr:`MaskDocument.changed`.

Mask convention: ``edit`` is an ``H×W`` ``uint8`` array, 255 = the service may edit, 0 = keep,
values between are soft.

Gap-free strokes: instead of dropping discrete stamps every ≤ r/4 pixels, each step evaluates the
brush profile on the distance from every pixel to the *segment* between the previous and the new
position (a capsule). That is exactly the limit of stamping with spacing → 0 and combining with
``max``, so fast pointer moves never leave gaps or scalloped edges, and it costs one vectorised
pass over the segment's bounding box. Long segments are cut into pieces no longer than the brush
diameter so each piece only touches a tight box.

Undo records: while a stroke runs, the original content of every 64×64 tile it touches is saved
before the first write; when the stroke ends, each tile that really changed becomes a
``(region, before, after)`` patch. Whole-mask operations store only the bounding box of the pixels
they changed (and a constant instead of an array when the result there is uniform); invert stores
nothing at all. The history keeps at most ``history_bytes`` of stored arrays, dropping the oldest
steps first.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from psygnal import Signal

__all__ = ["DEFAULT_HISTORY_BYTES", "MaskDocument", "PreparedStep", "Rect"]

Rect = tuple[int, int, int, int]
"""``(x0, y0, x1, y1)`` in image pixels, ``x1``/``y1`` exclusive."""

DEFAULT_HISTORY_BYTES = 512 * 1024 * 1024
_TILE = 64
# One counter for every document, so a step prepared on one mask never matches another.
_REVISIONS = itertools.count(1)


def _union(a: Rect | None, b: Rect) -> Rect:
    if a is None:
        return b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _diff_bbox(a: np.ndarray, b: np.ndarray) -> Rect | None:
    """Bounding box of the pixels where ``a`` and ``b`` differ, or ``None`` if identical."""
    diff = a != b
    rows = np.flatnonzero(diff.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(diff[rows[0] : rows[-1] + 1].any(axis=0))
    return (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)


# --- brush footprint ---------------------------------------------------------------------------


def capsule_footprint(
    shape: tuple[int, int],
    a: tuple[float, float],
    b: tuple[float, float],
    ra: float,
    rb: float,
    hardness: float,
) -> tuple[Rect, np.ndarray] | None:
    """Brush coverage (``uint8`` 0..255) of the capsule from ``a`` (radius ``ra``) to ``b``.

    Pixel ``(ix, iy)`` is the square ``[ix, ix+1) × [iy, iy+1)``; it is covered when its centre is
    within the (interpolated) radius of the segment. ``hardness`` 1 gives a binary disc; below 1
    the outer ``(1 - hardness)`` of the radius falls off smoothly to 0. Returns the clipped region
    and the coverage array for it, or ``None`` when the footprint misses the image.
    """
    h, w = shape
    rmax = max(ra, rb)
    x0 = max(0, math.floor(min(a[0], b[0]) - rmax))
    y0 = max(0, math.floor(min(a[1], b[1]) - rmax))
    x1 = min(w, math.ceil(max(a[0], b[0]) + rmax) + 1)
    y1 = min(h, math.ceil(max(a[1], b[1]) + rmax) + 1)
    if x0 >= x1 or y0 >= y1:
        return None
    px = np.arange(x0, x1, dtype=np.float32) + np.float32(0.5 - a[0])
    py = (np.arange(y0, y1, dtype=np.float32) + np.float32(0.5 - a[1]))[:, None]
    dx, dy = b[0] - a[0], b[1] - a[1]
    length2 = dx * dx + dy * dy
    radius: np.ndarray | float
    if length2 < 1e-12:
        d2 = px * px + py * py
        radius = ra
    else:
        t = (px * np.float32(dx / length2)) + (py * np.float32(dy / length2))
        np.clip(t, 0.0, 1.0, out=t)
        ex = px - t * np.float32(dx)
        ey = py - t * np.float32(dy)
        d2 = ex * ex + ey * ey
        radius = ra if ra == rb else (np.float32(ra) + t * np.float32(rb - ra))
    if hardness >= 1.0:
        values = (d2 <= np.square(radius)).astype(np.uint8)
        values *= 255
    else:
        inner = np.float32(hardness) * radius
        s = (radius - np.sqrt(d2)) / np.maximum(radius - inner, np.float32(1e-6))
        np.clip(s, 0.0, 1.0, out=s)
        s = s * s * (3.0 - 2.0 * s)  # smoothstep: no visible ring where the falloff starts
        values = (s * 255.0 + 0.5).astype(np.uint8)
    return (x0, y0, x1, y1), values


# --- undo records -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Patch:
    """One rectangle's content before and after a step; a uniform side is kept as an ``int``."""

    rect: Rect
    before: np.ndarray | int
    after: np.ndarray | int

    @staticmethod
    def of(rect: Rect, before: np.ndarray, after: np.ndarray) -> _Patch:
        def pack(a: np.ndarray) -> np.ndarray | int:
            lo, hi = int(a.min()), int(a.max())
            return lo if lo == hi else a

        return _Patch(rect, pack(before), pack(after))

    @property
    def nbytes(self) -> int:
        return sum(v.nbytes for v in (self.before, self.after) if isinstance(v, np.ndarray))

    def write(self, edit: np.ndarray, undo: bool) -> None:
        x0, y0, x1, y1 = self.rect
        edit[y0:y1, x0:x1] = self.before if undo else self.after


@dataclass(slots=True)
class _Step:
    """One undo step: patches to swap in, or (``invert``) an involution on the whole mask."""

    patches: list[_Patch] = field(default_factory=list)
    rect: Rect = (0, 0, 0, 0)
    invert: bool = False

    @property
    def nbytes(self) -> int:
        return sum(p.nbytes for p in self.patches)

    def apply(self, edit: np.ndarray, undo: bool) -> Rect:
        if self.invert:
            np.subtract(255, edit, out=edit)
        for patch in self.patches:
            patch.write(edit, undo)
        return self.rect


@dataclass(frozen=True, slots=True)
class PreparedStep:
    """A change worked out by :meth:`MaskDocument.prepare`, made by :meth:`MaskDocument.commit`.

    ``patch`` is ``None`` when the change leaves the mask as it is."""

    revision: int
    patch: _Patch | None


@dataclass(slots=True)
class _Stroke:
    radius: float
    hardness: float
    erase: bool
    pos: tuple[float, float]
    pressure: float
    opacity: float = 1.0  # scales every dab (tablet pressure driving opacity)
    saved: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)


# --- the document -------------------------------------------------------------------------------


class MaskDocument:
    """An ``edit`` mask for a ``width × height`` image, edited by strokes and undoable operations.

    Signals (psygnal): ``changed(rect)`` after every modification with the dirty rectangle
    ``(x0, y0, x1, y1)`` (exclusive); ``undo_state_changed()`` whenever ``can_undo``/``can_redo``
    may have changed. Never write to :attr:`edit` directly; use the methods so undo and the
    listeners stay right.
    """

    changed = Signal(tuple)
    undo_state_changed = Signal()

    def __init__(
        self,
        width: int,
        height: int,
        edit: np.ndarray | None = None,
        *,
        history_bytes: int = DEFAULT_HISTORY_BYTES,
    ) -> None:
        if width <= 0 or height <= 0:
            raise ValueError(f"mask size must be positive, got {width}×{height}")
        self._edit = np.zeros((height, width), np.uint8)
        if edit is not None:
            self._edit[...] = self._checked(edit)
        self._undo: list[_Step] = []
        self._redo: list[_Step] = []
        self._history_bytes = history_bytes
        self._stored = 0
        self._stroke: _Stroke | None = None
        self._revision = next(_REVISIONS)
        self._frozen: np.ndarray | None = None  # snapshot() of this revision, once asked for
        self._frozen_revision = -1

    # -- state ------------------------------------------------------------------------------

    @property
    def width(self) -> int:
        return int(self._edit.shape[1])

    @property
    def height(self) -> int:
        return int(self._edit.shape[0])

    @property
    def edit(self) -> np.ndarray:
        """A read-only view of the live mask (shares memory; changes as the document changes)."""
        view = self._edit.view()
        view.flags.writeable = False
        return view

    def snapshot(self) -> np.ndarray | None:
        """The mask as it is now, as a read-only copy that later edits leave alone; None when
        nothing is masked. Copied once per change: Generate hands the same copy to the job and
        to the session's save (each copy of a 24 MP mask is 5 ms on the loop)."""
        if self._frozen_revision != self._revision:
            frozen = None if self.is_empty() else self._edit.copy()
            if frozen is not None:
                frozen.flags.writeable = False
            self._frozen, self._frozen_revision = frozen, self._revision
        return self._frozen

    def is_empty(self) -> bool:
        return not bool(self._edit.any())

    @property
    def stroke_active(self) -> bool:
        return self._stroke is not None

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def history_nbytes(self) -> int:
        """Bytes of arrays the undo/redo history holds right now."""
        return self._stored

    # -- strokes ----------------------------------------------------------------------------

    def begin_stroke(
        self,
        x: float,
        y: float,
        *,
        radius: float,
        hardness: float = 1.0,
        erase: bool = False,
        pressure: float = 1.0,
        opacity: float = 1.0,
    ) -> None:
        """Start a stroke at image coordinates ``(x, y)`` and stamp the first dab there.

        ``pressure`` scales the radius, ``opacity`` (0..1) how far each dab moves the mask."""
        if self._stroke is not None:
            self.end_stroke()
        if radius <= 0:
            raise ValueError(f"brush radius must be positive, got {radius}")
        self._stroke = _Stroke(
            radius=float(radius),
            hardness=min(1.0, max(0.0, float(hardness))),
            erase=erase,
            pos=(float(x), float(y)),
            pressure=self._pressure(pressure),
            opacity=min(1.0, max(0.0, float(opacity))),
        )
        start, p = self._stroke.pos, self._stroke.pressure
        self._segment(start, start, p, p)

    def stroke_to(
        self, x: float, y: float, pressure: float = 1.0, opacity: float | None = None
    ) -> None:
        """Continue the stroke to ``(x, y)``, painting the whole segment from the last position
        (with ``opacity`` from here on, when given)."""
        stroke = self._stroke
        if stroke is None:
            raise RuntimeError("stroke_to() without begin_stroke()")
        if opacity is not None:
            stroke.opacity = min(1.0, max(0.0, float(opacity)))
        start, end = stroke.pos, (float(x), float(y))
        p0, p1 = stroke.pressure, self._pressure(pressure)
        r = stroke.radius * max(p0, p1)
        pieces = max(1, math.ceil(math.dist(start, end) / max(2.0 * r, 1.0)))
        for i in range(pieces):
            t0, t1 = i / pieces, (i + 1) / pieces
            self._segment(
                (start[0] + (end[0] - start[0]) * t0, start[1] + (end[1] - start[1]) * t0),
                (start[0] + (end[0] - start[0]) * t1, start[1] + (end[1] - start[1]) * t1),
                p0 + (p1 - p0) * t0,
                p0 + (p1 - p0) * t1,
            )
        stroke.pos, stroke.pressure = end, p1

    def end_stroke(self) -> None:
        """Finish the stroke and record it as one undo step (nothing if it changed nothing)."""
        stroke, self._stroke = self._stroke, None
        if stroke is None:
            return
        patches: list[_Patch] = []
        rect: Rect | None = None
        for (ty, tx), before in stroke.saved.items():
            y0, x0 = ty * _TILE, tx * _TILE
            y1, x1 = y0 + before.shape[0], x0 + before.shape[1]
            after = self._edit[y0:y1, x0:x1]
            if not np.array_equal(before, after):
                tile_rect = (x0, y0, x1, y1)
                patches.append(_Patch.of(tile_rect, before, after.copy()))
                rect = _union(rect, tile_rect)
        if rect is not None:
            self._push(_Step(patches, rect))

    @staticmethod
    def _pressure(p: float) -> float:
        return min(1.0, max(0.05, float(p)))

    def _segment(
        self, a: tuple[float, float], b: tuple[float, float], pa: float, pb: float
    ) -> None:
        stroke = self._stroke
        assert stroke is not None
        ra = max(0.5, stroke.radius * pa)
        rb = max(0.5, stroke.radius * pb)
        found = capsule_footprint((self.height, self.width), a, b, ra, rb, stroke.hardness)
        if found is None:
            return
        rect, values = found
        if stroke.opacity < 1.0:
            values = (values * np.float32(stroke.opacity) + np.float32(0.5)).astype(np.uint8)
        x0, y0, x1, y1 = rect
        self._save_tiles(stroke.saved, rect)
        region = self._edit[y0:y1, x0:x1]
        if stroke.erase:
            np.minimum(region, np.subtract(255, values, out=values), out=region)
        else:
            np.maximum(region, values, out=region)
        self._changed(rect)

    def _save_tiles(self, saved: dict[tuple[int, int], np.ndarray], rect: Rect) -> None:
        x0, y0, x1, y1 = rect
        for ty in range(y0 // _TILE, (y1 - 1) // _TILE + 1):
            for tx in range(x0 // _TILE, (x1 - 1) // _TILE + 1):
                if (ty, tx) not in saved:
                    saved[ty, tx] = self._edit[
                        ty * _TILE : (ty + 1) * _TILE, tx * _TILE : (tx + 1) * _TILE
                    ].copy()

    # -- whole-mask operations ----------------------------------------------------------------

    def clear(self) -> None:
        """Keep everything (all 0)."""
        self.fill_rect(0, 0, self.width, self.height, erase=True)

    def fill_all(self) -> None:
        """Let the service edit everything (all 255)."""
        self.fill_rect(0, 0, self.width, self.height)

    def fill_rect(self, x0: int, y0: int, x1: int, y1: int, erase: bool = False) -> None:
        """Set the rectangle (any corner order; clipped to the image) to 255, or 0 if ``erase``."""
        self._finish_stroke()
        xa, xb = sorted((int(x0), int(x1)))
        ya, yb = sorted((int(y0), int(y1)))
        xa, ya = max(0, xa), max(0, ya)
        xb, yb = min(self.width, xb), min(self.height, yb)
        if xa >= xb or ya >= yb:
            return
        value = 0 if erase else 255
        region = self._edit[ya:yb, xa:xb]
        if (region == value).all():
            return
        before = region.copy()
        region[...] = value
        rect = (xa, ya, xb, yb)
        self._push(_Step([_Patch.of(rect, before, region)], rect))
        self._changed(rect)

    def invert(self) -> None:
        """Swap edit and keep (``255 - edit``); stored in the history without any array."""
        self._finish_stroke()
        np.subtract(255, self._edit, out=self._edit)
        rect = (0, 0, self.width, self.height)
        self._push(_Step([], rect, invert=True))
        self._changed(rect)

    def grow(self, px: int) -> None:
        """Grow the editable area by ``px`` pixels (negative shrinks); see ``masks.grow``."""
        from editor.core import masks

        self.apply(lambda edit: masks.grow(edit, px))

    def feather(self, radius: float) -> None:
        """Soften the mask edge by ``radius`` pixels; see ``masks.feather``."""
        from editor.core import masks

        self.apply(lambda edit: masks.feather(edit, radius))

    def _changed(self, rect: Rect) -> None:
        self._revision = next(_REVISIONS)  # after the write: a step prepared before it is stale
        self._frozen = None  # whoever took the snapshot keeps it; the document lets go
        self.changed.emit(rect)

    def replace(self, edit: np.ndarray) -> None:
        """Replace the whole mask (e.g. loaded from a file) as one undoable step."""
        new = self._checked(edit)
        self.apply(lambda _: new)

    def apply(self, op: Callable[[np.ndarray], np.ndarray], within: Rect | None = None) -> None:
        """Replace the mask by ``op(edit)`` (a new ``H×W`` array) as one undoable step.

        ``op`` gets a read-only view and must return a new array; only the bounding box of the
        pixels that differ is stored and reported. With ``within``, ``op`` sees and returns only
        that rectangle and the rest of the mask stays as it is.
        """
        self._finish_stroke()
        committed = self.commit(self.prepare(op, within))
        assert committed  # nothing can change the mask between the two on this thread

    def prepare(
        self, op: Callable[[np.ndarray], np.ndarray], within: Rect | None = None
    ) -> PreparedStep:
        """Work out what :meth:`apply` would do, changing nothing; safe on a worker thread.

        The slow part (``op``, finding what differs, copying the undo record) happens here, so
        the thread that owns the document only writes the result in :meth:`commit`.
        """
        revision = self._revision
        x0, y0, x1, y1 = (0, 0, self.width, self.height) if within is None else within
        if not (0 <= x0 <= x1 <= self.width and 0 <= y0 <= y1 <= self.height):
            raise ValueError(f"rectangle {within} lies outside the {self.width}×{self.height} mask")
        current = self._edit[y0:y1, x0:x1].view()
        current.flags.writeable = False
        new = self._checked(op(current), current.shape)
        found = _diff_bbox(current, new)
        if found is None:
            return PreparedStep(revision, None)
        cx0, cy0, cx1, cy1 = found
        rect = (x0 + cx0, y0 + cy0, x0 + cx1, y0 + cy1)
        before = current[cy0:cy1, cx0:cx1].copy()
        after = np.array(new[cy0:cy1, cx0:cx1], np.uint8, copy=True)
        return PreparedStep(revision, _Patch.of(rect, before, after))

    def commit(self, prepared: PreparedStep) -> bool:
        """Make a prepared change one undo step, if the mask is still as it was when it was
        prepared (and no stroke runs); otherwise change nothing and return False."""
        if self._stroke is not None or prepared.revision != self._revision:
            return False
        patch = prepared.patch
        if patch is None:
            return True
        patch.write(self._edit, undo=False)
        self._push(_Step([patch], patch.rect))
        self._changed(patch.rect)
        return True

    def _checked(self, edit: np.ndarray, shape: tuple[int, ...] | None = None) -> np.ndarray:
        a = np.asarray(edit)
        if a.dtype == np.bool_:
            a = a.astype(np.uint8) * 255
        if a.dtype != np.uint8 or a.ndim != 2:
            raise ValueError(f"an edit mask is a 2-D uint8 array, got {a.dtype} {a.shape}")
        if shape is None and hasattr(self, "_edit"):
            shape = self._edit.shape
        if shape is not None and a.shape != shape:
            got, want = f"{a.shape[1]}×{a.shape[0]}", f"{shape[1]}×{shape[0]}"
            raise ValueError(f"mask is {got}, expected {want}")
        return a

    # -- history ----------------------------------------------------------------------------

    def undo(self) -> None:
        self._finish_stroke()
        if not self._undo:
            return
        step = self._undo.pop()
        self._redo.append(step)
        self._changed(step.apply(self._edit, undo=True))
        self.undo_state_changed.emit()

    def redo(self) -> None:
        self._finish_stroke()
        if not self._redo:
            return
        step = self._redo.pop()
        self._undo.append(step)
        self._changed(step.apply(self._edit, undo=False))
        self.undo_state_changed.emit()

    def clear_history(self) -> None:
        self._undo.clear()
        self._redo.clear()
        self._stored = 0
        self.undo_state_changed.emit()

    def _finish_stroke(self) -> None:
        if self._stroke is not None:
            self.end_stroke()

    def _push(self, step: _Step) -> None:
        self._stored -= sum(s.nbytes for s in self._redo)
        self._redo.clear()
        self._undo.append(step)
        self._stored += step.nbytes
        # Keep at least the newest step even if it alone is over budget.
        while self._stored > self._history_bytes and len(self._undo) > 1:
            self._stored -= self._undo.pop(0).nbytes
        self.undo_state_changed.emit()
