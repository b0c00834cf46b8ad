"""Menus, window shortcuts and their tooltips.

Window shortcuts use modifiers or keys the canvas does not claim (Ctrl+…, Esc, C, F1). The
canvas's own single keys appear in the menus as ``\\t`` labels only; they reach the canvas
from anywhere but a text field through :mod:`editor.ui.canvas.canvas_keys`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMainWindow, QMenu, QToolButton

from editor.core.markup_layer import MarkupLayer
from editor.core.selection import (
    NoTransparencyError,
    SelectionMode,
    apply_selection,
    mask_from_transparency,
)
from editor.ui.canvas import mask_library as ml
from editor.ui.canvas.mask_canvas import MaskCanvas
from editor.ui.canvas.mask_library import MaskHost
from editor.ui.canvas.mask_toolbar import MaskToolbar
from editor.ui.canvas.reselect import ClearedMask
from editor.ui.common.icons import tool_icon
from editor.ui.jobs.jobs_panel import CANCEL_NEWEST_KEY
from editor.ui.session.binding import SessionBinding
from editor.ui.session.restore import RestoreHost
from editor.ui.settings.controller import SettingsHost
from editor.ui.window.file_ops import FileOps
from editor.ui.window.round_copy import RoundCopyHost, duplicate_round

if TYPE_CHECKING:  # dialogs made when first asked for, not at start
    from editor.ui.canvas.feather_dialog import FeatherDialog
    from editor.ui.window.expand_canvas import Expander

__all__ = ["ActionsHost", "Shortcut", "ShortcutSheet", "WindowActions", "build_actions"]


class ActionsHost(MaskHost, RoundCopyHost, RestoreHost, SettingsHost, Protocol):
    """What the menus call in the window (the dialogs they open take the same window)."""

    feather_dialog: FeatherDialog | None  # Mask ▸ Feather… while it is open

    @property
    def sessions(self) -> SessionBinding: ...
    @property
    def files(self) -> FileOps: ...
    @property
    def canvas(self) -> MaskCanvas: ...
    @property
    def mask_toolbar(self) -> MaskToolbar: ...
    @property
    def expander(self) -> Expander: ...
    @property
    def markup(self) -> MarkupLayer | None: ...
    def undo(self) -> None: ...
    def redo(self) -> None: ...
    def use_as_base(self) -> object: ...
    def generate(self) -> object: ...
    def escape(self) -> None: ...
    def cancel_newest(self) -> bool: ...
    def set_compare(self, on: bool) -> None: ...
    def toggle_rounds(self) -> None: ...
    def open_contact_sheet(self) -> None: ...
    def open_batch(self) -> None: ...


@dataclass(frozen=True)
class Shortcut:
    section: str  # the menu it sits in, as the Help sheet groups it
    keys: str
    what: str


class ShortcutSheet:
    """Every window shortcut, in menu order, for the Help sheet; filled as the menus are built."""

    def __init__(self) -> None:
        self._rows: list[Shortcut] = []

    def add(self, section: str, keys: str, what: str) -> None:
        self._rows.append(Shortcut(section, keys, what))

    def rows(self) -> list[tuple[str, str, str]]:
        return [(r.section, r.keys, r.what) for r in self._rows]


@dataclass
class WindowActions:
    open: QAction
    save_as: QAction
    copy: QAction
    paste: QAction
    undo: QAction
    redo: QAction
    use_as_base: QAction
    generate: QAction
    escape: QAction
    compare: QAction
    clear_mask: QAction
    reselect_mask: QAction
    invert_mask: QAction
    duplicate_round: QAction
    export_mask: QAction
    overlay: QAction
    markup_visible: QAction
    clear_markup: QAction
    recent_menu: QMenu
    shortcuts: ShortcutSheet
    needs_image: list[QAction] = field(default_factory=list)


def build_actions(w: ActionsHost, window: QMainWindow) -> WindowActions:
    """The menus of ``window`` calling into ``w`` (the same window, seen by what it offers)."""
    bar = window.menuBar()
    needs_image: list[QAction] = []
    sheet = ShortcutSheet()

    def act(
        menu: QMenu,
        text: str,
        slot: Callable[[], object],
        keys: str | QKeySequence.StandardKey | list[str] | None = None,
        *,
        shown: str = "",
        image: bool = False,
        section: str = "",
    ) -> QAction:
        """A menu action; ``shown`` is a key only displayed (the canvas handles it)."""
        a = QAction(text + (f"\t{shown}" if shown else ""), window)
        a.triggered.connect(lambda _=False: slot())
        if isinstance(keys, list):
            a.setShortcuts([QKeySequence(k) for k in keys])
        elif keys is not None:
            a.setShortcut(QKeySequence(keys))
        label = shown or a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if label:
            a.setToolTip(f"{text.replace('…', '')} ({label})")
            sheet.add(section or menu.title().replace("&", ""), label, text)
        menu.addAction(a)
        window.addAction(a)  # shortcuts work even with the menu bar hidden
        if image:
            needs_image.append(a)
        return a

    f = bar.addMenu("&File")
    open_ = act(f, "Open…", w.files.open_dialog, QKeySequence.StandardKey.Open)
    recent = f.addMenu("Open Recent")
    recent.aboutToShow.connect(lambda: _fill_recent(w, recent))
    paste = act(f, "Paste Image", w.files.paste, QKeySequence.StandardKey.Paste)
    f.addSeparator()
    save_as = act(f, "Save As…", w.files.save_as, ["Ctrl+S", "Ctrl+Shift+S"], image=True)
    copy = act(f, "Copy Image", w.files.copy, QKeySequence.StandardKey.Copy, image=True)
    f.addSeparator()
    act(f, "Export Contact Sheet…", w.open_contact_sheet, "Ctrl+Alt+E")
    act(f, "Batch…", w.open_batch, "Ctrl+Alt+B")
    f.addSeparator()
    act(f, "Open Session…", lambda: _open_sessions(w, window), "Ctrl+Shift+O")
    act(f, "Save Session As…", lambda: _rename_session(w, window), image=True)
    f.addSeparator()
    act(f, "Quit", window.close, QKeySequence.StandardKey.Quit)

    e = bar.addMenu("&Edit")
    undo = act(e, "Undo", w.undo, QKeySequence.StandardKey.Undo)
    redo = act(e, "Redo", w.redo, ["Ctrl+Shift+Z", "Ctrl+Y"])
    e.addSeparator()
    use_as_base = act(e, "Use Variant as Base", w.use_as_base, "Ctrl+B")
    e.addSeparator()
    act(e, "Settings…", lambda: _show_settings(w, window), "Ctrl+,")

    i = bar.addMenu("&Image")
    act(i, "Expand Canvas…", w.expander.open_dialog, "Ctrl+Alt+C", image=True)

    m = bar.addMenu("&Mask")
    c = w.canvas
    c.selection.message.connect(w.show_message)  # e.g. a box too small for object select
    c.selection.status.connect(lambda text: w.statusBar().showMessage(text, 8000))
    act(m, "Brush", lambda: c.set_tool("brush"), shown="B", image=True)
    act(m, "Eraser", lambda: c.set_tool("eraser"), shown="E", image=True)
    act(m, "Rectangle", lambda: c.set_tool("rect"), shown="R", image=True)
    act(m, "Lasso", lambda: c.set_tool("lasso"), shown="L", image=True)
    act(m, "Magic Wand", lambda: c.set_tool("wand"), shown="W", image=True)
    act(m, "Object Select", lambda: c.set_tool("object"), shown="O", image=True)
    act(m, "Smaller Brush", lambda: _brush_step(w, -1), shown="[", image=True)
    act(m, "Larger Brush", lambda: _brush_step(w, +1), shown="]", image=True)
    m.addSeparator()
    doc_op = _doc_op(w)
    # Photoshop's Deselect / Reselect: the mask is this app's selection.
    cleared = ClearedMask()
    clear_mask = act(
        m, "Clear Mask", doc_op(cleared.clear), ["Ctrl+D", "Ctrl+Shift+Backspace"], image=True
    )
    reselect = act(
        m,
        "Reselect Cleared Mask",
        lambda: _reselect(w, window, cleared),
        "Ctrl+Shift+D",
        image=True,
    )
    act(m, "Fill All", doc_op(lambda d: d.fill_all()), image=True)
    invert = act(m, "Invert Mask", doc_op(lambda d: d.invert()), "Ctrl+I", image=True)
    act(m, "Mask from Transparency", lambda: _mask_from_transparency(w), image=True)
    m.addSeparator()
    act(m, "Grow 4 px", doc_op(lambda d: d.grow(4)), "Ctrl+Alt+=", image=True)
    act(m, "Shrink 4 px", doc_op(lambda d: d.grow(-4)), "Ctrl+Alt+-", image=True)
    act(m, "Grow or Shrink…", lambda: _grow_dialog(w, window), image=True)
    act(m, "Feather…", lambda: _feather_dialog(w, window), image=True)
    m.addSeparator()
    act(m, "Import Mask…", lambda: ml.ImportMaskDialog(w, parent=window).open(), image=True)
    export_mask = act(m, "Export Mask…", w.files.export_mask_dialog, "Ctrl+E", image=True)
    m.addSeparator()
    act(
        m,
        "Reuse Previous Round's Mask",
        lambda: ml.reuse_previous_mask(w),
        "Ctrl+Shift+M",
        image=True,
    )
    act(m, "Mask Library…", lambda: ml.MaskLibrary(w, window).open(), "Ctrl+Shift+L", image=True)

    k = bar.addMenu("Mar&kup")
    act(k, "Markup", lambda: c.set_tool("markup"), shown="M", image=True)
    sheet.add("Markup", "Shift+drag", "Draw an arrow (Markup tool)")
    sheet.add("Markup", "Ctrl+drag", "Draw an ellipse (Markup tool)")
    clear_markup = act(k, "Clear Markup", lambda: _clear_markup(w), "Ctrl+Alt+D", image=True)
    markup_visible = act(k, "Show Markup", lambda: None, "Shift+H", image=True)
    markup_visible.setCheckable(True)
    markup_visible.setChecked(True)
    markup_visible.toggled.connect(lambda on: _show_markup(w, on))

    v = bar.addMenu("&View")
    compare = act(v, "Compare", lambda: None, "C", image=True)
    compare.setCheckable(True)
    compare.setIcon(tool_icon("compare"))
    compare.toggled.connect(w.set_compare)
    sheet.add("View", "hold \\", "Peek at the original while a variant shows")
    act(v, "Zoom In", lambda: c.zoom_by(1.25), shown="+", image=True)
    act(v, "Zoom Out", lambda: c.zoom_by(1 / 1.25), shown="-", image=True)
    act(v, "Fit", c.fit, shown="F", image=True)
    act(v, "Actual Pixels", lambda: c.set_zoom(1.0), shown="1", image=True)
    overlay = act(v, "Show Mask Overlay", lambda: None, "H", image=True)
    overlay.setCheckable(True)
    overlay.setChecked(True)
    overlay.toggled.connect(c.set_overlay_visible)

    g = bar.addMenu("&Generate")
    # Enabled without an image too: Generate then says what to do first.
    generate = act(g, "Generate", w.generate, ["Ctrl+Return", "Ctrl+Enter"])
    generate.setIcon(tool_icon("generate"))
    escape = act(g, "Back to Original", w.escape, "Esc")
    act(g, "Cancel Newest Job", w.cancel_newest, CANCEL_NEWEST_KEY)
    g.addSeparator()
    # Ctrl+J: Photoshop's and Krita's "duplicate layer"; Ctrl+D is Clear Mask (Deselect).
    duplicate = act(g, "Duplicate Round for A/B", lambda: duplicate_round(w), "Ctrl+J", image=True)
    rounds = act(v, "Rounds Side by Side", w.toggle_rounds, "Ctrl+Shift+R")
    # Also from the rounds window itself, so the same key closes it.
    rounds.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)

    h = bar.addMenu("&Help")
    act(
        h,
        "Keyboard Shortcuts",
        lambda: _show_shortcuts(sheet, window),
        QKeySequence.StandardKey.HelpContents,
    )
    act(h, "Open Log Folder", _open_log_folder)
    act(h, "About Inpaint Editor", lambda: _show_about(window))

    w.mask_toolbar.addSeparator()
    w.mask_toolbar.addAction(compare)
    button = w.mask_toolbar.widgetForAction(compare)
    if isinstance(button, QToolButton):
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    return WindowActions(
        open=open_,
        save_as=save_as,
        copy=copy,
        paste=paste,
        undo=undo,
        redo=redo,
        use_as_base=use_as_base,
        generate=generate,
        escape=escape,
        compare=compare,
        clear_mask=clear_mask,
        reselect_mask=reselect,
        invert_mask=invert,
        duplicate_round=duplicate,
        export_mask=export_mask,
        overlay=overlay,
        markup_visible=markup_visible,
        clear_markup=clear_markup,
        recent_menu=recent,
        shortcuts=sheet,
        needs_image=needs_image,
    )


def _doc_op(w: ActionsHost) -> Callable[[Callable[..., None]], Callable[[], None]]:
    def wrap(op: Callable[..., None]) -> Callable[[], None]:
        def run() -> None:
            if w.document is not None:
                op(w.document)

        return run

    return wrap


def _clear_markup(w: ActionsHost) -> None:
    if w.markup is not None and not w.markup.empty:
        w.canvas.begin_edit()
        w.markup.clear()


def _show_markup(w: ActionsHost, on: bool) -> None:
    if w.markup is not None:
        w.markup.visible = on


def _reselect(w: ActionsHost, window: QMainWindow, cleared: ClearedMask) -> None:
    if w.document is not None and not cleared.reselect(w.document):
        window.statusBar().showMessage("No cleared mask to bring back", 4000)


def _mask_from_transparency(w: ActionsHost) -> None:
    """The image's transparent pixels become the mask, as one undo step."""
    if w.image is None or w.document is None:
        return
    try:
        selection = mask_from_transparency(w.image)
    except NoTransparencyError as e:
        w.show_message(f"{e}: nothing to turn into a mask.")
        return
    apply_selection(w.document, selection, SelectionMode.REPLACE)


