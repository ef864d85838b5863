"""What a shot's camera is looking at: its subject, how big the subject is in frame, from what angle.

The analysis needs this to measure speeds in subject distances, to name the subject of an arc or a
follow, and to describe framing and cuts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import sequence
from engine.analysis.labels import PathLabels, label_path
from engine.camera.conventions import camera_axes, pan_tilt_roll
from engine.camera.framing import (
    EYES,
    classify_piece_size,
    classify_size,
    frame_height_at,
    piece_extent,
)
from engine.camera.interpolate import subject_positions
from engine.camera.lens import horizontal_fov_deg, vertical_fov_deg
from engine.camera.path import CameraPath
from engine.greybox.library import piece_size
from engine.project import Project, Shot

SHOULDER_HALF_WIDTH = 0.13  # of a person's height


def nearest_on_axis(eye: np.ndarray, forward: np.ndarray, base: np.ndarray, height: float) -> np.ndarray:
    """Per frame, the point of a standing subject's axis (base to base + height) nearest the optical ray."""
    up = np.array([0.0, 1.0, 0.0])
    w0 = base - eye
    b = forward @ up
    d, e = np.einsum("ni,ni->n", forward, w0), w0 @ up
    denom = 1.0 - b * b
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(denom > 1e-9, (b * d - e) / denom, height / 2.0)
    return base + np.clip(s, 0.0, height)[:, None] * up


@dataclass
class SubjectInView:
    name: str
    height: float
    base: np.ndarray  # (N,3) where it stands on each frame
    aim: np.ndarray  # (N,3) the point of it nearest the optical axis
    depth: np.ndarray  # (N,) distance of that point along the optical axis
    offset: np.ndarray  # (N,2) its position in frame: x, y in half-widths / half-heights (0 = centre)
    body: np.ndarray  # (N,) its half-width (shoulders) in half-widths of the frame at its depth
    extent: float | None = None  # a set piece's: the frame height (m) that just holds it; None for a person

    @property
    def is_person(self) -> bool:
        return self.extent is None

    @property
    def reference_height(self) -> float:
        """The height angles are judged from: a person's eyes, a set piece's middle (above its base)."""
        return (EYES if self.is_person else 0.5) * self.height

    def in_frame(self, margin: float = 1.0) -> np.ndarray:
        return (self.depth > 0) & (np.abs(self.offset) <= margin).all(axis=1)


@dataclass
class ShotContext:
    path: CameraPath
    subjects: list[SubjectInView]  # every subject of the set, as seen from this camera
    main: SubjectInView | None  # what the shot is about
    # {frame: {name: share of the frame}} from the grey-box id pass, where it was rendered
    # (engine.greybox.occupancy): who is in frame there counts pixels, occlusion included.
    shares: dict[int, dict[str, float]] | None = None

    @property
    def subject_positions(self) -> np.ndarray | None:
        """(N,3) where the main subject stands on each frame (None without one)."""
        return self.main.base if self.main is not None else None

    def labels(self) -> PathLabels:
        """The path's motion labels, speeds in distances to the main subject, follows recognised."""
        return label_path(self.path, self.reference_length, self.subject_positions)

    @property
    def reference_length(self) -> float | None:
        """Mean distance to the main subject: the unit in which analysis measures speeds."""
        if self.main is None:
            return None
        return float(np.linalg.norm(self.main.aim - self.path.positions, axis=1).mean())

    def size(self, frame: int) -> str | None:
        if self.main is None or self.main.depth[frame] <= 0:
            return None
        h = frame_height_at(self.main.depth[frame], self.path.focal_mm[frame], self.path.film_back_mm[1])
        return classify_size(float(h), self.main.height) if self.main.is_person else classify_piece_size(float(h), self.main.extent)

    def in_frame(self, frame: int) -> list[SubjectInView]:
        if self.shares is not None and frame in self.shares:
            from engine.greybox.occupancy import MIN_SHARE

            return [s for s in self.subjects if self.shares[frame].get(s.name, 0.0) >= MIN_SHARE]
        return [s for s in self.subjects if s.in_frame()[frame]]

    def foreground(self, frame: int) -> SubjectInView | None:
        """A subject close to the lens, in front of the main one and at the frame's edge: an
        over-the-shoulder shot's shoulder."""
        if self.main is None:
            return None
        for s in self.subjects:
            if s is self.main or s.depth[frame] <= 0:
                continue
            near = s.depth[frame] < min(0.6 * self.main.depth[frame], 1.5)
            x, y = np.abs(s.offset[frame])
            if near and x - s.body[frame] <= 1.0 and y <= 1.5:
                return s
        return None

    def angle_words(self, frame: int) -> str:
        """The camera's angle on its subject, judged against the subject's eye height: a lens below
        the eyes is low (on the floor and looking up, worm's-eye), above them high, far above and
        looking down, overhead. Without a subject, from the lens's pitch alone."""
        pan, tilt, roll = pan_tilt_roll(self.path.rotations[frame])
        if abs(roll) > 8.0:
            return "dutch angle"
        if self.main is None or self.main.depth[frame] <= 0:
            return _angle_from_pitch(tilt)
        cam = self.path.positions[frame]
        base = self.main.base[frame]
        eyes = base[1] + self.main.reference_height
        horizontal = float(np.hypot(*(cam - base)[[0, 2]]))
        elevation = float(np.degrees(np.arctan2(cam[1] - eyes, horizontal)))
        above_floor = (cam[1] - base[1]) / self.main.height
        if elevation > 60.0 or tilt < -70.0:
            return "overhead"
        if above_floor < WORMS_EYE_HEIGHT and (tilt > 0.0 or elevation < -45.0):
            return "worm's-eye view"
        # a lens a fifth of a person's height above their eyes is high however far back it stands; a
        # set piece (a water tank is as tall as the lens is far) is judged by the elevation alone
        by = LOW_BY * self.main.height if self.main.is_person else np.inf
        if elevation < -10.0 or (cam[1] - eyes) < -by:
            return "low angle"
        if elevation > 10.0 or (cam[1] - eyes) > by:
            return "high angle"
        return "eye level"


