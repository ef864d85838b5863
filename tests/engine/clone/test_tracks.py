"""Feature tracks: a sharply textured surface does not take every track from a smoother one beside it."""

import cv2
import numpy as np

from engine.clone.tracks import track


def _frames(n=6, size=(320, 180), shift=0.5):
    """Grain at full contrast on the left half, the same grain at 6 % contrast on the right (a gravel
    wall beside a photograph), drifting left ``shift`` px a frame."""
    rng = np.random.default_rng(0)
    w, h = size
    base = cv2.GaussianBlur(rng.uniform(0, 255, (h + 8, w + 8 + int(n * shift) + 2)).astype(np.float32), (0, 0), 1.5)
    out = []
    for i in range(n):
        m = np.float32([[1, 0, -i * shift], [0, 1, 0]])
        img = cv2.warpAffine(base, m, (base.shape[1], base.shape[0]), flags=cv2.INTER_LINEAR)[4 : 4 + h, 4 : 4 + w]
        img = img - img.mean()
        img[:, w // 2 :] *= 0.06
        out.append(np.clip(128 + 1.5 * img, 0, 255).astype(np.uint8))
    return np.stack(out)


def test_a_smooth_surface_beside_a_sharp_one_gets_tracks():
    frames = _frames()
    tracks = track(frames)
    x0 = tracks[0, np.isfinite(tracks[0, :, 0]), 0]
    right = int((x0 > frames.shape[2] / 2 + 8).sum())
    assert right >= 0.15 * len(x0), f"{right} of {len(x0)} tracks on the smooth half"
    # and they follow it: every track seen through the clip moved the drift
    moved = tracks[-1] - tracks[0]
    seen = np.isfinite(moved[:, 0])
    assert np.median(np.abs(moved[seen, 0] + 0.5 * (len(frames) - 1))) < 0.2
