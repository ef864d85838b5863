"""The sequence as an OpenTimelineIO timeline: one clip per shot, a marker per camera key.

Shotline's own data rides in ``metadata["shotline"]`` (the timeline holds the project without its
shots, each clip its shot) as JSON text, because OTIO's writer rounds floats past 15 digits; so a
Shotline-written ``.otio`` reads back to the bit-identical project.
A timeline from another tool reads as shots with its clips' names and durations and a static camera.
"""

from __future__ import annotations

import json
from pathlib import Path

from engine.atomic import atomic_write
from engine.errors import ShotlineError
from engine.project import FORMAT_NAME, FORMAT_VERSION, CameraKey, Project, Shot, new_shot_id, project_from_dict

NAMESPACE = "shotline"


def write(project: Project, out: Path) -> None:
    import opentimelineio as otio

    fps = project.fps
    doc = project.model_dump(mode="json")
    shots = doc.pop("shots")
    timeline = otio.schema.Timeline(name=project.name)
    timeline.global_start_time = otio.opentime.RationalTime(0, fps)
    timeline.metadata[NAMESPACE] = {"project": json.dumps({"format": FORMAT_NAME, "version": FORMAT_VERSION, **doc})}
    track = otio.schema.Track(name="Shots", kind=otio.schema.TrackKind.Video)
    handles = project.handles  # the media's frames before and after each shot (editorial's handles)
    for shot, data in zip(project.shots, shots):
        available = otio.opentime.TimeRange(otio.opentime.RationalTime(0, fps), otio.opentime.RationalTime(shot.duration + 2 * handles, fps))
        clip = otio.schema.Clip(
            name=shot.name,
            media_reference=otio.schema.MissingReference(available_range=available),
            source_range=otio.opentime.TimeRange(
                otio.opentime.RationalTime(handles, fps), otio.opentime.RationalTime(shot.duration, fps)
            ),
        )
        clip.metadata[NAMESPACE] = {"shot": json.dumps(data), "id": shot.id, "prompt": shot.prompt}
        for key in shot.keys:
            clip.markers.append(
                otio.schema.Marker(
                    name=f"key {key.frame}",
                    marked_range=otio.opentime.TimeRange(
                        otio.opentime.RationalTime(key.frame + handles, fps), otio.opentime.RationalTime(0, fps)
                    ),
                    color=otio.schema.MarkerColor.YELLOW,
                    metadata={NAMESPACE: {"kind": "camera_key"}},
                )
            )
        track.append(clip)
    timeline.tracks.append(track)
    text = otio.adapters.write_to_string(timeline, "otio_json")
    with atomic_write(out) as fh:
        fh.write(text)


def read(src: Path, template: Project) -> Project:
    import opentimelineio as otio

    src = Path(src)
    if not src.exists():
        raise ShotlineError("no such file", src)
    try:
        timeline = otio.adapters.read_from_file(str(src))
    except Exception as exc:  # OTIO raises many types for a bad file; all mean "cannot read this"
        raise ShotlineError(f"not an OpenTimelineIO file ({type(exc).__name__}: {str(exc)[:120]})", src) from None
    clips = list(timeline.find_clips()) if hasattr(timeline, "find_clips") else list(timeline.each_clip())
    meta = timeline.metadata.get(NAMESPACE, {})
    if "project" in meta:
        try:
            doc = json.loads(str(meta["project"]))
            doc["shots"] = [json.loads(str(c.metadata[NAMESPACE]["shot"])) for c in clips if NAMESPACE in c.metadata]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ShotlineError(f"damaged Shotline metadata ({exc})", src, "metadata.shotline") from None
        return project_from_dict(doc, src)
    fps = float(clips[0].source_range.duration.rate) if clips and clips[0].source_range else template.fps
    shots = []
    for i, clip in enumerate(clips):
        frames = max(1, int(round(clip.duration().to_frames(fps))))
        shots.append(
            Shot(id=new_shot_id(), name=clip.name or f"Shot {i + 1}", duration=frames, keys=[CameraKey(frame=0, position=(0.0, 1.6, 5.0))])
        )
    return template.model_copy(update={"name": timeline.name or src.stem, "fps": fps, "shots": shots})
