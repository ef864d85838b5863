"""Per-frame camera motion labels, in the words of the field and of directors.

Translation follows E.T. (DIRECTOR): the velocity between consecutive poses in the camera frame
(``inv(P_t) @ P_t+1``) on a scale-normalised path; an axis moves when its speed passes a
threshold, and of two moving axes the weaker is dropped when ``(|a|-|b|)/|a| > 0.4``. That gives 27
classes: every combination of truck left/right (x), pedestal up/down (y) and push in/pull out (z),
static included. Rotation follows GenDoP: one class from the dominant axis of the relative
rotation vector (tilt about x, pan about y, roll about z). On top of these, combinations a
director names differently: arc (truck with a pan the other way, OmniDirector's arc rule: the
camera turns toward what it circles), crane (pedestal with a tilt the other way), dolly zoom (push
or pull with the opposite zoom), and follow (the camera moves with its subject).

Speeds are per second and lengths are in units of a reference length (the distance to the subject
the shot is about, else the path's extent, as E.T. normalises), so the labels mean the same at any
fps and in any unit.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import product

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.spatial.transform import Rotation

from engine.camera.conventions import invert_poses
from engine.camera.path import CameraPath

# (negative, positive) direction of each camera axis.
TRANSLATION_AXES = (("truck_left", "truck_right"), ("pedestal_down", "pedestal_up"), ("push_in", "pull_out"))
ROTATION_AXES = (("tilt_down", "tilt_up"), ("pan_right", "pan_left"), ("roll_right", "roll_left"))
ZOOM_DIRECTIONS = ("zoom_out", "zoom_in")

# Compound moves: (translation part, rotation or zoom part) -> the name a director uses.
COMPOUNDS = {
    ("truck_right", "pan_left"): "arc_right",
    ("truck_left", "pan_right"): "arc_left",
    ("pedestal_up", "tilt_down"): "crane_up",
    ("pedestal_down", "tilt_up"): "crane_down",
    ("push_in", "zoom_out"): "dolly_zoom_in",
    ("pull_out", "zoom_in"): "dolly_zoom_out",
}
MOVE_ORDER = (
    "follow", "arc_left", "arc_right", "crane_up", "crane_down", "dolly_zoom_in", "dolly_zoom_out",
    "push_in", "pull_out", "truck_left", "truck_right", "pedestal_up", "pedestal_down",
    "pan_left", "pan_right", "tilt_up", "tilt_down", "roll_left", "roll_right", "zoom_in", "zoom_out",
)  # fmt: skip
STATIC = "static"
TRANSLATION_KINDS = {"follow", "arc_left", "arc_right", "crane_up", "crane_down", "dolly_zoom_in", "dolly_zoom_out"} | {
    m for axis in TRANSLATION_AXES for m in axis
}
ROTATION_KINDS = {m for axis in ROTATION_AXES for m in axis}
MIRRORED = {
    **{a: b for a, b in TRANSLATION_AXES[:1] + ROTATION_AXES[1:]},
    **{b: a for a, b in TRANSLATION_AXES[:1] + ROTATION_AXES[1:]},
    "arc_left": "arc_right", "arc_right": "arc_left",
}  # fmt: skip  # left <-> right


def translation_classes() -> list[str]:
    """The 27 E.T. translation classes, as labels (``static`` … ``truck_right+pedestal_up+pull_out``)."""
    out = []
    for choice in product((None, 0, 1), repeat=3):
        moves = [TRANSLATION_AXES[axis][d] for axis, d in enumerate(choice) if d is not None]
        out.append(join(moves))
    return out


def join(moves) -> str:
    moves = sorted(set(moves), key=MOVE_ORDER.index)
    return "+".join(moves) if moves else STATIC


def split(label: str) -> list[str]:
    return [] if label == STATIC else label.split("+")


def mirror(label: str) -> str:
    """The label of the same move mirrored left-right."""
    return join(MIRRORED.get(m, m) for m in split(label))


@dataclass(frozen=True)
class LabelConfig:
    translation_threshold: float = 0.02  # reference lengths per second
    rotation_threshold: float = 2.0  # degrees per second
    zoom_threshold: float = 0.03  # change of ln(focal) per second
    dominance: float = 0.4  # E.T.: the weaker axis goes when (|a|-|b|)/|a| exceeds this
    # the same for turns, looser: a tilt at half the pan's rate is a diagonal a viewer sees as both
    rotation_dominance: float = 0.6
    smooth_s: float = 0.2  # Gaussian smoothing of velocities (sigma, seconds)
    mode_window_s: float = 0.5  # mode filter of the per-frame labels
    min_chunk_s: float = 0.5  # shorter runs merge into a neighbour
    min_hold_s: float = 0.75  # a shorter static run at a shot's end is a move easing in or out
    min_extent: float = 0.5  # E.T. normalisation never scales a path up by more than 1/min_extent
    # A run that gets nowhere is a hand's wobble, not a move: less than this net travel (reference
    # lengths), turn (degrees) and zoom (ln focal) over the whole run
    min_travel: float = 0.04
    min_turn_deg: float = 1.0
    min_zoom: float = 0.02
    translation_speeds: tuple[float, float] = (0.15, 0.5)  # slow / fast limits, reference lengths per second
    rotation_speeds: tuple[float, float] = (10.0, 45.0)  # degrees per second
    zoom_speeds: tuple[float, float] = (0.15, 0.5)  # ln(focal) per second


def classify_translation(v: np.ndarray, threshold: float, dominance: float = 0.4) -> list[str]:
    """E.T.'s translation class of one camera-frame velocity: the moving, non-dominated axes."""
    mag = np.abs(np.asarray(v, float))
    top = mag.max()
    if top <= threshold:
        return []
    keep = (mag > threshold) & ((top - mag) / top <= dominance)
    return [TRANSLATION_AXES[i][int(v[i] > 0)] for i in range(3) if keep[i]]


