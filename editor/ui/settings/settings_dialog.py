"""Edit ▸ Settings (Ctrl+,): endpoint profiles with their API keys, and UI preferences.

The dialog edits a working copy of the profiles; OK/Apply writes them through
:class:`~editor.store.SettingsStore` (keys to the OS keyring via its KeyStore — a 0600 file only
after the user ticks the consent box, never silently) all at once or not at all: when something
can't be saved, nothing is, and the message says why; Cancel drops what wasn't applied.
Messages sit in lines of a fixed height so nothing moves under the pointer while typing.
“Test connection” asks the service for its models (``GET /models``) without blocking the window.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from editor.client import ApiKey, EditError, EditsClient
from editor.pipeline import embedded_client
from editor.store import (
    KEY_ENV,
    KeySource,
    KeyStore,
    Profile,
    ProfileError,
    needs_insecure_warning,
    new_profile_id,
)
from editor.ui.settings.capabilities import learned_text
from editor.ui.settings.controller import SettingsChanges, SettingsController, SettingsHost
from editor.ui.settings.prefs import THEMES, UiPrefs
from editor.ui.settings.pressure_fields import PressureFields
from editor.ui.settings.profile_form import ProfileForm, fixed_message

__all__ = ["SettingsDialog", "SettingsHost"]

log = logging.getLogger(__name__)
T = TypeVar("T")
_GB = 1024**3


class SettingsDialog(QDialog):
    def __init__(self, window: SettingsHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.store = window.app_settings
        self.setWindowTitle("Settings")
        self.resize(860, 640)
        screen = (parent.screen() if parent is not None else None) or QApplication.primaryScreen()
        if screen is not None:  # never wider or taller than the screen it opens on
            room = screen.availableGeometry()
            self.setMaximumSize(room.width(), room.height())
            self.resize(min(860, room.width()), min(640, room.height()))
        self.profiles: list[Profile] = list(self.store.profiles)
        self.keys: dict[str, str] = {}  # profile id → key typed in this dialog
        self.removed: list[Profile] = []
        self.test_task: asyncio.Task[str] | None = None
        self.controller = SettingsController(window)
        # A test still running when the dialog closes ends with it (its answer has no reader).
        self.finished.connect(self._cancel_test)
        self._row = -1
        self._confirmed_insecure: set[str] = set()
        self._forgotten: set[str] = set()  # profile names whose learned limits go on OK/Apply

        self.list = QListWidget()
        self.list.setMaximumWidth(200)
        self.add_button = QPushButton("Add")
        self.duplicate_button = QPushButton("Duplicate")
        self.remove_button = QPushButton("Remove")
        self.form = ProfileForm()
        self.form.iteration.learned_lookup = lambda name: learned_text(
            window.capabilities.learned(name),
            window.capabilities.no_stream(name),
            window.capabilities.markup_note(name),
        )
        # A check box, and its words beside it in a label that wraps: the key file's path can
        # be long, and the dialog must fit a 1024 px screen.
        self.consent = QCheckBox()
        self.consent.setChecked(self.store.allow_file_fallback)
        self.consent_text = QLabel(
            "No system keyring works here: allow saving API keys in a file only I can read "
            f"({self.store.keys.file_path})"
        )
        self.consent_text.setWordWrap(True)
        self.consent_text.setBuddy(self.consent)
        consent_row = QWidget()
        consent_line = QHBoxLayout(consent_row)
        consent_line.setContentsMargins(0, 0, 0, 0)
        consent_line.addWidget(self.consent, 0, Qt.AlignmentFlag.AlignTop)
        consent_line.addWidget(self.consent_text, 1)
        consent_row.setVisible(not self.store.keys.keyring_available())
        self.test_button = QPushButton("Test connection")
        self.test_result = QLabel()
        fixed_message(self.test_result, lines=2)
        self.error = QLabel()
        fixed_message(self.error, lines=3)
        self.error.setStyleSheet("color: #d9534f;")

        buttons = QHBoxLayout()
        for b in (self.add_button, self.duplicate_button, self.remove_button):
            buttons.addWidget(b)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addLayout(buttons)
        test = QHBoxLayout()
        test.addWidget(self.test_button)
        test.addWidget(self.test_result, 1)
        # The form scrolls inside a fixed frame: however its rows change, the dialog keeps its size.
        scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.viewport().setAutoFillBackground(False)  # the dialog's colour, not a panel
        self.form.setAutoFillBackground(False)
        right = QVBoxLayout()
        right.addWidget(scroll, 1)
        right.addWidget(consent_row)
        right.addLayout(test)
        services = QWidget()
        row = QHBoxLayout(services)
        row.addLayout(left)
        row.addLayout(right, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(services, "Services")
        self.tabs.addTab(self._build_prefs(), "Preferences")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Cancel
        )
        bottom = QHBoxLayout()
        bottom.addWidget(self.error, 1)  # beside the buttons it answers, in a fixed place
        bottom.addWidget(self.buttons, 0, Qt.AlignmentFlag.AlignBottom)
        box = QVBoxLayout(self)
        box.addWidget(self.tabs, 1)
        box.addLayout(bottom)

        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        apply = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        apply.clicked.connect(self.apply)
        self.add_button.clicked.connect(self.add_profile)
        self.duplicate_button.clicked.connect(self.duplicate_profile)
        self.remove_button.clicked.connect(self.remove_profile)
        self.test_button.clicked.connect(self.test_connection)
        self.form.gateway.refresh_requested.connect(self.test_connection)  # same GET /models
        self.form.iteration.forget_requested.connect(self.forget_learned)
        self.form.edited.connect(self._on_edited)
        self.list.currentRowChanged.connect(self._select)
        self._fill_list()
        self.list.setCurrentRow(0)

    # -- preferences ------------------------------------------------------------------------------

    def _build_prefs(self) -> QWidget:
        prefs = UiPrefs(self.window_.settings)
        page = QWidget()
        form = QFormLayout(page)
        self.brush_spin = QSpinBox()
        self.brush_spin.setRange(1, 1000)
        self.brush_spin.setSuffix(" px")
        self.brush_spin.setValue(prefs.brush_size)
        self.overlay_button = QPushButton()
        self.overlay_color = prefs.overlay_color
        self._paint_swatch()
        self.overlay_button.clicked.connect(self._pick_colour)
        self.theme_combo = QComboBox()
        self.theme_combo.addItems([t.capitalize() for t in THEMES])
        self.theme_combo.setCurrentIndex(THEMES.index(prefs.theme))
        self.budget_spin = QDoubleSpinBox()
        self.budget_spin.setRange(0.1, 1000)
        self.budget_spin.setSuffix(" GB")
        self.budget_spin.setValue(self.store.settings.storage_budget_bytes / _GB)
        self.budget_spin.setToolTip("File ▸ Open Session ▸ Clean Up deletes the oldest beyond this")
        form.addRow("Brush size", self.brush_spin)
        form.addRow("Mask overlay colour", self.overlay_button)
        form.addRow("Theme", self.theme_combo)
        form.addRow("Storage for sessions", self.budget_spin)
        self.confirm_spin = QSpinBox()
        self.confirm_spin.setRange(1, 1000)
        self.confirm_spin.setSuffix(" images")
        self.confirm_spin.setValue(prefs.confirm_images_over)
        self.confirm_spin.setToolTip(
            "A prompt matrix asking for more images than this is sent only after you confirm"
        )
        form.addRow("Ask before sending over", self.confirm_spin)
        self.pressure_fields = PressureFields(prefs.pressure_curve)
        form.addRow("Tablet pressure", self.pressure_fields)
        return page

    def _paint_swatch(self) -> None:
        self.overlay_button.setText(self.overlay_color.name())
        self.overlay_button.setStyleSheet(f"background: {self.overlay_color.name()};")

    def _pick_colour(self) -> None:
        color = QColorDialog.getColor(self.overlay_color, self, "Mask overlay colour")
        if color.isValid():
            self.set_overlay_color(color)

    def set_overlay_color(self, color: QColor) -> None:
        self.overlay_color = QColor(color)
        self._paint_swatch()

    # -- the profile list -------------------------------------------------------------------------

    def _fill_list(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        self.list.addItems([p.name for p in self.profiles])
        self.list.blockSignals(False)

    def _select(self, row: int) -> None:
        if not self._commit_form():
            self.list.blockSignals(True)
            self.list.setCurrentRow(self._row)
            self.list.blockSignals(False)
            return
        self._row = row
        if 0 <= row < len(self.profiles):
            profile = self.profiles[row]
            self.form.load(profile)
            if profile.name in self._forgotten:
                self._hide_learned()
            self.form.key.setText(self.keys.get(profile.id, ""))
            self.remove_button.setEnabled(profile.deletable)
            self._show_key_state(profile)
            self.test_result.clear()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setToolTip(text)  # the whole sentence, should it outgrow its lines

    def current(self) -> Profile:
        return self.profiles[self._row]

    def _commit_form(self) -> bool:
        """Take the form's values into the working copy; False (and a message) if invalid."""
        if not 0 <= self._row < len(self.profiles):
            return True
        try:
            edited = self.form.profile()
        except ProfileError as e:
            self._show_error(str(e))
            return False
        names = [p.name.casefold() for i, p in enumerate(self.profiles) if i != self._row]
        if edited.name.casefold() in names:
            self._show_error(f"There is already a profile named “{edited.name}”")
            return False
        self.profiles[self._row] = edited
        item = self.list.item(self._row)
        if item is not None:
            item.setText(edited.name)
        if self.form.key.text().strip():
            self.keys[edited.id] = self.form.key.text().strip()
        self._show_error("")
        return True

    def _on_edited(self) -> None:
        self._commit_form()
        if 0 <= self._row < len(self.profiles):
            self._show_key_state(self.current())

    def _show_key_state(self, profile: Profile) -> None:
        self.form.key_where.setText(key_state_text(self.store.keys, profile))
        self.form.insecure.setVisible(needs_insecure_warning(profile))
        self.form.insecure.setText(
            "⚠ This address uses http:// to another computer: an API key would travel "
            "unencrypted. Use https:// unless you trust every network in between."
        )

    def add_profile(self) -> None:
        if not self._commit_form():
            return
        name = _unique_name("New service", self.profiles)
        profile = Profile(
            id=_new_id(name, self.profiles),
            name=name,
            base_url="https://api.example.com/v1",
            default_model="gpt-image-1",
            color_match=True,  # remote services drift in colour; the local fill does not
        )
        self._append(profile)

    def duplicate_profile(self) -> None:
        if not self._commit_form():
            return
        source = self.current()
        name = _unique_name(f"{source.name} copy", self.profiles)
        kind = "custom" if source.kind == "local" else source.kind
        self._append(source.with_(id=_new_id(name, self.profiles), name=name, kind=kind))

    def _append(self, profile: Profile) -> None:
        self.profiles.append(profile)
        self._fill_list()
        self._row = -1
        self.list.setCurrentRow(len(self.profiles) - 1)
        self.form.name.setFocus()
        self.form.name.selectAll()

    def remove_profile(self) -> None:
        profile = self.current()
        if not profile.deletable:
            self._show_error(f"The “{profile.name}” profile can't be removed")
            return
        self.removed.append(profile)
        del self.profiles[self._row]
        self.keys.pop(profile.id, None)
        self._fill_list()
        self._row = -1
        self.list.setCurrentRow(0)

    # -- saving -----------------------------------------------------------------------------------

    def apply(self) -> bool:
        """Write profiles, keys and prefs all at once; on failure nothing changes and the
        reason is shown (False)."""
        if not self._commit_form():
            return False
        # A new profile gets its id from the name it was given, e.g. "studio-server".
        taken = {p.id for p in self.store.profiles}
        profiles: list[Profile] = []
        keys: dict[str, str] = {}
        for profile in self.profiles:
            key = self.keys.get(profile.id)
            if profile.id not in self.store.profiles:
                profile = profile.with_(id=new_profile_id(profile.name, taken))
                taken.add(profile.id)
            profiles.append(profile)
            if key:
                keys[profile.id] = key
        problem = self.controller.apply(
            SettingsChanges(
                tuple(profiles),
                keys,
                removed=tuple(self.removed),
                allow_file_fallback=self.consent.isChecked(),
                storage_budget_bytes=int(self.budget_spin.value() * _GB),
                forgotten=frozenset(self._forgotten),
                brush_size=self.brush_spin.value(),
                overlay_color=self.overlay_color,
                theme=THEMES[self.theme_combo.currentIndex()],
                confirm_images_over=self.confirm_spin.value(),
                pressure_curve=self.pressure_fields.curve(),
            )
        )
        if problem is not None:
            self._show_error(problem)
            return False
        self.removed.clear()
        self.keys.clear()
        self._forgotten.clear()
        self.profiles = profiles
        self.form.key.clear()
        if 0 <= self._row < len(self.profiles):
            self._show_key_state(self.current())
        self._show_error("")
        self.window_.statusBar().showMessage("Settings saved", 4000)
        return True

    def _ok(self) -> None:
        if self.apply():
            self.accept()

    def forget_learned(self) -> None:
        """Forget (on OK/Apply) the n limits and no-preview marks learned for the profile shown."""
        if not 0 <= self._row < len(self.profiles):
            return
        self._forgotten.add(self.current().name)
        self._hide_learned()

    def _hide_learned(self) -> None:
        self.form.iteration.learned.clear()
        self.form.iteration.forget.hide()

    # -- test connection --------------------------------------------------------------------------

    def test_connection(self) -> asyncio.Task[str] | None:
        """GET /models with the profile as edited (and the key typed or saved); async."""
        if not self._commit_form():
            return None
        profile = self.current()
        typed = self.keys.get(profile.id)
        key = ApiKey(typed) if typed else self.store.api_key_for(profile)
        warn = key is not None and needs_insecure_warning(profile)
        if warn and profile.id not in self._confirmed_insecure:
            self._confirmed_insecure.add(profile.id)
            self.test_result.setText(
                "⚠ The key would be sent unencrypted (http://). Press Test again to send it."
            )
            return None
        missing = ""
        if key is None and profile.needs_key and not profile.key_optional:
            missing = (
                f"No API key: {profile.key_env} is not set. "
                if profile.key_env
                else "No API key yet (type one above or name a Key variable). "
            )
        self.test_result.setText(f"{missing}Testing…")
        self.test_button.setEnabled(False)
        self.test_task = self.window_.spawn(self._test(profile, key, missing), "test the service")
        return self.test_task

    async def _test(self, profile: Profile, key: ApiKey | None, missing: str = "") -> str:
        try:
            client = (
                embedded_client()
                if profile.kind == "local"
                else EditsClient(profile.to_endpoint(key).with_(max_retries=0))
            )
            async with client:
                models = await client.list_models()
            text = (
                f"✓ Connected — the service offers {len(models)} model{'s' * (len(models) != 1)}."
            )
            self._remember_models(profile.id, tuple(models))
        except EditError as e:
            text = f"✗ {e.user_message}"
        except Exception as e:  # a bug must not leave the button dead
            log.exception("test connection failed")
            text = f"✗ Something went wrong: {e}"
        if missing:
            text = f"✗ {missing}The service answered: {text}"
        self.test_result.setText(text)
        self.test_result.setToolTip(text)
        self.test_button.setEnabled(True)
        return text

    def _cancel_test(self) -> None:
        if self.test_task is not None and not self.test_task.done():
            self.test_task.cancel()
            self.test_button.setEnabled(True)

    def _remember_models(self, profile_id: str, models: tuple[str, ...]) -> None:
        """Keep the service's list with the profile (saved with Apply/OK) for the Model box."""
        for i, profile in enumerate(self.profiles):
            if profile.id == profile_id:
                self.profiles[i] = profile.with_(service_models=models)
                if i == self._row:
                    self.form.gateway.show_models(models)


