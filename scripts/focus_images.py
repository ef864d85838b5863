"""Depth of field on the kitchen demo: focus racked from Ben (near, his shoulder) to Ana (far) in
"OTS on Ana", as grey-box frames before, during and after the rack (docs/focus_rack.png):

    EGL_PLATFORM=surfaceless python scripts/focus_images.py docs/focus_rack.png
"""

import sys
from pathlib import Path

import cv2
import numpy as np

from engine.camera.focus import rack_focus
from engine.greybox.shots import GreyboxShots
from engine.project import load_project
from engine.sequence import EvaluatedSequence

START, END = 16, 48  # the rack's frames in the shot
FRAMES = (8, 32, 60)


def racked_kitchen():
    project = load_project(Path(__file__).resolve().parents[1] / "assets/demo/kitchen.shotline")
    index = next(i for i, s in enumerate(project.shots) if s.name == "OTS on Ana")
    shot = project.shots[index]
    seq = EvaluatedSequence()
    racked = rack_focus(project, shot, seq.shot(project, shot), "Ben", "Ana", START, END, "ease")
    racked = racked.model_copy(update={"lens": racked.lens.model_copy(update={"t_stop": 2.0})})
    shots = list(project.shots)
    shots[index] = racked
    return project.model_copy(update={"shots": shots}), index, seq


def main(out: str) -> None:
    project, index, seq = racked_kitchen()
    shot = project.shots[index]
    path = seq.shot(project, shot)
    size = project.frame_size(832)
    shots = GreyboxShots(project, [path], size, [index])
    rows = []
    for f in FRAMES:
        frame = np.ascontiguousarray(shots.render_frame(0, f)["beauty"][..., ::-1])
        who = "Ben" if f <= START else "Ana" if f >= END else "racking"
        text = f"{shot.name}  frame {f + 1}  focus {path.focus_m[f]:.2f} m ({who})  T{path.t_stop[f]:.1f}  {path.focal_mm[f]:.0f} mm"
        frame[:34] = (frame[:34] * 0.35).astype(np.uint8)  # a dark band under the caption
        cv2.putText(frame, text, (10, 23), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (255, 255, 255), 1, cv2.LINE_AA)
        rows.append(frame)
    cv2.imwrite(out, np.concatenate(rows, axis=0))
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/focus_rack.png")
