"""How well plans do what the words asked: the motion analysis's labels of each planned shot
against the moves requested, as a micro-averaged F1 over move names."""

from __future__ import annotations

from dataclasses import dataclass

from engine.analysis.labels import STATIC, split
from engine.analysis.shot_context import shot_context
from engine.project import Project


def observed_moves(project: Project) -> list[list[str]]:
    """Per shot, the moves the analysis finds, in order, each once."""
    out = []
    for shot in project.shots:
        labels = shot_context(project, shot).labels()
        moves: list[str] = []
        for seg in labels.segments:
            for m in split(seg.label) or [STATIC]:
                if m not in moves:
                    moves.append(m)
        out.append(moves)
    return out


@dataclass
class MoveScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp + self.fp + self.fn else 1.0

    def add(self, observed: list[str], requested: list[str]) -> None:
        seen = set(observed)
        if STATIC not in requested and len(seen) > 1:
            seen.discard(STATIC)  # a pause between two moves is not a move
        want = set(requested)
        self.tp += len(seen & want)
        self.fp += len(seen - want)
        self.fn += len(want - seen)
