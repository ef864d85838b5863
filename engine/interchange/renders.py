"""The engine's rendered clips of a project, as kept beside it in ``NAME.renders/``.

The engine names a shot's clip ``shot_NN_<name>.mp4`` (NN: its place in the render request). A clip
is matched to a shot by name (the number breaks the tie when two shots share a name), and counted
**stale** when it no longer fits the shot: the shot changed since it was rendered (``renders.json``
in the folder keeps a hash of each clip's shot, written by the app and ``shotline render``), or, for
a clip the manifest does not know, its length is not the shot's.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from engine.atomic import atomic_write
from engine.camera.naming import slug
from engine.project import Project, Shot

CLIP_RX = re.compile(r"^shot_(\d+)_(.+)\.mp4$")


def clip_slug(name: str) -> str:
    # The engine's file-name slug, compared on the shorter prefix so that its 60-character and the
    # exporters' 40-character cut both match.
    return slug(name, 200)


@dataclass(frozen=True)
class RenderedClip:
    path: Path
    frames: int
    stale: bool
    reason: str = ""


def renders_folder(project_path: str | Path) -> Path:
    p = Path(project_path)
    return p.with_name(f"{p.stem}.renders")


MANIFEST = "renders.json"


def shot_hash(shot: Shot) -> str:
    return hashlib.sha256(shot.model_dump_json().encode()).hexdigest()[:16]


def read_manifest(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def record_render(folder: str | Path, clip_name: str, shot: Shot) -> None:
    """Remember which version of the shot ``clip_name`` shows (so a later edit marks it stale)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    manifest[clip_name] = shot_hash(shot)
    with atomic_write(folder / MANIFEST) as fh:
        json.dump(manifest, fh, indent=1, sort_keys=True)


def clip_frames(path: Path) -> int:
    import av

    try:
        with av.open(str(path)) as c:
            stream = c.streams.video[0]
            if stream.frames:
                return int(stream.frames)
            return sum(1 for _ in c.demux(stream) if _.size)
    except (av.FFmpegError, IndexError, OSError):
        return 0


def find_renders(project: Project, project_path: str | Path | None) -> list[RenderedClip | None]:
    """Per shot, its rendered clip (or None when there is none, or it cannot be read)."""
    if project_path is None:
        return [None] * len(project.shots)
    folder = renders_folder(project_path)
    if not folder.is_dir():
        return [None] * len(project.shots)
    candidates = []
    for f in sorted(folder.iterdir()):
        m = CLIP_RX.match(f.name)
        if m and f.is_file():
            candidates.append((int(m.group(1)), m.group(2), f))
    manifest = read_manifest(folder)
    out: list[RenderedClip | None] = []
    for i, shot in enumerate(project.shots):
        want = clip_slug(shot.name)
        named = [c for c in candidates if want.startswith(c[1]) or c[1].startswith(want[:40])]
        if not named:
            out.append(None)
            continue
        number, _, path = min(named, key=lambda c: (c[0] != i + 1, -c[2].stat().st_mtime))
        frames = clip_frames(path)
        if frames == 0:
            out.append(None)
            continue
        recorded = manifest.get(path.name)
        if recorded is not None and recorded != shot_hash(shot):
            out.append(RenderedClip(path, frames, True, "the shot changed since"))
        elif frames != shot.duration:
            out.append(RenderedClip(path, frames, True, f"{frames} frames, the shot has {shot.duration}"))
        else:
            out.append(RenderedClip(path, frames, False))
    return out
