"""Feature tracks through one shot: Shi-Tomasi corners followed by pyramidal Lucas-Kanade (OpenCV),
kept only when tracking back lands where it started, and topped up where the image has none.

Corners are found region by region (a grid of cells, each judged against its own strongest
corner), then the rest of the budget goes to the strongest anywhere: a sharply textured wall
otherwise takes every track (OpenCV's quality level is relative to the frame's strongest corner),
and the smoother boxes and floor before it, whose parallax tells a move from a zoom, get none."""

from __future__ import annotations

import cv2
import numpy as np

MAX_CORNERS = 300
MIN_DISTANCE_FRACTION = 1 / 40  # of the image width, between corners
FB_TOLERANCE_PX = 0.7  # forward-backward disagreement that drops a track
GRID = (4, 3)  # cells across and down, each with an equal share of half the corner budget


def track(grey: np.ndarray, max_corners: int = MAX_CORNERS) -> np.ndarray:
    """(N frames, T tracks, 2) pixel positions, NaN where a track is not seen."""
    n, h, w = grey.shape
    min_dist = max(3.0, w * MIN_DISTANCE_FRACTION)
    lk = dict(winSize=(15, 15), maxLevel=3, criteria=(cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 20, 0.03))
    tracks: list[list[tuple[int, float, float]]] = []  # per track: (frame, x, y)
    alive: list[int] = []  # indices into tracks
    pts = np.zeros((0, 1, 2), np.float32)

    def top_up(frame: int, img: np.ndarray, pts: np.ndarray) -> np.ndarray:
        mask = np.full((h, w), 255, np.uint8)
        for x, y in pts.reshape(-1, 2):
            cv2.circle(mask, (int(x), int(y)), int(min_dist), 0, -1)
        need = max_corners - len(pts)
        if need < max_corners // 4:
            return pts
        found = []
        share = max_corners // (2 * GRID[0] * GRID[1])
        xs, ys = np.linspace(0, w, GRID[0] + 1).astype(int), np.linspace(0, h, GRID[1] + 1).astype(int)
        have = pts.reshape(-1, 2)
        for x0, x1 in zip(xs[:-1], xs[1:]):
            for y0, y1 in zip(ys[:-1], ys[1:]):
                inside = int(((have[:, 0] >= x0) & (have[:, 0] < x1) & (have[:, 1] >= y0) & (have[:, 1] < y1)).sum())
                if inside >= share:
                    continue
                cell = cv2.goodFeaturesToTrack(img[y0:y1, x0:x1], share - inside, 0.01, min_dist, mask=np.ascontiguousarray(mask[y0:y1, x0:x1]), blockSize=5)
                if cell is not None:
                    cell = cell.reshape(-1, 2) + [x0, y0]
                    found.append(cell)
                    for x, y in cell:
                        cv2.circle(mask, (int(x), int(y)), int(min_dist), 0, -1)
        n_found = sum(len(c) for c in found)
        if need - n_found > 0:
            rest = cv2.goodFeaturesToTrack(img, need - n_found, 0.01, min_dist, mask=mask, blockSize=5)
            if rest is not None:
                found.append(rest.reshape(-1, 2))
        if not found:
            return pts
        new = np.concatenate(found).astype(np.float32).reshape(-1, 1, 2)
        for x, y in new.reshape(-1, 2):
            alive.append(len(tracks))
            tracks.append([(frame, float(x), float(y))])
        return np.concatenate([pts, new])

    pts = top_up(0, grey[0], pts)
    for i in range(1, n):
        if len(pts):
            nxt, st, _ = cv2.calcOpticalFlowPyrLK(grey[i - 1], grey[i], pts, None, **lk)
            back, st2, _ = cv2.calcOpticalFlowPyrLK(grey[i], grey[i - 1], nxt, None, **lk)
            fb = np.linalg.norm((back - pts).reshape(-1, 2), axis=1)
            inside = (nxt[:, 0, 0] >= 0) & (nxt[:, 0, 0] < w) & (nxt[:, 0, 1] >= 0) & (nxt[:, 0, 1] < h)
            ok = (st.ravel() == 1) & (st2.ravel() == 1) & (fb < FB_TOLERANCE_PX) & inside
            keep = []
            for j in np.flatnonzero(ok):
                tracks[alive[j]].append((i, float(nxt[j, 0, 0]), float(nxt[j, 0, 1])))
                keep.append(alive[j])
            alive[:] = keep
            pts = nxt[ok].reshape(-1, 1, 2)
        pts = top_up(i, grey[i], pts)
    out = np.full((n, len(tracks), 2), np.nan)
    for t, obs in enumerate(tracks):
        for f, x, y in obs:
            out[f, t] = (x, y)
    seen = np.isfinite(out[..., 0]).sum(axis=0) >= 2
    return out[:, seen]
