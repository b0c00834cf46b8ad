"""Qt views: the only room that imports PySide6. Widgets bind to the Qt-free core's signals."""