def classify_rotation(w: np.ndarray, threshold: float) -> str | None:
    """GenDoP's rotation class: the dominant axis of (tilt, pan, roll) rates, if it passes the threshold."""
    w = np.asarray(w, float)
    i = int(np.argmax(np.abs(w)))
    return ROTATION_AXES[i][int(w[i] > 0)] if abs(w[i]) > threshold else None


def rotation_parts(w: np.ndarray, threshold: float, dominance: float) -> list[str]:
    """The rotation classes of one frame, E.T.'s dominance rule applied to turns as to translations:
    the dominant axis and any other within ``dominance`` of it ("pan right and tilt up at once" is
    both; a pan with a drift of tilt is the pan)."""
    w = np.asarray(w, float)
    mag = np.abs(w)
    top = mag.max()
    if top <= threshold:
        return []
    keep = (mag > threshold) & ((top - mag) / top <= dominance)
    return [ROTATION_AXES[i][int(w[i] > 0)] for i in range(3) if keep[i]]


def classify_zoom(z: float, threshold: float) -> str | None:
    return ZOOM_DIRECTIONS[int(z > 0)] if abs(z) > threshold else None


def combine(
    translation: list[str], rotation: str | list[str] | None, zoom: str | None, follow: bool = False, weak: frozenset = frozenset()
) -> str:
    """One label from the parts, naming the compounds (arc, crane, dolly zoom, follow).

    ``weak`` lists the rotation or zoom parts too slow to make a compound with the translation.
    """
    moves = list(translation)
    turns = rotation if isinstance(rotation, list) else [rotation]
    others = [m for m in (*turns, zoom) if m]
    lens = [m for m in others if m.startswith("zoom")]
    for (t, other), name in COMPOUNDS.items():
        if t in moves and other in others and other not in weak:
            moves[moves.index(t)] = name
            others.remove(other)
    if follow:
        # the follow is the camera's travel; a zoom said with it is the lens's, not part of a dolly zoom
        moves = ["follow"]
        others += [z for z in lens if z not in others]
    return join(moves + others)


@dataclass
class Motion:
    """Per-frame rates of a path: camera-frame velocity in reference lengths per second, (tilt, pan,
    roll) in degrees per second, zoom as d ln(focal)/dt, and the subject's camera-frame velocity."""

    translation: np.ndarray
    rotation: np.ndarray
    zoom: np.ndarray
    subject: np.ndarray | None
    fps: float
    reference_length: float


