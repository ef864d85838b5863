#!/usr/bin/env bash
# Install the unpacked Shotline tarball for this user: the program under ~/.local/opt/shotline, a
# `shotline` command in ~/.local/bin, the menu entry and the icon. Run from the unpacked folder.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PREFIX="${PREFIX:-$HOME/.local}"
mkdir -p "$PREFIX/opt" "$PREFIX/bin" "$PREFIX/share/applications" "$PREFIX/share/icons/hicolor/256x256/apps" "$PREFIX/share/icons/hicolor/scalable/apps"
rm -rf "$PREFIX/opt/shotline"
cp -a "$HERE/shotline" "$PREFIX/opt/shotline"
ln -sf "$PREFIX/opt/shotline/shotline" "$PREFIX/bin/shotline"
cp "$HERE/shotline.png" "$PREFIX/share/icons/hicolor/256x256/apps/shotline.png"
cp "$HERE/shotline.svg" "$PREFIX/share/icons/hicolor/scalable/apps/shotline.svg"
sed "s|^Exec=shotline|Exec=$PREFIX/opt/shotline/shotline|" "$HERE/shotline.desktop" > "$PREFIX/share/applications/shotline.desktop"
echo "installed: $PREFIX/bin/shotline and the menu entry Shotline"
