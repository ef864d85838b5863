"""``shotline animatic``: the whole sequence as one MP4 with its sound, for the producer.

Picture: each shot's frames from a frame source (``grid``: the camera grid; ``greybox``: the
grey-box renderer once this Shotline has it; ``render``: the engine's clips in ``NAME.renders/``,
the grid standing in for shots without one), exactly ``shot.duration`` frames each, so every cut
is where the timeline has it. Burn-ins: shot number and name, timecode, lens, the move in words.
Sound: every unmuted audio track mixed (offset, trim, gain) to stereo AAC at 48 kHz, muxed
interleaved with the H.264 yuv420p picture at the project fps.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterator, Sequence

import cv2
import numpy as np

from engine.atomic import atomic_path
from engine.camera.path import CameraPath
from engine.errors import ShotlineError
from engine.interchange.mp4 import fps_fraction
from engine.progress import Progress, report
from engine.project import Project
from engine.sequence import shared as shared_sequence

AUDIO_RATE = 48000
BURN_INS = ("shot", "timecode", "lens", "move")


@dataclass
class ShotFrames:
    """One shot's picture: ``frames`` yields exactly the shot's duration; ``note`` is burnt in
    (a stale render, a shot the grid stands in for)."""

    frames: Callable[[], Iterator[np.ndarray]]
    note: str = ""


# A frame source: (project, its evaluated paths, frame size, project file) -> per shot, its frames.
FrameSource = Callable[[Project, list[CameraPath], tuple[int, int], "Path | None"], list[ShotFrames]]


def grid_source(project: Project, paths: list[CameraPath], size, project_path=None) -> list[ShotFrames]:
    from engine.grid.sequence import GridOptions, GridRenderer

    renderer = GridRenderer(paths, GridOptions(size=size, transition_frames=0))

    def shot_frames(s: int) -> Callable[[], Iterator[np.ndarray]]:
        return lambda: (renderer.render_frame(s, f) for f in range(len(paths[s])))

    return [ShotFrames(shot_frames(s)) for s in range(len(paths))]


def greybox_source(project: Project, paths: list[CameraPath], size, project_path=None) -> list[ShotFrames]:
    """The grey-box beauty pass (engine/greybox: ``GreyboxShots.render_frame``), when this Shotline
    has the grey-box renderer."""
    try:
        from engine.greybox.shots import GreyboxShots  # type: ignore[import-not-found]
    except ImportError:
        raise ShotlineError("this Shotline has no grey-box renderer yet; use --pass grid or render", "animatic", "--pass") from None
    base = Path(project_path).parent if project_path else None
    shots = GreyboxShots(project, paths, size, list(range(len(paths))), base, str(project_path or project.name))

    def shot_frames(s: int) -> Callable[[], Iterator[np.ndarray]]:
        return lambda: (shots.render_frame(s, f, ("beauty",))["beauty"] for f in range(len(paths[s])))

    return [ShotFrames(shot_frames(s)) for s in range(len(paths))]


def render_source(project: Project, paths: list[CameraPath], size, project_path=None) -> list[ShotFrames]:
    from engine.interchange.renders import find_renders

    clips = find_renders(project, project_path)
    grid = grid_source(project, paths, size)
    out = []
    for s, clip in enumerate(clips):
        if clip is None:
            out.append(ShotFrames(grid[s].frames, "no render: grid"))
        else:
            out.append(ShotFrames(lambda c=clip.path, n=len(paths[s]): clip_frames_fitted(c, n, size), "STALE render" if clip.stale else ""))
    return out


SOURCES: dict[str, FrameSource] = {"grid": grid_source, "greybox": greybox_source, "render": render_source}


def clip_frames_fitted(path: Path, count: int, size: tuple[int, int]) -> Iterator[np.ndarray]:
    """``count`` frames of the clip at ``size``: a short clip holds its last frame, a long one is cut."""
    import av

    last = None
    n = 0
    try:
        with av.open(str(path)) as c:
            for frame in c.decode(video=0):
                if n == count:
                    break
                last = cv2.resize(frame.to_ndarray(format="rgb24"), size, interpolation=cv2.INTER_AREA)
                n += 1
                yield last
    except av.FFmpegError as exc:
        raise ShotlineError(f"cannot read the rendered clip ({str(exc)[:80]})", path) from None
    if last is None:
        raise ShotlineError("the rendered clip has no frames", path)
    for _ in range(count - n):
        yield last


def timecode(frame: int, fps: float) -> str:
    """HH:MM:SS:FF at the nominal (rounded) rate, as an NLE shows non-drop timecode."""
    base = max(int(round(fps)), 1)
    ff = frame % base
    s = frame // base
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}:{ff:02d}"


def _text(image: np.ndarray, text: str, org: tuple[int, int], scale: float, right: bool = False) -> None:
    thick = max(1, int(round(scale * 2)))
    (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)
    x = org[0] - tw if right else org[0]
    cv2.putText(image, text, (x, org[1]), cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), thick, cv2.LINE_AA)


def _fit(text: str, width_px: int, scale: float) -> str:
    thick = max(1, int(round(scale * 2)))
    while text and cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)[0][0] > width_px:
        text = text[: max(len(text) - 4, 0)].rstrip(" ,") + "…" if len(text) > 4 else ""
    return text.replace("…", "...")


@dataclass
class BurnIn:
    top_left: str
    bottom_left: str
    note: str


def burn_in(image: np.ndarray, info: BurnIn, tc: str, which: Sequence[str]) -> np.ndarray:
    """Two dark bands, top and bottom, with white text; the picture between them untouched."""
    if not which:
        return image
    h, w = image.shape[:2]
    scale = max(h / 720.0, 0.25)
    band = int(round(34 * scale / 0.75)) if h >= 200 else max(h // 6, 8)
    out = image.copy()
    out[:band] = (out[:band] * 0.35).astype(np.uint8)
    out[h - band :] = (out[h - band :] * 0.35).astype(np.uint8)
    pad = max(int(6 * scale / 0.5), 2)
    y_top, y_bottom = band - pad, h - pad
    right = ("timecode" in which and tc) or ""
    tc_w = cv2.getTextSize(right, cv2.FONT_HERSHEY_SIMPLEX, scale, max(1, int(round(scale * 2))))[0][0] if right else 0
    if info.top_left:
        _text(out, _fit(info.top_left, w - tc_w - 3 * pad, scale), (pad, y_top), scale)
    if right:
        _text(out, right, (w - pad, y_top), scale, right=True)
    bottom = " | ".join(t for t in (info.note, info.bottom_left) if t)
    if bottom:
        _text(out, _fit(bottom, w - 2 * pad, scale), (pad, y_bottom), scale)
    return out


def shot_burn_ins(project: Project, which: Sequence[str]) -> list[tuple[str, str]]:
    moves = [""] * len(project.shots)
    if "move" in which:
        from engine.analysis.describe import describe_project

        moves = [d.moves for d in describe_project(project).shots]
    out = []
    for i, (shot, move) in enumerate(zip(project.shots, moves)):
        top = f"{i + 1}  {shot.name}" if "shot" in which else ""
        parts = []
        if "lens" in which:
            parts.append(f"{shot.lens.focal_mm:g} mm")
        if move:
            parts.append(move)
        out.append((top, ", ".join(parts)))
    return out


def parse_burn_ins(text: str) -> tuple[str, ...]:
    """``--burn-in shot,timecode,lens,move`` (any of them), ``all`` or ``none``."""
    text = text.strip().lower()
    if text in ("all", ""):
        return BURN_INS
    if text == "none":
        return ()
    items = tuple(t.strip() for t in text.split(",") if t.strip())
    bad = [t for t in items if t not in BURN_INS]
    if bad:
        raise ShotlineError(f"unknown burn-in {bad[0]!r}; choose from {', '.join(BURN_INS)}, all or none", "", "--burn-in")
    return items


def write_animatic(
    project: Project,
    out: str | Path,
    size: tuple[int, int] = (832, 348),
    source: str = "grid",
    burn_ins: Sequence[str] = BURN_INS,
    project_path: str | Path | None = None,
    on_frame: Callable[[int], None] | None = None,
    crf: int = 20,
    progress: Progress | None = None,
) -> int:
    """Write the animatic; returns the number of picture frames. Relative audio paths are read from
    ``project_path``'s folder."""
    import av

    if not project.shots:
        raise ShotlineError("the project has no shots for an animatic", project_path or project.name, "shots")
    if source not in SOURCES:
        raise ShotlineError(f"unknown pass {source!r}; choose from {', '.join(SOURCES)}", "", "--pass")
    width, height = size[0] & ~1, size[1] & ~1
    paths = shared_sequence.paths(project)  # the one evaluated sequence (engine/sequence.py)
    shots = SOURCES[source](project, paths, (width, height), Path(project_path) if project_path else None)
    texts = shot_burn_ins(project, burn_ins)
    fps = fps_fraction(project.fps)
    total = project.total_frames
    seconds = float(total / fps)
    base_dir = Path(project_path).parent if project_path else None
    sound = None
    if any(not t.mute for t in project.audio):
        from engine.audio.track import mix

        sound = mix(project, base_dir, AUDIO_RATE, seconds, channels=2)

    count = 0
    with atomic_path(out) as tmp:
        with av.open(str(tmp), mode="w", format="mp4") as container:
            video = container.add_stream("libx264", rate=fps)
            video.width, video.height = width, height
            video.pix_fmt = "yuv420p"
            video.codec_context.time_base = 1 / fps
            video.options = {"crf": str(crf), "preset": "superfast"}
            audio = None
            if sound is not None:
                audio = container.add_stream("aac", rate=AUDIO_RATE, layout="stereo")
                audio.codec_context.time_base = Fraction(1, AUDIO_RATE)
                audio.bit_rate = 192_000
            sent = 0  # audio samples handed to the encoder
            frame_size = 1024
            for s, shot in enumerate(shots):
                top, bottom = texts[s]
                info = BurnIn(top, bottom, shot.note)
                made = 0
                for image in shot.frames():
                    if made == project.shots[s].duration:
                        break
                    if image.shape[:2] != (height, width):
                        image = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
                    image = burn_in(image, info, timecode(count, project.fps), burn_ins)
                    vf = av.VideoFrame.from_ndarray(cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2YUV_I420), format="yuv420p")
                    vf.pts = count
                    vf.time_base = 1 / fps
                    for packet in video.encode(vf):
                        container.mux(packet)
                    count += 1
                    made += 1
                    if on_frame is not None:
                        on_frame(count)
                    report(progress, count, total)  # may raise Cancelled: the atomic file is dropped
                    if audio is not None:  # keep the sound up with the picture: interleaved in the file
                        upto = min(int(count / fps * AUDIO_RATE), sound.shape[1])
                        while sent + frame_size <= upto or (count == total and sent < sound.shape[1]):
                            chunk = np.ascontiguousarray(sound[:, sent : sent + frame_size])
                            af = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
                            af.rate, af.pts, af.time_base = AUDIO_RATE, sent, Fraction(1, AUDIO_RATE)
                            for packet in audio.encode(af):
                                container.mux(packet)
                            sent += chunk.shape[1]
                if made != project.shots[s].duration:
                    raise ShotlineError(f"the {source} pass gave {made} frames, the shot has {project.shots[s].duration}", project_path or project.name, f"shots[{s}]")
            for packet in video.encode():
                container.mux(packet)
            if audio is not None:
                for packet in audio.encode(None):
                    container.mux(packet)
    return count
