"""The open project: Project / Shot / CameraKey / Lens / Subject and the ``.shotline`` file.

A ``.shotline`` file is versioned JSON::

    {"format": "shotline", "version": 1, "name": ..., "fps": ..., "shots": [...], ...}

Loading validates everything and raises :class:`engine.errors.ShotlineError` naming the file
and the field path (``shots[1].keys[0].orientation``). Saving is atomic.
Conventions (see DESIGN.md): world +Y up, metres; camera-to-world, camera looks down -Z;
quaternions (x, y, z, w) as scipy stores them; time in frames at the project fps.
"""

from __future__ import annotations

import bisect
import json
import math
import uuid
from collections import Counter
from pathlib import Path
from typing import Annotated, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from engine.atomic import atomic_write
from engine.camera.rigs import Rig
from engine.errors import FieldError, ShotlineError

FORMAT_NAME = "shotline"
FORMAT_VERSION = 2
MAX_FILE_BYTES = 256 * 1024 * 1024

SUPER35_SENSOR_MM = (24.89, 18.66)
DEFAULT_FOCAL_MM = 35.0
DELIVERY_ASPECTS = {"2.39": 2.39, "1.85": 1.85, "16:9": 16 / 9}
DEFAULT_FRAME_WIDTH = 832  # previews and renders, unless a size is asked for (Wan's width)
# The delivery resolution (Project.resolution): even sides (H.264 yuv420p), within what renders take,
# and at the delivery aspect up to this much (832 x 480, Wan's frame, is 2.5 % off 16:9).
MIN_RESOLUTION, MAX_RESOLUTION = 16, 8192
RESOLUTION_ASPECT_TOLERANCE = 0.03
MAX_HANDLES = 1000  # frames of handle before and after each shot for editorial

# Bounds that keep hostile files from reaching the maths: positions within 1000 km, lenses a real
# camera could carry, and no more frames, keys or subjects than the tools can hold. Every tool
# evaluates each frame's camera (136 bytes) and the set's subjects along it, so a file may ask for
# a frame count that fits in memory: 11.5 hours a shot and 23 hours in all at 24 fps (~270 MB of
# cameras, the evaluated sequence's cache), a million keys and a thousand subjects.
MAX_FRAMES = 1_000_000  # frames in one shot (and the last frame a key may sit on)
MAX_TOTAL_FRAMES = 2_000_000  # frames of all shots together
MAX_KEYS = 100_000  # camera keys (and, apart, subject keys) in one shot
MAX_TOTAL_KEYS = 1_000_000  # camera and subject keys of all shots together
MAX_SUBJECTS = 1_000
MAX_SHOTS = 10_000
MAX_SUBJECT_FRAMES = 200_000_000  # subjects x total frames: each subject's position on every frame
MAX_COORD_M = 1.0e6
MIN_FOCAL_MM, MAX_FOCAL_MM = 1.0, 5000.0
MAX_FPS = 1000.0
MIN_SENSOR_MM, MAX_SENSOR_MM = 1.0, 100.0  # a film back's width or height (exclusive, inclusive)
# Focus and aperture (engine/camera/focus.py): a focus distance from the film plane in metres and a
# T-stop as cine lenses are marked (T0.7 is the fastest lens ever made; T64 the smallest stop).
MIN_FOCUS_M, MAX_FOCUS_M = 0.01, 1.0e5
MIN_T_STOP, MAX_T_STOP = 0.7, 64.0
DEFAULT_T_STOP = 2.8

Interpolation = Literal["constant", "linear", "bezier", "ease"]
PathSpace = Literal["world", "subject"]
ShotSize = Literal["EWS", "WS", "FS", "MLS", "MS", "MCU", "CU", "ECU", "INSERT"]
SubjectKind = Literal["person", "set piece"]
# Pose presets of the mannequin (engine/greybox/mannequin.py holds their joint angles).
PoseName = Literal["stand", "sit", "crouch", "lie", "point", "arms crossed", "talking", "walk", "run"]
# The set-piece library (engine/greybox/library.py holds their real sizes and build).
ShapeName = Literal[
    "table", "chair", "sofa", "bed", "counter", "door", "wall", "window wall", "stairs",
    "car", "lamp post", "tree", "crate", "box", "cylinder", "sphere",
]
MESH_SUFFIXES = (".obj", ".glb", ".gltf", ".ply")

