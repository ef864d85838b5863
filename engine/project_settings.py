"""Changing a project's delivery settings — fps, delivery aspect, sensor — while keeping what the
director framed.

- A new sensor changes every lens's field of view. With ``keep_framing`` the focal lengths (each
  shot's lens and every keyed focal length) are re-fitted so the horizontal angle of view of the
  delivered frame stays what it was: the same framing on the new camera body.
- A new fps with ``keep_seconds`` re-times every shot so it lasts as long as before: durations,
  camera keys and subject keys move to the same instants (rounded to whole frames).
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.errors import ShotlineError
from engine.project import MAX_FOCAL_MM, MIN_FOCAL_MM, Project, Shot

# Width and height of the recording area in mm (open gate), as the makers state them.
SENSORS: dict[str, tuple[float, float]] = {
    "Super 35": (24.89, 18.66),
    "Full frame": (36.0, 24.0),
    "ALEXA LF": (36.70, 25.54),
    "ALEXA Mini LF": (36.70, 25.54),
    "RED Monstro 8K VV": (40.96, 21.60),
    "Micro Four Thirds": (17.30, 13.00),
}


@dataclass(frozen=True)
class Settings:
    fps: float
    aspect: float
    sensor_mm: tuple[float, float]


def settings_of(project: Project) -> Settings:
    return Settings(project.fps, project.aspect, tuple(project.sensor_mm))


def apply_settings(project: Project, new: Settings, keep_framing: bool = True, keep_seconds: bool = True) -> Project:
    """The project with ``new`` settings (not yet validated: the document validates the edit)."""
    if new.fps <= 0:
        raise ShotlineError("fps must be more than 0", "settings", "fps")
    shots = list(project.shots)
    old_back = project.film_back_mm()
    changed = project.model_copy(update={"aspect": new.aspect, "sensor_mm": tuple(new.sensor_mm)})
    if keep_framing and (tuple(new.sensor_mm) != tuple(project.sensor_mm) or new.aspect != project.aspect):
        ratio = changed.film_back_mm()[0] / old_back[0]  # same horizontal angle: focal scales with the gate
        shots = [_refit_focal(s, ratio) for s in shots]
    if keep_seconds and new.fps != project.fps:
        shots = [_retime(s, new.fps / project.fps) for s in shots]
    return changed.model_copy(update={"fps": float(new.fps), "shots": shots})


def _clamp_focal(f: float) -> float:
    return min(max(f, MIN_FOCAL_MM), MAX_FOCAL_MM)


def _refit_focal(shot: Shot, ratio: float) -> Shot:
    keys = [k.model_copy(update={"focal_mm": _clamp_focal(k.focal_mm * ratio)}) if k.focal_mm is not None else k for k in shot.keys]
    lens = shot.lens.model_copy(update={"focal_mm": _clamp_focal(shot.lens.focal_mm * ratio)})
    return shot.model_copy(update={"keys": keys, "lens": lens})


def _retime(shot: Shot, ratio: float) -> Shot:
    duration = max(1, round(shot.duration * ratio))
    last = duration - 1

    def at(frame: int) -> int:
        return min(round(frame * ratio), last)

    keys = {}
    for k in shot.keys:  # two keys that land on one frame: the later one stays
        keys[at(k.frame)] = k.model_copy(update={"frame": at(k.frame)})
    subject_keys = {}
    for k in shot.subject_keys:
        subject_keys[(k.subject, at(k.frame))] = k.model_copy(update={"frame": at(k.frame)})
    takes = [t.model_copy(update={"keys": list({at(k.frame): k.model_copy(update={"frame": at(k.frame)}) for k in t.keys}.values())}) for t in shot.takes]
    return shot.model_copy(update={"duration": duration, "keys": sorted(keys.values(), key=lambda k: k.frame), "subject_keys": list(subject_keys.values()), "takes": takes})
