"""Test clips with known cameras: a textured room (photographs from scikit-image on its walls,
floor and ceiling, and on two boxes standing in it) seen through a moving pinhole.

For the tests and ``benchmarks/clone.py`` only: scikit-image is a test dependency, imported here
when a clip is made. A ray per pixel centre meets the nearest textured rectangle; the texture is
sampled with ``cv2.remap`` (bilinear). Cameras are OpenGL camera-to-world (looking down -Z), the
principal point at the image centre, as in ``engine.train.raycast``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import cv2
import numpy as np
from scipy.spatial.transform import Rotation

from engine.camera.conventions import look_at_rotation


@dataclass(frozen=True)
class Quad:
    origin: tuple  # a corner (world)
    u: tuple  # edge vector along the texture's x
    v: tuple  # edge vector along the texture's y
    texture: str
    repeat: tuple = (1.0, 1.0)


@lru_cache(maxsize=None)
def texture(name: str) -> np.ndarray:
    import skimage.data

    img = getattr(skimage.data, name)()
    if img.ndim == 2:  # tint grey photographs so walls differ in colour too
        tint = {"brick": (1.0, 0.75, 0.6), "grass": (0.6, 1.0, 0.55), "gravel": (0.9, 0.9, 1.0), "camera": (1.0, 1.0, 0.8)}.get(name, (1, 1, 1))
        img = np.clip(img[..., None].astype(np.float32) * np.array(tint, np.float32), 0, 255).astype(np.uint8)
    img = img[..., :3]
    return cv2.GaussianBlur(np.ascontiguousarray(img), (3, 3), 0.7)


def room(seed: int = 0) -> list[Quad]:
    """An 8 x 3 x 8 m room with two boxes; ``seed`` turns which photograph goes where, so rooms of
    consecutive seeds have different pictures on every surface. That gives eight rooms; seeds from
    100 on shuffle the photographs instead, a room of its own for every seed (fresh held-out rooms)."""
    names = ["astronaut", "coffee", "chelsea", "rocket", "brick", "gravel", "grass", "camera"]
    if seed >= 100:
        names = [names[i] for i in np.random.default_rng(seed).permutation(len(names))]
    else:
        names = names[seed % 8 :] + names[: seed % 8]
    x0, x1, z0, z1, h = -4.0, 4.0, -4.0, 4.0, 3.0
    quads = [
        Quad((x0, h, z0), (x1 - x0, 0, 0), (0, -h, 0), names[0], (2, 1)),  # back wall (z0), seen from inside
        Quad((x0, h, z1), (0, 0, z0 - z1), (0, -h, 0), names[1], (2, 1)),  # left wall
        Quad((x1, h, z0), (0, 0, z1 - z0), (0, -h, 0), names[2], (2, 1)),  # right wall
        Quad((x1, h, z1), (x0 - x1, 0, 0), (0, -h, 0), names[3], (2, 1)),  # front wall
        Quad((x0, 0, z0), (x1 - x0, 0, 0), (0, 0, z1 - z0), names[5], (4, 4)),  # floor
        Quad((x0, h, z1), (x1 - x0, 0, 0), (0, 0, z0 - z1), names[6], (4, 4)),  # ceiling
    ]
    for (cx, cz, sx, sy, sz), tex in zip(((0.9, -1.4, 1.0, 1.3, 1.0), (-1.3, -2.4, 1.2, 0.8, 0.9)), (names[4], names[7])):
        a, b = (cx - sx / 2, cz - sz / 2), (cx + sx / 2, cz + sz / 2)
        quads += [
            Quad((a[0], sy, b[1]), (sx, 0, 0), (0, -sy, 0), tex),  # front (+z)
            Quad((b[0], sy, a[1]), (-sx, 0, 0), (0, -sy, 0), tex),  # back
            Quad((a[0], sy, a[1]), (0, 0, sz), (0, -sy, 0), tex),  # left
            Quad((b[0], sy, b[1]), (0, 0, -sz), (0, -sy, 0), tex),  # right
            Quad((a[0], sy, a[1]), (sx, 0, 0), (0, 0, sz), tex),  # top
        ]
    return quads


def render(c2w: np.ndarray, focal_px: float, size: tuple[int, int], quads: list[Quad]) -> tuple[np.ndarray, np.ndarray]:
    """RGB uint8 (H,W,3) and the distance along each ray (H,W) of one frame."""
    w, h = size
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32) + 0.5, np.arange(h, dtype=np.float32) + 0.5)
    ray = np.stack([(xs - w / 2) / focal_px, -(ys - h / 2) / focal_px, -np.ones_like(xs)], -1).reshape(-1, 3)
    d = ray @ c2w[:3, :3].T.astype(np.float32)
    c = c2w[:3, 3]
    o = np.array([q.origin for q in quads], float)
    u = np.array([q.u for q in quads], float)
    v = np.array([q.v for q in quads], float)
    n = np.cross(u, v)
    # every ray against every rectangle at once: (pixels, quads)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (np.einsum("qi,qi->q", o - c, n)[None] / (d @ n.T.astype(np.float32))).astype(np.float32)
        uu, vv = np.einsum("qi,qi->q", u, u), np.einsum("qi,qi->q", v, v)
        s = (np.einsum("qi,qi->q", c - o, u) / uu)[None] + t * (d @ (u / uu[:, None]).T.astype(np.float32))
        r = (np.einsum("qi,qi->q", c - o, v) / vv)[None] + t * (d @ (v / vv[:, None]).T.astype(np.float32))
    hit = (t > 1e-6) & (s >= 0) & (s <= 1) & (r >= 0) & (r <= 1)
    t = np.where(hit, t, np.inf)
    best = np.argmin(t, axis=1)
    rows = np.arange(len(d))
    dist, s, r = t[rows, best], s[rows, best], r[rows, best]
    img = np.zeros((len(d), 3), np.float32)
    for k, q in enumerate(quads):
        sel = (best == k) & np.isfinite(dist)
        if not sel.any():
            continue
        tex = texture(q.texture)
        th, tw = tex.shape[:2]
        mx = np.mod(np.where(sel, s, 0) * q.repeat[0] * tw, tw).astype(np.float32).reshape(h, w)
        my = np.mod(np.where(sel, r, 0) * q.repeat[1] * th, th).astype(np.float32).reshape(h, w)
        img[sel] = cv2.remap(tex, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101).reshape(-1, 3)[sel]
    return img.reshape(h, w, 3).clip(0, 255).astype(np.uint8), dist.reshape(h, w)


@dataclass
class Clip:
    """Frames and the true camera of every frame; ``cuts`` are the frames that start a new shot."""

    frames: np.ndarray  # (N,H,W,3) uint8
    c2w: np.ndarray  # (N,4,4) OpenGL camera-to-world
    focal_px: np.ndarray  # (N,)
    fps: float = 24.0
    cuts: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # the move of each shot
    dissolves: list[tuple[int, int]] = field(default_factory=list)  # blended frame ranges [a, b)
    depth0: list[float] = field(default_factory=list)  # median depth near the centre, first frame of each shot


def _pose(eye, target, roll=0.0) -> np.ndarray:
    m = np.eye(4)
    m[:3, :3] = look_at_rotation(eye, target, roll).as_matrix()
    m[:3, 3] = eye
    return m


EYE, TARGET = np.array([0.0, 1.5, 2.0]), np.array([0.0, 1.3, -4.0])

# Each move: (frame fraction s in 0..1) -> (eye, target, roll deg, zoom factor); amounts a cameraman uses.
MOVES = {
    "static": lambda s: (EYE, TARGET, 0.0, 1.0),
    "pan_left": lambda s: (EYE, EYE + Rotation.from_euler("y", 30 * s, degrees=True).apply(TARGET - EYE), 0.0, 1.0),
    "pan_right": lambda s: (EYE, EYE + Rotation.from_euler("y", -30 * s, degrees=True).apply(TARGET - EYE), 0.0, 1.0),
    "tilt_up": lambda s: (EYE, EYE + Rotation.from_euler("x", 20 * s, degrees=True).apply(TARGET - EYE), 0.0, 1.0),
    "tilt_down": lambda s: (EYE, EYE + Rotation.from_euler("x", -20 * s, degrees=True).apply(TARGET - EYE), 0.0, 1.0),
    "roll_left": lambda s: (EYE, TARGET, 20 * s, 1.0),
    "zoom_in": lambda s: (EYE, TARGET, 0.0, 1.0 + 0.6 * s),
    "zoom_out": lambda s: (EYE, TARGET, 0.0, 1.6 - 0.6 * s),
    "push_in": lambda s: (EYE + [0, 0, -1.5 * s], TARGET, 0.0, 1.0),
    "pull_out": lambda s: (EYE + [0, 0, -1.5 + 1.5 * s], TARGET, 0.0, 1.0),
    "truck_right": lambda s: (EYE + [1.2 * s, 0, 0], TARGET + [1.2 * s, 0, 0], 0.0, 1.0),
    "truck_left": lambda s: (EYE + [-1.2 * s, 0, 0], TARGET + [-1.2 * s, 0, 0], 0.0, 1.0),
    "pedestal_up": lambda s: (EYE + [0, 0.8 * s, 0], TARGET + [0, 0.8 * s, 0], 0.0, 1.0),
    # circles the first box (at x 0.9, z -1.4), keeping it in frame
    "arc_left": lambda s: (
        np.array([0.9, 1.4, -1.4]) + Rotation.from_euler("y", -35 * s, degrees=True).apply([-0.9, 0.1, 3.4]),
        np.array([0.9, 0.8, -1.4]), 0.0, 1.0),
    # push in while zooming out so the back wall (6 m ahead) keeps its size in frame. Moving along
    # the lens axis while zooming is a critical motion: the pictures are those of a push with a
    # fixed lens, speeding up, into a room whose back wall is infinitely far (see engine.clone.solve)
    "dolly_zoom_in": lambda s: (EYE + [0, 0, -1.5 * s], TARGET, 0.0, (6.0 - 1.5 * s) / 6.0),
    # the mirror: pull out from 4.5 m before the back wall to 6 m, zooming in to hold it
    "dolly_zoom_out": lambda s: (EYE + [0, 0, -1.5 + 1.5 * s], TARGET, 0.0, (4.5 + 1.5 * s) / 4.5),
    # pure rotation across the room's corner (two walls meet in view)
    "pan_corner": lambda s: (EYE, EYE + Rotation.from_euler("y", -25 - 40 * s, degrees=True).apply(TARGET - EYE), 0.0, 1.0),
}  # fmt: skip
LABEL_OF = {"pan_corner": "pan_right", "static": "static"}


def shot_cameras(kind: str, n: int, focal_px: float, ease: bool = False) -> tuple[np.ndarray, np.ndarray]:
    c2w, focal = [], []
    for i in range(n):
        s = i / max(n - 1, 1)
        if ease:
            s = s * s * (3 - 2 * s)
        eye, target, roll, zoom = MOVES[kind](s)
        c2w.append(_pose(np.asarray(eye, float), np.asarray(target, float), roll))
        focal.append(focal_px * zoom)
    return np.array(c2w), np.array(focal)


def make_clip(
    shots: list[tuple[str, int]],
    size: tuple[int, int] = (320, 180),
    focal_px: float | None = None,
    dissolve: int = 0,
    noise: float = 0.0,
    fps: float = 24.0,
    seed: int = 0,
) -> Clip:
    """Shots (move, frames) played back to back, each in a room of its own textures. With
    ``dissolve`` > 0 the last cut is a cross-dissolve of that many frames, the others hard cuts.

    A dissolve blends the last frames of one shot with the first of the next; its cut (where the
    project's shots meet) is its middle frame, and each frame's true camera is that of the shot it
    falls in."""
    focal_px = focal_px or 0.9 * size[0]  # about 58 degrees across
    frames: list[np.ndarray] = []
    poses, focals, cuts, dissolves, depth0 = [], [], [], [], []
    rng = np.random.default_rng(seed)
    for k, (kind, n) in enumerate(shots):
        quads = room(seed + k)
        c2w, focal = shot_cameras(kind, n, focal_px)
        shot_frames = [render(m, f, size, quads)[0] for m, f in zip(c2w, focal)]
        d = render(c2w[0], focal[0], size, quads)[1]
        h, w = d.shape
        depth0.append(float(np.median(d[h // 3 : 2 * h // 3, w // 3 : 2 * w // 3])))  # along rays: near the centre ~ depth
        if k and dissolve and k == len(shots) - 1:
            a = len(frames) - dissolve
            for j in range(dissolve):
                alpha = (j + 1) / (dissolve + 1)
                mix = (1 - alpha) * frames[a + j].astype(np.float32) + alpha * shot_frames[j].astype(np.float32)
                frames[a + j] = np.round(mix).astype(np.uint8)
            dissolves.append((a, a + dissolve))
            cut = a + dissolve // 2
            keep_prev = len(poses[-1]) - (len(frames) - cut)
            poses[-1], focals[-1] = poses[-1][:keep_prev], focals[-1][:keep_prev]
            frames += shot_frames[dissolve:]
            poses.append(c2w[dissolve // 2 :])
            focals.append(focal[dissolve // 2 :])
            cuts.append(cut)
            continue
        if k:
            cuts.append(len(frames))
        frames += shot_frames
        poses.append(c2w)
        focals.append(focal)
    out = np.stack(frames)
    if noise:
        out = np.clip(out.astype(np.float32) + rng.normal(0, noise, out.shape), 0, 255).astype(np.uint8)
    return Clip(out, np.concatenate(poses), np.concatenate(focals), fps, cuts, [k for k, _ in shots], dissolves, depth0)


def exact_tracks(clip: Clip, quads: list[Quad], tracks: np.ndarray) -> np.ndarray:
    """Where a perfect tracker would put ``tracks`` (frames x tracks x 2, OpenCV pixels, NaN where
    unseen): each track's point is the surface under it in the first frame it is seen (the
    rendered depth there, bilinear), projected through every true camera of the frames it is seen
    in. The solver's error on these is its own; the gap to the real tracks is the tracker's."""
    n = len(tracks)
    h, w = clip.frames.shape[1:3]
    out = np.full(tracks.shape, np.nan)
    seen = np.isfinite(tracks[..., 0])
    first = np.argmax(seen, axis=0)
    ever = seen.any(axis=0)
    for f in np.unique(first[ever]):
        js = np.flatnonzero((first == f) & ever)
        _, depth = render(clip.c2w[f], clip.focal_px[f], (w, h), quads)
        xy = tracks[f, js].astype(np.float32)
        depth = np.where(np.isfinite(depth), depth, 0).astype(np.float32)
        z = cv2.remap(depth, xy[:, 0].reshape(1, -1), xy[:, 1].reshape(1, -1), cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)[0]
        # OpenCV's pixel centres are integers, the renderer's rays pass through (i + 0.5)
        ray = np.c_[(xy[:, 0] + 0.5 - w / 2) / clip.focal_px[f], -(xy[:, 1] + 0.5 - h / 2) / clip.focal_px[f], -np.ones(len(js))]
        world = clip.c2w[f, :3, 3] + (z[:, None] * ray) @ clip.c2w[f, :3, :3].T
        for i in range(n):
            cam = (world - clip.c2w[i, :3, 3]) @ clip.c2w[i, :3, :3]
            ahead = -cam[:, 2] > 1e-6
            u = clip.focal_px[i] * cam[:, 0] / np.where(ahead, -cam[:, 2], 1) + w / 2 - 0.5
            v = -clip.focal_px[i] * cam[:, 1] / np.where(ahead, -cam[:, 2], 1) + h / 2 - 0.5
            keep = seen[i, js] & ahead & (z > 0)
            out[i, js[keep]] = np.c_[u, v][keep]
    return out