def convergence_point(path: CameraPath, min_spread: float = 0.002) -> np.ndarray | None:
    """The point nearest to every optical axis of the path: what a camera keeps framed while it
    moves (an orbit's centre, a crane's target). None when the axes are near parallel (spread under
    about 3 degrees), meet behind the camera, or meet about where the camera is (a pan's axes meet
    in the lens; a locked-off camera's wobble would put the point anywhere near it)."""
    fwd = -path.c2w[:, :3, 2]
    proj = np.eye(3)[None] - fwd[:, :, None] * fwd[:, None, :]
    a = proj.mean(axis=0)
    if np.linalg.eigvalsh(a)[0] < min_spread:
        return None
    point = np.linalg.solve(a, np.einsum("nij,nj->i", proj, path.positions) / len(path))
    depth = np.einsum("ni,ni->n", point - path.positions, fwd)
    spread = float(np.sqrt(((path.positions - path.positions.mean(0)) ** 2).sum(axis=1).mean()))
    if np.all(depth > 0) and depth.mean() > max(2.0 * spread, 1e-6):
        return point
    return None


def reference_length_of(path: CameraPath, min_extent: float) -> float:
    """The length speeds are measured in when the subject is not known: the distance to the point the
    camera keeps framed if its axes converge, else (as E.T. normalises) the farthest it gets from its
    first position, floored at ``min_extent`` so a locked-off camera's wobble stays small."""
    point = convergence_point(path)
    if point is not None:
        return float(np.linalg.norm(point - path.positions, axis=1).mean())
    extent = float(np.linalg.norm(path.positions - path.positions[0], axis=1).max())
    return max(extent, min_extent)


def _pad(rates: np.ndarray, n: int) -> np.ndarray:
    """N-1 rates between frames -> one per frame (the last frame repeats the last rate)."""
    if len(rates) == 0:
        return np.zeros((n,) + rates.shape[1:])
    return np.concatenate([rates, rates[-1:]], axis=0)


STEEP_PITCH_DEG = 70.0  # past this the lens looks nearly straight down or up
UPRIGHT_ROLL_DEG = 60.0  # past this the camera is on its side or upside down in its world


def head_turns(c2w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(tilt, pan, roll) degrees from each pose to the next as an operator turns the head — the pan
    about the world's up, the tilt of the lens, the roll of the horizon (the camera's own axes would
    read a level pan seen looking down as a roll) — and whether both poses are upright enough for
    that. Near straight down (or up) pan and roll are one turn, and a camera upside down in its
    world (cameras read from a file whose up is not ours) has no level to pan about: there callers
    keep the camera's own axes."""
    ptr = np.unwrap(Rotation.from_matrix(np.asarray(c2w)[:, :3, :3]).as_euler("YXZ"), axis=0)
    turns = np.rad2deg(np.diff(ptr, axis=0))[:, [1, 0, 2]]
    upright = (np.abs(np.rad2deg(ptr[:, 1])) < STEEP_PITCH_DEG) & (np.abs(np.rad2deg(ptr[:, 2])) < UPRIGHT_ROLL_DEG)
    return turns, upright[:-1] & upright[1:]


def motion_of(
    path: CameraPath,
    reference_length: float | None = None,
    subject_positions: np.ndarray | None = None,
    smooth_s: float = 0.2,
    min_extent: float = 0.5,
) -> Motion:
    n, fps = len(path), float(path.fps)
    ref = reference_length if reference_length else reference_length_of(path, min_extent)
    rel = invert_poses(path.c2w[:-1]) @ path.c2w[1:]
    v = rel[:, :3, 3] * fps / ref
    w = np.rad2deg(Rotation.from_matrix(rel[:, :3, :3]).as_rotvec()) * fps if n > 1 else np.zeros((0, 3))
    if n > 1:
        turns, level = head_turns(path.c2w)
        w = np.where(level[:, None], turns * fps, w)
    z = np.diff(np.log(path.focal_mm)) * fps
    s = None
    if subject_positions is not None:
        sp = np.asarray(subject_positions, float)
        s = np.einsum("nji,nj->ni", path.c2w[:-1, :3, :3], np.diff(sp, axis=0)) * fps / ref
    sigma = smooth_s * fps
    smooth = (lambda a: gaussian_filter1d(a, sigma, axis=0, mode="nearest")) if sigma > 0 and n > 2 else (lambda a: a)
    return Motion(
        _pad(smooth(v), n),
        _pad(smooth(w), n),
        _pad(smooth(z), n),
        None if s is None else _pad(smooth(s), n),
        fps,
        ref,
    )