def _brush_step(w: ActionsHost, direction: int) -> None:
    size = w.canvas.brush_size
    if direction > 0:
        w.canvas.brush_size = max(size + 1, round(size * 1.1))
    else:
        w.canvas.brush_size = min(size - 1, round(size / 1.1))


def _grow_dialog(w: ActionsHost, window: QMainWindow) -> None:
    px, ok = QInputDialog.getInt(
        window, "Grow or Shrink Mask", "Pixels (negative shrinks):", 8, -500, 500
    )
    if ok and px and w.document is not None:
        w.document.grow(px)


def _feather_dialog(w: ActionsHost, window: QMainWindow) -> FeatherDialog | None:
    """Non-blocking: the canvas previews the softened mask while the dialog is open."""
    if w.document is None:
        return None
    w.show_original()  # the mask is what is being looked at
    from editor.ui.canvas.feather_dialog import FeatherDialog

    dialog = FeatherDialog(w.canvas, w.document, window, w.spawn)
    dialog.finished.connect(dialog.deleteLater)
    w.feather_dialog = dialog
    dialog.open()
    return dialog


def _fill_recent(w: ActionsHost, menu: QMenu) -> None:
    menu.clear()
    paths = w.files.recent.paths()
    for path in paths:
        a = menu.addAction(path)
        a.triggered.connect(lambda _=False, p=path: w.files.open_path(p))
    if paths:
        menu.addSeparator()
        menu.addAction("Clear Recent", w.files.recent.clear)
    else:
        menu.addAction("No recent images").setEnabled(False)


def _show_shortcuts(sheet: ShortcutSheet, window: QMainWindow) -> None:
    from editor.ui.window.shortcuts_dialog import ShortcutsDialog

    ShortcutsDialog(sheet.rows(), window).open()


def _show_about(window: QMainWindow) -> None:
    from editor.ui.window.shortcuts_dialog import show_about

    show_about(window)


def _open_sessions(w: ActionsHost, window: QMainWindow) -> None:
    from editor.ui.session.sessions_dialog import SessionsDialog

    SessionsDialog(w, window).open()


def _rename_session(w: ActionsHost, window: QMainWindow) -> None:
    from editor.ui.session.sessions_dialog import rename_session

    rename_session(w, parent=window)


def _show_settings(w: ActionsHost, window: QMainWindow) -> None:
    from editor.ui.settings.settings_dialog import SettingsDialog

    SettingsDialog(w, window).open()


def _open_log_folder() -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    from editor.logs import log_dir

    folder = log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
