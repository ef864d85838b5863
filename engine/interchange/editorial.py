"""The cut for the editor, and back: EDL (CMX 3600), FCP 7 XML and FCPX XML through OpenTimelineIO's
adapters, with every shot's clip beside it as media.

Export writes ``OUT`` and ``OUT_media/shot_NN_<name>.<shot id>.mp4`` (the engine's render where there
is one and ``--pass render`` asks for it, else the camera-grid preview). The shot id in the media
file name is what survives every NLE, so an edited cut comes back to the same shots:
re-import matches each clip by Shotline metadata (OTIO), else the id in its media file name, else a
clip name equal to one shot's name; the track's clip order becomes the shot order, each clip's
source in/out trims its shot, shots left out are dropped, and clips matching no shot are reported.
With frame handles (``Project.handles``) every media file holds that many frames more before and
after its shot (the camera held at its first and last pose), its available range says so and the
clip's source range starts after the head handle; re-import takes the handles off again.
Unmuted audio tracks go along as audio tracks (offset and trim) in the two XMLs; the EDL is picture.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse


from engine.atomic import atomic_write
from engine.camera.bake import key_at
from engine.camera.naming import slug, unique_name
from engine.errors import ShotlineError
from engine.progress import Progress, report
from engine.project import CameraKey, Project, Shot, SubjectKey, new_shot_id
from engine.sections import sections
from engine.sequence import shared as shared_sequence

ADAPTERS = {"edl": ("cmx_3600", ".edl", "CMX 3600 EDL"), "fcp7xml": ("fcp_xml", ".xml", "Final Cut Pro 7 XML"), "fcpxml": ("fcpx_xml", ".fcpxml", "Final Cut Pro X XML")}
NAMESPACE = "shotline"
PARTIAL_STEP = 3  # frames between the keys that stand for the cut part of a segment (5 mm on the demo)
ID_IN_NAME = re.compile(r"\.([A-Za-z0-9_-]{1,64})\.(?:mp4|mov|mxf)$", re.I)


def media_name(index: int, shot: Shot) -> str:
    return f"shot_{index + 1:02d}_{slug(shot.name, 40)}.{shot.id}.mp4"


def media_folder(out: Path) -> Path:
    return out.with_name(f"{out.stem}_media")


# -- export ------------------------------------------------------------------------------------


def write_media(
    project: Project, folder: Path, source: str, project_path: Path | None, size: tuple[int, int], progress: Progress | None = None
) -> list[Path]:
    """Per shot, its clip in ``folder``: the engine's render (linked, not copied, where the disk
    allows) when ``source`` is render and one exists, else the camera grid. ``progress`` counts
    shots; each clip is written whole or not at all."""
    from engine.grid.sequence import GridOptions, GridRenderer
    from engine.interchange.mp4 import write_mp4
    from engine.interchange.renders import find_renders

    from engine.interchange.mp4 import read_mp4

    folder.mkdir(parents=True, exist_ok=True)
    clips = find_renders(project, project_path) if source == "render" else [None] * len(project.shots)
    paths = shared_sequence.paths(project)
    renderer = None
    out = []
    handles = project.handles
    for i, (shot, clip) in enumerate(zip(project.shots, clips)):
        target = folder / media_name(i, shot)
        if clip is not None and handles:
            frames, _ = read_mp4(clip.path)
            write_mp4(with_handles(iter(frames), handles), target, project.fps, (frames.shape[2], frames.shape[1]))
        elif clip is not None:
            tmp = target.with_name(f".{target.name}.part")
            tmp.unlink(missing_ok=True)
            try:
                os.link(clip.path, tmp)
            except OSError:
                shutil.copyfile(clip.path, tmp)
            os.replace(tmp, target)
        else:
            if renderer is None:
                renderer = GridRenderer(paths, GridOptions(size=size, transition_frames=0))
            write_mp4(with_handles((renderer.render_frame(i, f) for f in range(shot.duration)), handles), target, project.fps, size)
        out.append(target)
        report(progress, i + 1, len(project.shots))
    return out


def with_handles(frames, handles: int):
    """The frames with the first held ``handles`` times before and the last after (a shot's handles)."""
    first = last = None
    for frame in frames:
        if first is None:
            first = frame
            for _ in range(handles):
                yield first
        last = frame
        yield frame
    for _ in range(handles if last is not None else 0):
        yield last


def sound_seconds(path: Path) -> float:
    """A sound file's length from its container (no decoding); 0 when it cannot be read."""
    import av

    try:
        with av.open(str(path)) as c:
            if c.duration:
                return c.duration / 1e6
            stream = c.streams.audio[0]
            return float(stream.duration * stream.time_base) if stream.duration else 0.0
    except (av.FFmpegError, IndexError, OSError):
        return 0.0


def _audio_tracks(project: Project, base_dir: Path | None):
    """Each unmuted audio track as an OTIO audio track: a gap for its offset, then the trimmed file
    (FCP XML and FCPX XML carry them; a CMX 3600 EDL has video events only here)."""
    import opentimelineio as otio

    fps = project.fps
    rt = lambda seconds: otio.opentime.RationalTime(round(seconds * fps), fps)  # noqa: E731
    total = project.total_frames / fps
    tracks = []
    for n, t in enumerate(project.audio):
        if t.mute:
            continue
        path = t.resolve(base_dir)
        length = sound_seconds(path)
        if length <= 0:
            raise ShotlineError("cannot read the sound file's length", path, f"audio[{n}].path")
        start, end = t.trim_start_s, min(t.trim_end_s or length, length)
        at = t.offset_s
        if at < 0:  # the sequence starts inside the sound
            start, at = start - at, 0.0
        end = min(end, start + total - at)
        if end - start <= 0:
            continue
        track = otio.schema.Track(name=f"A{len(tracks) + 1}", kind=otio.schema.TrackKind.Audio)
        if at > 0:
            track.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(rt(0), rt(at))))
        ref = otio.schema.ExternalReference(target_url=path.resolve().as_uri(), available_range=otio.opentime.TimeRange(rt(0), rt(length)))
        track.append(otio.schema.Clip(name=t.name or path.stem, media_reference=ref, source_range=otio.opentime.TimeRange(rt(start), rt(end - start))))
        tracks.append(track)
    return tracks


