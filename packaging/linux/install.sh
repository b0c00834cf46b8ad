#!/usr/bin/env sh
# Install the Inpaint Editor bundle for the current user (no root needed).
#
#   install.sh [BUNDLE_DIR]
#
# BUNDLE_DIR is the one-folder bundle (the folder holding the `inpaint-editor` binary and
# `_internal/`); default: the folder this script is in when it ships inside a bundle, else the
# checkout's dist/inpaint-editor. What goes where (PREFIX defaults to ~/.local, the data folder to
# $XDG_DATA_HOME or ~/.local/share):
#   PREFIX/opt/inpaint-editor/                  the bundle (replaced if there)
#   PREFIX/bin/inpaint-editor                   a link to its binary
#   DATA/applications/APP_ID.desktop            Exec= points at the installed binary
#   DATA/icons/hicolor/NxN/apps/APP_ID.png      16 ... 512
#   DATA/metainfo/APP_ID.metainfo.xml           for software centres
# then refreshes the desktop and icon caches when their tools exist. uninstall.sh undoes it.
set -eu
APP_ID=io.github.inpainteditor.InpaintEditor
HERE=$(cd "$(dirname "$0")" && pwd)

if [ $# -ge 1 ]; then
  BUNDLE=$1
elif [ -x "$HERE/inpaint-editor" ]; then
  BUNDLE=$HERE
else
  BUNDLE=$HERE/../../dist/inpaint-editor
fi
if [ ! -x "$BUNDLE/inpaint-editor" ]; then
  echo "install.sh: no bundle at $BUNDLE (build one: packaging/build.sh)" >&2
  exit 1
fi
BUNDLE=$(cd "$BUNDLE" && pwd)
RES=$BUNDLE/_internal/resources
if [ ! -d "$RES/linux" ]; then
  echo "install.sh: $BUNDLE has no _internal/resources/linux (not an Inpaint Editor bundle?)" >&2
  exit 1
fi

PREFIX=${PREFIX:-$HOME/.local}
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
DEST=$PREFIX/opt/inpaint-editor

mkdir -p "$PREFIX/opt" "$PREFIX/bin" "$DATA/applications" "$DATA/metainfo"
if [ "$BUNDLE" != "$DEST" ]; then
  rm -rf "$DEST.new"
  cp -a "$BUNDLE" "$DEST.new"
  rm -rf "$DEST"
  mv "$DEST.new" "$DEST"
fi
ln -sf "$DEST/inpaint-editor" "$PREFIX/bin/inpaint-editor"

sed -e "s|^Exec=inpaint-editor|Exec=$DEST/inpaint-editor|" \
    -e "s|^TryExec=inpaint-editor|TryExec=$DEST/inpaint-editor|" \
    "$RES/linux/$APP_ID.desktop" > "$DATA/applications/$APP_ID.desktop"
chmod 644 "$DATA/applications/$APP_ID.desktop"
cp "$RES/linux/$APP_ID.metainfo.xml" "$DATA/metainfo/$APP_ID.metainfo.xml"

for size in 16 24 32 48 64 128 256 512; do
  src=$RES/icons/inpaint-editor-$size.png
  [ -f "$src" ] || continue
  dir=$DATA/icons/hicolor/${size}x${size}/apps
  mkdir -p "$dir"
  cp "$src" "$dir/$APP_ID.png"
done

if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q "$DATA/applications" || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$DATA/icons/hicolor/index.theme" ]; then
  gtk-update-icon-cache -q -t -f "$DATA/icons/hicolor" || true
fi

echo "Installed Inpaint Editor $("$DEST/inpaint-editor" --version 2>/dev/null | awk '{print $2}') to $DEST"
echo "  command:      $PREFIX/bin/inpaint-editor"
echo "  menu entry:   $DATA/applications/$APP_ID.desktop"
case ":$PATH:" in
  *":$PREFIX/bin:"*) ;;
  *) echo "  note: $PREFIX/bin is not on your PATH; the menu entry works regardless." ;;
esac
