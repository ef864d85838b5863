#!/usr/bin/env bash
# Build the packaged app: a PyInstaller one-folder build (dist/shotline/) and, on Linux, a tarball
# with a .desktop entry and the icon (dist/shotline-VERSION-linux-x86_64.tar.gz).
#   bash installers/build.sh            (in a venv with `pip install -e ".[app,ml,installers]"`)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
VERSION=$("$PYTHON" -c "import engine; print(engine.__version__)")
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller installers/shotline.spec

if [ "$(uname -s)" = Linux ]; then
  NAME="shotline-$VERSION-linux-$(uname -m)"
  STAGE="build/$NAME"
  rm -rf "$STAGE" && mkdir -p "$STAGE"
  cp -a dist/shotline "$STAGE/shotline"
  cp assets/icons/shotline.png "$STAGE/shotline.png"
  cp assets/icons/shotline.svg "$STAGE/shotline.svg"
  cp installers/linux/shotline.desktop installers/linux/install.sh "$STAGE/"
  tar -C build -czf "dist/$NAME.tar.gz.part" "$NAME"
  mv "dist/$NAME.tar.gz.part" "dist/$NAME.tar.gz"  # never a half-written tarball under the real name
  echo "built dist/shotline/ and dist/$NAME.tar.gz"
fi