def timeline_of(project: Project, media: list[Path] | None = None, base_dir: Path | None = None):
    """The sequence as an OTIO timeline of clips with external media references, and its sound."""
    import opentimelineio as otio

    fps = project.fps
    rt = lambda f: otio.opentime.RationalTime(f, fps)  # noqa: E731
    timeline = otio.schema.Timeline(name=project.name)
    timeline.global_start_time = rt(0)
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    starts = {sec.first: sec for sec in sections(project)}
    handles = project.handles
    for i, shot in enumerate(project.shots):
        # The media hold the shot and its handles; the cut uses the shot.
        available = otio.opentime.TimeRange(rt(0), rt(shot.duration + 2 * handles))
        span = otio.opentime.TimeRange(rt(handles), rt(shot.duration))
        if media is not None:
            ref = otio.schema.ExternalReference(target_url=media[i].resolve().as_uri(), available_range=available)
            ref.name = media[i].name
        else:
            ref = otio.schema.MissingReference(available_range=available)
        clip = otio.schema.Clip(name=shot.name, media_reference=ref, source_range=span)
        clip.metadata[NAMESPACE] = {"id": shot.id, "handles": handles}
        if i in starts:  # a scene starts here: a marker every NLE shows (EDL: a LOC comment)
            clip.markers.append(
                otio.schema.Marker(
                    name=f"Scene {starts[i].scene}",
                    marked_range=otio.opentime.TimeRange(rt(handles), rt(0)),  # the clip's first used frame
                    color=otio.schema.MarkerColor.GREEN,
                    metadata={NAMESPACE: {"kind": "scene", "scene": starts[i].scene}},
                )
            )
        track.append(clip)
    timeline.tracks.append(track)
    timeline.tracks.extend(_audio_tracks(project, base_dir))
    return timeline


