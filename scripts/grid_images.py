"""One camera-grid frame of each mode for the README (docs/grid_pinhole.png, grid_fisheye.png,
grid_dolly_zoom.png):

    python scripts/grid_images.py docs/
"""

import sys
from pathlib import Path

import numpy as np

from engine import sequence
from engine.camera.interpolate import evaluate_shot
from engine.camera.moves import Framing, MoveContext, apply_move
from engine.demo import build_demo_project
from engine.grid.render import Fisheye
from engine.grid.sequence import DollyZoomOverlay, GridOptions, GridRenderer
from engine.project import Project, Shot, Subject


def grid_images() -> dict[str, np.ndarray]:
    """RGB frames by name: the demo through a pinhole and a fisheye, and a dolly zoom with its cube."""
    paths = sequence.shared.paths(build_demo_project())
    pinhole = GridRenderer(paths, GridOptions(size=(832, 480))).render_frame(0, 100)
    fisheye = GridRenderer(paths, GridOptions(size=(832, 480), fisheye=Fisheye())).render_frame(0, 60)
    subject = Subject(name="Mara", position=(0.0, 0.0, 0.0), height=1.7)
    ctx = MoveContext(Framing.looking_at([0.0, 0.85, 6.0], [-0.9, 0.85, 0.0], 35.0), 48, 24.0, subject)
    camera = apply_move("dolly_zoom_in", ctx, amount=0.5)
    dz = evaluate_shot(Project(subjects=[subject]), camera.apply_to(Shot(id="dz", name="dolly zoom", duration=48, keys=camera.keys)))
    overlay = DollyZoomOverlay(subject_point=np.array([-0.9, 0.85, 0.0]), cube_size=0.8)
    dolly = GridRenderer([dz], GridOptions(size=(832, 480), dolly_zoom={0: overlay})).render_frame(0, 40)
    return {"pinhole": pinhole, "fisheye": fisheye, "dolly_zoom": dolly}


def write(folder: Path) -> list[Path]:
    import cv2

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, image in grid_images().items():
        out.append(folder / f"grid_{name}.png")
        cv2.imwrite(str(out[-1]), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    return out


if __name__ == "__main__":
    for path in write(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")):
        print(path)
