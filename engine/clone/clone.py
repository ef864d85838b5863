"""Camera cloning (OmniDirector): a reference clip -> cuts -> per-shot cameras -> editable shots.

``clone_video`` reads the clip (``video``), finds its cuts and dissolves with the project's one
content detector (``engine.train.evaluate.detect_transitions``), tracks and solves every shot
(``tracks``, ``solve``), places the cameras in the project's set and bakes them into keys
(``place``), and labels and describes every shot with ``engine.analysis``. Frames inside a
dissolve show two shots at once: they are not tracked, but held from their shot's nearest solved
frame and marked as interpolated, as are frames the solver could not make out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from engine.analysis.describe import describe_project
from engine.camera.lens import focal_pixels
from engine.clone import place as placing
from engine.clone.solve import REFERENCE_DIAGONAL_PX, ShotSolve, solve_shot
from engine.clone.tracks import track
from engine.clone.video import Video, grey, read_video
from engine.errors import ShotlineError
from engine.project import DEFAULT_FOCAL_MM, SUPER35_SENSOR_MM, Lens, Project, ReferenceClip, Shot, new_shot_id
from engine.train.evaluate import Transition, detect_transitions

MIN_TEXTURE_CORNERS = 12


class Cancelled(Exception):
    """The caller asked to stop (``cancel()`` returned True); nothing was written."""


@dataclass
class ClonedShot:
    start: int  # first frame in the clip (working frames)
    end: int  # one past the last
    model: str  # static | rotation | translation | failed
    confidence: np.ndarray
    interpolated: np.ndarray  # bool per frame
    focal_px: float
    focal_source: str
    rms_px: float = 0.0
    note: str = ""


@dataclass
class CloneResult:
    project: Project
    shots: list[ClonedShot]
    transitions: list[Transition]
    fps: float
    focal_text: str
    size: tuple[int, int]
    messages: list[str] = field(default_factory=list)


def _ranges(n: int, transitions: list[Transition]) -> list[tuple[int, int]]:
    edges = [0] + [t.frame for t in transitions] + [n]
    return [(a, b) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def _hold_outside(solve: ShotSolve, lo: int, hi: int, n: int) -> ShotSolve:
    """Extend a solve of frames lo..hi-1 of a shot to all n frames, holding the ends."""
    idx = np.clip(np.arange(n), lo, hi - 1) - lo
    marked = solve.failed[idx].copy()
    marked[:lo] = True
    marked[hi:] = True
    conf = solve.confidence[idx].copy()
    conf[marked & ~solve.failed[idx]] = 0.0
    return ShotSolve(solve.model, solve.rotation[idx], solve.translation[idx], solve.focal_px[idx], conf, marked, solve.depth0, solve.rms_px)


def clone_video(
    video_path: str | Path,
    project: Project | None = None,
    subject: str | None = None,
    focal_mm: float | None = None,
    sensor_mm: tuple[float, float] | None = None,
    start_s: float | None = None,
    end_s: float | None = None,
    progress: Callable[[str, float], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    size: str | None = None,
) -> CloneResult:
    """Clone the camera of every shot of ``video_path`` into shots of ``project`` (replacing its
    shots; its set, fps and lens stay). ``progress(stage, fraction)``; ``cancel()`` -> Cancelled.

    ``size`` is the shot size each clone's first frame stands at from the subject. A monocular
    clip has no scale and Shotline has no person detector to measure one, so without it the
    camera stands at a medium shot and says so; each shot's ``size`` is then where its move takes
    that framing (a push or zoom in ends tighter, a pull or zoom out wider)."""
    source = Path(video_path)
    base = project or Project(name=source.stem)
    if subject is not None and subject not in [s.name for s in base.subjects]:
        raise ShotlineError(f"no subject named {subject!r} in the project", source, "--subject")
    asked_size = size  # ``size`` below is the frame's
    if asked_size is not None and asked_size not in placing.PERSON_SIZES:
        raise ShotlineError(f"unknown shot size {asked_size!r}; known: {', '.join(placing.PERSON_SIZES)}", source, "--size")
    if focal_mm is not None and not (1.0 <= focal_mm <= 5000.0):
        raise ShotlineError("must be between 1 and 5000 mm", source, "--focal-mm")

    def report(stage: str, fraction: float) -> None:
        if cancel is not None and cancel():
            raise Cancelled()
        if progress is not None:
            progress(stage, float(min(max(fraction, 0.0), 1.0)))

    video: Video = read_video(source, start_s, end_s, progress=lambda d, t: report("decode", d / t if t else 0.0))
    frames = video.frames
    n, h, w = frames.shape[:3]
    size = (w, h)
    greys = grey(frames)
    _check_texture(greys, source)
    tracking, track_size, scale = tracking_frames(greys)
    report("cuts", 0.0)
    transitions = detect_transitions(frames)
    ranges = _ranges(n, transitions)
    blended = np.zeros(n, bool)
    for t in transitions:
        blended[t.start : t.end] = True

    film_back = base.film_back_mm()
    sensor_w = (sensor_mm or SUPER35_SENSOR_MM)[0]
    hint_px = float(focal_mm * w / sensor_w) if focal_mm else None
    default_px = float(focal_pixels(base.shots[0].lens.focal_mm if base.shots else DEFAULT_FOCAL_MM, film_back, w))

    solved: list[tuple[ShotSolve | None, dict, tuple[int, int]]] = []
    for k, (a, b) in enumerate(ranges):
        report("solve", k / len(ranges))
        usable = np.flatnonzero(~blended[a:b])
        lo, hi = (int(usable[0]), int(usable[-1]) + 1) if len(usable) else (0, 0)
        if hi - lo < 2:
            solved.append((None, {"error": "too short outside its dissolve"}, (a, b)))
            continue
        try:
            s, info = solve_shot(track(tracking[a + lo : a + hi]), track_size, hint_px and hint_px * scale, default_px * scale)
            s.focal_px = s.focal_px / scale  # back to pixels of the working frame
            info["focal_px"] = float(s.focal_px[0])
            solved.append((_hold_outside(s, lo, hi, b - a), info, (a, b)))
        except (RuntimeError, np.linalg.LinAlgError, ValueError, cv2.error) as exc:
            # OpenCV 5 asserts on degenerate point sets (all tracks on a line, a solver's polynomial
            # with no leading term) where 4.x returned nothing: that shot failed, the clip goes on
            reason = str(exc).strip().splitlines()[-1] if isinstance(exc, cv2.error) else str(exc)
            solved.append((None, {"error": reason}, (a, b)))
    if all(s is None for s, _, _ in solved):
        reasons = "; ".join(sorted({i["error"] for _, i, _ in solved}))
        raise ShotlineError(f"no shot's camera could be made out ({reasons})", source)

    calibrated = [i["focal_px"] for s, i, _ in solved if s is not None and i.get("focal_source", "").startswith("self")]
    if hint_px:
        focal_text = f"focal length {focal_mm:g} mm on a {sensor_w:g} mm wide sensor (the hint): {hint_px:.0f} px at {w} px wide"
    elif calibrated:
        guess = float(np.median(calibrated))
        focal_text = f"focal length self-calibrated from rotation: {guess:.0f} px at {w} px wide = {guess * film_back[0] / w:.1f} mm on the project's {film_back[0]:.2f} mm film back"
    else:
        focal_text = f"focal length unknown (no shot turns enough to show it): assumed {default_px * film_back[0] / w:.0f} mm (give --focal-mm)"

    subj = placing.subject_for(base, subject)
    subjects = list(base.subjects) if base.subjects else [placing.DEFAULT_SUBJECT]
    messages = [] if base.subjects else [f"no subjects in the project: cameras are placed around a default '{subj.name}' ({subj.height} m) at the origin"]
    start_size = asked_size or placing.DEFAULT_SIZE
    words = placing.shot_size(start_size).words
    if asked_size:
        messages.append(f"each clone's first frame stands at a {words} ({asked_size}) of {subj.name}, as asked")
    else:
        messages.append(
            f"the clip gives no scale (no person detector here to measure one): each clone's first frame stands at a {words} "
            f"({start_size}) of {subj.name} (give --size); a shot's size is where its move takes that framing"
        )
    clip_path = str(source.resolve())
    shots, cloned = [], []
    for k, (s, info, (a, b)) in enumerate(solved):
        name = f"Clone {k + 1}"
        if s is None:
            # keep the shot's timing with a locked-off camera, marked: the cut is still worth having
            rel, fpx = np.tile(np.eye(4), (b - a, 1, 1)), np.full(b - a, default_px)
            conf, marked, model, depth, rms, src = np.zeros(b - a), np.ones(b - a, bool), "failed", None, 0.0, "default"
        else:
            rel, fpx, conf, marked, model, depth, rms = s.c2w, s.focal_px, s.confidence, s.failed, s.model, s.depth0, s.rms_px
            src = info.get("focal_source", "default")
        fmm = fpx * film_back[0] / w  # the same horizontal angle of view on the project's film back
        path = placing.place(rel, fmm, depth, subj, film_back, size=start_size, fps=video.fps, name=name)
        keys = placing.keys_for(path)
        tags = ["cloned", model, f"confidence {float(conf.mean()):.2f}"]
        if marked.any():
            tags.append("interpolated " + _spans(np.flatnonzero(marked)))
        shots.append(Shot(id=new_shot_id(), name=name, duration=b - a, lens=Lens(focal_mm=float(np.clip(fmm[0], 1.0, 5000.0))), keys=keys, tags=tags, reference=ReferenceClip(path=clip_path, start_s=(video.start_frame + a) / video.fps, fps=float(video.fps))))
        cloned.append(ClonedShot(a, b, model, conf, marked, float(fpx[0]), src, rms, info.get("error", "")))
    out = base.model_copy(update={"fps": float(video.fps), "subjects": subjects, "shots": shots})
    report("describe", 0.95)
    description = describe_project(out)
    final = []
    for shot, words, context in zip(out.shots, description.shots, description.contexts):
        labels = sorted({seg.label for seg in context.labels().segments} - {"static"})
        # the framing the move arrives at: a push in from a medium shot ends on a close-up
        size_code = context.size(len(context.path) - 1) or context.size(0)
        final.append(shot.model_copy(update={"prompt": words.text, "size": size_code, "tags": shot.tags + labels[:8]}))
    out = out.model_copy(update={"shots": final})
    report("done", 1.0)
    return CloneResult(out, cloned, transitions, video.fps, focal_text, size, messages)


def tracking_frames(greys: np.ndarray) -> tuple[np.ndarray, tuple[int, int], float]:
    """The grey frames resampled to the tracker's size (the diagonal of 320 x 180, where the
    solver's pixel figures were set), that size and the scale from the working frame to it. Every
    clip is tracked at the one size, so the tracker's window, its corner spacing and the solver's
    thresholds are the same fraction of the frame at 224 px, 480p or 1080p (the same labels), and a
    480p clip tracks at under half the pixels."""
    import cv2

    n, h, w = greys.shape
    scale = REFERENCE_DIAGONAL_PX / float(np.hypot(w, h))
    tw, th = max(16, int(round(w * scale))), max(16, int(round(h * scale)))
    scale = tw / w
    if (tw, th) == (w, h):
        return greys, (w, h), 1.0
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    return np.stack([cv2.resize(g, (tw, th), interpolation=interp) for g in greys]), (tw, th), scale


def _spans(frames: np.ndarray) -> str:
    parts, start = [], int(frames[0])
    for prev, cur in zip(frames[:-1], frames[1:]):
        if cur != prev + 1:
            parts.append(f"{start}-{int(prev)}" if prev != start else f"{start}")
            start = int(cur)
    parts.append(f"{start}-{int(frames[-1])}" if frames[-1] != start else f"{start}")
    return ("frames " + ",".join(parts))[:50]


def _check_texture(greys: np.ndarray, source: Path) -> None:
    """A clip with nothing to track (a flat colour, a fade) has no camera to clone."""
    import cv2

    step = max(1, len(greys) // 8)
    counts = []
    for g in greys[::step]:
        pts = cv2.goodFeaturesToTrack(g, 100, 0.01, 5)
        counts.append(0 if pts is None else len(pts))
    if max(counts) < MIN_TEXTURE_CORNERS:
        raise ShotlineError(f"is textureless: at most {max(counts)} trackable corners in a frame, {MIN_TEXTURE_CORNERS} are needed", source)
