"""The prompt box and the request parameters, with the Generate button.

The choices follow the model table (:mod:`editor.core.models`): sizes, qualities, how many
variants and whether a response format can be asked for change with the model.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QPainter, QPalette, QTextCursor
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.client import EditError, ListedModel
from editor.core.models import format_size, model_spec
from editor.core.request import OMIT, Omittable
from editor.pipeline import ApiOptions, EditParams
from editor.pipeline.resolve import resolve
from editor.ui.common.icons import tool_icon
from editor.ui.common.services import Profile
from editor.ui.common.signals import signals_blocked
from editor.ui.prompt.matrix_line import MatrixLine, prompts_of
from editor.ui.prompt.quality_options import Collapsible, ResultOptions
from editor.ui.prompt.references_strip import ReferencesStrip
from editor.ui.prompt.regions_panel import RegionsPanel
from editor.workspace.tasks import spawn

__all__ = ["PromptEdit", "PromptPanel"]

log = logging.getLogger(__name__)

_HISTORY_MAX = 50
_WATERMARK: dict[str, bool | Omittable] = {"Service default": OMIT, "On": True, "Off": False}


class PromptEdit(QPlainTextEdit):
    """Multi-line prompt: Ctrl+Enter submits; Up on the first line / Down on the last line walk
    through earlier prompts (the text being typed is kept as the newest entry); Esc leaves the
    box (``escaped``) rather than reaching the window's Esc."""

    submitted = Signal()
    escaped = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("Describe the change, e.g. “remove the spoon”")
        self.setTabChangesFocus(True)
        self.history: list[str] = []
        self._pos = 0  # index into history; len(history) = the draft
        self._draft = ""

    def sizeHint(self) -> QSize:
        # Four lines: room to write without crowding the side panel (it grows to 140 px).
        margins = self.contentsMargins()
        lines = 4 * self.fontMetrics().lineSpacing() + 2 * int(self.document().documentMargin())
        return QSize(super().sizeHint().width(), lines + margins.top() + margins.bottom())

    def remember(self, text: str) -> None:
        text = text.strip()
        if text:
            if text in self.history:
                self.history.remove(text)
            self.history.append(text)
            del self.history[:-_HISTORY_MAX]
        self._pos = len(self.history)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and _plain_escape(event):
            event.accept()  # the first Esc leaves the text box
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers()
        if _plain_escape(event):
            self.escaped.emit()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            mods & Qt.KeyboardModifier.ControlModifier
        ):
            self.submitted.emit()
            return
        cursor = self.textCursor()
        plain = not (mods & ~Qt.KeyboardModifier.KeypadModifier)
        first = cursor.block().blockNumber() == 0
        last = not cursor.block().next().isValid()
        if plain and key == Qt.Key.Key_Up and first and self._walk(-1):
            return
        if plain and key == Qt.Key.Key_Down and last and self._walk(+1):
            return
        super().keyPressEvent(event)

    def _walk(self, step: int) -> bool:
        target = self._pos + step
        if not 0 <= target <= len(self.history):
            return False
        if self._pos == len(self.history):
            self._draft = self.toPlainText()
        self._pos = target
        text = self._draft if target == len(self.history) else self.history[target]
        self.setPlainText(text)
        self.moveCursor(QTextCursor.MoveOperation.End)
        return True


NOTE_ROLE = Qt.ItemDataRole.UserRole + 1  # the Model box's grey words beside a name


