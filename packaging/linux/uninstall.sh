#!/usr/bin/env sh
# Remove what install.sh put in place for the current user (same PREFIX / XDG_DATA_HOME rules).
# Your settings, sessions and logs are kept; their folders are printed at the end.
set -eu
APP_ID=io.github.inpainteditor.InpaintEditor
PREFIX=${PREFIX:-$HOME/.local}
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
DEST=$PREFIX/opt/inpaint-editor

link=$PREFIX/bin/inpaint-editor
if [ -L "$link" ] && [ "$(readlink "$link")" = "$DEST/inpaint-editor" ]; then
  rm -f "$link"
fi
rm -rf "$DEST"
rm -f "$DATA/applications/$APP_ID.desktop" "$DATA/metainfo/$APP_ID.metainfo.xml"
for size in 16 24 32 48 64 128 256 512; do
  rm -f "$DATA/icons/hicolor/${size}x${size}/apps/$APP_ID.png"
done

if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q "$DATA/applications" 2>/dev/null || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$DATA/icons/hicolor/index.theme" ]; then
  gtk-update-icon-cache -q -t -f "$DATA/icons/hicolor" || true
fi

echo "Removed Inpaint Editor from $DEST and the menu."
echo "Kept your settings and sessions (\$XDG_CONFIG_HOME/inpaint-editor, \$XDG_DATA_HOME/inpaint-editor)."