def _mode_filter(labels: list[str], window: int) -> list[str]:
    """Each frame takes the most common label around it (its own on a tie)."""
    half = window // 2
    if half < 1:
        return list(labels)
    out = []
    for i, own in enumerate(labels):
        counts = Counter(labels[max(0, i - half) : i + half + 1])
        best = max(counts.values())
        out.append(own if counts[own] == best else next(lbl for lbl, c in counts.most_common() if c == best))
    return out


def _runs(labels: list[str]) -> list[list]:
    runs: list[list] = []
    for i, lbl in enumerate(labels):
        if runs and runs[-1][0] == lbl:
            runs[-1][2] = i
        else:
            runs.append([lbl, i, i])
    return runs


def _merge_short(labels: list[str], min_len: int) -> list[str]:
    """Merge runs shorter than ``min_len`` frames into their longer neighbour, shortest first."""
    out = list(labels)
    while True:
        runs = _runs(out)
        if len(runs) < 2:
            return out
        lengths = [r[2] - r[1] + 1 for r in runs]
        i = int(np.argmin(lengths))
        if lengths[i] >= min_len:
            return out
        if i == 0:
            j = 1
        elif i == len(runs) - 1:
            j = i - 1
        else:
            j = i - 1 if lengths[i - 1] >= lengths[i + 1] else i + 1
        _, a, b = runs[i]
        out[a : b + 1] = [runs[j][0]] * (b - a + 1)


def _compound_parts(label: str) -> dict[str, str]:
    """Plain moves that are part of a compound in ``label``: {"pedestal_up": "crane_up", ...}."""
    return {t: name for (t, _), name in COMPOUNDS.items() if name in split(label)}


def absorb_into_compounds(labels: list[str]) -> list[str]:
    """A crane whose tilt dips under the threshold for a while is still a crane: a run that is the
    translation part of a compound next to it (pedestal up beside crane up) joins the compound."""
    runs = _runs(labels)
    out = list(labels)
    for i, (lbl, a, b) in enumerate(runs):
        for j in (i - 1, i + 1):
            if 0 <= j < len(runs) and runs[j][2] - runs[j][1] >= b - a:
                parts = _compound_parts(runs[j][0])
                if split(lbl) and all(m in parts for m in split(lbl)):
                    out[a : b + 1] = [runs[j][0]] * (b - a + 1)
                    break
    return out


def _split_blends(labels: list[str], max_len: int) -> list[str]:
    """Where one move ends as the next begins, smoothing gives a short run of both at once (pan and
    push). That run is the hand-over, not a move: its first half goes to the move before, the rest
    to the move after."""
    runs = _runs(labels)
    out = list(labels)
    for i in range(1, len(runs) - 1):
        lbl, a, b = runs[i]
        before, after = set(split(runs[i - 1][0])), set(split(runs[i + 1][0]))
        if b - a + 1 <= max_len and before and after and set(split(lbl)) == before | after:
            mid = (a + b + 1) // 2
            out[a:mid] = [runs[i - 1][0]] * (mid - a)
            out[mid : b + 1] = [runs[i + 1][0]] * (b + 1 - mid)
    return out


def smooth_labels(raw: list[str], fps: float, config: LabelConfig) -> list[str]:
    labels = _mode_filter(raw, int(round(config.mode_window_s * fps)) | 1)
    labels = _split_blends(labels, int(round(fps)))
    labels = absorb_into_compounds(labels)
    return _merge_short(labels, max(1, int(round(config.min_chunk_s * fps))))


@dataclass
class Segment:
    label: str
    start: int  # first frame, inclusive
    end: int  # last frame, inclusive
    speed: str  # "slow" | "normal" | "fast"; "" for static
    rate: float  # the mean rate the speed class comes from
    unit: str  # "ref/s", "deg/s" or "ln/s"

    @property
    def frames(self) -> int:
        return self.end - self.start + 1


def speed_class(rate: float, limits: tuple[float, float]) -> str:
    return "slow" if rate < limits[0] else ("fast" if rate >= limits[1] else "normal")