Coord = Annotated[float, Field(ge=-MAX_COORD_M, le=MAX_COORD_M)]
Vec3 = tuple[Coord, Coord, Coord]
Quat = tuple[
    Annotated[float, Field(ge=-1.001, le=1.001)],
    Annotated[float, Field(ge=-1.001, le=1.001)],
    Annotated[float, Field(ge=-1.001, le=1.001)],
    Annotated[float, Field(ge=-1.001, le=1.001)],
]
FocalMM = Annotated[float, Field(ge=MIN_FOCAL_MM, le=MAX_FOCAL_MM)]
Frame = Annotated[int, Field(ge=0, le=MAX_FRAMES)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Prompt = Annotated[str, Field(max_length=20_000)]

QUAT_UNIT_TOLERANCE = 1e-3


class _Model(BaseModel):
    # strict: "3" is not a number and true is not a frame; forbid: a typo in a field name is an error.
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False, validate_assignment=False)


Degrees = Annotated[float, Field(ge=-36_000.0, le=36_000.0)]
# A set piece's multipliers. Its height is derived (library size × scale, to the nanometre): below a
# thousandth the height of the smallest piece would round to nothing and the file could not be read back.
MIN_SCALE, MAX_SCALE = 1e-3, 1000.0
Scale = Annotated[float, Field(ge=MIN_SCALE, le=MAX_SCALE)]


class Subject(_Model):
    """A named subject of the set: a person (a posable mannequin) or a set piece.

    ``facing`` is the yaw in degrees about +Y: 0 faces +Z, 90 faces +X. A person's ``height`` is
    their standing height; a library set piece's height is derived from its real size and
    ``scale`` (width, height, depth multipliers), so the camera maths that aims at "0.9 of the
    height" aims at the piece as drawn. ``mesh`` is a user's own model (.obj/.glb/.gltf/.ply, in
    metres, relative paths from the project's folder), read only when something draws it.
    """

    name: Name
    position: Vec3 = (0.0, 0.0, 0.0)
    height: Annotated[float, Field(gt=0.0, le=1000.0)] = 1.75
    color: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] = "#d08040"
    kind: SubjectKind = "person"
    facing: Degrees = 0.0
    pose: PoseName = "stand"
    shape: ShapeName | None = None
    scale: tuple[Scale, Scale, Scale] = (1.0, 1.0, 1.0)
    mesh: Annotated[str, Field(min_length=1, max_length=4096)] | None = None

    @model_validator(mode="after")
    def _kind_fields(self) -> "Subject":
        if self.kind == "person":
            if self.shape is not None:
                raise _FieldError("shape", f"a person has no set-piece shape (got {self.shape!r}); use kind 'set piece'")
            if self.mesh is not None:
                raise _FieldError("mesh", "a person is a mannequin; a mesh is for kind 'set piece'")
            return self
        if self.pose != "stand":
            raise _FieldError("pose", f"a set piece has no pose (got {self.pose!r})")
        if self.mesh is not None:
            if not self.mesh.lower().endswith(MESH_SUFFIXES):
                raise _FieldError("mesh", f"{self.mesh!r} is not a mesh Shotline reads ({', '.join(MESH_SUFFIXES)})")
        elif self.shape is None:
            raise _FieldError("shape", "a set piece needs a shape from the library or a mesh")
        if self.shape is not None and self.mesh is None:
            from engine.greybox.library import SHAPE_SIZES  # pure data, no imports back

            self.height = round(SHAPE_SIZES[self.shape][1] * self.scale[1], 9)
        return self

    @property
    def is_person(self) -> bool:
        return self.kind == "person"


class SubjectKey(_Model):
    """Where a subject stands at a frame of a shot, and optionally which way it faces and its pose.

    Positions move linearly between keys; facing turns the short way round; poses blend. A key
    without ``facing`` lets a walking person face where they go; one without ``pose`` keeps the
    subject's own.
    """

    subject: Name
    frame: Frame
    position: Vec3
    facing: Degrees | None = None
    pose: PoseName | None = None


FocusM = Annotated[float, Field(ge=MIN_FOCUS_M, le=MAX_FOCUS_M)]
TStop = Annotated[float, Field(ge=MIN_T_STOP, le=MAX_T_STOP)]