def write_cut(
    project: Project,
    fmt: str,
    out: str | Path,
    project_path: str | Path | None = None,
    source: str = "grid",
    size: tuple[int, int] | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the cut as ``fmt`` (edl, fcp7xml, fcpxml) and its media folder; returns the folder."""
    import opentimelineio as otio

    if fmt not in ADAPTERS:
        raise ShotlineError(f"unknown cut format {fmt!r}; choose from {', '.join(ADAPTERS)}", "", "--format")
    if source not in ("grid", "render"):
        raise ShotlineError(f"media for a cut come from the grid or the render, not {source!r}", "", "--pass")
    if not project.shots:
        raise ShotlineError("the project has no shots to cut", project_path or project.name, "shots")
    out = Path(out)
    folder = media_folder(out)
    existed = folder.exists()
    before = set(folder.iterdir()) if existed else set()
    try:
        media = write_media(project, folder, source, Path(project_path) if project_path else None, size or project.frame_size(832), progress)
    except BaseException:  # cancelled or failed: take back the clips this export added
        for made in set(folder.iterdir()) - before if folder.exists() else ():
            made.unlink(missing_ok=True)
        if not existed and folder.exists() and not any(folder.iterdir()):
            folder.rmdir()
        raise
    adapter = ADAPTERS[fmt][0]
    try:
        timeline = timeline_of(project, media, Path(project_path).parent if project_path else None)
        if adapter == "cmx_3600":  # the adapter writes one video track; the sound goes with the XMLs
            timeline.tracks[:] = [t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video]
        text = otio.adapters.write_to_string(timeline, adapter)
    except Exception as exc:  # an adapter's refusal (a rate it cannot write, a name it cannot hold)
        raise ShotlineError(f"OpenTimelineIO's {adapter} writer refused the cut ({type(exc).__name__}: {str(exc)[:120]})", out) from None
    with atomic_write(out) as fh:
        fh.write(text)
    return folder


# -- import ------------------------------------------------------------------------------------


@dataclass
class CutResult:
    project: Project
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_timeline(src: str | Path, fmt: str, fps: float):
    import opentimelineio as otio

    src = Path(src)
    if fmt not in ADAPTERS and fmt != "otio":
        raise ShotlineError(f"unknown cut format {fmt!r}; choose from {', '.join(ADAPTERS)}", "", "--format")
    if not src.is_file():
        raise ShotlineError("no such file", src)
    adapter = "otio_json" if fmt == "otio" else ADAPTERS[fmt][0]
    kwargs = {"rate": fps} if adapter == "cmx_3600" else {}
    try:
        result = otio.adapters.read_from_file(str(src), adapter, **kwargs)
    except Exception as exc:  # every adapter raises its own types for a bad file
        raise ShotlineError(f"not a {ADAPTERS.get(fmt, ('', '', 'OTIO'))[2]} file OpenTimelineIO can read ({type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''})", src) from None
    if isinstance(result, otio.schema.SerializableCollection):  # FCP XML may hold several sequences
        timelines = [t for t in result.find_children(descended_from_type=otio.schema.Timeline)] if hasattr(result, "find_children") else list(result)
        if not timelines:
            raise ShotlineError("holds no sequence", src)
        result = timelines[0]
    return result


def _shot_for(clip, by_id: dict[str, Shot], by_name: dict[str, list[Shot]]) -> Shot | None:
    meta = clip.metadata.get(NAMESPACE) if hasattr(clip.metadata, "get") else None
    if meta and str(meta.get("id", "")) in by_id:
        return by_id[str(meta["id"])]
    url = getattr(clip.media_reference, "target_url", "") or ""
    name = Path(unquote(urlparse(url).path)).name if url else ""
    m = ID_IN_NAME.search(name)
    if m and m.group(1) in by_id:
        return by_id[m.group(1)]
    same = by_name.get(clip.name or "", [])
    return same[0] if len(same) == 1 else None


def _key_at(project: Project, shot: Shot, frame: int, new_frame: int, like: CameraKey | None) -> CameraKey:
    """The camera at ``frame`` of ``shot`` as a key at ``new_frame``, aiming like its neighbour ``like``."""
    look = {"look_at": like.look_at, "look_at_height": like.look_at_height} if like is not None and like.look_at else {}
    return key_at(shared_sequence.shot(project, shot), frame, **look).model_copy(update={"frame": int(new_frame)})


def trim_shot(project: Project, shot: Shot, start: int, duration: int) -> Shot:
    """The part of ``shot`` from its frame ``start`` for ``duration`` frames (longer than the shot:
    the camera holds its last pose). Keys inside stay; the camera at each cut end becomes a key."""
    if start == 0 and duration == shot.duration:
        return shot
    if shot.path_space == "subject" or shot.move is not None:  # subject-space curves and kept moves re-fit per range: bake world keys instead
        frames = sorted({*range(start, min(start + duration, shot.duration), max(1, duration // 8)), min(start + duration, shot.duration) - 1})
        keys = [_key_at(project, shot, f, f - start, None) for f in frames]
        shot = shot.model_copy(update={"path_space": "world", "pivot": None, "move": None})
    else:
        end = min(start + duration, shot.duration) - 1
        keys = [k.model_copy(update={"frame": k.frame - start}) for k in shot.keys if start <= k.frame <= end]
        before = [k for k in shot.keys if k.frame <= start]
        after = [k for k in shot.keys if k.frame >= end]
        # A cut inside a segment changes how the curve there is fitted; keys every few frames of the
        # original camera over the cut part of the segment keep the move to within millimetres.
        if not keys or keys[0].frame != 0:
            stop = keys[0].frame + start if keys else end + 1
            head = [_key_at(project, shot, f, f - start, before[-1] if before else None) for f in range(start, stop, PARTIAL_STEP)]
            keys = head + keys
        if keys[-1].frame != end - start:
            first = keys[-1].frame + start
            tail = [_key_at(project, shot, f, f - start, after[0] if after else None) for f in range(end, first, -PARTIAL_STEP)]
            keys += tail[::-1]
    subject_keys = []
    names = sorted({k.subject for k in shot.subject_keys})
    for name in names:
        inside = [k.model_copy(update={"frame": k.frame - start}) for k in shot.subject_keys if k.subject == name and start <= k.frame < start + duration]
        if not inside or inside[0].frame != 0:
            p = shared_sequence.subject_positions(project, shot, name)[start]
            inside.insert(0, SubjectKey(subject=name, frame=0, position=tuple(float(v) for v in p)))
        subject_keys += inside
    return shot.model_copy(update={"duration": duration, "keys": keys, "subject_keys": subject_keys})


def apply_cut(project: Project, timeline, source: str | Path = "cut") -> CutResult:
    """The project re-cut as ``timeline`` says: its first video track's clips become the shots."""
    import opentimelineio as otio

    fps = project.fps
    tracks = [t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video]
    if not tracks:
        raise ShotlineError("has no video track", source)
    by_id = {s.id: s for s in project.shots}
    by_name: dict[str, list[Shot]] = {}
    for s in project.shots:
        by_name.setdefault(s.name, []).append(s)
    result = CutResult(project)
    if len(tracks) > 1:
        result.warnings.append(f"{len(tracks)} video tracks: only the first ({tracks[0].name or 'V1'}) is read")
    shots: list[Shot] = []
    used: set[str] = set()
    number = 0
    for item in tracks[0]:
        if isinstance(item, otio.schema.Gap):
            frames = int(round(item.duration().to_seconds() * fps))
            if frames and shots:
                result.warnings.append(f"a gap of {frames} frames after {shots[-1].name!r} is closed (shots play back to back)")
            continue
        if isinstance(item, otio.schema.Transition):
            result.warnings.append(f"transition {item.name or item.transition_type!r} is left out (Shotline cuts)")
            continue
        if not isinstance(item, otio.schema.Clip):
            result.warnings.append(f"{type(item).__name__} {item.name!r} is left out")
            continue
        number += 1
        shot = _shot_for(item, by_id, by_name)
        if shot is None:
            url = getattr(item.media_reference, "target_url", "") or "no media"
            result.warnings.append(f"clip {number} {item.name!r} ({url}) matches no shot; left out")
            continue
        rng = item.source_range or item.available_range()
        avail = item.media_reference.available_range if getattr(item.media_reference, "available_range", None) else None
        origin = avail.start_time.to_seconds() if avail is not None else 0.0
        meta = item.metadata.get(NAMESPACE) if hasattr(item.metadata, "get") else None
        handles = int(meta["handles"]) if meta and "handles" in meta else project.handles  # an EDL keeps no metadata
        start = int(round((rng.start_time.to_seconds() - origin) * fps)) - handles
        duration = int(round(rng.duration.to_seconds() * fps))
        if duration < 1:
            result.warnings.append(f"clip {number} {item.name!r} is shorter than a frame; left out")
            continue
        start = max(0, min(start, shot.duration - 1))
        new = trim_shot(project, shot, start, duration)
        if start or duration != shot.duration:
            result.changes.append(f"{shot.name}: frames {start}-{start + duration - 1} of {shot.duration} ({duration} frames)")
        if shot.id in used:
            name = unique_name(shot.name, {s.name for s in shots} | {s.name for s in project.shots})
            new = new.model_copy(update={"id": new_shot_id(), "name": name})
            result.changes.append(f"{shot.name} used again: new shot {name!r}")
        used.add(shot.id)
        shots.append(new)
    if not shots:
        raise ShotlineError("no clip of the cut matches a shot of the project", source)
    dropped = [s.name for s in project.shots if s.id not in used]
    if dropped:
        result.changes.append("dropped: " + ", ".join(dropped))
    old_order = [s.id for s in project.shots if s.id in used]
    new_order = [s.id for s in shots if s.id in by_id]
    if new_order != old_order:
        result.changes.append("new order: " + ", ".join(s.name for s in shots))
    result.project = project.model_copy(update={"shots": shots})
    return result


def import_cut(project: Project, src: str | Path, fmt: str) -> CutResult:
    return apply_cut(project, read_timeline(src, fmt, project.fps), src)


