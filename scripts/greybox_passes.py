"""One picture of each grey-box pass of each bundled demo, for the docs (headless, EGL):

    python scripts/greybox_passes.py docs/greybox

writes ``docs/greybox/DEMO-PASS.png`` (beauty, grid, depth, normal, id) at a frame chosen per demo.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2

from engine.camera.interpolate import evaluate_sequence
from engine.demo import DEMOS
from engine.greybox.passes import to_rgb
from engine.greybox.shots import ALL_PASSES, GreyboxShots
from engine.project import load_project

# (shot index, frame) that shows each demo's blocking best.
FRAMES = {"rooftop": (0, 100), "kitchen": (0, 48)}


def main(out: str) -> None:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for name, (path, _) in DEMOS.items():
        project = load_project(path)
        size = project.frame_size(832)
        shot, frame = FRAMES[name]
        shots = GreyboxShots(project, evaluate_sequence(project), size, base_dir=path.parent)
        passes = shots.render_frame(shot, frame, ALL_PASSES)
        for p, image in passes.items():
            target = folder / f"{name}-{p}.png"
            cv2.imwrite(str(target), to_rgb(p, image)[..., ::-1])
            print(f"wrote {target}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/greybox")