class Lens(_Model):
    """The shot's lens: focal length, and the T-stop of keys that key focus but not the stop."""

    focal_mm: FocalMM = DEFAULT_FOCAL_MM
    t_stop: TStop = DEFAULT_T_STOP


class CameraKey(_Model):
    """A keyframe of a shot's camera: camera-to-world position and orientation at ``frame``.

    ``interp_in`` shapes the segment arriving at this key, ``interp_out`` the one leaving it:
    ``constant`` holds, ``linear`` moves at constant speed, ``bezier`` is smooth with continuous
    velocity through the key, ``ease`` arrives (in) or leaves (out) at zero velocity.
    ``focal_mm`` of None uses the shot's lens. ``look_at`` aims the camera at a subject's point
    ``look_at_height`` (a fraction of the subject's height) on every frame the constraint holds.

    Focus is a channel of its own, keyed only on the keys that carry it: ``focus_m`` (metres
    from the camera along its axis) or ``focus_subject`` (the focus pulled to that subject: its
    camera-space depth on every frame), and ``t_stop`` (None: the shot's lens). A shot with no
    focus key is all sharp, as before focus existed.
    """

    frame: Frame
    position: Vec3
    orientation: Quat = (0.0, 0.0, 0.0, 1.0)
    focal_mm: FocalMM | None = None
    interp_in: Interpolation = "bezier"
    interp_out: Interpolation = "bezier"
    look_at: Name | None = None
    look_at_height: Annotated[float, Field(ge=0.0, le=2.0)] = 0.9
    focus_m: FocusM | None = None
    focus_subject: Name | None = None
    t_stop: TStop | None = None
    focus_ease: Interpolation | None = None  # the focus segment leaving this key (None: interp_out/in)

    @property
    def keys_focus(self) -> bool:
        return self.focus_m is not None or self.focus_subject is not None

    @model_validator(mode="after")
    def _unit_quaternion(self) -> "CameraKey":
        norm = math.sqrt(sum(c * c for c in self.orientation))
        if abs(norm - 1.0) > QUAT_UNIT_TOLERANCE:
            raise _FieldError("orientation", f"not a unit quaternion (norm {norm:.6g})")
        if abs(norm - 1.0) > 1e-12:  # leave unit quaternions bit-identical so files round-trip
            self.orientation = tuple(c / norm for c in self.orientation)  # type: ignore[assignment]
        return self


class Take(_Model):
    """A recorded live move of a shot's camera (pilot mode's record), kept so takes can be switched."""

    name: Name
    keys: list[CameraKey] = Field(min_length=1, max_length=100_000)


MoveEasing = Literal["ease", "ease_in", "ease_out", "linear"]


class Move(_Model):
    """A move preset kept on a shot with its parameters: the shot's cameras are evaluated from it
    (engine.camera.moves.shot_with_move), starting from the shot's own camera at ``start``, until
    the user converts it to keys.

    ``amount`` is the preset's (metres, degrees or a focal ratio; None: the preset's default),
    ``frames`` how long the move takes (None: to the end of the shot), ``easing`` its speed curve
    and ``subject`` what it moves about or keeps framed.
    """

    name: Annotated[str, Field(min_length=1, max_length=64)]
    amount: Annotated[float, Field(ge=-MAX_COORD_M, le=MAX_COORD_M)] | None = None
    frames: Annotated[int, Field(ge=2, le=MAX_FRAMES)] | None = None
    start: Frame = 0
    easing: MoveEasing = "ease"
    subject: Name | None = None

    @model_validator(mode="after")
    def _known_move(self) -> "Move":
        from engine.camera.moves import MOVES  # the presets (they import this module: read at validation)

        if self.name not in MOVES:
            raise _FieldError("name", f"unknown move {self.name!r}")
        return self


class ReferenceClip(_Model):
    """The reference video a shot was cloned from: where it is (never a copy) and the clip's time
    at the shot's first frame; shot frame k shows the clip at ``start_s + k / fps``."""

    path: Annotated[str, Field(min_length=1, max_length=4096)]
    start_s: Annotated[float, Field(ge=0.0)] = 0.0
    fps: Annotated[float, Field(gt=0.0, le=1000.0)] = 24.0

    def time_at(self, local_frame: int) -> float:
        return self.start_s + local_frame / self.fps


