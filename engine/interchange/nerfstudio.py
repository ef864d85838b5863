"""nerfstudio ``camera_path.json``: camera-to-world 4x4 (OpenGL camera, Z-up world), vertical FOV.

All shots go into one path; Shotline adds a ``shotline`` entry (ignored by nerfstudio) with the
shot boundaries and film back so the file reads back into the same shots and focal lengths.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from engine.atomic import atomic_write
from engine.camera.conventions import yup_to_zup, zup_to_yup
from engine.camera.lens import focal_from_fov, vertical_fov_deg
from engine.camera.path import CameraPath
from engine.errors import ShotlineError
from engine.project import Project


def write(paths: list[CameraPath], out: Path, fps: float, width: int = 1920) -> None:
    film = paths[0].film_back_mm
    aspect = film[0] / film[1]
    frames = []
    for path in paths:
        zup = yup_to_zup(path.c2w)
        fovs = vertical_fov_deg(path.focal_mm, film)
        for m, fov in zip(zup, fovs):
            frames.append({"camera_to_world": [float(v) for v in m.reshape(-1)], "fov": float(fov), "aspect": aspect})
    total = len(frames)
    doc = {
        "camera_type": "perspective",
        "render_width": int(width),
        "render_height": int(round(width / aspect)),
        "fps": float(fps),
        "seconds": total / float(fps),
        "smoothness_value": 0.0,
        "is_cycle": False,
        "keyframes": [],
        "camera_path": frames,
        "shotline": {"shots": [{"name": p.name, "frames": len(p)} for p in paths], "film_back_mm": list(film)},
    }
    with atomic_write(out) as fh:
        json.dump(doc, fh, indent=1)


def read(src: Path, template: Project) -> tuple[list[CameraPath], float]:
    try:
        doc = json.loads(Path(src).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ShotlineError("no such file", src) from None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ShotlineError(f"bad JSON ({exc})", src) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("camera_path"), list) or not doc["camera_path"]:
        raise ShotlineError("needs a non-empty camera_path list", src, "camera_path")
    fps = _number(doc.get("fps", template.fps), src, "fps")
    extra = doc.get("shotline") if isinstance(doc.get("shotline"), dict) else {}
    film = tuple(extra.get("film_back_mm") or template.film_back_mm())
    mats, fovs = [], []
    for i, cam in enumerate(doc["camera_path"]):
        field = f"camera_path[{i}]"
        if not isinstance(cam, dict):
            raise ShotlineError("must be an object", src, field)
        m = cam.get("camera_to_world")
        if not isinstance(m, list) or len(m) not in (12, 16):
            raise ShotlineError("camera_to_world must hold 16 numbers", src, f"{field}.camera_to_world")
        m = np.array([_number(v, src, f"{field}.camera_to_world") for v in m], float)
        mats.append(np.vstack([m.reshape(-1, 4), [0, 0, 0, 1]])[:4] if len(m) == 12 else m.reshape(4, 4))
        fovs.append(_number(cam.get("fov", 50.0), src, f"{field}.fov"))
    c2w = zup_to_yup(np.array(mats))
    focal = focal_from_fov(np.array(fovs), film[1])
    shots = extra.get("shots") or [{"name": Path(src).stem, "frames": len(c2w)}]
    if sum(int(s.get("frames", 0)) for s in shots) != len(c2w):
        raise ShotlineError("shot lengths do not add up to the number of cameras", src, "shotline.shots")
    out, start = [], 0
    for s in shots:
        n = int(s["frames"])
        out.append(CameraPath(c2w[start : start + n], focal[start : start + n], film, fps, str(s.get("name", ""))))
        start += n
    return out, fps


def _number(value, src, field) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        raise ShotlineError("must be a finite number", src, field)
    return float(value)
