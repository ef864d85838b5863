"""The bundled demo: a rooftop confrontation in four shots, built from the move presets.

``assets/demo/rooftop.shotline`` is this project saved; a test keeps the two the same.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.camera.moves import Framing, MoveContext, apply_move
from engine.project import Project, Shot, Subject

DEMO_PATH = Path(__file__).resolve().parent.parent / "assets" / "demo" / "rooftop.shotline"


def build_demo_project() -> Project:
    fps = 24.0
    mara = Subject(name="Mara", position=(-0.9, 0.0, 0.0), height=1.68, color="#d0603a")
    jonas = Subject(name="Jonas", position=(0.9, 0.0, 0.0), height=1.82, color="#3a78d0")
    midpoint = np.array([0.0, 1.2, 0.0])
    shots: list[Shot] = []

    def add(shot_id, name, seconds, prompt, size, angle, move, start, subject=None, target=None, focal=None, **params):
        frames = int(round(seconds * fps))
        ctx = MoveContext(start, frames, fps, subject, "ease", target)
        camera = apply_move(move, ctx, **params)
        shot = Shot(id=shot_id, name=name, duration=frames, prompt=prompt, size=size, angle=angle, keys=camera.keys)
        shot.lens.focal_mm = focal or start.focal_mm
        shots.append(camera.apply_to(shot))

    add(
        "establish", "Rooftop wide", 5.0,
        "Wide establishing shot of the rooftop at dusk, slow crane down to Mara and Jonas facing off.",
        "WS", "high", "crane_down", Framing.looking_at([2.0, 7.0, 11.0], midpoint, 24.0),
        target=midpoint, amount=5.2,
    )
    add(
        "ots_mara", "OTS on Mara", 3.0,
        "Over Jonas's shoulder onto Mara as she speaks.",
        "MS", "over-the-shoulder", "static", Framing.looking_at([1.55, 1.68, 0.75], [-0.9, 1.55, 0.0], 32.0),
    )
    add(
        "reverse_jonas", "Reverse on Jonas", 3.0,
        "Reverse shot over Mara's shoulder onto Jonas.",
        "MS", "over-the-shoulder", "static", Framing.looking_at([-1.6, 1.6, 0.8], [0.9, 1.65, 0.0], 32.0),
    )
    add(
        "mara_push", "Mara close-up push", 4.0,
        "Slow push in to a close-up of Mara as she realises.",
        "CU", "eye level", "push_in", Framing.looking_at([-0.6, 1.58, 2.2], [-0.9, 1.52, 0.0], 40.0),
        subject=mara, amount=0.9,
    )
    return Project(
        name="Rooftop confrontation",
        fps=fps,
        aspect=2.39,
        prompt="Night-time rooftop in the city, wind and neon. Mara confronts Jonas about the missing money.",
        subjects=[mara, jonas],
        shots=shots,
    )
