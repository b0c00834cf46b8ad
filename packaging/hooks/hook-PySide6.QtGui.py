# Replaces PyInstaller's own hook for PySide6.QtGui (hooks in the spec's hookspath win): the
# same collection, minus the Qt plugins a desktop image editor never loads. Dropping them here,
# before PyInstaller follows their library dependencies, also keeps out what only they need
# (QtPdf and QtNetwork for the PDF image format, QtQuick/QML for the virtual keyboard, GTK,
# cairo and pango for the GTK3 theme, libdrm/gbm for eglfs).
#
# Kept: platforms xcb, wayland, offscreen, minimal; every image format but PDF (jpeg, webp, tiff,
# gif, ico, svg, ...); the svg icon engine; the xdg-desktop-portal theme (portal file dialogs);
# compose and ibus input methods; the xcb and wayland GL integrations and shell integrations.
import re

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

DROP = re.compile(
    r"plugins/(?:"
    r"imageformats/libqpdf\.so"
    r"|platforminputcontexts/libqtvirtualkeyboardplugin\.so"
    r"|platforms/libq(?:eglfs|linuxfb|vnc|vkkhrdisplay|minimalegl)\.so"
    r"|platformthemes/libqgtk3\.so"
    r"|(?:egldeviceintegrations|generic|printsupport|wayland-graphics-integration-server)/"
    r")"
)

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(src, dest) for src, dest in binaries if not DROP.search(src.replace("\\", "/"))]
