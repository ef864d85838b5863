"""A render job: what a renderer is asked to make, validated to the field.

It lives with the renderers (``engine/render``): it describes the job; the engine's server only
carries it over HTTP. Its limits on lenses, film backs and fps are the project's own
(``engine/project.py``), so any valid project makes a valid request.

A request carries every shot's per-frame camera (camera-to-world 3x4 or 4x4 in Shotline's axes:
+Y up, the camera looks down -Z) and lens, the prompts, the frame size and the sampler's settings.
Bad input is refused with the path of the field at fault (FastAPI turns these errors into a 422
whose ``loc`` is that path), never a 500.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError, field_validator, model_validator

from engine import sequence as sequences
from engine.errors import ShotlineError
from engine.project import MAX_COORD_M, MAX_FOCAL_MM, MAX_FOCUS_M, MAX_FPS, MAX_SENSOR_MM, MAX_T_STOP, MIN_FOCAL_MM, MIN_FOCUS_M, MIN_SENSOR_MM, MIN_T_STOP, validation_error

MAX_FRAMES_PER_SHOT = 4000
MAX_SHOTS = 64
MAX_TOTAL_FRAMES = 20_000
MIN_SIZE, MAX_SIZE = 16, 2048
MAX_PIXELS_X_FRAMES = 2048 * 1152 * 2000  # a bound on a job's work and disk, whatever its shape

Text = Annotated[str, Field(max_length=4000)]
# Strict numbers, as in project files: "832" is not a width and true is not an fps or a seed
# (an int is still a float).
Number = Annotated[float, Strict()]
Integer = Annotated[int, Strict()]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class ShotRequest(_Strict):
    name: Annotated[str, Field(max_length=200)] = ""
    prompt: Text = ""
    poses: Annotated[list[list[list[Number]]], Field(min_length=1, max_length=MAX_FRAMES_PER_SHOT)]
    focal_mm: Annotated[list[Annotated[Number, Field(ge=MIN_FOCAL_MM, le=MAX_FOCAL_MM)]], Field(min_length=1, max_length=MAX_FRAMES_PER_SHOT)]
    # The gate the delivery aspect uses; no default: a film back is the project's, not a guess.
    film_back_mm: tuple[Annotated[Number, Field(gt=MIN_SENSOR_MM, le=MAX_SENSOR_MM)], Annotated[Number, Field(gt=MIN_SENSOR_MM, le=MAX_SENSOR_MM)]]

    # Focus distance (m) and T-stop per frame, for depth of field; none: the shot is all sharp.
    focus_m: Annotated[list[Annotated[Number, Field(ge=MIN_FOCUS_M, le=MAX_FOCUS_M)]], Field(max_length=MAX_FRAMES_PER_SHOT)] | None = None
    t_stop: Annotated[list[Annotated[Number, Field(ge=MIN_T_STOP, le=MAX_T_STOP)]], Field(max_length=MAX_FRAMES_PER_SHOT)] | None = None

    # The shot's blocking (engine.project.SubjectKey as JSON) for the greybox backend.
    subject_keys: Annotated[list[dict], Field(max_length=100_000)] = Field(default_factory=list)

    @field_validator("poses")
    @classmethod
    def _poses(cls, poses: list[list[list[float]]]) -> list[list[list[float]]]:
        # Shapes one by one (cheap), then the maths on all frames at once: a 20,000-frame job
        # validates in a fraction of a second instead of one numpy call per frame.
        for i, pose in enumerate(poses):
            rows = len(pose)
            if rows not in (3, 4) or any(len(r) != 4 for r in pose):
                raise ValueError(f"frame {i}: a pose is 3x4 or 4x4 (camera-to-world), got {rows} rows of {[len(r) for r in pose]}")
        m = np.array([pose[:3] for pose in poses], float)
        far = np.abs(m[:, :, 3]).max(axis=1) > MAX_COORD_M
        rotation = m[:, :, :3]
        gram = np.einsum("nij,nkj->nik", rotation, rotation)
        not_rotation = (np.abs(rotation).max(axis=(1, 2)) > 1.01) | (np.abs(gram - np.eye(3)).max(axis=(1, 2)) > 1e-3) | (np.linalg.det(rotation) < 0)
        fours = [i for i, pose in enumerate(poses) if len(pose) == 4]
        bad_bottom = np.zeros(len(poses), bool)
        if fours:
            bottom = np.array([poses[i][3] for i in fours], float)
            bad_bottom[fours] = np.abs(bottom - [0.0, 0.0, 0.0, 1.0]).max(axis=1) > 1e-9
        for problem, message in ((far, "the position is more than 1000 km away"), (not_rotation, "the 3x3 part is not a rotation"), (bad_bottom, "the bottom row of a 4x4 pose must be 0 0 0 1")):
            if problem.any():
                raise ValueError(f"frame {int(np.flatnonzero(problem)[0])}: {message}")
        return poses

    @model_validator(mode="after")
    def _focal_per_frame(self) -> "ShotRequest":
        if len(self.focal_mm) not in (1, len(self.poses)):
            raise ValueError(f"focal_mm has {len(self.focal_mm)} values; give one, or one per frame ({len(self.poses)})")
        if (self.focus_m is None) != (self.t_stop is None):
            raise ValueError("focus_m and t_stop come together (or neither)")
        for name in ("focus_m", "t_stop"):
            values = getattr(self, name)
            if values is not None and len(values) not in (1, len(self.poses)):
                raise ValueError(f"{name} has {len(values)} values; give one, or one per frame ({len(self.poses)})")
        return self

    @property
    def frames(self) -> int:
        return len(self.poses)

    def c2w(self) -> np.ndarray:
        m = np.asarray(self.poses, float)
        if m.shape[1] == 3:
            m = np.concatenate([m, np.broadcast_to([0.0, 0.0, 0.0, 1.0], (len(m), 1, 4))], axis=1)
        return m

    def focal(self) -> np.ndarray:
        return np.broadcast_to(np.asarray(self.focal_mm, float), (self.frames,)).copy()

    def focus(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(focus_m, t_stop) per frame, or (None, None) for an all-sharp shot."""
        if self.focus_m is None:
            return None, None
        return tuple(np.broadcast_to(np.asarray(v, float), (self.frames,)).copy() for v in (self.focus_m, self.t_stop))  # type: ignore[return-value]


