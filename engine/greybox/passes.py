"""Pass frames as pictures and files: what a person watches and what a depth-control workflow reads.

To watch (RGB uint8, for MP4 and the preview): depth as inverse depth on a fixed log scale (near
bright, 0.3 m … 100 m, so a shot's brightness means the same distance throughout), normals as
RGB (x right, y up, z towards the camera, mapped from [-1, 1]), ids as a colour each.

To hand off (``write_pass_frames``, flat names beside the shot's MP4): 16-bit PNG (depth in millimetres, 0 where only sky is and
clipped at 65.535 m; normals as (n + 1) / 2 * 65535; ids as their numbers; beauty as 8-bit RGB)
with a ``legend.json`` of the ids, or one ``.npz`` per pass (float32 metres, float32 normals,
uint16 ids) for ComfyUI / Wan depth and segmentation control, or OpenEXR frames (the OpenEXR
project's own Python bindings; OpenCV's wheels are built without EXR): depth as a float32 ``Z``
channel in metres, exact, inf where only sky is; normals as float32 ``R``, ``G``, ``B`` in [-1, 1];
ids as a uint32 ``id`` channel; beauty as half ``R``, ``G``, ``B``, the 8-bit values over 255
(display-referred, as drawn). ZIP-compressed (lossless).
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

from engine.atomic import atomic_path, atomic_write

NEAR_VIS, FAR_VIS = 0.3, 100.0
FORMATS = ("png16", "npz", "exr")


def depth_to_rgb(depth: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.log(np.clip(depth, NEAR_VIS, FAR_VIS) / FAR_VIS) / np.log(NEAR_VIS / FAR_VIS)
    t = np.where(np.isfinite(depth), t, 0.0)
    grey = (t * 255).round().astype(np.uint8)
    return np.repeat(grey[..., None], 3, axis=-1)


def normal_to_rgb(normal: np.ndarray) -> np.ndarray:
    return ((np.clip(normal, -1, 1) * 0.5 + 0.5) * 255).round().astype(np.uint8)


def id_palette(n: int = 65536) -> np.ndarray:
    """A distinct colour per id (golden-ratio hues); 0 (sky) black, 1 (floor) grey."""
    i = np.arange(n)
    hue = ((i * 0.618033988749895) % 1.0 * 180).astype(np.uint8)
    hsv = np.stack([hue, np.full(n, 200, np.uint8), np.full(n, 235, np.uint8)], axis=1)[None]
    rgb = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0]
    rgb[0] = (0, 0, 0)
    rgb[1] = (96, 96, 96)
    return rgb


_PALETTE = None


def id_to_rgb(ids: np.ndarray) -> np.ndarray:
    global _PALETTE
    if _PALETTE is None:
        _PALETTE = id_palette()
    return _PALETTE[ids]


def to_rgb(name: str, frame: np.ndarray) -> np.ndarray:
    """Any pass as the RGB picture a person watches."""
    if name in ("beauty", "grid"):
        return frame
    return {"depth": depth_to_rgb, "normal": normal_to_rgb, "id": id_to_rgb}[name](frame)


def to_png16(name: str, frame: np.ndarray) -> np.ndarray:
    """The array cv2 writes as the pass's PNG (BGR order for colour)."""
    if name in ("beauty", "grid"):
        return np.ascontiguousarray(frame[..., ::-1])
    if name == "depth":
        mm = np.where(np.isfinite(frame), np.clip(np.round(frame * 1000.0), 0, 65535), 0)
        return mm.astype(np.uint16)
    if name == "normal":
        return np.ascontiguousarray(((np.clip(frame, -1, 1) * 0.5 + 0.5) * 65535).round().astype(np.uint16)[..., ::-1])
    return frame.astype(np.uint16)


def exr_channels(name: str, frame: np.ndarray) -> dict[str, np.ndarray]:
    """A pass frame as the EXR channels it is written as (see the module's note)."""
    if name == "depth":
        return {"Z": np.ascontiguousarray(frame, np.float32)}
    if name == "id":
        return {"id": np.ascontiguousarray(frame, np.uint32)}
    rgb = frame.astype(np.float16) / np.float16(255.0) if name in ("beauty", "grid") else frame.astype(np.float32)
    return {"RGB": np.ascontiguousarray(rgb)}  # the bindings write it as the R, G and B channels


def write_exr(path: Path, channels: dict[str, np.ndarray]) -> None:
    """One EXR file, written whole or not at all."""
    import OpenEXR

    header = {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage}
    with atomic_path(path) as tmp, OpenEXR.File(header, channels) as exr:
        exr.write(str(tmp))


def read_exr(path: Path) -> dict[str, np.ndarray]:
    """The channels of an EXR file by name (for tests and hand-off checks); R, G and B come back
    together as ``RGB`` (H,W,3), as the bindings group them."""
    import OpenEXR

    with OpenEXR.File(str(path)) as exr:
        return {name: np.array(channel.pixels) for name, channel in exr.channels().items()}


def write_pass_frames(folder: Path, stem: str, name: str, frames: list[np.ndarray], fmt: str, legend: dict[int, str] | None = None) -> list[str]:
    """Write one pass of one shot beside the shot's MP4 (flat names, as the engine serves them):
    ``STEM.NAME.0000.png`` … (or ``.exr``) or ``STEM.NAME.npz``, and ``STEM.legend.json`` with the ids.
    Returns the file names written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    if fmt == "npz":
        out = folder / f"{stem}.{name}.npz"
        with atomic_path(out) as tmp, open(tmp, "wb") as fh:
            np.savez_compressed(fh, **{name: np.stack(frames)})
        written.append(out.name)
    elif fmt == "png16":
        for i, frame in enumerate(frames):
            path = folder / f"{stem}.{name}.{i:04d}.png"
            with atomic_path(path) as tmp:
                if not cv2.imwrite(str(tmp), to_png16(name, frame)):
                    raise OSError(f"cannot write {path}")
            written.append(path.name)
    elif fmt == "exr":
        for i, frame in enumerate(frames):
            path = folder / f"{stem}.{name}.{i:04d}.exr"
            write_exr(path, exr_channels(name, frame))
            written.append(path.name)
    else:
        raise ValueError(fmt)
    if name == "id" and legend is not None:
        with atomic_write(folder / f"{stem}.legend.json") as fh:
            json.dump({str(k): v for k, v in legend.items()}, fh, indent=1)
        written.append(f"{stem}.legend.json")
    return written
