"""The learned planner (seed 003): the rules split the words into shots and stand each camera where
the cinematography says; the trajectory DiT, run by onnxruntime on the CPU, then moves it -- from
the shot's words (MiniLM tokens), the music under it (35-d features of the project's unmuted audio)
and the set around it (subjects relative to the start camera). Each shot's sampled path becomes keys
through the one ``bake_keys``, so a learned plan is edited like any other. Alternatives are samples:
the same shots and framings, another seed of the noise.

The bundled model is ``assets/models/shotline-planner`` (``planner.onnx`` + ``planner.json``).
"""

from __future__ import annotations

import functools
import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from engine import sequence
from engine.camera.bake import bake_keys, path_length
from engine.camera.path import CameraPath
from engine.errors import ShotlineError
from engine.planner.learned.drift import taught_floors
from engine.planner.learned.reading import reading
from engine.planner.learned.sample import Normaliser, SampleSettings, ShotRequest, sample_shots
from engine.planner.plan import Plan, plan_text
from engine.project import Project

TEXT_FROM = ("reading", "words")
KEY_TOLERANCE = 0.003  # of a sampled path's length: how closely its keys follow it
MIN_KEY_TOL_M = 0.002
FLOOR_KEYS = ("translation", "rotation", "zoom")
BUNDLED = Path(__file__).resolve().parents[3] / "assets" / "models" / "shotline-planner"


def model_available(folder: Path = BUNDLED) -> bool:
    return (Path(folder) / "planner.onnx").is_file() and (Path(folder) / "planner.json").is_file()


class LearnedPlanner:
    def __init__(self, folder: Path = BUNDLED, flow=None, settings: dict | None = None, encoder=None):
        folder = Path(folder)
        if flow is None:
            if not model_available(folder):
                raise ShotlineError("the learned planner's model is missing (planner.onnx and planner.json)", folder, "planner")
            from engine.planner.learned.onnx_export import OnnxFlow

            flow = OnnxFlow(folder / "planner.onnx")
        if settings is None:
            settings = json.loads((folder / "planner.json").read_text())
        where = folder / "planner.json"
        self.flow = flow
        self.settings = settings
        self.norm = Normaliser(np.asarray(settings["state_mean"], np.float32), np.asarray(settings["state_std"], np.float32))
        self.sampling = SampleSettings(
            int(settings.get("steps", 8)), dict(settings.get("guidance", SampleSettings().guidance)), int(settings.get("model", {}).get("stride", 1)),
            float(settings.get("temperature", 1.0)),
            float(settings.get("shift", 1.0)),
            _floors(settings.get("drift_floors", taught_floors()), where) if settings.get("hold_drift", True) else None,
        )
        # What the model is asked in: the rules' reading of each shot in trained words, or the words as written.
        self.text_from = settings.get("text", "reading")
        self.key_tolerance = settings.get("key_tolerance", KEY_TOLERANCE)
        if not isinstance(self.key_tolerance, (int, float)) or not 0.0 < self.key_tolerance <= 0.05:
            raise ShotlineError("'key_tolerance' must be a fraction of the path's length over 0 and at most 0.05", where, "key_tolerance")
        if self.text_from not in TEXT_FROM:
            raise ShotlineError(f"'text' must be one of {', '.join(TEXT_FROM)}, not {self.text_from!r}", where, "text")
        self.max_tokens = int(settings.get("max_tokens", 32))
        self._encoder = encoder

    @property
    def encoder(self):
        if self._encoder is None:
            from engine.render.text_encoders import minilm

            self._encoder = minilm("cpu")
        return self._encoder

    def keys_of(self, path: CameraPath) -> list:
        """A sampled path's keys: within ``key_tolerance`` of its length (planner.json; bake_keys'
        1 % let a fast move's keys wobble between them, 13× the rules' jerk, where 0.3 % is 6×)."""
        return bake_keys(path, ends="ease", pos_tol_m=max(self.key_tolerance * path_length(path.positions), MIN_KEY_TOL_M))

    def shot_words(self, planned, text: str = "", music: bool = False) -> str:
        """The words the model is given for a planned shot (``plan.PlannedShot``): the rules' reading
        said as the training data says it (``"text": "reading"``), else the shot's own words.
        ``music``: the shot has music under it."""
        if self.text_from == "reading":
            said = reading(planned, music)
            if said:
                return said
        return planned.shot.prompt or text

    def tokens(self, text: str) -> np.ndarray:
        return self.encoder.tokens(text)[: self.max_tokens].numpy().astype(np.float32)

    def plan(self, text: str, project: Project | None = None, seed: int = 0, audio: np.ndarray | None = None, base_dir=None) -> Plan:
        """The rules' shots with cameras moved by the model. ``audio``: (frames, 35) features of the
        sequence from its first frame; by default those of the project's own unmuted audio tracks
        (files relative to ``base_dir``), none when it has none."""
        base = project or Project()
        plan = plan_text(text, base, 0)
        work = plan.to_project(base)
        if audio is None:
            audio = sequence_audio_features(work, base_dir, sum(p.shot.duration for p in plan.shots))
        film_back = work.film_back_mm()
        requests = []
        start = 0
        moved = [k for k, planned in enumerate(plan.shots) if rules_path_kept(planned) is None]
        for k, planned in enumerate(plan.shots):
            if k not in moved:
                start += planned.shot.duration
                continue
            path = sequence.shared.shot(work, planned.shot)
            shot_audio = None
            if audio is not None and len(audio) and start < len(audio):
                shot_audio = np.zeros((planned.shot.duration, audio.shape[1]), np.float32)
                part = audio[start : start + planned.shot.duration]
                shot_audio[: len(part)] = part
            requests.append(
                ShotRequest(
                    c2w0=np.array(path.c2w[0]), focal_mm=float(path.focal_mm[0]), frames=planned.shot.duration,
                    text_tokens=self.tokens(self.shot_words(planned, text, shot_audio is not None and bool(np.any(shot_audio)))), subjects=list(work.subjects), primary=planned.subject,
                    audio=shot_audio, film_back_mm=film_back, seed=int(np.random.SeedSequence([seed, k]).generate_state(1)[0]),
                )  # fmt: skip
            )
            start += planned.shot.duration
        sampled = dict(zip(moved, sample_shots(self.flow, requests, self.norm, self.sampling) if requests else []))
        shots = []
        for k, planned in enumerate(plan.shots):
            if k not in sampled:
                shots.append(replace(planned, notes=planned.notes + [f"learned planner: {rules_path_kept(planned)}"]))
                continue
            c2w, focal = sampled[k]
            c2w = _rigid(c2w) if asks_for_roll(planned.spec) else level_horizon(c2w)
            path = CameraPath(c2w, np.clip(focal, 1.0, 5000.0), film_back, work.fps)
            keys = self.keys_of(path)
            shot = planned.shot.model_copy(update={"keys": keys, "path_space": "world", "pivot": None})
            shot.tags = list(dict.fromkeys(shot.tags + ["learned"]))
            note = f"learned planner: camera moved by the trajectory model (sample {seed}{', with the music' if audio is not None and len(audio) else ''})"
            shots.append(replace(planned, shot=shot, notes=planned.notes + [note]))
        return replace(plan, shots=shots)

    def alternatives(self, text: str, project: Project | None = None, n: int = 1, seed: int = 0, audio=None, base_dir=None) -> list[Plan]:
        """``n`` samples of the same shots: seeds ``seed``, ``seed + 1`` …"""
        if n < 1:
            raise ShotlineError("must be 1 or more", "plan", "--alternatives")
        if audio is None and project is not None:
            frames = sum(p.shot.duration for p in plan_text(text, project, 0).shots)
            audio = sequence_audio_features(project, base_dir, frames)
        return [self.plan(text, project, seed + k, audio if audio is not None else np.zeros((0, 35), np.float32), base_dir) for k in range(n)]


