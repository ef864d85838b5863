"""USD cameras: one ``UsdGeom.Camera`` per shot with a time-sampled transform (usd-core).

Cameras live under ``/Shotline``, sampled on the sequence's frames starting at ``START_TIMECODE``
(1001, the film-pipeline habit). USD's lens and film attributes are in tenths of a scene unit,
so millimetres are converted with the stage's ``metersPerUnit``: focalLength = mm / (100 * mpu)
(with centimetres, the default here, that is mm). Reading honours metersPerUnit and a Z-up stage.
A camera that keys focus gets time-sampled ``focusDistance`` (scene units) and ``fStop`` (the
T-stop: USD has no T-stop, and its fStop is what renderers read for depth of field); on reading,
an authored ``fStop`` above 0 (USD's 0 means no depth of field) brings them back as focus channels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.atomic import atomic_path
from engine.camera.conventions import zup_to_yup
from engine.camera.path import CameraPath
from engine.errors import ShotlineError
from engine.camera.naming import slug
from engine.project import Project

START_TIMECODE = 1001


def prim_name(text: str) -> str:
    """A valid USD prim name (letters, digits, underscores) from a shot name."""
    return slug(text).replace("-", "_")  # slug keeps letters, digits, _ and -; USD takes no -


def mm_to_usd(mm, meters_per_unit: float):
    return np.asarray(mm, float) / (100.0 * meters_per_unit)


def usd_to_mm(value, meters_per_unit: float):
    return np.asarray(value, float) * (100.0 * meters_per_unit)


def write(paths: list[CameraPath], out: Path, fps: float, meters_per_unit: float = 0.01, project_name: str = "") -> None:
    from pxr import Gf, Usd, UsdGeom

    out = Path(out)
    with atomic_path(out) as tmp:
        stage = Usd.Stage.CreateNew(str(tmp))
        UsdGeom.SetStageUpAxis(stage, UsdGeom.Tokens.y)
        UsdGeom.SetStageMetersPerUnit(stage, meters_per_unit)
        stage.SetTimeCodesPerSecond(fps)
        stage.SetFramesPerSecond(fps)
        total = sum(len(p) for p in paths)
        stage.SetStartTimeCode(START_TIMECODE)
        stage.SetEndTimeCode(START_TIMECODE + max(total - 1, 0))
        root = UsdGeom.Xform.Define(stage, "/Shotline")
        stage.SetDefaultPrim(root.GetPrim())
        if project_name:
            root.GetPrim().SetCustomDataByKey("shotline:project", project_name)
        start = 0
        for i, path in enumerate(paths):
            cam = UsdGeom.Camera.Define(stage, f"/Shotline/shot_{i + 1:02d}_{prim_name(path.name)}")
            prim = cam.GetPrim()
            prim.SetCustomDataByKey("shotline:name", path.name)
            prim.SetCustomDataByKey("shotline:start_frame", start)
            prim.SetCustomDataByKey("shotline:frames", len(path))
            op = cam.AddTransformOp(UsdGeom.XformOp.PrecisionDouble)
            hap = cam.CreateHorizontalApertureAttr()
            vap = cam.CreateVerticalApertureAttr()
            hap.Set(float(mm_to_usd(path.film_back_mm[0], meters_per_unit)))
            vap.Set(float(mm_to_usd(path.film_back_mm[1], meters_per_unit)))
            cam.CreateClippingRangeAttr().Set(Gf.Vec2f(0.05 / meters_per_unit, 10000.0 / meters_per_unit))
            focal_attr = cam.CreateFocalLengthAttr()
            focus_attr = cam.CreateFocusDistanceAttr() if path.has_focus else None
            stop_attr = cam.CreateFStopAttr() if path.has_focus else None
            for f in range(len(path)):
                t = Usd.TimeCode(START_TIMECODE + start + f)
                m = path.c2w[f].copy()
                m[:3, 3] /= meters_per_unit
                op.Set(Gf.Matrix4d(m.T.tolist()), t)  # USD matrices are row-vector: transpose
                focal_attr.Set(float(mm_to_usd(path.focal_mm[f], meters_per_unit)), t)
                if focus_attr is not None:
                    focus_attr.Set(float(path.focus_m[f] / meters_per_unit), t)
                    stop_attr.Set(float(path.t_stop[f]), t)
            start += len(path)
        stage.GetRootLayer().Save()
        del stage


def read(src: Path, template: Project) -> tuple[list[CameraPath], float]:
    from pxr import Tf, Usd, UsdGeom

    src = Path(src)
    if not src.exists():
        raise ShotlineError("no such file", src)
    try:
        stage = Usd.Stage.Open(str(src))
    except Tf.ErrorException as exc:
        first = str(exc).strip().splitlines()[-1].strip()[:160]
        raise ShotlineError(f"not a readable USD stage ({first})", src) from None
    if stage is None:
        raise ShotlineError("not a USD stage", src)
    mpu = UsdGeom.GetStageMetersPerUnit(stage)
    zup = UsdGeom.GetStageUpAxis(stage) == UsdGeom.Tokens.z
    fps = float(stage.GetTimeCodesPerSecond())
    paths = []
    for prim in stage.Traverse():
        if not prim.IsA(UsdGeom.Camera):
            continue
        cam = UsdGeom.Camera(prim)
        xf = UsdGeom.Xformable(prim)
        times = xf.GetTimeSamples() or cam.GetFocalLengthAttr().GetTimeSamples() or [Usd.TimeCode.Default().GetValue()]
        if prim.GetCustomDataByKey("shotline:frames"):
            first = START_TIMECODE + int(prim.GetCustomDataByKey("shotline:start_frame"))
            times = [first + f for f in range(int(prim.GetCustomDataByKey("shotline:frames")))]
        mats, focals, focus, stops = [], [], [], []
        stop_attr, focus_attr = cam.GetFStopAttr(), cam.GetFocusDistanceAttr()
        has_focus = stop_attr.HasAuthoredValue() and focus_attr.HasAuthoredValue()
        for t in times:
            m = np.array(xf.ComputeLocalToWorldTransform(Usd.TimeCode(t)), float).T
            m[:3, 3] *= mpu
            mats.append(m)
            focals.append(cam.GetFocalLengthAttr().Get(Usd.TimeCode(t)))
            if has_focus:
                focus.append(float(focus_attr.Get(Usd.TimeCode(t))) * mpu)
                stops.append(float(stop_attr.Get(Usd.TimeCode(t))))
        if has_focus and min(stops) <= 0:  # fStop 0: USD's "no depth of field"
            has_focus = False
        c2w = np.array(mats)
        # Any scale in the stack is not a camera property: keep rotation only.
        c2w[:, :3, :3] /= np.linalg.norm(c2w[:, :3, :3], axis=1, keepdims=True)
        if zup:
            c2w = zup_to_yup(c2w)
        film = (
            float(usd_to_mm(cam.GetHorizontalApertureAttr().Get(), mpu)),
            float(usd_to_mm(cam.GetVerticalApertureAttr().Get(), mpu)),
        )
        name = prim.GetCustomDataByKey("shotline:name") or prim.GetName()
        focus_channels = (np.array(focus), np.array(stops)) if has_focus else (None, None)
        paths.append(CameraPath(c2w, usd_to_mm(focals, mpu), film, fps, str(name), *focus_channels))
    if not paths:
        raise ShotlineError("holds no UsdGeom.Camera", src)
    return paths, fps