class Shot(_Model):
    """One shot of the sequence: its duration in frames, words, lens and camera keys.

    ``path_space`` ``subject`` interpolates positions around ``pivot`` (distance, azimuth the
    short way round, height) so that two keys around a subject arc instead of cutting through it.
    """

    id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
    name: Name
    duration: Annotated[int, Field(ge=1, le=MAX_FRAMES)]
    prompt: Prompt = ""
    size: ShotSize | None = None
    angle: Annotated[str, Field(max_length=64)] | None = None
    tags: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=64)
    lens: Lens = Field(default_factory=Lens)
    keys: list[CameraKey] = Field(min_length=1, max_length=MAX_KEYS)
    path_space: PathSpace = "world"
    pivot: Name | None = None
    subject_keys: list[SubjectKey] = Field(default_factory=list, max_length=MAX_KEYS)
    takes: list[Take] = Field(default_factory=list, max_length=1000)  # the live takes recorded for it
    rig: Rig | None = None  # a dolly track, crane, Steadicam or tripod the camera is on (engine/camera/rigs)
    move: Move | None = None  # a move preset kept with its parameters (the keys are then its start)
    reference: ReferenceClip | None = None  # the clip it was cloned from (played beside the preview)

    @model_validator(mode="after")
    def _keys_inside_shot(self) -> "Shot":
        frames = [k.frame for k in self.keys]
        for i, f in enumerate(frames):
            if f >= self.duration:
                raise _FieldError(f"keys[{i}].frame", f"key at frame {f} is outside the shot (duration {self.duration})")
        dup = first_duplicate(frames)
        if dup is not None:
            raise _FieldError("keys", f"two keys at frame {dup}")
        self.keys.sort(key=lambda k: k.frame)
        for i, sk in enumerate(self.subject_keys):
            if sk.frame >= self.duration:
                raise _FieldError(f"subject_keys[{i}].frame", f"subject key at frame {sk.frame} is outside the shot")
        if self.path_space == "subject" and self.pivot is None:
            raise _FieldError("pivot", "path_space 'subject' needs a pivot subject")
        if self.move is not None and self.move.start >= self.duration:
            raise _FieldError("move.start", f"the move starts at frame {self.move.start}, outside the shot (duration {self.duration})")
        return self

    def focal_at_key(self, key: CameraKey) -> float:
        return key.focal_mm if key.focal_mm is not None else self.lens.focal_mm


class AudioTrack(_Model):
    """A sound file under the sequence, by reference (the project never holds a copy of the audio).

    ``path`` is the file as the user chose it; a relative path is relative to the project's folder.
    The file's audio from ``trim_start_s`` to ``trim_end_s`` (its end when None) plays from sequence
    time ``offset_s`` (negative: the sequence starts inside the sound), ``gain_db`` louder.
    """

    path: Annotated[str, Field(min_length=1, max_length=4096)]
    name: Annotated[str, Field(max_length=200)] = ""
    offset_s: Annotated[float, Field(ge=-86_400.0, le=86_400.0)] = 0.0
    trim_start_s: Annotated[float, Field(ge=0.0, le=86_400.0)] = 0.0
    trim_end_s: Annotated[float, Field(gt=0.0, le=86_400.0)] | None = None
    gain_db: Annotated[float, Field(ge=-96.0, le=24.0)] = 0.0
    mute: bool = False

    @model_validator(mode="after")
    def _trim_order(self) -> "AudioTrack":
        if self.trim_end_s is not None and self.trim_end_s <= self.trim_start_s:
            raise _FieldError("trim_end_s", f"trim end {self.trim_end_s:g} s is not after trim start {self.trim_start_s:g} s")
        return self

    def resolve(self, base_dir: str | Path | None) -> Path:
        """The sound file on disk: relative paths are read from the project's folder."""
        p = Path(self.path).expanduser()
        return p if p.is_absolute() or base_dir is None else Path(base_dir) / p


