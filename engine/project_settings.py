"""Changing a project's delivery settings — fps, delivery aspect, sensor, resolution, frame handles —
while keeping what the director framed.

- A new sensor changes every lens's field of view. With ``keep_framing`` the focal lengths (each
  shot's lens and every keyed focal length) are re-fitted so the horizontal angle of view of the
  delivered frame stays what it was: the same framing on the new camera body.
- A new fps with ``keep_seconds`` re-times every shot so it lasts as long as before: durations,
  camera keys and subject keys move to the same instants (rounded to whole frames).
- The resolution (None: 832 wide at the aspect) is what renders and exported media are made at;
  it must be at the delivery aspect. Frame handles are editorial's: held frames before and after
  every shot's media, its available range beyond the cut.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.errors import ShotlineError
from engine.project import MAX_FOCAL_MM, MAX_HANDLES, MAX_RESOLUTION, MIN_FOCAL_MM, MIN_RESOLUTION, RESOLUTION_ASPECT_TOLERANCE, Project, Shot

# Width and height of the recording area in mm (open gate), as the makers state them.
SENSORS: dict[str, tuple[float, float]] = {
    "Super 35": (24.89, 18.66),
    "Full frame": (36.0, 24.0),
    "ALEXA LF": (36.70, 25.54),
    "ALEXA Mini LF": (36.70, 25.54),
    "RED Monstro 8K VV": (40.96, 21.60),
    "Micro Four Thirds": (17.30, 13.00),
}


# Delivery resolutions offered by name (None: the working size, 832 wide at the delivery aspect).
RESOLUTIONS: dict[str, tuple[int, int] | None] = {
    "From the aspect (832 wide)": None,
    "1920 × 1080 (HD)": (1920, 1080),
    "2048 × 858 (2K scope)": (2048, 858),
    "1998 × 1080 (2K flat)": (1998, 1080),
    "3840 × 2160 (UHD)": (3840, 2160),
    "832 × 480 (Wan)": (832, 480),
}


@dataclass(frozen=True)
class Settings:
    fps: float
    aspect: float
    sensor_mm: tuple[float, float]
    resolution: tuple[int, int] | None = None
    handles: int = 0


def settings_of(project: Project) -> Settings:
    return Settings(project.fps, project.aspect, tuple(project.sensor_mm), project.resolution, project.handles)


def check_resolution(resolution: tuple[int, int] | None, aspect: float) -> None:
    """A ShotlineError naming ``resolution`` when it cannot be delivered at ``aspect``."""
    if resolution is None:
        return
    w, h = (int(v) for v in resolution)
    if not (MIN_RESOLUTION <= w <= MAX_RESOLUTION and MIN_RESOLUTION <= h <= MAX_RESOLUTION):
        raise ShotlineError(f"{w} x {h}: each side is {MIN_RESOLUTION} to {MAX_RESOLUTION} pixels", "settings", "resolution")
    if w % 2 or h % 2:
        raise ShotlineError(f"{w} x {h}: both sides must be even (H.264 needs it)", "settings", "resolution")
    if abs(w / h / aspect - 1.0) > RESOLUTION_ASPECT_TOLERANCE:
        raise ShotlineError(f"{w} x {h} is {w / h:.3g}:1, not the delivery aspect {aspect:.3g}:1", "settings", "resolution")


def apply_settings(project: Project, new: Settings, keep_framing: bool = True, keep_seconds: bool = True) -> Project:
    """The project with ``new`` settings (not yet validated: the document validates the edit)."""
    if new.fps <= 0:
        raise ShotlineError("fps must be more than 0", "settings", "fps")
    check_resolution(new.resolution, new.aspect)
    if not (isinstance(new.handles, int) and 0 <= new.handles <= MAX_HANDLES):
        raise ShotlineError(f"frame handles are 0 to {MAX_HANDLES} whole frames (got {new.handles!r})", "settings", "handles")
    shots = list(project.shots)
    old_back = project.film_back_mm()
    resolution = None if new.resolution is None else (int(new.resolution[0]), int(new.resolution[1]))
    changed = project.model_copy(update={"aspect": new.aspect, "sensor_mm": tuple(new.sensor_mm), "resolution": resolution, "handles": new.handles})
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
