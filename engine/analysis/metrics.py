"""How well one camera path follows another: the metrics of E.T., OmniDirector and ShotVerse.

- ``motion_f1``: per-frame motion-label F1, weighted by each class's support (E.T.).
- ``relative_pose_errors``: RRE and RTE (OmniDirector): each frame's pose relative to the first, the
  angle between predicted and reference relative rotations, and the angle between the directions of
  their relative translations (so a path at another scale scores 0); R-Pre / T-Pre are the share of
  frames under a threshold.
- ``aligned_errors``: translation and rotation error after a similarity (Umeyama) alignment of the
  predicted camera centres onto the reference (ShotVerse); translation error in units of the
  reference path's extent.
- ``transition_precision``: a reference cut counts as found when a predicted cut lies within ±3
  frames (Tem-Pre), matched one to one.

Written by hand because none of our dependencies has them: sklearn's weighted F1 and evo's
Umeyama alignment are the references the formulas follow.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.transform import Rotation

from engine.camera.conventions import invert_poses
from engine.errors import ShotlineError


def _check_same_length(a, b, what: str) -> None:
    if len(a) != len(b):
        raise ShotlineError(f"prediction has {len(a)} frames, reference {len(b)}", "eval", what)
    if len(a) == 0:
        raise ShotlineError("no frames to compare", "eval", what)


def motion_f1(pred: list[str], ref: list[str]) -> float:
    """Support-weighted F1 over the reference's label classes (sklearn's ``average="weighted"``)."""
    _check_same_length(pred, ref, "labels")
    pred, ref = np.asarray(pred), np.asarray(ref)
    support = Counter(ref.tolist())
    total = 0.0
    for label, n in support.items():
        tp = float(np.sum((pred == label) & (ref == label)))
        predicted = float(np.sum(pred == label))
        precision = tp / predicted if predicted else 0.0
        recall = tp / n
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        total += n * f1
    return total / len(ref)


def rotation_angle_deg(r: np.ndarray) -> np.ndarray:
    """Angle of rotation matrices (…,3,3) in degrees (via the quaternion: exact near 0, unlike arccos)."""
    r = np.asarray(r, float)
    return np.degrees(Rotation.from_matrix(r.reshape(-1, 3, 3)).magnitude()).reshape(r.shape[:-2])


def _angle_between_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    cross = np.linalg.norm(np.cross(a, b), axis=-1)
    dot = np.sum(a * b, axis=-1)
    return np.degrees(np.arctan2(cross, dot))


@dataclass
class RelativePoseErrors:
    rre_deg: np.ndarray  # per frame after the first
    rte_deg: np.ndarray  # per frame where the reference has moved
    thresholds_deg: tuple[float, ...]

    @property
    def rre(self) -> float:
        return float(self.rre_deg.mean()) if len(self.rre_deg) else 0.0

    @property
    def rte(self) -> float:
        return float(self.rte_deg.mean()) if len(self.rte_deg) else 0.0

    def r_pre(self, threshold: float) -> float:
        return float(np.mean(self.rre_deg < threshold)) if len(self.rre_deg) else 1.0

    def t_pre(self, threshold: float) -> float:
        return float(np.mean(self.rte_deg < threshold)) if len(self.rte_deg) else 1.0

    def as_dict(self) -> dict:
        out = {"RRE_deg": self.rre, "RTE_deg": self.rte}
        for t in self.thresholds_deg:
            out[f"R-Pre@{t:g}"] = self.r_pre(t)
            out[f"T-Pre@{t:g}"] = self.t_pre(t)
        return out


def relative_pose_errors(
    pred_c2w: np.ndarray, ref_c2w: np.ndarray, thresholds_deg=(5.0, 15.0, 30.0), still: float = 1e-6
) -> RelativePoseErrors:
    """RRE / RTE of each frame relative to the first, against the reference.

    Frames where the reference camera has not moved from the first (less than ``still`` of its
    extent) have no translation direction and count for RRE only; a prediction that has not moved
    where the reference has scores 90 degrees there (no direction is as wrong as a perpendicular one).
    """
    pred_c2w, ref_c2w = np.asarray(pred_c2w, float), np.asarray(ref_c2w, float)
    _check_same_length(pred_c2w, ref_c2w, "poses")
    rel_p = invert_poses(pred_c2w[0])[None] @ pred_c2w[1:]
    rel_r = invert_poses(ref_c2w[0])[None] @ ref_c2w[1:]
    rre = rotation_angle_deg(np.swapaxes(rel_p[:, :3, :3], -1, -2) @ rel_r[:, :3, :3])
    tp, tr = rel_p[:, :3, 3], rel_r[:, :3, 3]
    nr, np_ = np.linalg.norm(tr, axis=1), np.linalg.norm(tp, axis=1)
    moved = nr > still * max(float(nr.max(initial=0.0)), 1e-12)
    rte = _angle_between_deg(tp[moved], tr[moved])
    pred_still = np_[moved] <= still * max(float(np_.max(initial=0.0)), 1e-12)
    rte[pred_still] = 90.0
    return RelativePoseErrors(rre, rte, tuple(thresholds_deg))


def umeyama(src: np.ndarray, dst: np.ndarray, with_scale: bool = True) -> tuple[float, np.ndarray, np.ndarray]:
    """Similarity (s, R, t) minimising ||s R src + t - dst||² (Umeyama 1991)."""
    src, dst = np.asarray(src, float), np.asarray(dst, float)
    mu_s, mu_d = src.mean(0), dst.mean(0)
    xs, xd = src - mu_s, dst - mu_d
    cov = xd.T @ xs / len(src)
    u, d, vt = np.linalg.svd(cov)
    sign = np.eye(3)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        sign[2, 2] = -1.0
    rot = u @ sign @ vt
    var = float((xs**2).sum() / len(src))
    scale = float(np.trace(np.diag(d) @ sign) / var) if with_scale and var > 1e-18 else 1.0
    return scale, rot, mu_d - scale * rot @ mu_s


@dataclass
class AlignedErrors:
    translation: float  # mean camera-centre error / reference extent
    rotation_deg: float  # mean angle between aligned orientations
    scale: float

    def as_dict(self) -> dict:
        return {"trans_err": self.translation, "rot_err_deg": self.rotation_deg, "sim3_scale": self.scale}


def aligned_errors(pred_c2w: np.ndarray, ref_c2w: np.ndarray) -> AlignedErrors:
    """ShotVerse's translation and rotation errors after a similarity alignment of the camera centres.

    A path whose centres barely move (under 1e-9 of a unit) cannot fix a rotation by its centres;
    it is aligned by its first pose instead.
    """
    pred_c2w, ref_c2w = np.asarray(pred_c2w, float), np.asarray(ref_c2w, float)
    _check_same_length(pred_c2w, ref_c2w, "poses")
    p, r = pred_c2w[:, :3, 3], ref_c2w[:, :3, 3]
    extent = float(np.linalg.norm(r - r.mean(0), axis=1).max())
    spread = float(np.linalg.norm(p - p.mean(0), axis=1).max())
    if len(p) >= 3 and spread > 1e-9 and extent > 1e-9 and np.linalg.matrix_rank(p - p.mean(0), tol=1e-9 * spread) >= 2:
        scale, rot, t = umeyama(p, r)
    else:
        # Collinear or still centres leave the rotation about the line free: use the first pose.
        rot = ref_c2w[0, :3, :3] @ pred_c2w[0, :3, :3].T
        scale = extent / spread if spread > 1e-9 and extent > 1e-9 else 1.0
        t = r.mean(0) - scale * rot @ p.mean(0)
    aligned = scale * p @ rot.T + t
    trans = float(np.linalg.norm(aligned - r, axis=1).mean() / max(extent, 1e-9)) if extent > 1e-9 else 0.0
    rot_err = rotation_angle_deg(np.swapaxes(rot @ pred_c2w[:, :3, :3], -1, -2) @ ref_c2w[:, :3, :3])
    return AlignedErrors(trans, float(rot_err.mean()), scale)


@dataclass
class TransitionScores:
    found: int
    reference: int
    predicted: int
    tolerance: int

    @property
    def precision(self) -> float:
        """Tem-Pre: the share of reference cuts found within the tolerance."""
        return self.found / self.reference if self.reference else 1.0

    @property
    def false_cuts(self) -> int:
        return self.predicted - self.found

    def as_dict(self) -> dict:
        return {
            f"Tem-Pre@{self.tolerance}": self.precision,
            "cuts_found": self.found,
            "cuts_reference": self.reference,
            "cuts_extra": self.false_cuts,
        }


def transition_precision(pred_cuts, ref_cuts, tolerance: int = 3) -> TransitionScores:
    """Match predicted to reference cut frames one to one within ``tolerance`` frames."""
    pred, ref = np.asarray(sorted(pred_cuts), float), np.asarray(sorted(ref_cuts), float)
    found = 0
    if len(pred) and len(ref):
        dist = np.abs(ref[:, None] - pred[None, :])
        cost = np.where(dist <= tolerance, dist, 1e6)
        rows, cols = linear_sum_assignment(cost)
        found = int(np.sum(dist[rows, cols] <= tolerance))
    return TransitionScores(found, len(ref), len(pred), tolerance)
