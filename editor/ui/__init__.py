"""Qt views: the only room that imports PySide6. Widgets bind to the Qt-free core's signals."""

import PySide6.QtCore  # noqa: F401  # first, so that the check below has something to replace

from editor.ui.common.pyside_imports import install_source_check

install_source_check()
