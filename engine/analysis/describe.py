"""Camera paths in words: OmniDirector's pose-to-text rules, per shot and at each cut.

Within a shot (intra-shot): the path is split into sub-clips (one second each by default); each
sub-clip's relative pose first -> last gives a dominant translation axis, a rotation type from its
Euler angles and a zoom from the focal ratio, combined with the arc rule (lateral translation with a
yaw the other way) and the crane and dolly-zoom rules of :mod:`engine.analysis.labels`;
consecutive sub-clips with the same label merge and the merged span gets a speed class. Between shots
(inter-shot): the change of size, subject and angle at each cut, and the 180-degree line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.spatial.transform import Rotation

from engine.analysis.labels import (
    ROTATION_KINDS,
    STATIC,
    TRANSLATION_KINDS,
    LabelConfig,
    absorb_into_compounds,
    classify_translation,
    classify_zoom,
    combine,
    head_turns,
    is_follow,
    reference_length_of,
    rotation_parts,
    speed_class,
    split,
    weak_parts,
)
from engine.analysis.shot_context import ShotContext, shot_context
from engine.camera.conventions import camera_axes, invert_poses
from engine.camera.framing import SHOT_SIZES
from engine.camera.path import CameraPath
from engine.project import Project

MOVE_WORDS = {
    "push_in": "push in", "pull_out": "pull out", "truck_left": "truck left", "truck_right": "truck right",
    "pedestal_up": "pedestal up", "pedestal_down": "pedestal down", "pan_left": "pan left",
    "pan_right": "pan right", "tilt_up": "tilt up", "tilt_down": "tilt down", "roll_left": "roll left",
    "roll_right": "roll right", "zoom_in": "zoom in", "zoom_out": "zoom out", "arc_left": "arc left",
    "arc_right": "arc right", "crane_up": "crane up", "crane_down": "crane down",
    "dolly_zoom_in": "dolly zoom in", "dolly_zoom_out": "dolly zoom out", "follow": "follow",
}  # fmt: skip
SIZE_CHANGING = {"push_in", "pull_out", "zoom_in", "zoom_out", "dolly_zoom_in", "dolly_zoom_out"}


@dataclass
class Phrase:
    label: str
    start: int
    end: int
    speed: str  # slow | normal | fast, "" for static
    text: str


def subclip_bounds(n: int, clip: int) -> list[tuple[int, int]]:
    """Frame ranges [a, b] (b inclusive, shared with the next clip's a) of ``clip`` frames each; a
    last clip shorter than half joins the one before."""
    if n <= 1:
        return [(0, max(n - 1, 0))]
    edges = list(range(0, n - 1, clip)) + [n - 1]
    if len(edges) > 2 and edges[-1] - edges[-2] < clip / 2:
        del edges[-2]
    return list(zip(edges[:-1], edges[1:]))


def _subclip_parts(path: CameraPath, a: int, b: int, ref: float, subject: np.ndarray | None, config: LabelConfig):
    seconds = (b - a) / path.fps
    rel = invert_poses(path.c2w[a]) @ path.c2w[b]
    v = rel[:3, 3] / ref / seconds
    pan, tilt, roll = Rotation.from_matrix(rel[:3, :3]).as_euler("YXZ", degrees=True)
    w = np.array([tilt, pan, roll]) / seconds
    turns, level = head_turns(path.c2w[[a, b]])
    if level[0]:  # as the labels read turns
        w = turns[0] / seconds
    z = float(np.log(path.focal_mm[b] / path.focal_mm[a])) / seconds
    t = classify_translation(v, config.translation_threshold, dominance=0.0)  # one dominant axis
    r = rotation_parts(w, config.rotation_threshold, config.rotation_dominance)
    zoom = classify_zoom(z, config.zoom_threshold)
    follow = False
    if subject is not None and t:
        s = path.c2w[a, :3, :3].T @ (subject[b] - subject[a]) / ref / seconds
        follow = is_follow(v, s, config)
    return combine(t, r, zoom, follow, weak_parts(v, w, z))


def _span_speed(label: str, path: CameraPath, a: int, b: int, ref: float, config: LabelConfig) -> str:
    moves = split(label)
    if not moves:
        return ""
    seconds = max(b - a, 1) / path.fps
    lead = moves[0]
    if lead in TRANSLATION_KINDS:
        length = float(np.linalg.norm(np.diff(path.positions[a : b + 1], axis=0), axis=1).sum())
        return speed_class(length / ref / seconds, config.translation_speeds)
    if lead in ROTATION_KINDS:
        rel = path.rotations[a].inv() * path.rotations[b]
        return speed_class(float(np.degrees(rel.magnitude())) / seconds, config.rotation_speeds)
    return speed_class(abs(float(np.log(path.focal_mm[b] / path.focal_mm[a]))) / seconds, config.zoom_speeds)


def intra_shot(
    path: CameraPath,
    reference_length: float | None = None,
    subject_positions: np.ndarray | None = None,
    clip_s: float = 1.0,
    config: LabelConfig = LabelConfig(),
) -> list[tuple[str, int, int, str]]:
    """(label, first frame, last frame, speed) of each merged run of sub-clips."""
    if reference_length is None:
        reference_length = reference_length_of(path, config.min_extent)
    clip = max(1, int(round(clip_s * path.fps)))
    bounds = subclip_bounds(len(path), clip)
    labels = [_subclip_parts(path, a, b, reference_length, subject_positions, config) if b > a else STATIC for a, b in bounds]
    # A crane whose tilt fades in its eased ends is one crane, not pedestal, crane, pedestal.
    labels = absorb_into_compounds(labels)
    runs: list[list] = []
    for (a, b), label in zip(bounds, labels):
        if runs and runs[-1][0] == label:
            runs[-1][2] = b
        else:
            runs.append([label, a, b])
    return [(lbl, a, b, _span_speed(lbl, path, a, b, reference_length, config)) for lbl, a, b in runs]


def _size_words(code: str | None) -> str:
    return SHOT_SIZES[code].words if code else "shot"


def _article(words: str) -> str:
    return ("an " if words[0] in "aeiou" else "a ") + words


def phrase_for(label: str, speed: str, a: int, b: int, context: ShotContext | None) -> str:
    if label == STATIC:
        return "static"
    subject = context.main.name if context is not None and context.main is not None else None
    parts = []
    for move in split(label):
        words = MOVE_WORDS[move]
        if move.startswith("arc_") and subject:
            words += f" around {subject}"
        elif move == "follow" and subject:
            words += f" {subject}"
        parts.append(words)
    text = " and ".join(parts)
    if speed in ("slow", "fast"):
        text = f"{speed} {text}"
    if context is not None and SIZE_CHANGING & set(split(label)):
        before, after = context.size(a), context.size(b)
        if after and after != before:
            text += f" to {_article(_size_words(after))}"
    return text


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def framing_text(context: ShotContext, frame: int = 0) -> str:
    """'Wide shot of Mara and Jonas, high angle' for one frame."""
    if context.main is None:
        return f"No subject in frame, {context.angle_words(frame)}"
    seen = [s.name for s in context.in_frame(frame)]
    if context.main.name not in seen:
        seen.insert(0, context.main.name)
    else:
        seen.remove(context.main.name)
        seen.insert(0, context.main.name)
    fg = context.foreground(frame)
    if fg is not None and fg.name in seen:
        seen.remove(fg.name)
    text = f"{_size_words(context.size(frame)).capitalize()} of {_names(seen)}"
    if fg is not None:
        text += f" over {fg.name}'s shoulder"
    return f"{text}, {context.angle_words(frame)}"


@dataclass
class ShotDescription:
    name: str
    text: str
    moves: str
    phrases: list[Phrase] = field(default_factory=list)
    handheld: bool = False


# An operator's sway turns the lens back and forth about several axes; a smooth move (however fast,
# eased or compound) turns each axis one way, reversing at most once or twice a shot.
SWAY_MIN_DEG_S = 0.2  # angular speeds below this are noise, not a reversal
SWAY_REVERSALS_PER_S = 1.0  # on at least two of tilt, pan and roll


def is_handheld(path: CameraPath) -> bool:
    if len(path) < 3:
        return False
    rates = (path.rotations[:-1].inv() * path.rotations[1:]).as_rotvec(degrees=True) * path.fps
    seconds = len(path) / path.fps
    swaying = 0
    for axis in range(3):
        v = rates[:, axis]
        signs = np.sign(v[np.abs(v) > SWAY_MIN_DEG_S])
        swaying += int((np.diff(signs) != 0).sum()) / seconds >= SWAY_REVERSALS_PER_S
    return swaying >= 2


def describe_context(context: ShotContext, clip_s: float = 1.0, config: LabelConfig = LabelConfig()) -> ShotDescription:
    path = context.path
    runs = intra_shot(path, context.reference_length, context.subject_positions, clip_s, config)
    phrases = [Phrase(lbl, a, b, speed, phrase_for(lbl, speed, a, b, context)) for lbl, a, b, speed in runs]
    shaky = is_handheld(path)
    if shaky:  # the sway is no move of its own, and the camera is not static
        moves = ", then ".join("held" if p.label == STATIC else p.text for p in phrases)
        moves = f"handheld, {moves}" if moves != "held" else "handheld"
    else:
        moves = ", then ".join(p.text for p in phrases)
    return ShotDescription(path.name, f"{framing_text(context)}: {moves}.", moves, phrases, shaky)


# -- between shots -----------------------------------------------------------------------------


def line_side(camera: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """Which side of the line of action a -> b (seen from above) the camera stands: +1 or -1."""
    d, c = b - a, camera - a
    return float(np.sign(d[0] * c[2] - d[2] * c[0]))


def _heading(c2w: np.ndarray) -> np.ndarray:
    f = camera_axes(c2w)[2]
    h = np.array([f[0], 0.0, f[2]])
    return h / max(np.linalg.norm(h), 1e-9)


@dataclass
class CutDescription:
    index: int  # the cut before shot ``index`` (1-based shot numbers: cut from index-1 to index)
    frame: int  # the sequence frame of the cut
    relations: list[str]
    text: str


def describe_cut(project: Project, before: ShotContext, after: ShotContext, index: int, frame: int) -> CutDescription:
    end, start = len(before.path) - 1, 0
    a_pose, b_pose = before.path.c2w[end], after.path.c2w[start]
    rel: list[str] = []
    size_a, size_b = before.size(end), after.size(start)
    if size_a and size_b:
        rel.append(
            f"{_size_words(size_a)} to {_size_words(size_b)}" if size_a != size_b else f"same size ({_size_words(size_a)})"
        )
    subj_a = before.main.name if before.main else None
    subj_b = after.main.name if after.main else None
    if subj_a and subj_b and subj_a != subj_b:
        rel.append(f"{subj_a} to {subj_b}")
    turn = np.degrees(np.arccos(np.clip(_heading(a_pose) @ _heading(b_pose), -1.0, 1.0)))
    if turn > 110.0:
        rel.append("reverse angle")
    else:
        offset = b_pose[:3, 3] - a_pose[:3, 3]
        along = offset @ camera_axes(a_pose)[2]
        lateral = np.linalg.norm(offset - along * camera_axes(a_pose)[2])
        if turn < 10.0 and lateral < 0.2 * max(abs(along), 1e-9) and abs(along) > 0.05:
            rel.append("cut in on the axis" if along > 0 else "cut out on the axis")
    people = [s for s in project.subjects if s.is_person]
    if len(people) >= 2:
        names = [n for n in (subj_a, subj_b) if n in {s.name for s in people}]  # the line runs between people, not to an insert's prop
        names = list(dict.fromkeys(names + [s.name for s in people]))[:2]
        pa = before.subjects[[s.name for s in before.subjects].index(names[0])].base[end]
        pb = before.subjects[[s.name for s in before.subjects].index(names[1])].base[end]
        side_a, side_b = line_side(a_pose[:3, 3], pa, pb), line_side(b_pose[:3, 3], pa, pb)
        if side_a and side_b:
            rel.append("same side of the line" if side_a == side_b else f"crosses the line between {names[0]} and {names[1]}")
    if not rel:
        rel.append(f"new angle, {turn:.0f}° round" if turn > 10.0 else "no change of size or angle")
    text = f"Cut {index}→{index + 1}: " + ", ".join(rel) + "."
    return CutDescription(index, frame, rel, text)


@dataclass
class ProjectDescription:
    shots: list[ShotDescription]
    cuts: list[CutDescription]
    contexts: list[ShotContext]

    @property
    def text(self) -> str:
        lines = []
        for i, shot in enumerate(self.shots):
            lines.append(f"Shot {i + 1} ({shot.name}): {shot.text}")
            if i < len(self.cuts):
                lines.append(self.cuts[i].text)
        return "\n".join(lines)


def _count_who_is_in_frame(project: Project, contexts: list[ShotContext]) -> None:
    """Where OpenGL is at hand, who is in frame (on the frame each description reads) comes from
    the grey-box id pass; otherwise from where the subjects' points fall."""
    from engine.greybox.gl import gl_available

    if not project.shots or gl_available() is not None:
        return
    from engine.greybox.occupancy import frame_shares

    for shot, context in zip(project.shots, contexts):
        context.shares = shares = frame_shares(project, shot, context.path, [0])
        aimed = any(k.look_at for k in shot.keys)
        if context.main is not None and not aimed and context.main not in context.in_frame(0):
            # Nobody aims at the hidden one: the shot is of whoever fills most of the frame.
            seen = context.in_frame(0)
            if seen:
                context.main = max(seen, key=lambda s: shares[0].get(s.name, 0.0))


def describe_project(project: Project, clip_s: float = 1.0, config: LabelConfig = LabelConfig()) -> ProjectDescription:
    contexts = [shot_context(project, shot) for shot in project.shots]
    _count_who_is_in_frame(project, contexts)
    shots = [describe_context(c, clip_s, config) for c in contexts]
    starts = project.shot_start_frames()
    cuts = [describe_cut(project, contexts[i], contexts[i + 1], i + 1, starts[i + 1]) for i in range(len(contexts) - 1)]
    return ProjectDescription(shots, cuts, contexts)
