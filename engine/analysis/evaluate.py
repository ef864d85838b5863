"""Score a predicted camera sequence against a reference: every metric of :mod:`engine.analysis.metrics`,
per shot and for the whole sequence."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.analysis.metrics import (
    aligned_errors,
    motion_f1,
    relative_pose_errors,
    transition_precision,
)
from engine.analysis.shot_context import shot_context
from engine.errors import ShotlineError
from engine.project import Project


@dataclass
class Evaluation:
    shots: list[dict] = field(default_factory=list)
    sequence: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"shots": self.shots, "sequence": self.sequence}

    @property
    def text(self) -> str:
        """Metrics as rows, shots and the whole sequence as columns."""
        heads = [f"shot {i + 1}" for i in range(len(self.shots))] + ["sequence"]
        keys = list(dict.fromkeys([k for s in self.shots for k in s if k != "name"] + list(self.sequence)))
        width = max(len(k) for k in keys) + 2
        lines = ["".ljust(width) + "".join(h.rjust(10) for h in heads)]
        for k in keys:
            cells = [s.get(k, "") for s in self.shots] + [self.sequence.get(k, "")]
            lines.append(k.ljust(width) + "".join(_fmt(c).rjust(10) for c in cells))
        return "\n".join(lines)


def _fmt(v) -> str:
    return f"{v:.4f}" if isinstance(v, float) else str(v)


def _sequence(project: Project) -> tuple[np.ndarray, list[str], list[str], list[str]]:
    """Poses of every frame of the sequence and the per-frame labels (each shot labelled alone)."""
    poses, labels, translation, rotation = [], [], [], []
    for shot in project.shots:
        context = shot_context(project, shot)
        poses.append(context.path.c2w)
        lab = context.labels()
        labels += lab.labels
        translation += lab.translation
        rotation += lab.rotation
    return np.concatenate(poses), labels, translation, rotation


def evaluate_projects(
    pred: Project, ref: Project, thresholds_deg=(5.0, 15.0, 30.0), tolerance: int = 3, source: str = "prediction"
) -> Evaluation:
    """Per reference shot, the prediction's frames over the same range; the two may cut differently
    (that is what Tem-Pre scores) but must last as long."""
    if pred.total_frames != ref.total_frames:
        raise ShotlineError(
            f"lasts {pred.total_frames} frames, the reference {ref.total_frames}", source, "shots"
        )
    p_all, p_lab, p_tr, p_rot = _sequence(pred)
    r_all, r_lab, r_tr, r_rot = _sequence(ref)
    out = Evaluation()
    starts = ref.shot_start_frames()
    for shot, a in zip(ref.shots, starts):
        sl = slice(a, a + shot.duration)
        row: dict = {"name": shot.name}
        row.update(relative_pose_errors(p_all[sl], r_all[sl], thresholds_deg).as_dict())
        row.update(aligned_errors(p_all[sl], r_all[sl]).as_dict())
        row["motion_F1"] = motion_f1(p_lab[sl], r_lab[sl])
        row["translation_F1"] = motion_f1(p_tr[sl], r_tr[sl])
        row["rotation_F1"] = motion_f1(p_rot[sl], r_rot[sl])
        out.shots.append(row)
    weights = [s.duration for s in ref.shots]
    seq = {k: float(np.average([s[k] for s in out.shots], weights=weights)) for k, v in out.shots[0].items() if isinstance(v, float)}
    seq["motion_F1"] = motion_f1(p_lab, r_lab)
    seq["translation_F1"] = motion_f1(p_tr, r_tr)
    seq["rotation_F1"] = motion_f1(p_rot, r_rot)
    # ShotVerse aligns the whole sequence at once: shots must also agree on where they are.
    glob = aligned_errors(p_all, r_all)
    seq["global_trans_err"] = glob.translation
    seq["global_rot_err_deg"] = glob.rotation_deg
    seq.update(transition_precision(pred.shot_start_frames()[1:], starts[1:], tolerance).as_dict())
    out.sequence = seq
    return out