class RenderRequest(_Strict):
    shots: Annotated[list[ShotRequest], Field(min_length=1, max_length=MAX_SHOTS)]
    prompt: Text = ""
    width: Annotated[Integer, Field(ge=MIN_SIZE, le=MAX_SIZE, multiple_of=2)] = 832
    height: Annotated[Integer, Field(ge=MIN_SIZE, le=MAX_SIZE, multiple_of=2)] = 480
    fps: Annotated[Number, Field(gt=0.0, le=MAX_FPS)] = 24.0
    backend: Annotated[str, Field(min_length=1, max_length=64)] = "grid"
    model: Annotated[str, Field(max_length=200)] | None = None
    seed: Annotated[Integer, Field(ge=0, le=2**63 - 1)] = 0
    steps: Annotated[Integer, Field(ge=1, le=1000)] = 30
    guidance: Annotated[Number, Field(ge=0.0, le=50.0)] = 5.0
    camera_guidance: Annotated[Number, Field(ge=0.0, le=50.0)] = 1.0
    # The set for the greybox backend (engine.project.Subject as JSON), its meshes' folder, and
    # which grey-box passes to hand off beside the MP4s (16-bit PNG sequences, .npz or OpenEXR).
    subjects: Annotated[list[dict], Field(max_length=10_000)] = Field(default_factory=list)
    base_dir: Annotated[str, Field(max_length=4096)] | None = None
    passes: Annotated[list[Literal["beauty", "depth", "normal", "id"]], Field(max_length=4)] = Field(default_factory=list)
    pass_format: Literal["png16", "npz", "exr"] = "png16"
    # The dit backend: which model follows the grey-box control and how (engine/render/dit.py).
    # "auto": the model named, else the first found (the bundled one); "strength": SDEdit on a
    # Wan2.1-T2V folder; "vace": a Wan2.1-VACE folder.
    dit_mode: Literal["auto", "bundled", "strength", "vace"] = "auto"
    strength: Annotated[Number, Field(ge=0.0, le=1.0)] = 0.7
    subject_strength: Annotated[Number, Field(ge=0.0, le=1.0)] | None = None  # Time-to-Move's dual clock
    control: Literal["beauty", "depth"] | None = None  # the grey-box pass Wan follows (None: beauty for strength, depth for vace)
    conditioning_scale: Annotated[Number, Field(ge=0.0, le=10.0)] = 1.0  # VACE
    # The bundled model's starting noise carried along the grey-box geometry (engine/render/noise_warp.py):
    # the share a pixel keeps from the frame before; None: fresh noise every frame. Holistic sampling only.
    noise_keep: Annotated[Number, Field(ge=0.0, le=1.0)] | None = 1.0
    sampling: Literal["holistic", "autoregressive"] | None = None  # None: the engine's default

    @model_validator(mode="before")
    @classmethod
    def _not_too_many_frames(cls, data):
        # Counted on the raw input, before each of a quarter of a million poses is validated.
        shots = data.get("shots") if isinstance(data, dict) else None
        if isinstance(shots, list):
            total = sum(len(s["poses"]) for s in shots if isinstance(s, dict) and isinstance(s.get("poses"), list))
            if total > MAX_TOTAL_FRAMES:
                raise ValueError(f"{total} frames in all; the engine takes at most {MAX_TOTAL_FRAMES} a job")
        return data

    @model_validator(mode="after")
    def _bounded(self) -> "RenderRequest":
        total = sum(s.frames for s in self.shots)
        if total > MAX_TOTAL_FRAMES:
            raise ValueError(f"{total} frames in all; the engine takes at most {MAX_TOTAL_FRAMES} a job")
        if self.width * self.height * total > MAX_PIXELS_X_FRAMES:
            raise ValueError(f"{self.width}x{self.height} for {total} frames is too much for one job; render fewer shots or a smaller size")
        if self.subjects or any(s.subject_keys for s in self.shots):
            self.blocking()  # refuse bad blocking now, naming its field, not in the middle of a job
        return self

    def blocking(self):
        """The request's set and subject keys as a blocking-only Project (engine.greybox.blocking)."""
        from engine.greybox.blocking import blocking_project

        return blocking_project(self.subjects, [(s.frames, s.subject_keys) for s in self.shots], self.fps)

    @property
    def total_frames(self) -> int:
        return sum(s.frames for s in self.shots)