def _floors(floors, where: Path) -> dict[str, float]:
    """planner.json's ``drift_floors``: a speed under which each channel is held, checked."""
    if not isinstance(floors, dict) or set(floors) != set(FLOOR_KEYS):
        raise ShotlineError(f"'drift_floors' must give {', '.join(FLOOR_KEYS)}", where, "drift_floors")
    try:
        out = {k: float(floors[k]) for k in FLOOR_KEYS}
    except (TypeError, ValueError):
        raise ShotlineError("'drift_floors' values must be numbers", where, "drift_floors") from None
    if not all(np.isfinite(v) and v >= 0 for v in out.values()):
        raise ShotlineError("'drift_floors' values must be 0 or more", where, "drift_floors")
    return out


def rules_path_kept(planned) -> str | None:
    """Why a shot keeps the rules' camera rather than the model's, or None: the model was trained on
    cameras that stand apart from still people, so not on a follow of someone walking, nor on a
    point of view that starts at someone's eyes (a layout it never met: its samples there wander)."""
    if follows_someone(planned):
        return "a camera that follows someone keeps the rules' path (the model sees where people stand, not where they walk)"
    if planned.spec.pov_of is not None or "POV" in planned.spec.angles:
        return "a point of view from someone's eyes keeps the rules' path (the model was never trained with the camera at a person's eyes)"
    return None


def follows_someone(planned) -> bool:
    """The shot's camera follows a person who walks ("track with Mara", "pan right to follow Jonas"):
    the model was trained on every move but those, since its set layout holds where people stand,
    not the path they take."""
    return any(m.family == "follow" or m.follows is not None for m in planned.spec.moves)


def asks_for_roll(spec) -> bool:
    """The words ask for the horizon to roll or to be canted (a roll move, a dutch angle)."""
    return any(m.family == "roll" for m in spec.moves) or "dutch" in spec.angles


def level_horizon(c2w: np.ndarray) -> np.ndarray:
    """A sample with its horizon held at the roll it starts with. The model's samples of orbits
    seen from a high angle roll the horizon 10-33° over the shot, which no one asked for; a roll
    is kept only where the words ask for one (:func:`asks_for_roll`)."""
    from scipy.spatial.transform import Rotation

    out = _rigid(c2w)
    ptr = Rotation.from_matrix(out[:, :3, :3]).as_euler("YXZ")
    ptr[:, 2] = ptr[0, 2]
    out[:, :3, :3] = Rotation.from_euler("YXZ", ptr).as_matrix()
    return out


def _rigid(c2w: np.ndarray) -> np.ndarray:
    """Re-orthonormalise rotations (the model's quaternions are normalised, sums of floats drift)."""
    from scipy.spatial.transform import Rotation

    out = np.array(c2w, float)
    out[:, :3, :3] = Rotation.from_matrix(out[:, :3, :3]).as_matrix()
    return out


def sequence_audio_features(project: Project, base_dir: str | Path | None, frames: int) -> np.ndarray | None:
    """(frames, 35) features of the project's unmuted audio mixed from the sequence's first frame;
    None when the project has no audio to listen to."""
    from engine.audio.track import mix
    from engine.planner.learned.audio import frame_features

    if not any(not t.mute for t in project.audio):
        return None
    rate = 22050
    samples = mix(project, base_dir, rate, frames / project.fps + 0.5, channels=1)[0]
    feats, _ = frame_features(samples, rate, project.fps, frames)
    return feats


@functools.lru_cache(maxsize=2)
def bundled() -> LearnedPlanner:
    """The bundled model, loaded once per process."""
    return LearnedPlanner(BUNDLED)
