"""How well a model renders a procedural sequence, against the true render of the same set.

- ``generate``: the sequence's captions and true cameras through a ``DitPipeline`` (holistic).
- Camera following: per-frame PSNR and SSIM against the true frames; RRE / RTE of the camera motion
  estimated from the frames (OpenCV: Shi-Tomasi corners, pyramidal Lucas-Kanade, the essential
  matrix with the true intrinsics, ``recoverPose``) against the true relative poses.
- Cuts: a content detector (the mean HSV change between frames, as PySceneDetect's ContentDetector,
  against the change of the neighbouring frames) over the shots played back to back; and
  dissolves: spans whose frames are a linear blend of the frames either side, the middle one a
  double exposure that optical flow from neither end explains (``detect_transitions`` gives both,
  to the frame; camera cloning uses it).
- Cross-shot consistency: how alike the colour (hue-saturation) histograms of a sequence's shots are,
  by histogram intersection.

SSIM is Wang et al. 2004 (Gaussian window σ 1.5, K1 0.01, K2 0.03) written here with OpenCV filters:
scikit-image is not a dependency of the app.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from engine.camera.conventions import opengl_to_opencv
from engine.camera.lens import focal_pixels
from engine.train.data import Sequence


def generate(pipe, seq: Sequence, steps: int = 12, seed: int = 0, guidance: float = 3.0, scheduler: str = "unipc", mode: str = "holistic", strength: float = 1.0, noise_keep: float | None = None) -> list[np.ndarray]:
    """The model's frames of every shot of ``seq`` at the data's size, from its captions, true
    cameras and (for a model that follows one) the grey-box control; a model without control
    channels follows the grey-box render by SDEdit when ``strength`` < 1, as the engine does."""
    from engine.render.dit import SampleOptions, ShotSpec

    h, w = seq.shots[0].frames.shape[1:3]
    concat = pipe.conditioning == "concat"
    sdedit = not concat and strength < 1.0
    shots = [ShotSpec(s.prompt, opengl_to_opencv(s.path.c2w), control=s.control if concat else None, control_video=s.greybox if sdedit else None,
                      focal_px=focal_pixels(s.path.focal_mm, s.path.film_back_mm, w)) for s in seq.shots]  # fmt: skip
    opts = SampleOptions(width=w, height=h, steps=steps, seed=seed, text_guidance=guidance, scheduler=scheduler, mode=mode, strength=strength if sdedit else 1.0, noise_keep=noise_keep)
    return pipe.sample(seq.caption, shots, opts)


def with_random_weights(pipe, seed: int = 0):
    """The same pipeline with an untrained network of the same configuration (the floor a trained
    model must clear); its camera encoders get small random weights instead of zeros, like any layer."""
    import torch

    torch.manual_seed(seed)
    config = {k: v for k, v in pipe.transformer.config.items() if not k.startswith("_")}
    fresh = type(pipe.transformer)(**config)
    for block in fresh.blocks:
        torch.nn.init.normal_(block.camera_encoder.proj.weight, std=0.02)
    fresh.fuse_camera_projectors()
    pipe.transformer = fresh.to(pipe.device).eval()
    return pipe


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10.0 * np.log10(255.0**2 / mse)


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean SSIM of two RGB uint8 images (per channel, averaged)."""
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    x, y = a.astype(np.float64), b.astype(np.float64)

    def blur(z):
        return cv2.GaussianBlur(z, (7, 7), 1.5, borderType=cv2.BORDER_REFLECT)

    mx, my = blur(x), blur(y)
    sxx, syy, sxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    s = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
    return float(s.mean())


# -- camera motion ---------------------------------------------------------------------------


def _angle_deg(r: np.ndarray) -> float:
    return float(np.degrees(np.arccos(np.clip((np.trace(r) - 1) / 2, -1.0, 1.0))))


