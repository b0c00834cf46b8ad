"""The fields of one endpoint profile, read into and out of a :class:`editor.store.Profile`.

``load(profile)`` fills the fields; ``profile()`` builds the edited profile or raises
:class:`~editor.store.ProfileError` with a plain sentence. The API key field is separate from
the profile (keys never live in it): :attr:`key` holds what was typed, empty means unchanged.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
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
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from editor.store import Profile, ProfileError
from editor.ui.settings.gateway_fields import GatewayFields
from editor.ui.settings.iteration_fields import IterationFields

__all__ = ["ProfileForm", "fixed_message", "format_headers", "parse_headers"]

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


def fixed_message(label: QLabel, lines: int) -> None:
    """A wrapped message line of a fixed height, so its text never moves the controls below."""
    label.setWordWrap(True)
    label.setFixedHeight(label.fontMetrics().lineSpacing() * lines + 4)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
    policy = label.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    label.setSizePolicy(policy)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)


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
        self.key_env = QLineEdit()
        self.key_env.setPlaceholderText(
            "e.g. TEAM_GATEWAY_KEY: the key is read from it when sending, never saved"
        )
        self.key_where = QLabel()
        fixed_message(self.key_where, lines=3)
        self.key_where.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.insecure = QLabel()
        fixed_message(self.insecure, lines=2)
        self.insecure.setStyleSheet("color: #d9822b;")
        self.insecure.hide()

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Name", self.name)
        form.addRow("Base URL", self.base_url)
        form.addRow("API key", self.key)
        form.addRow("Key variable", self.key_env)
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
        self._form = form
        for w in (
            self.name,
            self.base_url,
            self.key_env,
            self.model,
            self.size_edit,
            self.quality,
            self.sizes,
        ):
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
            self.key_env.setText(profile.key_env or "")
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
        # Keys, the wire format, headers and prices don't apply to the engine in this process.
        hidden = (self.key, self.key_env, self.key_where, self.insecure, self.route, self.body)
        for w in (*hidden, self.headers, self.gateway):
            self._form.setRowVisible(w, not local)
        self.iteration.show_prices(not local)
        self.key.setPlaceholderText(
            "paste the key here"
            if profile.kind != "openai"
            else "paste the key here, or leave empty to use OPENAI_API_KEY"
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
            key_env=self.key_env.text().strip() or None,
            **self.iteration.values(),
            **self.gateway.values(),
        )
