"""Original | variant, side by side with locked zoom and pan, or as a wipe with a divider.

Leak mode shows the original greyed with red where the service changed pixels outside the mask
(measured on its frame before compositing; see :mod:`editor.ui.compare.leak`), with a legend.

Side mode holds two :class:`~editor.ui.compare.image_view.ImageView` of equal size; whichever the
user
zooms or pans, the other copies its ``(zoom, centre)`` so the same image point sits at the same
place in both. Wipe mode is a third view drawing both pictures split at the divider. All three
share one view state, so switching modes keeps your place; the state is the canvas's, so the
window can carry it between canvas and compare with :meth:`CompareView.view_state` /
:meth:`CompareView.set_view_state`.

Keys: S side by side, W wipe, L leak, F fit, 1 100 %, +/- zoom, Left/Right move the wipe divider.

Demo: ``python examples/compare_demo.py IMAGE``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from editor.ui.common.overlay import ImageLayer
from editor.ui.compare.image_view import ImageView
from editor.ui.compare.leak import LEAK_LEGEND, describe_leak, leak_overlay
from editor.ui.compare.toolbar import CompareToolbar

__all__ = ["CompareMode", "CompareView"]

CompareMode = Literal["side", "wipe", "leak"]
_MODES: tuple[CompareMode, ...] = ("side", "wipe", "leak")
_NO_VARIANT = "No variant selected — showing the original"
_NO_LEAK_MAP = "No leak map for this variant (no mask, or a round read back from disk)"


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
        self._leak: Mapping[str, float] | None = None
        self._leak_map: np.ndarray | None = None
        self._leak_stale = True  # the leak picture is built when Leak mode shows

        self.left_view = ImageView()
        self.right_view = ImageView()
        self.wipe_view = ImageView()
        self.wipe_view.set_wipe_enabled(True)
        self.leak_view = ImageView()
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
        self._stack.addWidget(self.leak_view)

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

    def set_images(
        self,
        original: np.ndarray,
        variant: np.ndarray | None,
        *,
        leak: Mapping[str, float] | None = None,
        leak_map: np.ndarray | None = None,
    ) -> None:
        """Show ``original`` against ``variant`` (same width and height; ``None`` shows the
        original alone with a hint). Same-size pictures keep the zoom, pan and divider.
        ``leak`` (the variant's numbers) and ``leak_map`` (its heat map, any size of the
        original's aspect) feed the leak line and Leak mode."""
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
        self._leak = leak if second is not None else None
        self._leak_map = leak_map if second is not None else None
        self._leak_stale = True
        self._syncing = True  # a view meeting a new size fits; the primary view decides below
        try:
            self.left_view.set_layers(first)
            self.right_view.set_layers(second)
            self.right_view.set_hint("" if second else "No variant selected")
            self.wipe_view.set_layers(first, second)
            self.wipe_view.set_hint("" if second else _NO_VARIANT)
            if self._mode == "leak":
                self._build_leak()
            else:
                self.leak_view.set_layers(first)
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

    def leak_text(self) -> str:
        """The shown variant's leak line ("" without numbers)."""
        return describe_leak(self._leak)

    def _apply_labels(self) -> None:
        left, right = self._labels
        leak = self.leak_text()
        self.left_view.set_labels(left)
        self.right_view.set_labels(right if self._has_variant else "")
        self.wipe_view.set_labels(left, right)
        self.leak_view.set_labels(f"Leak · {right}" if self._has_variant else left)
        if self._has_variant:
            self.right_view.set_hint(leak)
            self.wipe_view.set_hint(leak)
        if self._mode == "leak":
            self._leak_hint()

    def _leak_hint(self) -> None:
        if not self._has_variant:
            self.leak_view.set_hint(_NO_VARIANT)
        elif self._leak_map is None:
            self.leak_view.set_hint(_NO_LEAK_MAP)
        else:
            # The toolbar carries the legend; the pill says how much.
            self.leak_view.set_hint(self.leak_text() or LEAK_LEGEND)

    def _build_leak(self) -> None:
        """The leak picture for the current original and heat map (once per change)."""
        if not self._leak_stale or self._original is None:
            return
        self._leak_stale = False
        layer: ImageLayer | None = self._original_layer
        if self._has_variant and self._leak_map is not None:
            layer = ImageLayer(leak_overlay(self._original, self._leak_map))
        self.leak_view.set_layers(layer)
        self._leak_hint()

    # -- mode -----------------------------------------------------------------------------------

    def mode(self) -> CompareMode:
        return self._mode

    def set_mode(self, mode: str) -> None:
        """``"side"`` (side by side), ``"wipe"`` or ``"leak"``; emits ``mode_changed`` on a
        change."""
        if mode not in _MODES:
            raise ValueError(f"unknown compare mode {mode!r}; expected one of {_MODES}")
        self.toolbar.show_mode(mode)
        if mode == self._mode:
            return
        had_focus = self.focusWidget() in self._views()
        before = self._primary()
        self._mode = mode
        if mode == "leak":
            self._build_leak()
        self.toolbar.show_legend(mode == "leak")
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
        elif event.key() == Qt.Key.Key_L:
            self.set_mode("leak")
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

    def fitted(self) -> bool:
        """True while the pictures fit the view (not zoomed or panned since)."""
        return self._primary().auto_fit

    def wipe_position(self) -> float:
        """The divider as an image x."""
        return self.wipe_view.wipe_x

    def set_wipe_position(self, x: float) -> None:
        self.wipe_view.set_wipe_x(x)

    def _views(self) -> tuple[ImageView, ...]:
        return self.left_view, self.right_view, self.wipe_view, self.leak_view

    def _primary(self) -> ImageView:
        """The view whose state is the compare view's: left in side mode, else the shown one."""
        return {"side": self.left_view, "wipe": self.wipe_view}.get(self._mode, self.leak_view)

    def _on_view_changed(self, source: ImageView) -> None:
        # A hidden view (e.g. the wipe view refitting to a resize) does not lead; switching
        # modes hands the state over explicitly.
        if self._mode == "side":
            shown = source in (self.left_view, self.right_view)
        else:
            shown = source is self._primary()
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