def segment_speed(label: str, motion: Motion, start: int, end: int, config: LabelConfig) -> tuple[str, float, str]:
    moves = split(label)
    if not moves:
        return "", 0.0, ""
    sl = slice(start, end + 1)
    lead = moves[0]
    if lead in TRANSLATION_KINDS:
        rate = float(np.linalg.norm(motion.translation[sl], axis=1).mean())
        return speed_class(rate, config.translation_speeds), rate, "ref/s"
    if lead in ROTATION_KINDS:
        rate = float(np.linalg.norm(motion.rotation[sl], axis=1).mean())
        return speed_class(rate, config.rotation_speeds), rate, "deg/s"
    rate = float(np.abs(motion.zoom[sl]).mean())
    return speed_class(rate, config.zoom_speeds), rate, "ln/s"


@dataclass
class PathLabels:
    fps: float
    reference_length: float
    labels: list[str]  # per frame, smoothed
    translation: list[str]  # per frame, the E.T. translation class alone, smoothed
    rotation: list[str]  # per frame, the GenDoP rotation class alone, smoothed
    raw: list[str]  # per frame, before smoothing
    segments: list[Segment] = field(default_factory=list)

    def summary(self) -> str:
        return ", then ".join(
            (f"{s.speed} " if s.speed and s.speed != "normal" else "") + s.label.replace("_", " ").replace("+", " and ")
            for s in self.segments
        )

    @property
    def dominant(self) -> str:
        """The label that covers the most frames."""
        return Counter(self.labels).most_common(1)[0][0]


# The rotation or zoom rate (rad/s, ln/s) that a compound needs per reference length per second of
# translation: an orbit at the reference distance turns at 1.0; a truck whose pan only wobbles, far less.
COMPOUND_RATIO = 0.5


def is_follow(camera_velocity: np.ndarray, subject_velocity: np.ndarray, config: LabelConfig) -> bool:
    """The camera moves with its subject: the subject moves and the camera's velocity matches it."""
    speed = float(np.linalg.norm(subject_velocity))
    return speed > config.translation_threshold and float(np.linalg.norm(camera_velocity - subject_velocity)) < 0.35 * speed


def weak_parts(translation: np.ndarray, rotation_deg: np.ndarray, zoom: float) -> frozenset:
    """The rotation and zoom parts too slow, next to the translation, to make a compound."""
    v = np.abs(translation)
    w = np.abs(np.deg2rad(rotation_deg))
    z = abs(zoom)
    weak = set()
    if w[1] < COMPOUND_RATIO * v[0]:
        weak |= {"pan_left", "pan_right"}
    if w[0] < COMPOUND_RATIO * v[1]:
        weak |= {"tilt_up", "tilt_down"}
    if z < COMPOUND_RATIO * v[2]:
        weak |= {"zoom_in", "zoom_out"}
    return frozenset(weak)


def _signed_rate(move: str, motion: Motion, config: LabelConfig) -> np.ndarray | None:
    """Per-frame rate in the direction of ``move``, in units of its threshold (None for follow)."""
    for (t, _), name in COMPOUNDS.items():
        if move == name:
            move = t
    for axis, pair in enumerate(TRANSLATION_AXES):
        if move in pair:
            return (1 if move == pair[1] else -1) * motion.translation[:, axis] / config.translation_threshold
    for axis, pair in enumerate(ROTATION_AXES):
        if move in pair:
            return (1 if move == pair[1] else -1) * motion.rotation[:, axis] / config.rotation_threshold
    if move in ZOOM_DIRECTIONS:
        return (1 if move == "zoom_in" else -1) * motion.zoom / config.zoom_threshold
    return None


def _without_wobbles(labels: list[str], motion: Motion, config: LabelConfig) -> list[str]:
    """A handheld camera's sway crosses the rate thresholds for half a second at a time, one way and
    then back: a run whose net travel, turn and zoom are all under the config's minimums goes
    nowhere a viewer would see and is static. A follow is judged against its subject, not here."""
    out = list(labels)
    for lbl, a, b in _runs(labels):
        if lbl == STATIC or "follow" in split(lbl):
            continue
        travel = float(np.linalg.norm(motion.translation[a : b + 1].sum(axis=0))) / motion.fps
        turn = float(np.abs(motion.rotation[a : b + 1].sum(axis=0)).max()) / motion.fps
        zoom = abs(float(motion.zoom[a : b + 1].sum())) / motion.fps
        if travel < config.min_travel and turn < config.min_turn_deg and zoom < config.min_zoom:
            out[a : b + 1] = [STATIC] * (b - a + 1)
    return _merge_short(out, max(1, int(round(config.min_chunk_s * motion.fps)))) if out != labels else out