class _ModelNotes(QStyledItemDelegate):
    """Model names with a note on the right: "shut down 2026-10-23", "not an image model"."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        if _separator(index):  # QComboBox marks its separators so; a plain delegate would not
            y = option.rect.center().y()
            painter.save()
            painter.setPen(option.palette.color(QPalette.ColorRole.Mid))
            painter.drawLine(option.rect.left() + 4, y, option.rect.right() - 4, y)
            painter.restore()
            return
        super().paint(painter, option, index)
        note = index.data(NOTE_ROLE)
        if note:
            painter.save()
            painter.setPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
            rect = option.rect.adjusted(0, 0, -8, 0)
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, note
            )
            painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        if _separator(index):
            return QSize(size.width(), 7)
        note = index.data(NOTE_ROLE)
        if note:
            size.setWidth(size.width() + option.fontMetrics.horizontalAdvance(note) + 24)
        return size


def _separator(index: QModelIndex | QPersistentModelIndex) -> bool:
    return bool(index.data(Qt.ItemDataRole.AccessibleDescriptionRole) == "separator")


def model_groups(
    names: Sequence[str], dates: dict[str, str] | None = None
) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """The Model box's three groups: image models in service, shut-down ones with their date
    (the service's, else the model table's), and names that are no image model."""
    dates = dates or {}
    usable: list[str] = []
    retired: list[tuple[str, str]] = []
    other: list[str] = []
    for name in names:
        spec = model_spec(name)
        when = dates.get(name) or spec.shutdown_date
        listed = ListedModel(name, when)
        if listed.retired():
            retired.append((name, f"shut down {when}"))
        elif listed.image_model or spec.local:
            usable.append(name)
        else:
            other.append(name)
    return usable, retired, other


def _plain_escape(event: QEvent) -> bool:
    return (
        isinstance(event, QKeyEvent)
        and event.key() == Qt.Key.Key_Escape
        and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    )


LOCAL_ENGINE_NOTE = "The offline engine ignores the prompt: it fills from the surroundings."


class PromptPanel(QWidget):
    """Prompt, parameters, profile picker and Generate. ``generate_requested`` on Ctrl+Enter
    or the button; ``done_typing`` on Esc in the prompt; the window reads :meth:`params` and
    :meth:`profile`."""

    generate_requested = Signal()
    done_typing = Signal()

    def __init__(self, profiles: Sequence[Profile], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._profiles = list(profiles)
        # Service name → the model last chosen with it: switching back brings that model back,
        # and switching away never carries one service's model over to another.
        self._last_model: dict[str, str] = {}
        self.prompt = PromptEdit()
        self.prompt.setMinimumHeight(56)
        self.prompt.setMaximumHeight(140)
        self.prompt.submitted.connect(self.generate_requested)
        self.prompt.escaped.connect(self.done_typing)
        self.references_strip = ReferencesStrip()
        self.matrix = MatrixLine()
        self.matrix.hide()  # until the prompt holds several (matrix_line)
        self.matrix.per_line_changed.connect(lambda _on: self.update_count())
        self.prompt.textChanged.connect(self.update_count)

        self.profile_combo = QComboBox()
        self.profile_combo.addItems([p.name for p in self._profiles])
        self.profile_combo.setToolTip("Where the request goes")
        self.model_combo = QComboBox()
        self.model_combo.setEditable(True)
        self.model_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # Typing suggests names in a list; it never fills one in by itself, so Return keeps
        # exactly what was typed ("gpt-image-2" stays gpt-image-2), and choosing is explicit.
        completer = self.model_combo.completer()
        if completer is not None:
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseSensitive)
        self.model_combo.setToolTip(
            "Model name; type any name your service knows. Shut-down models are listed apart "
            "(a gateway may still serve them)"
        )
        self.model_combo.setItemDelegate(_ModelNotes(self.model_combo))
        self.models_button = QToolButton()
        self.models_button.setText("↻")
        self.models_button.setToolTip("Ask the service which models it offers")
        self.models_button.clicked.connect(self.refresh_models)
        self.models_task: asyncio.Task[list[str]] | None = None
        self.size_combo = QComboBox()
        self.size_combo.setToolTip("Size the service works at; auto fits the image")
        self.quality_combo = QComboBox()
        self.quality_combo.setToolTip("How much detail the model renders (xhigh and max: 2.5, 2.6)")
        # 2.6: how much the model plans before rendering (dense text, layouts); costs latency.
        self.complexity_combo = QComboBox()
        self.complexity_combo.addItem("Service default", "")
        for level in ("low", "medium", "high"):
            self.complexity_combo.addItem(level, level)
        self.complexity_combo.setToolTip(
            "How much the model plans before rendering: high for dense text and layouts, "
            "low for speed (gpt-image-2.6 models)"
        )
        self.fidelity_combo = QComboBox()
        self.fidelity_combo.addItem("Service default", "")
        for level in ("low", "high"):
            self.fidelity_combo.addItem(level, level)
        self.fidelity_combo.setToolTip("How closely the model keeps the input's details")
        self.background_combo = QComboBox()
        self.background_combo.setToolTip(
            "transparent: the result keeps its alpha inside the mask (PNG or WebP)"
        )
        self.n_spin = QSpinBox()
        self.n_spin.setRange(1, 10)
        self.n_spin.setToolTip("How many variants to ask for")
        self.n_spin.setSuffix(" variant")
        self.n_spin.valueChanged.connect(
            lambda n: self.n_spin.setSuffix(" variant" if n == 1 else " variants")
        )
        self.n_spin.valueChanged.connect(lambda _n: self.update_count())
        self.watermark_combo = QComboBox()
        self.watermark_combo.addItems(list(_WATERMARK))
        self.watermark_combo.setToolTip("Ask the service to add (or leave out) a watermark")
        self.format_combo = QComboBox()
        self.format_combo.setToolTip("How the service sends results back (only some models)")

        self.generate_button = QPushButton(tool_icon("generate"), "Generate")
        self.generate_button.setToolTip("Send image, mask and prompt (Ctrl+Enter)")
        self.generate_button.setDefault(True)
        self.generate_button.setMinimumHeight(34)
        self.generate_button.clicked.connect(self.generate_requested)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        # Beside Generate while an offline engine is picked: what it does with the prompt.
        self.engine_note = QLabel(LOCAL_ENGINE_NOTE)
        self.engine_note.setWordWrap(True)
        self.engine_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.engine_note.hide()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Service", self.profile_combo)
        model_row = QHBoxLayout()
        model_row.setContentsMargins(0, 0, 0, 0)
        model_row.addWidget(self.model_combo, 1)
        model_row.addWidget(self.models_button)
        form.addRow("Model", model_row)
        self.options = ResultOptions()
        # What a designer changes now and then folds away; the header says what is set.
        advanced = QWidget()
        more = QFormLayout(advanced)
        more.setContentsMargins(12, 0, 0, 0)
        more.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        more.addRow("Size", self.size_combo)
        more.addRow("Quality", self.quality_combo)
        more.addRow("Complexity", self.complexity_combo)
        more.addRow("Input fidelity", self.fidelity_combo)
        more.addRow("Background", self.background_combo)
        self._advanced_form = more
        more.addRow("Context", self.options.context_combo)
        more.addRow("", self.options.color_check)
        more.addRow("Crop margin", self.options.margin_spin)
        more.addRow("Match strength", self.options.strength_row)
        more.addRow("Watermark", self.watermark_combo)
        more.addRow("Response", self.format_combo)
        self.advanced = Collapsible("Advanced", advanced)
        self.advanced.toggled.connect(self._advanced_toggled)
        for combo in (
            self.size_combo,
            self.quality_combo,
            self.complexity_combo,
            self.fidelity_combo,
            self.background_combo,
            self.options.context_combo,
            self.watermark_combo,
            self.format_combo,
        ):
            combo.currentTextChanged.connect(self._summarise)
        self.options.color_check.toggled.connect(self._summarise)
        # On a short side panel everything above Generate scrolls (the prompt first in view),
        # so references or a long message never push the window past the screen.
        parameters = QWidget()
        column = QVBoxLayout(parameters)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.prompt)
        column.addWidget(self.matrix)
        column.addWidget(self.references_strip)
        column.addLayout(form)
        column.addWidget(self.advanced)
        self.regions = RegionsPanel()
        self.regions_section = Collapsible("Regions", self.regions)
        self.regions_section.toggled.connect(self._regions_toggled)
        column.addWidget(self.regions_section)
        column.addStretch(1)
        self.parameters = QScrollArea()
        self.parameters.setWidget(parameters)
        self.parameters.setWidgetResizable(True)
        self.parameters.setFrameShape(QFrame.Shape.NoFrame)
        self.parameters.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.parameters.setMinimumHeight(self.prompt.minimumHeight() + 8)
        self.parameters.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        go = QHBoxLayout()
        go.setContentsMargins(0, 0, 0, 0)
        go.addWidget(self.n_spin)
        go.addWidget(self.generate_button, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 6, 8, 6)
        title = QLabel("<b>Prompt</b>")
        box.addWidget(title)
        box.addWidget(self.parameters, 1)
        box.addWidget(self.hint)
        box.addWidget(self.engine_note)
        box.addLayout(go)

        self.profile_combo.currentIndexChanged.connect(self._on_profile)
        self.model_combo.currentTextChanged.connect(self._on_model)
        self._on_profile(0)
        self._summarise()

    # -- reading --------------------------------------------------------------------------------

    def profile(self) -> Profile:
        return self._profiles[self.profile_combo.currentIndex()]

    def model(self) -> str:
        return self.model_combo.currentText().strip()

    def params(self) -> EditParams:
        """What the person chose, with the chosen service's rewrites (its sizes, aliases and
        answer format: :func:`editor.pipeline.resolve`)."""
        size = self.size_combo.currentText().strip()
        quality = self.quality_combo.currentData()
        response = self.format_combo.currentData()
        try:
            prompts = self.prompts()
        except ValueError:
            prompts = []  # too many: Generate says so (editor.ui.window.job_binding)
        chosen = EditParams(
            ApiOptions(
                prompt=self.prompt.toPlainText().strip(),
                model=self.model() or None,
                n=self.n_spin.value(),
                size=None if size in ("", "auto") else size,
                quality=quality or None,
                watermark=_WATERMARK[self.watermark_combo.currentText()],
                response_format=response or None,
                # Only what this model takes: a hidden control sends nothing.
                complexity=self._shown_choice(self.complexity_combo),
                input_fidelity=self._shown_choice(self.fidelity_combo),
                background=self._shown_choice(self.background_combo),
            ),
            context=self.options.context(),
            context_margin=self.options.margin(),
            color_match=self.options.color_match(),
            color_match_strength=self.options.strength(),
            references=self.references_strip.references(),
            prompts=tuple(prompts) if len(prompts) > 1 else (),
        )
        return resolve(chosen, self.profile())

    def prompts(self) -> list[str]:
        """Every prompt the box holds (``{a|b}`` expanded; one per line when that is on).
        ValueError past editor.core.prompt_matrix.MAX_PROMPTS."""
        return prompts_of(self.prompt.toPlainText(), self.matrix.per_line.isChecked())

    def update_count(self) -> None:
        self.matrix.update_count(self.prompt.toPlainText(), self.n_spin.value())

    def _shown_choice(self, combo: QComboBox) -> str | None:
        """The combo's choice, or None when the model has no such field (the row is hidden)."""
        return (combo.currentData() or None) if self._advanced_form.isRowVisible(combo) else None

    # -- writing --------------------------------------------------------------------------------

    def set_prompt(self, text: str) -> None:
        self.prompt.setPlainText(text)
        self.prompt.moveCursor(QTextCursor.MoveOperation.End)

    def focus_prompt(self) -> None:
        self.prompt.setFocus(Qt.FocusReason.OtherFocusReason)

    def remember_prompt(self) -> None:
        self.prompt.remember(self.prompt.toPlainText())

    def set_profile(self, name: str) -> None:
        index = self.profile_combo.findText(name)
        if index < 0:
            raise ValueError(f"no profile named {name!r}")
        self.profile_combo.setCurrentIndex(index)

    def profiles(self) -> tuple[Profile, ...]:
        """The services the picker offers, in its order."""
        return tuple(self._profiles)

    def set_profiles(self, profiles: Sequence[Profile]) -> None:
        """Swap in a new list (after Settings), keeping the current choice if it still exists."""
        current = self.profile_combo.currentText()
        chosen = self._choices()
        self._profiles = list(profiles)
        with signals_blocked(self.profile_combo):
            self.profile_combo.clear()
            self.profile_combo.addItems([p.name for p in self._profiles])
            index = max(0, self.profile_combo.findText(current))
            self.profile_combo.setCurrentIndex(index)
        self._on_profile(index)
        if self.profile_combo.currentText() == current:
            self._restore_choices(chosen)  # the same service: what was chosen stays

    def _choice_combos(self) -> tuple[QComboBox, ...]:
        return (
            self.quality_combo,
            self.complexity_combo,
            self.fidelity_combo,
            self.background_combo,
            self.format_combo,
        )

    def _choices(self) -> tuple[str, str, list[object]]:
        combos = self._choice_combos()
        return self.model(), self.size_combo.currentText(), [c.currentData() for c in combos]

    def _restore_choices(self, chosen: tuple[str, str, list[object]]) -> None:
        model, size, data = chosen
        if model:
            self.set_model(model)
        if self.size_combo.isEditable() or self.size_combo.findText(size) >= 0:
            self.size_combo.setCurrentText(size)
        combos = self._choice_combos()
        for combo, value in zip(combos, data, strict=True):
            found = combo.findData(value)
            if found >= 0:
                combo.setCurrentIndex(found)

    def bind_settings(self, settings: QSettings) -> None:
        """Remember the context and colour-match choices in ``settings`` (restored now)."""
        self.options.bind_settings(settings)

    def set_model(self, name: str) -> None:
        self.model_combo.setCurrentText(name)

    def _on_profile(self, index: int) -> None:
        profile = self._profiles[index]
        with signals_blocked(self.model_combo):
            self._fill_models(profile)
        keep = self._last_model.get(profile.name) or profile.default_model
        self.model_combo.setCurrentText(keep)
        self._on_model(keep)
        # The profile's defaults, where this model offers them.
        size = profile.default_size
        if (
            size
            and self.size_combo.isEnabled()
            and (self.size_combo.isEditable() or self.size_combo.findText(size) >= 0)
        ):
            self.size_combo.setCurrentText(size)
        if profile.default_quality:
            found = self.quality_combo.findData(profile.default_quality)
            if found >= 0:
                self.quality_combo.setCurrentIndex(found)
        self.options.apply_profile(profile)
        self.hint.setText(profile.problem() or "")
        self.hint.setVisible(bool(self.hint.text()))

    def _fill_models(self, profile: Profile) -> None:
        combo = self.model_combo
        combo.clear()
        usable, retired, other = model_groups(profile.models, dict(profile.shutdown_dates))
        combo.addItems(usable)
        for group in (retired, [(name, "not an image model") for name in other]):
            if group and combo.count():
                combo.insertSeparator(combo.count())
            for name, note in group:
                combo.addItem(name)
                combo.setItemData(combo.count() - 1, note, NOTE_ROLE)
                combo.setItemData(combo.count() - 1, note, Qt.ItemDataRole.ToolTipRole)
        # The list opens wide enough for a name and its note side by side.
        metrics = combo.fontMetrics()
        widest = max(
            (
                metrics.horizontalAdvance(f"{n}    {t}")
                for n, t in [*retired, *((o, "not an image model") for o in other)]
            ),
            default=0,
        )
        combo.view().setMinimumWidth(widest + 40)

    def model_note(self, name: str) -> str | None:
        """The Model box's note beside a name ("shut down 2026-10-23"), if any."""
        index = self.model_combo.findText(name)
        note = self.model_combo.itemData(index, NOTE_ROLE) if index >= 0 else None
        return str(note) if note else None

    def refresh_models(self) -> asyncio.Task[list[str]] | None:
        """Ask the current service for its models (GET /models); the Model box then offers
        them first, and the profile keeps the list."""
        profile = self.profile()
        problem = profile.problem()
        if problem:
            self._say(problem)
            return None
        self.models_button.setEnabled(False)
        self.models_task = spawn(self._refresh(profile), "ask the service for its models")
        return self.models_task

    async def _refresh(self, profile: Profile) -> list[str]:
        models: list[str] = []
        dates: tuple[tuple[str, str], ...] = ()
        try:
            async with profile.make_client() as client:
                listing = await client.list_model_info()
            models = listing.ids
            dates = tuple((m.id, m.shutdown_date) for m in listing.models if m.shutdown_date)
        except EditError as e:
            self._say(f"Could not list the models: {e.user_message}")
        except Exception as e:  # a bug must not leave the button dead
            log.exception("listing models failed")
            self._say(f"Could not list the models: {e}")
        finally:
            self.models_button.setEnabled(True)
        if not models:
            return models
        found = tuple(models)
        if profile.remember_models is not None:
            profile.remember_models(found)
        index = self._profiles.index(profile) if profile in self._profiles else -1
        if index >= 0:
            offered = tuple(dict.fromkeys((*found, *profile.models)))
            self._profiles[index] = replace(profile, models=offered, shutdown_dates=dates)
            if index == self.profile_combo.currentIndex():
                self._on_profile(index)
        self._say(f"{profile.name} offers {len(found)} model{'s' * (len(found) != 1)}.")
        return models

    def _summarise(self) -> None:
        """The Advanced header names the choices that differ from the defaults."""
        parts = []
        size = self.size_combo.currentText().strip()
        if size and size != "auto":
            parts.append(size)
        if self.quality_combo.currentData():
            parts.append(f"{self.quality_combo.currentText()} quality")
        for combo, what in (
            (self.complexity_combo, "complexity"),
            (self.fidelity_combo, "fidelity"),
            (self.background_combo, "background"),
        ):
            if self._shown_choice(combo):
                parts.append(f"{combo.currentText()} {what}")
        context = self.options.context()
        if context != "auto":
            parts.append(self.options.context_combo.currentText().lower())
        if self.options.color_match():
            parts.append("colour match")
        if _WATERMARK[self.watermark_combo.currentText()] is not OMIT:
            parts.append(f"watermark {self.watermark_combo.currentText().lower()}")
        if self.format_combo.currentData():
            parts.append(self.format_combo.currentText())
        self.advanced.set_summary(" · ".join(parts))

    def wanted_height(self) -> int:
        """The height that shows everything without scrolling (Advanced open or not): the
        scroll area's own hint stops well short of its contents."""
        inside = self.parameters.widget()
        extra = self.sizeHint().height() - self.parameters.sizeHint().height()
        return extra + (inside.sizeHint().height() if inside is not None else 0) + 4

    def _advanced_toggled(self, on: bool) -> None:
        self.updateGeometry()  # the column gives the prompt the height it now wants
        if on:  # where the column is too short, the opened section scrolls into view
            QTimer.singleShot(0, self._reveal_advanced)

    def _regions_toggled(self, on: bool) -> None:
        self.updateGeometry()
        if on:
            QTimer.singleShot(0, lambda: self.parameters.ensureWidgetVisible(self.regions, 0, 20))

    def _reveal_advanced(self) -> None:
        self.parameters.ensureWidgetVisible(self.size_combo, 0, 40)

    def _say(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    def _on_model(self, name: str) -> None:
        """Offer only what this model accepts."""
        current = self.profile_combo.currentIndex()
        profile = self._profiles[current] if 0 <= current < len(self._profiles) else None
        aliases = dict(profile.aliases) if profile is not None else None
        self.engine_note.setVisible(model_spec(name.strip() or None, aliases=aliases).local)
        if profile is not None and name.strip():
            self._last_model[profile.name] = name.strip()
        spec = model_spec(
            name.strip() or None,
            profile_sizes=profile.sizes if profile is not None else (),
            aliases=dict(profile.aliases) if profile is not None else None,
        )
        size = self.size_combo.currentText()
        self.size_combo.clear()
        self.size_combo.addItem("auto")
        self.size_combo.addItems([format_size(s) for s in spec.sizes])
        self.size_combo.setEditable(spec.free_size)  # any W×H, multiples of 16
        self.size_combo.setCurrentText(size if self.size_combo.findText(size) >= 0 else "auto")
        self.size_combo.setEnabled(not spec.native or spec.free_size)

        quality = self.quality_combo.currentData()
        self.quality_combo.clear()
        self.quality_combo.addItem("Service default", "")
        for q in spec.qualities:
            self.quality_combo.addItem(q, q)
        self.quality_combo.setCurrentIndex(max(0, self.quality_combo.findData(quality)))
        self.quality_combo.setEnabled(bool(spec.qualities))
        # Fields a model doesn't take are hidden, so they are never sent to it; a gateway's
        # unknown name keeps them all (it may take them).
        unknown = not spec.known
        self._advanced_form.setRowVisible(self.complexity_combo, bool(spec.complexities) or unknown)
        self._advanced_form.setRowVisible(self.fidelity_combo, spec.input_fidelity or unknown)
        background = self.background_combo.currentData()
        self.background_combo.clear()
        self.background_combo.addItem("Service default", "")
        for b in spec.backgrounds if spec.known else ("transparent", "opaque", "auto"):
            self.background_combo.addItem(b, b)
        self.background_combo.setCurrentIndex(max(0, self.background_combo.findData(background)))
        self._advanced_form.setRowVisible(self.background_combo, self.background_combo.count() > 1)

        self.n_spin.setMaximum(spec.max_n)
        self.n_spin.setEnabled(spec.max_n > 1)

        self.format_combo.clear()
        self.format_combo.addItem("Service default", "")
        for f in spec.response_formats:
            self.format_combo.addItem(f, f)
        self.format_combo.setEnabled(bool(spec.response_formats))
        self.references_strip.set_model_spec(spec)
