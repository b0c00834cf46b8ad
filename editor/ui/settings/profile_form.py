"""The fields of one endpoint profile, read into and out of a :class:`editor.store.Profile`.

``load(profile)`` fills the fields; ``profile()`` builds the edited profile or raises
:class:`~editor.store.ProfileError` with a plain sentence. The API key field is separate from
the profile (keys never live in it): :attr:`key` holds what was typed, empty means unchanged.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from editor.store import Profile, ProfileError
from editor.ui.settings.gateway_fields import GatewayFields
from editor.ui.settings.iteration_fields import IterationFields

__all__ = ["ProfileForm", "format_headers", "parse_headers"]

_ROUTES = {"/images/edits (OpenAI)": "images/edits", "/edits (alias)": "edits"}
_BODIES = {"multipart/form-data": "multipart", "JSON": "json"}


def parse_headers(text: str) -> dict[str, str]:
    """``Name: value`` per line → dict; raises ProfileError for a line without a colon."""
    headers: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise ProfileError(f"The header line “{line.strip()}” is not “Name: value”")
        headers[name.strip()] = value.strip()
    return headers


def format_headers(headers: dict[str, str]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in headers.items())


class ProfileForm(QWidget):
    """Editable fields of a profile. ``edited()`` fires on any change by the user."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._profile: Profile | None = None
        self.name = QLineEdit()
        self.base_url = QLineEdit()
        self.base_url.setPlaceholderText("https://api.example.com/v1")
        self.route = QComboBox()
        self.route.addItems(list(_ROUTES))
        self.body = QComboBox()
        self.body.addItems(list(_BODIES))
        self.model = QLineEdit()
        self.model.setPlaceholderText("e.g. gpt-image-1")
        self.size_edit = QLineEdit()
        self.size_edit.setPlaceholderText("auto, or e.g. 1024x1024")
        self.quality = QLineEdit()
        self.quality.setPlaceholderText("service default")
        self.timeout = QDoubleSpinBox()
        self.timeout.setRange(1, 3600)
        self.timeout.setSuffix(" s")
        self.retries = QSpinBox()
        self.retries.setRange(0, 10)
        self.headers = QPlainTextEdit()
        self.headers.setPlaceholderText("X-Team: design   (one “Name: value” per line)")
        self.headers.setMaximumHeight(56)
        self.sizes = QLineEdit()
        self.sizes.setPlaceholderText("for models this app doesn't know, e.g. 1024x1024, 1536x1024")
        self.color_match = QCheckBox("Match colour and tone to the original")
        self.strength = QDoubleSpinBox()
        self.strength.setRange(0.0, 1.0)
        self.strength.setSingleStep(0.1)
        self.strength.setPrefix("strength ")
        self.color_match.toggled.connect(self.strength.setEnabled)
        colour = QHBoxLayout()
        colour.setContentsMargins(0, 0, 0, 0)
        colour.addWidget(self.color_match)
        colour.addWidget(self.strength)
        colour.addStretch(1)

        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_where = QLabel()
        self.key_where.setWordWrap(True)
        self.key_where.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.insecure = QLabel()
        self.insecure.setWordWrap(True)
        self.insecure.setStyleSheet("color: #d9822b;")
        self.insecure.hide()

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Name", self.name)
        form.addRow("Base URL", self.base_url)
        form.addRow("API key", self.key)
        form.addRow("", self.key_where)
        form.addRow("", self.insecure)
        form.addRow("Route", self.route)
        form.addRow("Body", self.body)
        form.addRow("Default model", self.model)
        form.addRow("Default size", self.size_edit)
        form.addRow("Default quality", self.quality)
        form.addRow("Timeout", self.timeout)
        form.addRow("Retries", self.retries)
        form.addRow("Extra headers", self.headers)
        form.addRow("Sizes", self.sizes)
        form.addRow("Colour", colour)
        self.iteration = IterationFields()  # streaming, fan-out, prices
        form.addRow(self.iteration)
        self.gateway = GatewayFields()  # the service's models, aliases, response format
        form.addRow(self.gateway)
        self.iteration.edited.connect(self.edited)
        self.gateway.edited.connect(self.edited)
        for w in (self.name, self.base_url, self.model, self.size_edit, self.quality, self.sizes):
            w.textEdited.connect(self.edited)
        self.key.textEdited.connect(self.edited)
        self.headers.textChanged.connect(self.edited)
        for c in (self.route, self.body):
            c.currentIndexChanged.connect(self.edited)
        self.timeout.valueChanged.connect(self.edited)
        self.retries.valueChanged.connect(self.edited)
        self.color_match.toggled.connect(self.edited)
        self.strength.valueChanged.connect(self.edited)

    def load(self, profile: Profile) -> None:
        self._profile = profile
        widgets = (self, *self.findChildren(QWidget))
        for w in widgets:
            w.blockSignals(True)
        try:
            self.name.setText(profile.name)
            self.base_url.setText(profile.base_url)
            self.route.setCurrentIndex(list(_ROUTES.values()).index(profile.route))
            self.body.setCurrentIndex(list(_BODIES.values()).index(profile.body))
            self.model.setText(profile.default_model or "")
            self.size_edit.setText(profile.default_size or "")
            self.quality.setText(profile.default_quality or "")
            self.timeout.setValue(profile.timeout)
            self.retries.setValue(profile.max_retries)
            self.headers.setPlainText(format_headers(dict(profile.extra_headers)))
            self.sizes.setText(", ".join(profile.sizes))
            self.color_match.setChecked(profile.color_match)
            self.strength.setValue(profile.color_match_strength)
            self.strength.setEnabled(profile.color_match)
            self.iteration.load(profile)
            self.gateway.load(profile)
            self.key.clear()
        finally:
            for w in widgets:
                w.blockSignals(False)
        local = profile.kind == "local"
        self.base_url.setReadOnly(local)
        for w in (self.key, self.route, self.body, self.headers):
            w.setEnabled(not local)
        self.key.setPlaceholderText(
            "not needed: the engine runs on this computer" if local else "paste the key here"
        )

    def profile(self) -> Profile:
        """The profile as edited; ProfileError with a plain sentence if a field is wrong."""
        assert self._profile is not None
        sizes = tuple(
            s.strip() for s in self.sizes.text().replace(";", ",").split(",") if s.strip()
        )
        return self._profile.with_(
            name=self.name.text(),
            base_url=self.base_url.text(),
            route=_ROUTES[self.route.currentText()],
            body=_BODIES[self.body.currentText()],
            default_model=self.model.text().strip() or None,
            default_size=self.size_edit.text().strip() or None,
            default_quality=self.quality.text().strip() or None,
            timeout=float(self.timeout.value()),
            max_retries=int(self.retries.value()),
            extra_headers=parse_headers(self.headers.toPlainText()),
            sizes=sizes,
            color_match=self.color_match.isChecked(),
            color_match_strength=float(self.strength.value()),
            **self.iteration.values(),
            **self.gateway.values(),
        )