def _absorb_eased_ends(labels: list[str], motion: Motion, config: LabelConfig) -> list[str]:
    """A move that eases in or out is slow at its ends, under the threshold. A static run at either
    end is the ease, not a hold, when it is shorter than ``min_hold_s`` or when the camera is already
    going the move's way there (on average at a third of the threshold; a held camera's wobble
    averages to nothing)."""
    runs = _runs(labels)
    if len(runs) < 2:
        return labels
    out = list(labels)
    for end, neighbour in ((runs[0], runs[1]), (runs[-1], runs[-2])):
        if end[0] != STATIC or end[2] - end[1] > neighbour[2] - neighbour[1]:
            continue
        rate = _signed_rate(split(neighbour[0])[0], motion, config)
        short = end[2] - end[1] + 1 < config.min_hold_s * motion.fps
        if short or (rate is not None and rate[end[1] : end[2] + 1].mean() > 1 / 3):
            out[end[1] : end[2] + 1] = [neighbour[0]] * (end[2] - end[1] + 1)
    return out


CRANE_RISE_SHARE = 0.2


def _crane_parts(t: list[str], r: list[str], v: np.ndarray, w: np.ndarray, config: LabelConfig) -> tuple[list[str], list[str]]:
    """A crane's rise (or descent) and the tilt against it that keeps its subject, each over its
    threshold, are the crane's even where another move outruns them: "crane down to Mara while
    pushing in" (the push dominates the descent), "crane up while panning right" (the pan dominates
    the tilt), "arc left while craning up" (the orbit dominates both). The rise must be at least
    ``CRANE_RISE_SHARE`` of the travel."""
    vy, top, tilt = float(v[1]), float(np.abs(v).max()), float(w[0])
    if abs(vy) <= config.translation_threshold or abs(vy) < CRANE_RISE_SHARE * top or abs(tilt) <= config.rotation_threshold or (tilt < 0) != (vy > 0):
        return t, r
    rise = "pedestal_up" if vy > 0 else "pedestal_down"
    turn = "tilt_down" if tilt < 0 else "tilt_up"
    t = t if rise in t else [x for x in t if not x.startswith("pedestal_")] + [rise]
    r = r if turn in r else [x for x in r if not x.startswith("tilt_")] + [turn]
    return t, r


def label_motion(motion: Motion, config: LabelConfig = LabelConfig()) -> PathLabels:
    raw, raw_t, raw_r = [], [], []
    for i in range(len(motion.zoom)):
        t = classify_translation(motion.translation[i], config.translation_threshold, config.dominance)
        r = rotation_parts(motion.rotation[i], config.rotation_threshold, config.rotation_dominance)
        z = classify_zoom(motion.zoom[i], config.zoom_threshold)
        t, r = _crane_parts(t, r, motion.translation[i], motion.rotation[i], config)
        follow = bool(t) and motion.subject is not None and is_follow(motion.translation[i], motion.subject[i], config)
        raw.append(combine(t, r, z, follow, weak_parts(motion.translation[i], motion.rotation[i], motion.zoom[i])))
        raw_t.append(join(t))
        raw_r.append(join(r) or STATIC)
    fps = motion.fps
    labels = _absorb_eased_ends(_without_wobbles(smooth_labels(raw, fps, config), motion, config), motion, config)
    segments = []
    for lbl, a, b in _runs(labels):
        segments.append(Segment(lbl, a, b, *segment_speed(lbl, motion, a, b, config)))
    return PathLabels(
        fps,
        motion.reference_length,
        labels,
        smooth_labels(raw_t, fps, config),
        smooth_labels(raw_r, fps, config),
        raw,
        segments,
    )


def label_path(
    path: CameraPath,
    reference_length: float | None = None,
    subject_positions: np.ndarray | None = None,
    config: LabelConfig = LabelConfig(),
) -> PathLabels:
    """Per-frame labels and segments of one shot's camera.

    ``reference_length``: the length that speeds are measured in (Shotline passes the distance to
    the shot's subject); without it the path is normalised by its extent as in E.T.
    ``subject_positions`` (N,3): where the subject is on each frame, to recognise a follow.
    """
    path.validate()
    motion = motion_of(path, reference_length, subject_positions, config.smooth_s, config.min_extent)
    return label_motion(motion, config)
