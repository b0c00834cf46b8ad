"""Original | variant, side by side with locked zoom and pan, or as a wipe with a divider.

Side mode holds two :class:`~editor.ui.compare_view.ImageView` of equal size; whichever the user
zooms or pans, the other copies its ``(zoom, centre)`` so the same image point sits at the same
place in both. Wipe mode is a third view drawing both pictures split at the divider. All three
share one view state, so switching modes keeps your place; the state is the canvas's, so the
window can carry it between canvas and compare with :meth:`CompareView.view_state` /
:meth:`CompareView.set_view_state`.

Keys: S side by side, W wipe, F fit, 1 100 %, +/- zoom, Left/Right move the wipe divider.

Demo: ``python -m editor.ui.compare IMAGE``.
"""

from __future__ import annotations

from typing import Literal, cast

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from editor.ui.compare_toolbar import CompareToolbar
from editor.ui.compare_view import ImageView
from editor.ui.overlay import ImageLayer

__all__ = ["CompareMode", "CompareView"]

CompareMode = Literal["side", "wipe"]
_MODES: tuple[CompareMode, ...] = ("side", "wipe")
_NO_VARIANT = "No variant selected — showing the original"


class CompareView(QWidget):
    """Compares an original with a variant of the same size.

    Signals: ``mode_changed(str)`` whenever the mode changes (keys, toolbar or :meth:`set_mode`),
    ``view_changed()`` when zoom or pan moved.
    """

    mode_changed = Signal(str)
    view_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._mode: CompareMode = "side"
        self._labels = ("Original", "Variant")
        self._original: np.ndarray | None = None
        self._original_layer: ImageLayer | None = None
        self._has_variant = False
        self._syncing = False

        self.left_view = ImageView()
        self.right_view = ImageView()
        self.wipe_view = ImageView()
        self.wipe_view.set_wipe_enabled(True)
        for v in self._views():
            v.view_changed.connect(lambda v=v: self._on_view_changed(v))

        side = QWidget()
        pair = QHBoxLayout(side)
        pair.setContentsMargins(0, 0, 0, 0)
        pair.setSpacing(2)
        pair.addWidget(self.left_view, 1)
        pair.addWidget(self.right_view, 1)
        self._stack = QStackedWidget()
        self._stack.addWidget(side)
        self._stack.addWidget(self.wipe_view)

        self.toolbar = CompareToolbar()
        self.toolbar.mode_requested.connect(self.set_mode)
        self.toolbar.fit_requested.connect(self.fit)
        self.toolbar.actual_size_requested.connect(lambda: self._primary().set_zoom(1.0))
        self.toolbar.show_mode(self._mode)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.toolbar)
        column.addWidget(self._stack, 1)
        self.setFocusProxy(self.left_view)
        self._apply_labels()

    # -- content --------------------------------------------------------------------------------

    def set_images(self, original: np.ndarray, variant: np.ndarray | None) -> None:
        """Show ``original`` against ``variant`` (same width and height; ``None`` shows the
        original alone with a hint). Same-size pictures keep the zoom, pan and divider."""
        if variant is not None and variant.shape[:2] != original.shape[:2]:
            raise ValueError(
                f"variant is {variant.shape[1]}×{variant.shape[0]}, "
                f"original {original.shape[1]}×{original.shape[0]}; they must match"
            )
        # Flipping through variants of one original converts the original only once.
        if original is not self._original or self._original_layer is None:
            self._original, self._original_layer = original, ImageLayer(original)
        first = self._original_layer
        second = ImageLayer(variant) if variant is not None else None
        self._has_variant = second is not None
        self._syncing = True  # a view meeting a new size fits; the primary view decides below
        try:
            self.left_view.set_layers(first)
            self.right_view.set_layers(second)
            self.right_view.set_hint("" if second else "No variant selected")
            self.wipe_view.set_layers(first, second)
            self.wipe_view.set_hint("" if second else _NO_VARIANT)
        finally:
            self._syncing = False
        self._sync_from(self._primary())
        self._apply_labels()

    def set_labels(self, left: str, right: str) -> None:
        """Names shown over the pictures, e.g. "Original" and "Variant 2 · job 3"."""
        self._labels = (left, right)
        self._apply_labels()

    def labels(self) -> tuple[str, str]:
        return self._labels

    def _apply_labels(self) -> None:
        left, right = self._labels
        self.left_view.set_labels(left)
        self.right_view.set_labels(right if self._has_variant else "")
        self.wipe_view.set_labels(left, right)

    # -- mode -----------------------------------------------------------------------------------

    def mode(self) -> CompareMode:
        return self._mode

    def set_mode(self, mode: str) -> None:
        """``"side"`` (side by side) or ``"wipe"``; emits ``mode_changed`` on a change."""
        if mode not in _MODES:
            raise ValueError(f"unknown compare mode {mode!r}; expected one of {_MODES}")
        self.toolbar.show_mode(mode)
        if mode == self._mode:
            return
        had_focus = self.focusWidget() in self._views()
        before = self._primary()
        self._mode = cast(CompareMode, mode)
        after = self._primary()
        self._stack.setCurrentIndex(_MODES.index(self._mode))
        self.setFocusProxy(after)
        self._sync_from(before)
        if had_focus:
            after.setFocus(Qt.FocusReason.OtherFocusReason)
        self.mode_changed.emit(mode)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # The views pass on keys they do not use, so S/W work wherever focus is inside.
        if event.key() == Qt.Key.Key_S:
            self.set_mode("side")
        elif event.key() == Qt.Key.Key_W:
            self.set_mode("wipe")
        else:
            super().keyPressEvent(event)

    # -- view -----------------------------------------------------------------------------------

    def view_state(self) -> tuple[float, float, float]:
        """``(zoom, center_x, center_y)`` as the canvas has it (device px per image px, centre
        in image px)."""
        return self._primary().view_state()

    def set_view_state(self, zoom: float, center_x: float, center_y: float) -> None:
        self._primary().set_view_state(zoom, center_x, center_y)  # the others follow

    def fit(self) -> None:
        self._primary().fit()

    def wipe_position(self) -> float:
        """The divider as an image x."""
        return self.wipe_view.wipe_x

    def set_wipe_position(self, x: float) -> None:
        self.wipe_view.set_wipe_x(x)

    def _views(self) -> tuple[ImageView, ImageView, ImageView]:
        return self.left_view, self.right_view, self.wipe_view

    def _primary(self) -> ImageView:
        """The view whose state is the compare view's: left in side mode, else the wipe view."""
        return self.left_view if self._mode == "side" else self.wipe_view

    def _on_view_changed(self, source: ImageView) -> None:
        # A hidden view (e.g. the wipe view refitting to a resize) does not lead; switching
        # modes hands the state over explicitly.
        shown = source is self.wipe_view if self._mode == "wipe" else source is not self.wipe_view
        if shown and not self._syncing:
            self._sync_from(source)

    def _sync_from(self, source: ImageView) -> None:
        """Give every other view ``source``'s state (or a fit, while ``source`` auto-fits)."""
        self._syncing = True
        try:
            state = source.view_state()
            for v in self._views():
                if v is source:
                    continue
                if source.auto_fit:
                    v.fit()
                else:
                    v.set_view_state(*state)
        finally:
            self._syncing = False
        self.toolbar.show_zoom(self._primary().view_state()[0])
        self.view_changed.emit()


if __name__ == "__main__":
    from editor.ui.compare_demo import main

    raise SystemExit(main())
