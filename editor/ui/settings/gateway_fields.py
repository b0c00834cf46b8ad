"""The gateway fields of a profile form: the service's models, aliases, the response format,
whether markup reaches the model.

A team gateway names models its own way (``team-image``, ``openai/gpt-image-2.6-flare``); an alias
line ``team-image = gpt-image-2.6-flare`` says which known model a name stands for (sizes, limits,
prices). Names that contain a known model's name are guessed and shown as such.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from editor.core.models import MODELS, alias_families, stands_for
from editor.store import Profile, ProfileError

__all__ = ["GatewayFields", "format_aliases", "parse_aliases"]

_FORMATS = {"Service default": None, "b64_json": "b64_json", "url": "url"}
# Whether markup reaches the model: learned (a LiteLLM answer says it does not), or said here.
_MARKUP: dict[str, bool | None] = {
    "Learn from the service": None,
    "Passes it on": True,
    "Send the marks as a mask": False,
}
_SHOWN = 8


def parse_aliases(text: str) -> dict[str, str]:
    """``name = model`` per line → dict; ProfileError with a plain sentence otherwise."""
    aliases: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        name, sep, family = line.rpartition("=")
        name, family = name.strip(), family.strip().lower()
        if not sep or not name:
            raise ProfileError(f"The alias line “{line.strip()}” is not “name = model”")
        if family not in alias_families():
            raise ProfileError(
                f"“{name}” can be treated like {', '.join(alias_families())}, not “{family}”"
            )
        aliases[name] = family
    return aliases


def format_aliases(aliases: Mapping[str, str]) -> str:
    return "\n".join(f"{name} = {family}" for name, family in aliases.items())


def guessed_text(models: tuple[str, ...], aliases: Mapping[str, str]) -> str:
    """ "guessed: openai/gpt-image-1 → gpt-image-1" for listed names no alias covers."""
    guesses = [
        f"{name} → {family}"
        for name in models
        if name not in MODELS and name not in aliases and (family := stands_for(name)) is not None
    ]
    return f"guessed: {', '.join(guesses)}" if guesses else ""


class GatewayFields(QWidget):
    edited = Signal()
    refresh_requested = Signal()  # ask the service for its models (GET /models)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._models: tuple[str, ...] = ()
        self.models = QLabel()
        self.models.setWordWrap(True)
        self.models.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.refresh = QPushButton("Refresh models")
        self.refresh.setAutoDefault(False)
        self.refresh.setToolTip("Ask the service which models it offers (GET /models)")
        self.refresh.clicked.connect(self.refresh_requested)
        self.aliases = QPlainTextEdit()
        self.aliases.setPlaceholderText(
            "team-image = gpt-image-2.6-flare   (one per line: a model of the model table, "
            "or other)"
        )
        self.aliases.setMaximumHeight(56)
        self.guessed = QLabel()
        self.guessed.setWordWrap(True)
        self.guessed.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.response = QComboBox()
        self.response.addItems(list(_FORMATS))
        self.response.setToolTip(
            "What to ask for; the service's default (base64 in the answer) suits gateways"
        )
        self.markup = QComboBox()
        self.markup.addItems(list(_MARKUP))
        self.markup.setToolTip(
            "Some gateways (LiteLLM 1.106.12) forward markup as text, so the model never sees "
            "the marks; those services get the marks as a mask (shapes filled, strokes widened)"
        )
        models_row = QHBoxLayout()
        models_row.setContentsMargins(0, 0, 0, 0)
        models_row.addWidget(self.models, 1)
        models_row.addWidget(self.refresh)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Models", models_row)
        form.addRow("Treat like", self.aliases)
        form.addRow("", self.guessed)
        form.addRow("Response", self.response)
        form.addRow("Markup", self.markup)
        self.aliases.textChanged.connect(self._aliases_changed)
        self.response.currentIndexChanged.connect(self.edited)
        self.markup.currentIndexChanged.connect(self.edited)

    def load(self, profile: Profile) -> None:
        self.aliases.setPlainText(format_aliases(profile.aliases))
        self.response.setCurrentIndex(list(_FORMATS.values()).index(profile.response_format))
        self.markup.setCurrentIndex(list(_MARKUP.values()).index(profile.markup_carried))
        self.show_models(profile.service_models)

    def show_models(self, models: tuple[str, ...]) -> None:
        self._models = tuple(models)
        if models:
            listed = ", ".join(models[:_SHOWN]) + (", …" if len(models) > _SHOWN else "")
            self.models.setText(f"{len(models)}: {listed}")
        else:
            self.models.setText("not listed yet")
        self._show_guesses()

    def values(self) -> dict[str, object]:
        """The fields for ``Profile.with_``; ProfileError for an alias line that is wrong."""
        return {
            "aliases": parse_aliases(self.aliases.toPlainText()),
            "service_models": self._models,
            "response_format": _FORMATS[self.response.currentText()],
            "markup_carried": _MARKUP[self.markup.currentText()],
        }

    def _aliases_changed(self) -> None:
        self._show_guesses()
        self.edited.emit()

    def _show_guesses(self) -> None:
        try:
            aliases = parse_aliases(self.aliases.toPlainText())
        except ProfileError:
            aliases = {}
        self.guessed.setText(guessed_text(self._models, aliases))
        self.guessed.setVisible(bool(self.guessed.text()))