def estimate_relative_pose(a: np.ndarray, b: np.ndarray, focal_px: float) -> tuple[np.ndarray, np.ndarray] | None:
    """R, t (unit) with x_b = R x_a + t in OpenCV camera axes, or None when too little texture tracks."""
    h, w = a.shape[:2]
    ga, gb = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY), cv2.cvtColor(b, cv2.COLOR_RGB2GRAY)
    pts = cv2.goodFeaturesToTrack(ga, 300, 0.01, 3)
    if pts is None or len(pts) < 8:
        return None
    nxt, status, _ = cv2.calcOpticalFlowPyrLK(ga, gb, pts, None, winSize=(9, 9), maxLevel=2)
    good = status.ravel() == 1
    pa, pb = pts[good].reshape(-1, 2), nxt[good].reshape(-1, 2)
    if len(pa) < 8:
        return None
    if float(np.median(np.linalg.norm(pb - pa, axis=1))) < 0.05:
        return np.eye(3), np.zeros(3)  # nothing moved: the camera held still (no essential matrix to find)
    k = np.array([[focal_px, 0, w / 2], [0, focal_px, h / 2], [0, 0, 1]])
    try:
        e, inliers = cv2.findEssentialMat(pa, pb, k, cv2.RANSAC, 0.999, 0.5)
        if e is None or e.shape != (3, 3):
            return None
        _, r, t, _ = cv2.recoverPose(e, pa, pb, k, mask=inliers)
    except cv2.error:  # OpenCV 5 asserts on degenerate tracks (a flat or blank frame) where 4.x returned none
        return None
    return r, t.ravel()