# A lens more than a quarter of the subject's height below (above) its eyes is a low (high) angle; one
# under a fifth of its height off the floor and looking up, a worm's-eye view.
LOW_BY = 0.25
WORMS_EYE_HEIGHT = 0.2


def _angle_from_pitch(tilt: float) -> str:
    if tilt < -70.0:
        return "overhead"
    if tilt < -10.0:
        return "high angle"
    if tilt > 45.0:
        return "worm's-eye view"
    if tilt > 10.0:
        return "low angle"
    return "eye level"


def view_subjects(project: Project, shot: Shot, path: CameraPath, pieces: tuple[str, ...] = ()) -> list[SubjectInView]:
    """Every person as the shot's camera sees them, and the set pieces named in ``pieces``."""
    frames = np.arange(len(path))
    eye = path.positions
    right, up, forward = camera_axes(path.c2w)
    tan_h = np.tan(np.deg2rad(horizontal_fov_deg(path.focal_mm, path.film_back_mm) / 2.0))
    tan_v = np.tan(np.deg2rad(vertical_fov_deg(path.focal_mm, path.film_back_mm) / 2.0))
    out = []
    for subject in project.subjects:
        if not subject.is_person and subject.name not in pieces:  # set pieces are the set, unless the camera aims at one (an insert)
            continue
        base = subject_positions(project, shot, subject.name, frames)
        aim = nearest_on_axis(eye, forward, base, subject.height)
        rel = aim - eye
        depth = np.einsum("ni,ni->n", rel, forward)
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.einsum("ni,ni->n", rel, right) / (depth * tan_h)
            y = np.einsum("ni,ni->n", rel, up) / (depth * tan_v)
        offset = np.where(depth[:, None] > 0, np.stack([x, y], axis=1), np.inf)
        with np.errstate(divide="ignore", invalid="ignore"):
            body = np.where(depth > 0, SHOULDER_HALF_WIDTH * subject.height / (depth * tan_h), 0.0)
        extent = None if subject.is_person else piece_extent(*piece_size(subject), float(path.film_back_mm[0] / path.film_back_mm[1]))
        out.append(SubjectInView(subject.name, subject.height, base, aim, depth, offset, body, extent))
    return out


def shot_context(project: Project, shot: Shot, path: CameraPath | None = None) -> ShotContext:
    """The camera of ``shot`` and its subjects. The main subject is the one its keys look at, else
    the one nearest the centre of frame on the most frames."""
    path = sequence.shared.shot(project, shot) if path is None else path
    looked_at = [k.look_at for k in shot.keys if k.look_at] + ([shot.move.subject] if shot.move and shot.move.subject else [])
    subjects = view_subjects(project, shot, path, tuple(looked_at))
    main = None
    if looked_at:
        name = max(set(looked_at), key=looked_at.count)
        main = next(s for s in subjects if s.name == name)
    else:
        visible = [s for s in subjects if s.in_frame(1.2).any()]
        if visible:
            centrality = [np.where(s.in_frame(1.2), np.linalg.norm(s.offset, axis=1), np.inf) for s in visible]
            nearest = np.argmin(np.stack(centrality), axis=0)
            counts = np.bincount(nearest[np.isfinite(np.min(np.stack(centrality), axis=0))], minlength=len(visible))
            main = visible[int(np.argmax(counts))]
    return ShotContext(path, subjects, main)
