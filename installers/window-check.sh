#!/usr/bin/env bash
# Under an X server (xvfb-run): start the packaged app on the demo, wait for its main window, take
# a screenshot of the screen, check it, and quit the app. Called by installers/test-build.sh.
set -euo pipefail
APP=$1
PNG=$2
PYTHON=${PYTHON:-python}
# A fresh settings and autosave folder: the window must open at its default size and layout, not
# at one this machine's user left (a restored small window failed the coverage check below).
fresh=$(mktemp -d)
XDG_CONFIG_HOME="$fresh/config" SHOTLINE_STATE_DIR="$fresh/state" "$APP" > "${PNG%.png}.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$fresh"' EXIT
for _ in $(seq 240); do  # up to two minutes: a cold start of a big one-folder build
  # (windows come and go while Qt starts: a tree read in that moment fails, and is read again)
  if xwininfo -root -tree 2>/dev/null | grep -q '"[^"]*Shotline[^"]*"'; then break; fi
  kill -0 $pid 2>/dev/null || { echo "the packaged app exited before its window appeared:"; cat "${PNG%.png}.log"; exit 1; }
  sleep 0.5
done
xwininfo -root -tree 2>/dev/null | grep '"[^"]*Shotline[^"]*"' | head -3 || true
sleep 5  # let it draw the viewport, timeline and preview
QT_QPA_PLATFORM=xcb "$PYTHON" - "$PNG" <<'PY'
import sys
import numpy as np
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv[:1])
shot = app.primaryScreen().grabWindow(0)
assert shot.save(sys.argv[1]), "could not save the screenshot"
img = shot.toImage()
a = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())[:, : img.width() * 4].reshape(img.height(), img.width(), 4)
covered = (a[..., :3].max(axis=2) > 8).mean()  # an empty Xvfb screen is black
colours = len(np.unique(a[::4, ::4, :3].reshape(-1, 3), axis=0))
print(f"screenshot {img.width()}x{img.height()}: {covered:.0%} of the screen drawn, {colours} colours")
assert covered > 0.5 and colours > 50, "the window did not draw"
PY
kill -TERM $pid
for _ in $(seq 40); do kill -0 $pid 2>/dev/null || break; sleep 0.25; done
if kill -0 $pid 2>/dev/null; then echo "the app did not quit on SIGTERM"; exit 1; fi
trap - EXIT
rm -rf "$fresh"
echo "window check passed: $PNG"
