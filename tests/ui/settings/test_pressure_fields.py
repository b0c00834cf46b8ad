"""Preferences ▸ tablet pressure: fields, live curve, saved in UI prefs and used by the canvas."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from editor.core.selection import PressureCurve, PressureTarget
from editor.ui.settings.prefs import UiPrefs
from editor.ui.settings.pressure_fields import PressureFields
from editor.ui.window.main_window import MainWindow
from tests.ui.settings import test_settings_dialog

dialog_for = test_settings_dialog.dialog_for


def test_the_preview_follows_the_fields(qtbot: QtBot) -> None:
    fields = PressureFields(PressureCurve())
    qtbot.addWidget(fields)
    fields.show()
    linear = dict(fields.preview.points(5))
    assert abs(linear[0.5] - (0.1 + 0.9 * 0.5)) < 1e-9
    fields.gamma_spin.setValue(2.0)
    fields.minimum_spin.setValue(0)
    firmer = dict(fields.preview.points(5))
    assert abs(firmer[0.5] - 0.25) < 1e-9 and firmer[1.0] == 1.0
    fields.target_combo.setCurrentIndex(1)  # opacity: the curve shows the opacity
    assert fields.curve().target is PressureTarget.OPACITY
    assert abs(dict(fields.preview.points(5))[0.5] - 0.25) < 1e-9
    qtbot.waitExposed(fields)
    assert not fields.preview.grab().toImage().isNull()


def test_the_dialog_saves_the_curve_and_the_canvas_uses_it(
    qtbot: QtBot,
    window: MainWindow,
) -> None:
    dialog = dialog_for(qtbot, window)
    dialog.tabs.setCurrentIndex(1)
    fields = dialog.pressure_fields
    fields.target_combo.setCurrentIndex(2)
    fields.gamma_spin.setValue(1.8)
    fields.minimum_spin.setValue(25)
    assert dialog.apply()
    expected = PressureCurve(target=PressureTarget.BOTH, gamma=1.8, minimum_size=0.25)
    assert window.canvas.pressure_curve == expected
    assert UiPrefs(window.settings).pressure_curve == expected
    window.settings.setValue("ui/pressure_curve", "{not json")
    assert UiPrefs(window.settings).pressure_curve == PressureCurve()