def true_relative_pose(c2w_a: np.ndarray, c2w_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """From OpenGL camera-to-world poses: R, t with x_b = R x_a + t in OpenCV camera axes."""
    a, b = opengl_to_opencv(c2w_a), opengl_to_opencv(c2w_b)
    r = b[:3, :3].T @ a[:3, :3]
    t = b[:3, :3].T @ (a[:3, 3] - b[:3, 3])
    return r, t


@dataclass
class PoseErrors:
    rre: list[float]  # degrees, every pair estimated
    rte: list[float]  # degrees between translation directions, pairs that translate
    tried: int
    failed: int


def pose_errors(frames: np.ndarray, seq_shot, stride: int = 3, min_translation: float = 0.05) -> PoseErrors:
    """RRE / RTE of frame pairs (i, i + stride) of one shot; zooming pairs are left out (the
    estimator assumes one focal length)."""
    path = seq_shot.path
    w = frames.shape[2]
    out = PoseErrors([], [], 0, 0)
    for i in range(0, len(frames) - stride, stride):
        j = i + stride
        if abs(path.focal_mm[j] / path.focal_mm[i] - 1) > 0.02:
            continue
        out.tried += 1
        est = estimate_relative_pose(frames[i], frames[j], float(focal_pixels(path.focal_mm[i], path.film_back_mm, w)))
        if est is None:
            out.failed += 1
            continue
        r, t = est
        r_gt, t_gt = true_relative_pose(path.c2w[i], path.c2w[j])
        out.rre.append(_angle_deg(r @ r_gt.T))
        if np.linalg.norm(t_gt) > min_translation:
            cos = float(t @ t_gt / (np.linalg.norm(t) * np.linalg.norm(t_gt) + 1e-12))
            out.rte.append(float(np.degrees(np.arccos(np.clip(cos, -1, 1)))))
    return out


# -- cuts and consistency --------------------------------------------------------------------


def content_changes(frames: np.ndarray, width: int | None = None) -> np.ndarray:
    """Mean absolute HSV change from each frame to the next (len - 1 values). With ``width`` the
    frames are first shrunk to it (area-averaged): sensor noise and compression then stop
    swinging the hue of grey pixels, which otherwise makes every frame look like a small cut."""
    if width is not None and frames.shape[2] > width:
        h = max(8, int(round(frames.shape[1] * width / frames.shape[2])))
        frames = np.stack([cv2.resize(f, (width, h), interpolation=cv2.INTER_AREA) for f in frames])
    hsv = np.stack([cv2.cvtColor(f, cv2.COLOR_RGB2HSV).astype(np.float32) for f in frames])
    return np.abs(np.diff(hsv, axis=0)).mean(axis=(1, 2, 3))


def detect_cuts(frames: np.ndarray, ratio: float = 3.0, floor: float = 4.0, width: int | None = None) -> list[int]:
    """Frames that start a new shot: a change ``ratio`` × the median change of the two frames on
    either side (a cut is a spike; a fast pan changes every frame alike) and at least ``floor``.
    On the true renders of the held-out sequences cuts score 5–30 and moves at most 1.7."""
    d = content_changes(frames, width)
    cuts = []
    for i, v in enumerate(d):
        around = np.concatenate([d[max(i - 2, 0) : i], d[i + 1 : i + 3]])
        if v > floor and v > ratio * (float(np.median(around)) + 1.0 if len(around) else 1.0):
            cuts.append(i + 1)
    return cuts


@dataclass
class Transition:
    frame: int  # the first frame of the new shot (a dissolve's middle frame)
    kind: str  # "cut" or "dissolve"
    start: int  # first blended frame (== frame for a cut)
    end: int  # one past the last blended frame (== frame for a cut)


def _small_grey(frames: np.ndarray, width: int = 64) -> np.ndarray:
    h, w = frames.shape[1:3]
    size = (width, max(8, int(round(h * width / w))))
    return np.stack([cv2.resize(cv2.cvtColor(f, cv2.COLOR_RGB2GRAY), size, interpolation=cv2.INTER_AREA) for f in frames]).astype(np.float32).reshape(len(frames), -1)


def _small_chroma(frames: np.ndarray, size: tuple[int, int] = (16, 9)) -> np.ndarray:
    """Each frame's chroma (Cr, Cb) averaged over a coarse grid, flattened."""
    return np.stack([cv2.resize(cv2.cvtColor(f, cv2.COLOR_RGB2YCrCb)[..., 1:], size, interpolation=cv2.INTER_AREA) for f in frames]).astype(np.float32).reshape(len(frames), -1)


def _cut_at_or_before(cuts: list[int], a: int) -> int:
    """The first frame of the shot that frame ``a`` is in, by the hard cuts (0 without one)."""
    return max([c for c in cuts if c <= a] + [0])


def _trim_codec_bleed(chroma_step: np.ndarray, a: int, b: int, cuts: list[int]) -> int:
    """A dissolve's start (``a``, the last frame of the shot before it; ``b`` the first frame of the
    next) moved in by a frame where H.264 lent the frame before the blend some of its chroma: a
    B-frame takes a little of the next picture's colour, which jumps the hue histogram (that placed
    the start) a frame early, while the chroma itself moves only part of a blend's step. Taken only
    where the shot before changes its chroma clearly slower than the blend (a push, a zoom; not a
    fast pan, whose chroma moves as fast as a blend's). The end is left alone: there the blend's
    steps shrink as the moving shot fades out, so the same test would misfire."""
    floor = _cut_at_or_before(cuts, a)
    if b - a < 4:
        return a
    blend = float(np.median(chroma_step[a + 1 : b - 1]))
    shot = chroma_step[max(a - 6, floor) : a]
    if len(shot) >= 3 and np.median(shot) < 0.5 * blend and chroma_step[a] < 0.5 * (float(np.median(shot)) + blend):
        return a + 1
    return a


def _blend_residual(g: np.ndarray, a: int, b: int) -> tuple[float, float]:
    """How far frames a+1 .. b-1 are from the linear blend of frames a and b, and how different a
    and b are (mean absolute grey levels)."""
    alpha = ((np.arange(a + 1, b) - a) / (b - a))[:, None]
    blend = (1 - alpha) * g[a] + alpha * g[b]
    return float(np.abs(g[a + 1 : b] - blend).mean()), float(np.abs(g[b] - g[a]).mean())


def detect_dissolves(
    frames: np.ndarray,
    max_len: int = 48,
    min_len: int = 3,
    floor: float = 0.5,
    linearity: float = 0.45,
    hard: list[int] | None = None,
    motion: float = 0.5,
    alike_diff: float = 15.0,
    alike_share: float = 0.7,
) -> list[Transition]:
    """Cross-dissolves of ``min_len`` .. ``max_len`` blended frames: frames that are a blend of the
    frames either side (residual under ``linearity`` × their difference).

    A smooth camera move changes the grey levels nearly linearly too, so a blend must also show two
    shots, told either way:
    - by colour: the two ends' colour histograms apart by more than ``floor`` (1 minus their
      intersection: a 40 degree pan of one room stays under 0.45);
    - or, for two shots of alike colours (the same wall behind both), by motion: the ends at least
      ``alike_diff`` grey levels apart (64 px wide) and the middle frame a double exposure that
      neither end, warped onto it by optical flow, explains (``_motion_share`` over
      ``alike_share``). Flow is dear, so each rejected span marks its middle half as moving and
      spans centred there are not tried again.
    Every dissolve found is dropped if its middle frame is an end moved (``_motion_share`` under
    ``motion``): a tilt whose grey levels change evenly fits a blend and may change colours as a
    cut does."""
    n = len(frames)
    if n < min_len + 2:
        return []
    g = _small_grey(frames)
    hists = np.stack([colour_histogram(f[None]) for f in frames])
    hard = set(hard or [])
    cuts = sorted(hard)
    apart: list[tuple[float, int, int]] = []  # (fit, a, b) of ends apart in colour
    alike: list[tuple[float, int, int]] = []  # and of ends alike in colour, far apart in grey
    for a in range(0, n - min_len - 1):
        for b in range(a + min_len + 1, min(a + max_len + 2, n)):
            if any(a < c <= b for c in hard):
                break
            r, d = _blend_residual(g, a, b)
            if d <= 1e-6 or r >= linearity * d:
                continue
            if 1.0 - float(np.minimum(hists[a], hists[b]).sum()) > floor:
                apart.append((r / d, a, b))
            elif d >= alike_diff:
                alike.append((r / d, a, b))

    def best_first(spans):  # the best-fitting spans first; a span overlapping a better one is the same dissolve
        return sorted(spans, key=lambda x: (x[0] - 0.002 * (x[2] - x[1])))

    out: list[tuple[int, int]] = []
    taken = np.zeros(n, bool)
    # change frame to frame: of the grey levels (which a blend paces evenly) and of the colours
    # (which move little with the camera); each dissolve's end is placed on the steadier of the two
    step = (np.abs(np.diff(g, axis=0)).mean(axis=1), 1.0 - np.minimum(hists[1:], hists[:-1]).sum(axis=1))
    for _, a, b in best_first(apart):
        if taken[a : b + 1].any():
            continue
        a, b = _refine_ends(step, a, b, hard=cuts)
        taken[a : b + 1] = True
        out.append((a, b))
    moving = np.zeros(n, bool)
    for _, a, b in best_first(alike):
        if taken[a : b + 1].any() or moving[(a + b) // 2]:
            continue
        if _motion_share(frames, a, b) < alike_share:
            quarter = (b - a) // 4
            moving[a + quarter : b - quarter + 1] = True
            continue
        a, b = _refine_ends(step, a, b, hard=cuts)
        taken[a : b + 1] = True
        out.append((a, b))
    # a long dissolve over moving shots fits as two blends end to end: one dissolve
    merged: list[list[int]] = []
    for a, b in sorted(out):
        if merged and a <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    result = []
    chroma_step = np.abs(np.diff(_small_chroma(frames), axis=0)).mean(axis=1) if merged else np.zeros(0)
    for a, b in merged:
        # pieces fitted apart overshoot where they meet the shots, and a blend out of a fast move fits
        # only in part (the moving shot's frames drift from its end frame): its colours change at the
        # blend's pace up to 8 frames beyond the fitted part
        a, b = _refine_ends(step, a, b, margin=8, hard=cuts)
        a = _trim_codec_bleed(chroma_step, a, b, cuts)
        if _motion_share(frames, a, b) < motion:
            continue
        first = a + 1  # the first blended frame
        result.append(Transition(first + (b - first) // 2, "dissolve", first, b))
    return result


def _motion_share(frames: np.ndarray, a: int, b: int, width: int = 160) -> float:
    """How much of the middle frame of ``a`` .. ``b`` is left unexplained when either end is
    warped onto it by optical flow (DIS), against half the ends' difference: near 1 for a blend
    (each end explains only its own half of a double exposure), well under 1 for a camera move
    (the middle frame is either end moved half the way; a tilt whose grey levels change evenly fits
    a blend as well as a dissolve does)."""
    h, w = frames.shape[1:3]
    size = (width, max(16, int(round(h * width / w))))
    ga, gm, gb = (cv2.resize(cv2.cvtColor(frames[i], cv2.COLOR_RGB2GRAY), size, interpolation=cv2.INTER_AREA) for i in (a, (a + b) // 2, b))
    yy, xx = np.mgrid[0 : size[1], 0 : size[0]].astype(np.float32)
    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    m = 8  # the border, where a warp has nothing to bring in

    def unexplained(src: np.ndarray) -> float:
        flow = dis.calc(gm, src, None)  # where each pixel of the middle frame is in ``src``
        warped = cv2.remap(src, xx + flow[..., 0], yy + flow[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        return float(np.abs(warped.astype(np.float32) - gm)[m:-m, m:-m].mean())

    d = float(np.abs(ga.astype(np.float32) - gb)[m:-m, m:-m].mean())
    return min(unexplained(ga), unexplained(gb)) / (0.5 * d + 1e-6)


def _grey_histogram(frame: np.ndarray, bins: int = 32) -> np.ndarray:
    # brightness, not hue: a blend shifts the hue of grey pixels far more than their brightness
    hist = cv2.calcHist([cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)], [0], None, [bins], [0, 256]).ravel()
    return hist / max(hist.sum(), 1.0)


def histogram_cuts(frames: np.ndarray, floor: float = 0.2, ratio: float = 3.0) -> list[int]:
    """Frames whose brightness histogram jumps from the previous one's (1 minus the intersection over
    ``floor`` and ``ratio`` x that of the frames around): a cut that a fast pan's per-pixel change
    hides, since a pan keeps the colours it shows."""
    hists = np.stack([_grey_histogram(f) for f in frames])
    d = 1.0 - np.minimum(hists[1:], hists[:-1]).sum(axis=1)
    cuts = []
    for i, v in enumerate(d):
        around = np.concatenate([d[max(i - 2, 0) : i], d[i + 1 : i + 3]])
        if v > floor and v > ratio * (float(np.median(around)) if len(around) else 0.0) + 0.02:
            # a cut is done in one frame; a dissolve keeps changing the colours after it
            later = 1.0 - float(np.minimum(hists[i + 1], hists[min(i + 4, len(hists) - 1)]).sum())
            if later < 0.5 * v:
                cuts.append(i + 1)
    return cuts


def _split(step: np.ndarray, lo: int, hi: int, first: int, last: int, blend_first: bool) -> tuple[float, int] | None:
    """The best place to split ``step[lo:hi]`` into two runs of steady change (least squares of two
    constant pieces), the split ``k`` in ``first .. last``: steps ``lo .. k-1`` on one side, ``k ..
    hi-1`` on the other. Returns (contrast, k): the blend's side minus the shot's side over their
    pooled spread, positive when the blend (``blend_first``: the first run) changes faster."""
    best = None
    for k in range(max(first, lo + 2), min(last, hi - 2) + 1):
        x, y = step[lo:k], step[k:hi]
        sse = float(((x - x.mean()) ** 2).sum() + ((y - y.mean()) ** 2).sum())
        if best is None or sse < best[0]:
            best = (sse, k, x, y)
    if best is None:
        return None
    _, k, x, y = best
    blend, shot = (x, y) if blend_first else (y, x)
    spread = np.sqrt(best[0] / max(len(x) + len(y) - 2, 1)) + 1e-9
    return (float(blend.mean() - shot.mean()) / spread, k)


def _refine_ends(steps: tuple[np.ndarray, ...], a: int, b: int, margin: int = 2, hard: list[int] | tuple[int, ...] = ()) -> tuple[int, int]:
    """Move a dissolve's ends (``a`` the last frame of one shot, ``b`` the first of the next) to
    where the picture stops changing at the blend's pace: a blend with camera motion fits a span a
    frame short or long about as well as the true one, and pieces fitted apart can run several
    frames into the next shot (its own motion fits a blend too).

    Inside a blend every frame changes at about one pace (a linear blend moves each frame the same
    share of the way from one shot to the other) and at each end the change falls to the motion of
    the shot on that side. Each end is the change point between the two: from the span's middle out
    to 10 steps past the end, the split into two steady runs that fits best (least squares), on
    whichever measure of change (``steps``: grey levels, colours) separates the runs by the most
    spreads — grey levels in a textured room, colours where the next shot's motion changes the grey
    levels as fast as the blend does. An end moves at most ``margin`` frames outward and back to
    the middle inward, and is left alone when neither measure tells blend from shot by 2 spreads.
    The runs stop short of the hard cuts (``hard``: first frames of shots) on either side: a cut's
    one huge step would outweigh every other."""
    n = len(steps[0]) + 1
    if b <= a:
        return a, b
    mid = (a + b + 1) // 2
    floor = _cut_at_or_before(hard, a)  # step c - 1 is the cut's
    ceiling = min([c - 1 for c in hard if c > b] + [n - 1])
    ends = []
    for side in ("start", "end"):
        best = None
        for step in steps:
            if side == "start":
                found = _split(step, max(a - margin - 10, floor), mid, max(a - margin, floor), mid - 1, blend_first=False)
            else:
                found = _split(step, mid, min(b + margin + 10, ceiling), mid + 1, min(b + margin, ceiling), blend_first=True)
            if found is not None and (best is None or found[0] > best[0]):
                best = found
        keep = a if side == "start" else b
        ends.append(best[1] if best is not None and best[0] >= 2.0 else keep)
    lo, hi = ends
    return (lo, hi) if hi - lo >= 2 else (a, b)


def detect_transitions(frames: np.ndarray) -> list[Transition]:
    """Hard cuts (``detect_cuts`` on shrunk frames, or ``histogram_cuts``) and dissolves
    (``detect_dissolves``), in frame order."""
    cuts = sorted(set(detect_cuts(frames, width=64)) | set(histogram_cuts(frames)))
    out = [Transition(c, "cut", c, c) for c in cuts] + detect_dissolves(frames, hard=cuts)
    return sorted(out, key=lambda t: t.frame)


def cut_scores(found: list[int], true: list[int], tolerance: int = 1) -> tuple[int, int, int]:
    """(true positives, false positives, missed) matching each true cut to one found within tolerance."""
    left = list(found)
    tp = 0
    for c in true:
        near = [f for f in left if abs(f - c) <= tolerance]
        if near:
            left.remove(min(near, key=lambda f: abs(f - c)))
            tp += 1
    return tp, len(left), len(true) - tp


def colour_histogram(frames: np.ndarray) -> np.ndarray:
    hsv = np.concatenate([cv2.cvtColor(f, cv2.COLOR_RGB2HSV) for f in frames])
    hist = cv2.calcHist([hsv], [0, 1], None, [18, 8], [0, 180, 0, 256]).ravel()
    return hist / max(hist.sum(), 1.0)


def warp_error(frames: np.ndarray, seq_shot) -> float:
    """How much a shot's pictures boil: the mean absolute change (grey levels, RGB) of each pixel
    from the frame before, carried along the shot's true geometry (its control's depth and cameras),
    over the pixels whose surface both frames see. A rendered shot whose surfaces keep their look as
    the camera moves scores low; one that repaints them every frame scores high."""
    from engine.render.noise_warp import control_depth, correspondence

    depth = control_depth(seq_shot.control)
    c2w = opengl_to_opencv(seq_shot.path.c2w)
    focal = focal_pixels(seq_shot.path.focal_mm, seq_shot.path.film_back_mm, frames.shape[2])
    errors = []
    for t in range(1, len(frames)):
        idx, ok = correspondence(depth[t], c2w[t], float(focal[t]), depth[t - 1], c2w[t - 1], float(focal[t - 1]))
        if ok.any():
            now, before = frames[t].reshape(-1, 3).astype(np.float64), frames[t - 1].reshape(-1, 3).astype(np.float64)[idx]
            errors.append(float(np.abs(now - before)[ok].mean()))
    return float(np.mean(errors)) if errors else 0.0


def cross_shot_consistency(shots: list[np.ndarray]) -> float:
    """Mean histogram intersection (0–1) of every pair of shots of a sequence."""
    hists = [colour_histogram(s) for s in shots]
    pairs = [(i, j) for i in range(len(hists)) for j in range(i + 1, len(hists))]
    return float(np.mean([np.minimum(hists[i], hists[j]).sum() for i, j in pairs])) if pairs else 1.0