def request_from_project(project, width: int = 832, height: int | None = None, sequence=None, **settings) -> RenderRequest:
    """A request for every shot of a :class:`engine.project.Project`, from its evaluated sequence.

    ``height`` of None takes the delivery aspect (``Project.frame_size``). A project or setting the
    engine cannot take raises :class:`ShotlineError` naming the field (``shots[2].poses``), never
    pydantic's own error.
    """
    if height is None:
        width, height = project.frame_size(width)
    paths = (sequence or sequences.shared).paths(project)
    try:
        shots = [
            ShotRequest(
                name=shot.name,
                prompt=shot.prompt,
                poses=path.c2w[:, :3, :].tolist(),
                focal_mm=[float(f) for f in path.focal_mm],
                film_back_mm=tuple(float(v) for v in path.film_back_mm),
                subject_keys=[k.model_dump(mode="json") for k in shot.subject_keys],
                **({} if path.focus_m is None else {"focus_m": [float(v) for v in path.focus_m], "t_stop": [float(v) for v in path.t_stop]}),
            )
            for shot, path in zip(project.shots, paths)
        ]
        settings.setdefault("subjects", [s.model_dump(mode="json") for s in project.subjects])
        return RenderRequest(shots=shots, prompt=project.prompt, width=width, height=height, fps=project.fps, **settings)
    except ValidationError as exc:
        raise validation_error(exc, "render request") from None
    except TypeError as exc:  # an unknown setting name
        raise ShotlineError(str(exc), "render request") from None