class Project(_Model):
    """The whole sequence: set (subjects), delivery format, shots in order and audio tracks."""

    name: Name = "Untitled"
    fps: Annotated[float, Field(gt=0.0, le=MAX_FPS)] = 24.0
    aspect: Annotated[float, Field(ge=0.5, le=4.0)] = 2.39
    sensor_mm: tuple[
        Annotated[float, Field(gt=MIN_SENSOR_MM, le=MAX_SENSOR_MM)], Annotated[float, Field(gt=MIN_SENSOR_MM, le=MAX_SENSOR_MM)]
    ] = SUPER35_SENSOR_MM
    prompt: Prompt = ""
    subjects: list[Subject] = Field(default_factory=list, max_length=MAX_SUBJECTS)
    shots: list[Shot] = Field(default_factory=list, max_length=MAX_SHOTS)
    audio: list[AudioTrack] = Field(default_factory=list, max_length=64)
    # Delivery resolution (width, height); None: 832 wide at the delivery aspect (frame_size).
    resolution: tuple[Annotated[int, Field(ge=MIN_RESOLUTION, le=MAX_RESOLUTION)], Annotated[int, Field(ge=MIN_RESOLUTION, le=MAX_RESOLUTION)]] | None = None
    # Frames of handle before and after every shot in the cut's media (editorial's available range).
    handles: Annotated[int, Field(ge=0, le=MAX_HANDLES)] = 0

    @model_validator(mode="after")
    def _resolution_fits(self) -> "Project":
        if self.resolution is not None:
            w, h = self.resolution
            if w % 2 or h % 2:
                raise _FieldError("resolution", f"{w} x {h}: both sides must be even (H.264 needs it)")
            if abs(w / h / self.aspect - 1.0) > RESOLUTION_ASPECT_TOLERANCE:
                raise _FieldError("resolution", f"{w} x {h} is {w / h:.3g}:1, not the delivery aspect {self.aspect:.3g}:1")
        return self

    @model_validator(mode="after")
    def _references(self) -> "Project":
        names = [s.name for s in self.subjects]
        dup = first_duplicate(names)
        if dup is not None:
            raise _FieldError("subjects", f"two subjects named {dup!r}")
        dup = first_duplicate([s.id for s in self.shots])
        if dup is not None:
            raise _FieldError("shots", f"two shots with id {dup!r}")
        total = sum(s.duration for s in self.shots)
        if total > MAX_TOTAL_FRAMES:
            raise _FieldError("shots", f"{total} frames in all; a project holds at most {MAX_TOTAL_FRAMES}")
        keys = sum(len(s.keys) + len(s.subject_keys) for s in self.shots)
        if keys > MAX_TOTAL_KEYS:
            raise _FieldError("shots", f"{keys} keys in all; a project holds at most {MAX_TOTAL_KEYS}")
        track = sum(len(getattr(s.rig, "track", ())) for s in self.shots)
        if track > MAX_TOTAL_KEYS:
            raise _FieldError("shots", f"{track} dolly track points in all; a project holds at most {MAX_TOTAL_KEYS}")
        if len(self.subjects) * total > MAX_SUBJECT_FRAMES:
            raise _FieldError("subjects", f"{len(self.subjects)} subjects over {total} frames is more than the tools can follow ({MAX_SUBJECT_FRAMES} subject-frames)")
        known = set(names)
        for si, shot in enumerate(self.shots):
            if shot.pivot is not None and shot.pivot not in known:
                raise _FieldError(f"shots[{si}].pivot", f"unknown subject {shot.pivot!r}")
            for ki, key in enumerate(shot.keys):
                if key.look_at is not None and key.look_at not in known:
                    raise _FieldError(f"shots[{si}].keys[{ki}].look_at", f"unknown subject {key.look_at!r}")
                if key.focus_subject is not None and key.focus_subject not in known:
                    raise _FieldError(f"shots[{si}].keys[{ki}].focus_subject", f"unknown subject {key.focus_subject!r}")
            for field, name in (("rig.subject", getattr(shot.rig, "subject", None)), ("move.subject", shot.move and shot.move.subject)):
                if name is not None and name not in known:
                    raise _FieldError(f"shots[{si}].{field}", f"unknown subject {name!r}")
            for ki, sk in enumerate(shot.subject_keys):
                if sk.subject not in known:
                    raise _FieldError(f"shots[{si}].subject_keys[{ki}].subject", f"unknown subject {sk.subject!r}")
        return self

    def check_references(self, source: str = "edit") -> None:
        """The cross-references a file load checks (names, ids, look-ats), as a ShotlineError.

        For an edit that was not validated as a whole (``model_copy`` updates)."""
        try:
            self._references()
        except _FieldError as exc:
            raise ShotlineError(exc.message, source, exc.field) from None

    # -- queries -------------------------------------------------------------------------------

    def subject(self, name: str) -> Subject:
        for s in self.subjects:
            if s.name == name:
                return s
        raise KeyError(name)

    def shot_start_frames(self) -> list[int]:
        """The sequence frame at which each shot starts (shots play back to back)."""
        starts, t = [], 0
        for shot in self.shots:
            starts.append(t)
            t += shot.duration
        return starts

    def locate(self, frame: int) -> tuple[int, int]:
        """(shot index, frame in that shot) of sequence frame ``frame``, clamped to the sequence.

        The one lookup from the sequence's time to a shot's: every view and command uses it.
        Raises ``ShotlineError`` when there are no shots.
        """
        if not self.shots:
            raise ShotlineError("there are no shots", self.name, "shots")
        starts = self.shot_start_frames()
        frame = min(max(int(frame), 0), self.total_frames - 1)
        index = bisect.bisect_right(starts, frame) - 1
        return index, frame - starts[index]

    @property
    def total_frames(self) -> int:
        return sum(s.duration for s in self.shots)

    def frame_size(self, width: int | None = None) -> tuple[int, int]:
        """(width, height) of a frame at the delivery aspect, both even (H.264 yuv420p needs it).

        The one frame-size rule: the preview panel, Export Preview, ``shotline preview`` and
        ``shotline render`` all use it (``--size`` overrides). Without a ``width`` it is the
        project's delivery resolution, or 832 wide when none is set."""
        if width is None:
            if self.resolution is not None:
                return int(self.resolution[0]), int(self.resolution[1])
            width = DEFAULT_FRAME_WIDTH
        return int(width) & ~1, int(round(width / self.aspect)) & ~1

    def film_back_mm(self) -> tuple[float, float]:
        """Width and height of the sensor area that the delivery aspect uses (the gate crop)."""
        w, h = self.sensor_mm
        if w / h >= self.aspect:
            return (h * self.aspect, h)
        return (w, w / self.aspect)


