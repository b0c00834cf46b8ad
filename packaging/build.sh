#!/usr/bin/env bash
# Build the desktop bundle from this checkout with PyInstaller, then (optionally) smoke-check it.
#
#   packaging/build.sh                 # one-folder bundle in dist/inpaint-editor/
#   packaging/build.sh --self-check    # ... then run the bundle's --self-check, bare environment
#   packaging/build.sh --onefile       # a single executable dist/onefile/inpaint-editor
#   packaging/build.sh --check-only    # no build: self-check (and time) an existing bundle
#
# It makes its own build venv (build/packaging-venv, reused between runs; BUILD_VENV=... to move
# it), installs the project NON-editable from pyproject.toml plus PyInstaller into it, and runs
# packaging/inpaint-editor.spec. Prints the build time, the bundle size, the Qt modules shipped
# and shared objects whose dependencies are missing. The self-check runs the bundled binary
# under `env -i` (PATH, HOME, LANG, QT_QPA_PLATFORM=offscreen only), so it cannot see any venv, five
# times, and prints the median "window shown" time (process start to window exposed).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

self_check=0
onefile=0
build=1
for arg in "$@"; do
  case "$arg" in
    --self-check) self_check=1 ;;
    --onefile) onefile=1 ;;
    --check-only) build=0; self_check=1 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

VENV=${BUILD_VENV:-$ROOT/build/packaging-venv}
DIST=$ROOT/dist
WORK=$ROOT/build/pyinstaller
if [ "$onefile" = 1 ]; then
  DIST=$ROOT/dist/onefile  # beside, not over, the one-folder bundle of the same name
  BIN=$DIST/inpaint-editor
  WORK=$ROOT/build/pyinstaller-onefile
else
  BIN=$DIST/inpaint-editor/inpaint-editor
fi

if [ "$build" = 1 ]; then
  start=$(date +%s)
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/pip" install -q --upgrade pip
  # Non-editable: the bundle must hold what a wheel holds. setuptools builds in build/lib;
  # clear it so files deleted from the tree do not linger in the wheel.
  rm -rf "$ROOT/build/lib" "$ROOT/build/bdist."*
  "$VENV/bin/pip" install -q "$ROOT[packaging]"
  "$VENV/bin/pip" install -q --force-reinstall --no-deps "$ROOT"
  deps_done=$(date +%s)
  echo "build.sh: build venv ready in $((deps_done - start)) s ($VENV)"

  rm -rf "${DIST:?}/inpaint-editor" "$WORK"
  # Run from outside the checkout so PyInstaller imports `editor` from the installed wheel.
  mkdir -p "$ROOT/build"
  (cd "$ROOT/build" && INPAINT_EDITOR_ONEFILE=$onefile "$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
     --distpath "$DIST" --workpath "$WORK" "$ROOT/packaging/inpaint-editor.spec")
  if [ "$onefile" = 0 ] && command -v strip >/dev/null 2>&1; then
    # The interpreter and its stdlib extensions come from the build machine's Python, often
    # with symbols (libpython: 22 MB -> 5 MB). Wheels' libraries are left alone: most are
    # stripped already, and stripping patchelf-edited files can break them.
    internal=$DIST/inpaint-editor/_internal
    before=$(du -sm "$DIST/inpaint-editor" | cut -f1)
    find "$internal" -maxdepth 1 -name 'libpython3*.so*' -type f -exec strip --strip-unneeded {} +
    find "$internal"/python3*/lib-dynload -name '*.so' -type f -exec strip --strip-unneeded {} + \
      2>/dev/null || true
    echo "build.sh: stripped the interpreter: ${before} MB -> $(du -sm "$DIST/inpaint-editor" | cut -f1) MB"
  fi
  if [ "$onefile" = 0 ]; then
    # So a copy of the folder (or a tarball of it) installs itself: ./install.sh
    cp "$ROOT/packaging/linux/install.sh" "$ROOT/packaging/linux/uninstall.sh" \
      "$DIST/inpaint-editor/"
  fi
  end=$(date +%s)
  echo "build.sh: PyInstaller took $((end - deps_done)) s; whole build $((end - start)) s"
fi

if [ ! -x "$BIN" ]; then
  echo "build.sh: no bundle at $BIN" >&2
  exit 1
fi

if [ "$onefile" = 1 ]; then
  echo "build.sh: bundle $BIN: $(du -sh "$BIN" | cut -f1) (one file)"
else
  BUNDLE=$DIST/inpaint-editor
  echo "build.sh: bundle $BUNDLE: $(du -sh "$BUNDLE" | cut -f1) unpacked," \
    "$(find "$BUNDLE" -type f | wc -l) files"
  echo "build.sh: largest parts:"
  du -sh "$BUNDLE"/_internal/* 2>/dev/null | sort -rh | head -8 | sed 's/^/    /'
  echo "build.sh: Qt modules (Python bindings): $(
    find "$BUNDLE" -name 'Qt*.abi3.so' -printf '%f\n' | sed 's/\.abi3\.so$//' | sort | tr '\n' ' ')"
  echo "build.sh: Qt libraries: $(
    find "$BUNDLE" -name 'libQt6*.so*' -printf '%f\n' | sed 's/^libQt6//; s/\.so.*$//' \
      | sort -u | tr '\n' ' ')"
  echo "build.sh: Qt plugins: $(
    cd "$BUNDLE/_internal/PySide6/Qt/plugins" && find . -name '*.so' | sed 's|^\./||' | sort \
      | tr '\n' ' ')"
  # Libraries a plugin needs that the bundle does not carry: fine when the desktop provides
  # them (libwayland-*, libxcb-*), worth a look otherwise.
  missing=$(find "$BUNDLE" -name '*.so*' -type f -exec ldd {} + 2>/dev/null \
    | grep 'not found' | awk '{print $1}' | sort -u | tr '\n' ' ' || true)
  echo "build.sh: left to the system (not found here): ${missing:-none}"
fi

"$BIN" --version </dev/null
env -i PATH=/usr/bin:/bin HOME="${HOME:-/root}" "$BIN" --version </dev/null

if [ "$self_check" = 1 ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
  times=()
  for i in 1 2 3 4 5; do
    log=$out/run$i.log
    if ! env -i PATH=/usr/bin:/bin HOME="$out/home" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
        INPAINT_EDITOR_T0="$(date +%s.%N)" "$BIN" --self-check "$out/result$i" \
        </dev/null >"$log" 2>&1; then
      cat "$log"
      echo "build.sh: the bundle's self-check FAILED (run $i)" >&2
      exit 1
    fi
    [ "$i" = 1 ] && sed 's/^/    /' "$log"
    times+=("$(sed -n 's/.*window shown \([0-9.]*\) s after the process started.*/\1/p' "$log")")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
  echo "build.sh: window shown after ${times[*]} s; median $median s (5 cold-ish runs)"
  echo "build.sh: self-check passed in a bare environment"
fi
