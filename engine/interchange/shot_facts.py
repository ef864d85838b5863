"""What the crew reads about each shot (storyboard panels, shot list): scene, size, angle, move,
lens, duration, subjects, description. One place, so the two documents never disagree."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.analysis.describe import describe_context
from engine.analysis.shot_context import shot_context
from engine.camera.path import CameraPath
from engine.project import Project, Shot
from engine.sections import scene_of
from engine.sequence import shared as shared_sequence


SIZE_WORDS = {
    "EWS": "extreme wide", "WS": "wide", "FS": "full", "MLS": "medium long", "MS": "medium",
    "MCU": "medium close-up", "CU": "close-up", "ECU": "extreme close-up", "INSERT": "insert",
}  # fmt: skip


@dataclass
class ShotFacts:
    number: int
    shot: Shot
    path: CameraPath
    scene: str
    size: str
    angle: str
    move: str
    lens: str
    duration: str
    subjects: list[str]
    description: str

    def row(self) -> dict[str, str]:
        return {
            "scene": self.scene,
            "shot": str(self.number),
            "size": self.size,
            "angle": self.angle,
            "move": self.move,
            "lens": self.lens,
            "duration": self.duration,
            "subjects": ", ".join(self.subjects),
            "description": self.description,
        }


COLUMNS = ("scene", "shot", "size", "angle", "move", "lens", "duration", "subjects", "description")


def lens_text(path: CameraPath) -> str:
    lo, hi = float(np.min(path.focal_mm)), float(np.max(path.focal_mm))
    return f"{lo:.0f} mm" if hi - lo < 0.5 else f"{path.focal_mm[0]:.0f}-{path.focal_mm[-1]:.0f} mm"


def duration_text(frames: int, fps: float) -> str:
    return f"{frames / fps:.2f} s"


def shot_facts(project: Project, paths: list[CameraPath] | None = None) -> list[ShotFacts]:
    paths = paths if paths is not None else shared_sequence.paths(project)
    out = []
    for i, (shot, path) in enumerate(zip(project.shots, paths)):
        context = shot_context(project, shot, path)
        words = describe_context(context)
        mid = len(path) // 2
        size = shot.size or context.size(mid) or ""
        people = {s.name for s in project.subjects if getattr(s, "kind", "person") == "person"}  # not set pieces
        in_frame = [s.name for s in context.subjects if s.name in people and s.in_frame()[[0, mid, len(path) - 1]].any()]
        out.append(
            ShotFacts(
                number=i + 1,
                shot=shot,
                path=path,
                scene=scene_of(shot),
                size=size,
                angle=shot.angle or context.angle_words(0),
                move=words.moves,
                lens=lens_text(path),
                duration=duration_text(shot.duration, project.fps),
                subjects=in_frame,
                description=shot.prompt.strip() or shot.name,
            )
        )
    return out