def first_duplicate(values: list):
    """The first value (in order) that occurs again, or None; linear, so long lists stay cheap."""
    counts = Counter(values)
    if len(counts) == len(values):
        return None
    return next(v for v in values if counts[v] > 1)


def new_shot_id() -> str:
    return uuid.uuid4().hex[:12]


_FieldError = FieldError  # raised inside validators (engine.errors: the rigs' models raise it too)


# -- migrations ------------------------------------------------------------------------------

Migration = Callable[[dict], dict]
# MIGRATIONS[v] turns a version-v document into a version v+1 document.
MIGRATIONS: dict[int, Migration] = {}


def register_migration(from_version: int) -> Callable[[Migration], Migration]:
    def decorate(fn: Migration) -> Migration:
        MIGRATIONS[from_version] = fn
        return fn

    return decorate


@register_migration(1)
def _blocking(data: dict) -> dict:
    """Version 1 subjects were standing people with a position and a height: say so explicitly."""
    subjects = data.get("subjects")
    if isinstance(subjects, list):
        data["subjects"] = [
            {"kind": "person", "facing": 0.0, "pose": "stand", **s} if isinstance(s, dict) else s for s in subjects
        ]
    return data


def _migrate(data: dict, version: int, source: str) -> dict:
    while version < FORMAT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ShotlineError(f"version {version} files cannot be read by this Shotline (no migration)", source, "version")
        data = step(dict(data))
        version += 1
        data["version"] = version
    return data


# -- files -----------------------------------------------------------------------------------


def project_to_dict(project: Project) -> dict:
    return {"format": FORMAT_NAME, "version": FORMAT_VERSION, **project.model_dump(mode="json")}


def project_from_dict(data: object, source: str | Path = "<project>") -> Project:
    """Validate a parsed document (any version this Shotline can migrate)."""
    source = str(source)
    if not isinstance(data, dict):
        raise ShotlineError("a Shotline project must be a JSON object", source)
    if data.get("format") != FORMAT_NAME:
        raise ShotlineError(f"not a Shotline project (format is {data.get('format')!r})", source, "format")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise ShotlineError("version must be a non-negative integer", source, "version")
    if version > FORMAT_VERSION:
        raise ShotlineError(
            f"version {version} is newer than this Shotline understands ({FORMAT_VERSION}); update Shotline",
            source,
            "version",
        )
    data = _migrate(data, version, source)
    body = {k: v for k, v in data.items() if k not in ("format", "version")}
    _count_before_validating(body, source)
    try:
        text = json.dumps(body, allow_nan=True)
    except (ValueError, RecursionError) as exc:
        raise ShotlineError(f"cannot read project data ({exc})", source) from None
    return _validate_json(text, source)


