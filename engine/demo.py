"""The bundled demos, built from the move presets and blocked with people and set pieces.

* ``rooftop``: a confrontation in four shots on a city rooftop (ledges, a water tank, the stair
  door); Jonas walks toward Mara during the over-the-shoulder.
* ``kitchen``: a two-person dialogue at a kitchen table in six shots — a master, an
  over-the-shoulder pair, two singles, an insert on the table and Ben's exit.

``assets/demo/NAME.shotline`` is each project saved; a test keeps the files and the code the same.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.camera.moves import Framing, MoveContext, apply_move
from engine.project import Project, Shot, Subject, SubjectKey
from engine.sections import with_scene

DEMO_DIR = Path(__file__).resolve().parent.parent / "assets" / "demo"
DEMO_PATH = DEMO_DIR / "rooftop.shotline"
KITCHEN_PATH = DEMO_DIR / "kitchen.shotline"


def _piece(name, shape, position, facing=0.0, scale=(1.0, 1.0, 1.0), color="#a8a8a8") -> Subject:
    return Subject(name=name, kind="set piece", shape=shape, position=position, facing=facing, scale=scale, color=color)


class _Shots:
    """Shots made from move presets; subject keys are added after the move (moves set their own)."""

    def __init__(self, fps: float):
        self.fps = fps
        self.shots: list[Shot] = []

    def add(self, shot_id, name, seconds, prompt, size, angle, move, start, subject=None, target=None, focal=None, blocking=(), **params):
        frames = int(round(seconds * self.fps))
        ctx = MoveContext(start, frames, self.fps, subject, "ease", target)
        camera = apply_move(move, ctx, **params)
        shot = Shot(id=shot_id, name=name, duration=frames, prompt=prompt, size=size, angle=angle, keys=camera.keys)
        shot.lens.focal_mm = focal or start.focal_mm
        shot = camera.apply_to(shot)
        shot.subject_keys = list(shot.subject_keys) + list(blocking)
        self.shots.append(shot)


def build_demo_project() -> Project:
    fps = 24.0
    mara = Subject(name="Mara", position=(-0.9, 0.0, 0.0), height=1.68, color="#d0603a", facing=90.0, pose="arms crossed")
    jonas = Subject(name="Jonas", position=(0.9, 0.0, 0.0), height=1.82, color="#3a78d0", facing=-90.0)
    # Jonas steps in during the over-the-shoulder and stays there for the rest of the scene.
    closer = (0.4, 0.0, -0.3)  # off the over-the-shoulder's line, so Mara stays in view
    set_pieces = [
        _piece("Back ledge", "wall", (0.0, 0.0, -4.5), scale=(3.5, 0.4, 2.0), color="#9a958c"),
        _piece("Left ledge", "wall", (-7.0, 0.0, 3.5), facing=90.0, scale=(4.0, 0.4, 2.0), color="#9a958c"),
        _piece("Right ledge", "wall", (7.0, 0.0, 3.5), facing=-90.0, scale=(4.0, 0.4, 2.0), color="#9a958c"),
        _piece("Water tank", "cylinder", (-4.2, 0.0, -2.4), scale=(2.2, 2.8, 2.2), color="#7c8a96"),
        _piece("Stair housing", "box", (4.3, 0.0, -2.6), scale=(2.4, 2.6, 2.0), color="#8c8478"),
        _piece("Stair door", "door", (4.3, 0.0, -1.55), color="#5a4a3c"),
        _piece("Vent unit", "crate", (2.6, 0.0, 3.4), facing=12.0, scale=(1.6, 1.1, 1.0), color="#b0b4b8"),
        _piece("Vent pipe", "cylinder", (-2.8, 0.0, 3.0), scale=(0.35, 1.6, 0.35), color="#b0b4b8"),
        _piece("Antenna", "lamp post", (-5.5, 0.0, -4.0), scale=(0.6, 1.3, 0.6), color="#6a6a70"),
        _piece("Crates", "crate", (5.6, 0.0, 0.8), facing=-20.0, color="#a88a5c"),
    ]
    midpoint = np.array([0.0, 1.2, 0.0])
    s = _Shots(fps)
    s.add(
        "establish", "Rooftop wide", 5.0,
        "Wide establishing shot of the rooftop at dusk, slow crane down to Mara and Jonas facing off.",
        "WS", "high", "crane_down", Framing.looking_at([2.0, 7.0, 11.0], midpoint, 24.0),
        target=midpoint, amount=5.2,
    )  # fmt: skip
    s.add(
        "ots_mara", "OTS on Mara", 3.0,
        "Over Jonas's shoulder onto Mara as she speaks; he steps in.",
        "MS", "over-the-shoulder", "static", Framing.looking_at([1.55, 1.68, 0.75], [-0.9, 1.55, 0.0], 32.0),
        blocking=[
            SubjectKey(subject="Mara", frame=0, position=mara.position, pose="talking"),
            SubjectKey(subject="Jonas", frame=24, position=jonas.position),
            SubjectKey(subject="Jonas", frame=50, position=closer),
        ],
    )  # fmt: skip
    s.add(
        "reverse_jonas", "Reverse on Jonas", 3.0,
        "Reverse shot over Mara's shoulder onto Jonas.",
        "MS", "over-the-shoulder", "static", Framing.looking_at([-1.9, 1.6, 1.0], [closer[0], 1.65, closer[2]], 32.0),
        blocking=[SubjectKey(subject="Jonas", frame=0, position=closer, pose="talking")],
    )  # fmt: skip
    s.add(
        "mara_push", "Mara close-up push", 4.0,
        "Slow push in to a close-up of Mara as she realises.",
        "CU", "eye level", "push_in", Framing.looking_at([-0.6, 1.58, 2.2], [-0.9, 1.52, 0.0], 40.0),
        subject=mara, amount=0.9,
        blocking=[
            SubjectKey(subject="Jonas", frame=0, position=closer),
            SubjectKey(subject="Mara", frame=0, position=mara.position, facing=90.0, pose="stand"),
            SubjectKey(subject="Mara", frame=60, position=mara.position, facing=40.0),  # she turns away from him
        ],
    )  # fmt: skip
    return Project(
        name="Rooftop confrontation",
        fps=fps,
        aspect=2.39,
        prompt="Night-time rooftop in the city, wind and neon. Mara confronts Jonas about the missing money.",
        subjects=[mara, jonas, *set_pieces],
        shots=[with_scene(shot, "1 EXT. ROOFTOP - NIGHT") for shot in s.shots],
    )


def build_kitchen_project() -> Project:
    fps = 24.0
    ana = Subject(name="Ana", position=(0.0, 0.0, -0.72), height=1.65, color="#c8553d", facing=0.0, pose="sit")
    ben = Subject(name="Ben", position=(0.0, 0.0, 0.72), height=1.84, color="#2f6f8f", facing=180.0, pose="sit")
    set_pieces = [
        _piece("Table", "table", (0.0, 0.0, 0.0), color="#a07850"),
        _piece("Ana's chair", "chair", (0.0, 0.0, -0.8), facing=0.0, color="#7a5a3a"),
        _piece("Ben's chair", "chair", (0.0, 0.0, 0.8), facing=180.0, color="#7a5a3a"),
        _piece("Counter", "counter", (-0.6, 0.0, -2.6), color="#d8d4cc"),
        _piece("Fridge", "box", (1.3, 0.0, -2.55), scale=(0.75, 1.85, 0.7), color="#e6e6e6"),
        _piece("Window wall", "window wall", (0.0, 0.0, -3.05), scale=(1.5, 1.0, 1.0), color="#c9c2b4"),
        _piece("Side wall", "wall", (-3.0, 0.0, -0.2), facing=90.0, scale=(1.4, 1.0, 1.0), color="#c9c2b4"),
        _piece("Back wall", "wall", (-0.75, 0.0, 3.0), facing=180.0, scale=(1.125, 1.0, 1.0), color="#c9c2b4"),
        _piece("Door", "door", (3.0, 0.0, 1.4), facing=-90.0, color="#6a5644"),
        _piece("Letter", "box", (0.18, 0.75, 0.05), facing=15.0, scale=(0.22, 0.01, 0.3), color="#f2efe6"),
        _piece("Mug", "cylinder", (-0.35, 0.75, -0.15), scale=(0.09, 0.1, 0.09), color="#e0e0e8"),
    ]
    s = _Shots(fps)
    s.add(
        "master", "Kitchen master", 4.0,
        "Wide master of Ana and Ben across the kitchen table, morning light through the window.",
        "WS", "eye level", "static", Framing.looking_at([3.0, 1.65, 3.4], [0.0, 0.9, -0.3], 24.0),
        blocking=[SubjectKey(subject="Ana", frame=0, position=ana.position, pose="sit")],
    )  # fmt: skip
    s.add(
        "ots_ana", "OTS on Ana", 3.0,
        "Over Ben's shoulder onto Ana as she slides the letter across.",
        "MS", "over-the-shoulder", "static", Framing.looking_at([0.42, 1.32, 1.55], [0.0, 1.1, -0.72], 40.0),
    )  # fmt: skip
    s.add(
        "ots_ben", "OTS on Ben", 3.0,
        "Reverse over Ana's shoulder onto Ben reading it.",
        "MS", "over-the-shoulder", "static", Framing.looking_at([-0.42, 1.3, -1.55], [0.0, 1.22, 0.72], 40.0),
    )  # fmt: skip
    s.add(
        "single_ana", "Ana single", 3.0,
        "Close single on Ana, waiting for his answer.",
        "MCU", "eye level", "static", Framing.looking_at([0.55, 1.15, 0.95], [0.0, 1.1, -0.72], 50.0),
    )  # fmt: skip
    s.add(
        "single_ben", "Ben single", 3.0,
        "Close single on Ben as he looks up.",
        "MCU", "eye level", "static", Framing.looking_at([-0.55, 1.25, -0.95], [0.0, 1.22, 0.72], 50.0),
    )  # fmt: skip
    s.add(
        "insert_letter", "Insert: the letter", 2.0,
        "Insert of the letter on the table.",
        "INSERT", "high", "static", Framing.looking_at([0.75, 1.45, 0.75], [0.18, 0.76, 0.05], 50.0),
    )  # fmt: skip
    s.add(
        "exit", "Ben leaves", 5.0,
        "Ben stands, crosses the kitchen and leaves through the door; Ana stays at the table.",
        "WS", "eye level", "static", Framing.looking_at([-2.3, 1.6, 2.6], [1.2, 1.0, 0.6], 24.0),
        blocking=[
            SubjectKey(subject="Ben", frame=0, position=ben.position, facing=180.0, pose="sit"),
            SubjectKey(subject="Ben", frame=20, position=(0.0, 0.0, 1.15), facing=90.0, pose="stand"),
            SubjectKey(subject="Ben", frame=100, position=(2.7, 0.0, 1.4), facing=90.0, pose="stand"),
            SubjectKey(subject="Ben", frame=119, position=(3.4, 0.0, 1.4), facing=90.0, pose="stand"),
        ],
    )  # fmt: skip
    return Project(
        name="Kitchen table",
        fps=fps,
        aspect=1.85,
        prompt="A small kitchen in the morning. Ana gives Ben a letter that ends their friendship.",
        subjects=[ana, ben, *set_pieces],
        shots=[with_scene(shot, "4 INT. KITCHEN - MORNING") for shot in s.shots],
    )


DEMOS = {"rooftop": (DEMO_PATH, build_demo_project), "kitchen": (KITCHEN_PATH, build_kitchen_project)}


def write_demos() -> None:
    """Save every demo to its file (run after changing this module: python -m engine.demo)."""
    from engine.project import save_project

    for path, build in DEMOS.values():
        save_project(build(), path)


if __name__ == "__main__":
    write_demos()
