#!/usr/bin/env bash
# Build the packaged app and try it as a user would (CI runs this as its own step):
#   1. build it (installers/build.sh), printing the time it took and its size;
#   2. run the packaged CLI: `shotline preview` on the bundled demo, and check the MP4;
#   3. start the packaged app under Xvfb on the demo, wait for its window, screenshot it
#      (build/test-build/packaged-app.png), check the picture is the app, and quit it.
#   bash installers/test-build.sh        (in the venv the app was installed into)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
OUT=build/test-build
rm -rf "$OUT" && mkdir -p "$OUT"

start=$(date +%s)
bash installers/build.sh
echo "build: $(( $(date +%s) - start )) s; dist/shotline $(du -sh dist/shotline | cut -f1); $(ls dist/*.tar.gz) $(du -h dist/*.tar.gz | cut -f1)"

# The tarball unpacks to a program that runs (what a user gets), not only the build folder.
tar -C "$OUT" -xzf dist/shotline-*-linux-*.tar.gz
APP=$(ls -d "$OUT"/shotline-*/shotline/shotline)
test -f "$(dirname "$APP")/../shotline.desktop" && test -f "$(dirname "$APP")/../shotline.png"

echo "packaged CLI: preview"
"$APP" preview assets/demo/rooftop.shotline -o "$OUT/preview.mp4" --size 208x88
"$PYTHON" - "$OUT/preview.mp4" <<'PY'
import sys
from engine.interchange.mp4 import read_mp4
from engine.project import load_project
frames, fps = read_mp4(sys.argv[1])[:2]
shots = sum(s.duration for s in load_project("assets/demo/rooftop.shotline").shots)
assert frames.shape[1:] == (88, 208, 3), frames.shape
assert len(frames) >= shots and frames.std() > 5, (len(frames), shots, frames.std())
print(f"preview.mp4: {len(frames)} frames {frames.shape[2]}x{frames.shape[1]} at {fps:g} fps")
PY

echo "packaged app: window under Xvfb"
xvfb-run -a -s "-screen 0 1600x1000x24" bash installers/window-check.sh "$APP" "$OUT/packaged-app.png"