def _count_before_validating(body: dict, source: str) -> None:
    """The list bounds, checked on the raw document: a file with a million shots is refused at
    once, before each of them is validated."""
    for name, most in (("shots", MAX_SHOTS), ("subjects", MAX_SUBJECTS)):
        items = body.get(name)
        if isinstance(items, list) and len(items) > most:
            raise ShotlineError(f"{len(items)} {name}; a project holds at most {most}", source, name)
    shots = body.get("shots")
    if isinstance(shots, list):
        keys = 0
        for i, shot in enumerate(shots):
            if isinstance(shot, dict):
                for name in ("keys", "subject_keys"):
                    n = len(shot.get(name) or ()) if isinstance(shot.get(name), list) else 0
                    if n > MAX_KEYS:
                        raise ShotlineError(f"{n} {name.replace('_', ' ')}; a shot holds at most {MAX_KEYS}", source, f"shots[{i}].{name}")
                    keys += n
        if keys > MAX_TOTAL_KEYS:
            raise ShotlineError(f"{keys} keys in all; a project holds at most {MAX_TOTAL_KEYS}", source, "shots")


def _validate_json(text: str, source: str) -> Project:
    try:
        return Project.model_validate_json(text, strict=True)
    except ValidationError as exc:
        raise validation_error(exc, source) from None
    except RecursionError:
        raise ShotlineError("project data is nested too deeply", source) from None


def validation_error(exc: ValidationError, source: str | Path) -> ShotlineError:
    """A pydantic error as one line naming the first field at fault (and how many more there are)."""
    err = exc.errors(include_url=False)[0]
    field = _field_path(err.get("loc", ()))
    ctx_error = (err.get("ctx") or {}).get("error")
    if isinstance(ctx_error, _FieldError):
        field = ".".join(p for p in (field, ctx_error.field) if p).replace(".[", "[")
        message = ctx_error.message
    else:
        message = err.get("msg", "invalid value")
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
    more = exc.error_count() - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return ShotlineError(message, str(source), field)


def _field_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def load_project(path: str | Path) -> Project:
    """Read and validate a ``.shotline`` file; every failure is a :class:`ShotlineError`."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ShotlineError(f"file is too large ({size} bytes)", path)
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ShotlineError("no such file", path) from None
    except IsADirectoryError:
        raise ShotlineError("is a directory, not a project file", path) from None
    except OSError as exc:
        raise ShotlineError(f"cannot read ({exc.strerror})", path) from None
    return loads_project(raw, path)


def loads_project(raw: bytes | str, source: str | Path = "<project>") -> Project:
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise ShotlineError(f"not UTF-8 text (byte {exc.start})", source) from None
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except DuplicateKeyError as exc:
        raise ShotlineError(f"the key {exc.key!r} appears twice in one object", source, exc.key) from None
    except json.JSONDecodeError as exc:
        raise ShotlineError(f"bad JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", source) from None
    except (RecursionError, ValueError) as exc:
        # Deep nesting, or an integer literal too long to convert.
        raise ShotlineError(f"bad JSON ({type(exc).__name__}: {str(exc)[:80]})", source) from None
    return project_from_dict(data, source)


class DuplicateKeyError(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    # json keeps a repeated key's last value; a strict loader refuses the ambiguity instead.
    out = dict(pairs)
    if len(out) != len(pairs):
        raise DuplicateKeyError(first_duplicate([k for k, _ in pairs]))
    return out


def dumps_project(project: Project) -> str:
    return json.dumps(project_to_dict(project), indent=2, allow_nan=False) + "\n"


def save_project(project: Project, path: str | Path) -> None:
    """Write atomically: the file on disk is the old project or the new one, never a mix."""
    text = dumps_project(project)
    with atomic_write(path, "w") as fh:
        fh.write(text)
