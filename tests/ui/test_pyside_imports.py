"""PySide6's after-import check still gives its own answers, for a fraction of the cost."""

from __future__ import annotations

import inspect
import json
import math
import sys
import types

import PySide6.QtCore  # noqa: F401

import editor.core.mask_document
import editor.ui.canvas.mask_canvas
from editor.ui.common.pyside_imports import install_source_check, mentions_pyside


def _pyside_answer(module: types.ModuleType) -> bool:
    try:
        return "PySide6" in inspect.getsource(module)
    except (TypeError, OSError):
        return False


def _never(module: types.ModuleType) -> bool:
    raise AssertionError(f"{module.__name__} has a .py file; no fallback needed")


def test_same_answer_as_pyside_for_source_modules() -> None:
    for module in (editor.ui.canvas.mask_canvas, editor.core.mask_document, json, inspect):
        assert mentions_pyside(module, _never) == _pyside_answer(module), module.__name__
    assert mentions_pyside(editor.ui.canvas.mask_canvas, _never) is True
    assert mentions_pyside(editor.core.mask_document, _never) is False


def test_modules_without_a_py_file_go_to_pyside() -> None:
    asked: list[str] = []

    def fallback(module: types.ModuleType) -> bool:
        asked.append(module.__name__)
        return _pyside_answer(module)

    assert mentions_pyside(math, fallback) is False  # an extension module, or built in
    made = types.ModuleType("made_in_memory")
    assert mentions_pyside(made, fallback) is False
    assert asked == ["math", "made_in_memory"]
    gone = types.ModuleType("gone")
    gone.__file__ = "/nonexistent/gone.py"
    assert mentions_pyside(gone, fallback) is False


def test_installed_once_the_window_package_is_imported() -> None:
    feature = sys.modules["PySide6.support.feature"]
    check = feature._mod_uses_pyside
    assert check.__module__ == "editor.ui.common.pyside_imports"
    assert install_source_check() is True
    assert feature._mod_uses_pyside is check  # a second install changes nothing
    assert check(editor.ui.canvas.mask_canvas) is True
    assert check(json) is False