def key_state_text(keys: KeyStore, profile: Profile) -> str:
    """Where the profile's key comes from, and what may stand in for it (under the key field)."""
    if not profile.needs_key:
        return "The local engine needs no key."
    source = keys.source(profile.id, env_fallback=profile.env_key_allowed, env_var=profile.key_env)
    if source == KeySource.ENVIRONMENT:
        own = profile.key_env and keys.env_value_set(profile.key_env)
        variable = profile.key_env if own else KEY_ENV
        where = f"The key comes from {variable} (read when sending, never saved)."
    elif source == KeySource.KEYRING:
        where = "A key is saved in the system keyring."
    elif source == KeySource.FILE:
        where = "A key is saved in a file only you can read."
    elif profile.key_env:
        where = f"{profile.key_env} is not set, and no key is saved."
    else:
        where = "No key saved yet."
    if profile.env_key_allowed:
        rule = f"{KEY_ENV} stands in when no key is saved."
    else:
        rule = (
            f"{KEY_ENV} serves OpenAI profiles only (an OpenAI key never goes to another "
            "host): name this service's own variable below."
        )
    if profile.key_optional:
        rule += " This address is on this computer: it may run without a key."
    kept = (
        "Keys typed here go to the system keyring."
        if keys.keyring_available()
        else "No system keyring works here."
    )
    return f"{where} {rule} {kept}"


def _unique_name(base: str, profiles: list[Profile]) -> str:
    names = {p.name.casefold() for p in profiles}
    name, n = base, 2
    while name.casefold() in names:
        name, n = f"{base} {n}", n + 1
    return name


def _new_id(name: str, profiles: list[Profile]) -> str:
    return new_profile_id(name, {p.id for p in profiles})
