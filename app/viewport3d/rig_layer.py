"""Every shot's rig drawn as its real geometry: a dolly's rails with sleepers and end stops, a
crane's base, column, pivot and arm (with its counterweight), a tripod's legs and head, a
Steadicam's sled and its tie to the subject it follows.

All rigs of all shots are ONE line visual (software GL pays per visual: benchmarks/viewport.py),
and its vertices are sent only when what it shows changed: a rig, the selection, or — for a crane
arm and a Steadicam, which move with the camera — the camera at the playhead. Dragging a key of a
shot without a rig, orbiting or scrubbing a shot on a track sends nothing.
"""

from __future__ import annotations

import numpy as np
from vispy import scene

from app.palette import rgba, shot_colour
from engine.camera.path import CameraPath
from engine.camera.rigs import CraneRig, DollyRig, SteadicamRig, TripodRig
from engine.project import Project

HALF_GAUGE_M = 0.31  # a dolly track's rails are about 62 cm apart
SLEEPER_M = 0.6  # a sleeper under the rails this often ...
SLEEPER_HALF_M = 0.45  # ... this long each side of the track's centre
END_STOP_M = 0.2  # the end stops stand this high
CRANE_FOOT_M = 0.8  # half the span of the crane's base
COUNTERWEIGHT = 0.35  # of the arm, behind the pivot
SLED_M = 0.7  # a Steadicam's post below the lens
DIMMED = 0.5  # how much of the shot colour a rig of a shot not selected keeps (against grey)


def dolly_segments(rig: DollyRig) -> np.ndarray:
    """(2N,3) segment ends: two rails, sleepers across them, an end stop at each end."""
    rails = np.asarray(rig.rails, float)
    flat = np.diff(rails, axis=0) * [1.0, 0.0, 1.0]
    flat /= np.maximum(np.linalg.norm(flat, axis=1, keepdims=True), 1e-12)
    across = np.stack([-flat[:, 2], np.zeros(len(flat)), flat[:, 0]], axis=1)
    # Per point, the mean of the pieces either side (a corner's rails meet).
    normal = np.concatenate([across[:1], (across[:-1] + across[1:]) / 2.0, across[-1:]])
    normal /= np.maximum(np.linalg.norm(normal, axis=1, keepdims=True), 1e-12)
    segs = []
    for side in (-1.0, 1.0):
        rail = rails + side * HALF_GAUGE_M * normal
        segs.append(np.stack([rail[:-1], rail[1:]], axis=1).reshape(-1, 3))
    lengths = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(rails, axis=0), axis=1))])
    at = np.arange(0.0, lengths[-1] + 1e-9, SLEEPER_M)
    centre = np.stack([np.interp(at, lengths, rails[:, d]) for d in range(3)], axis=1)
    n = np.stack([np.interp(at, lengths, normal[:, d]) for d in range(3)], axis=1)
    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
    segs.append(np.stack([centre - SLEEPER_HALF_M * n, centre + SLEEPER_HALF_M * n], axis=1).reshape(-1, 3))
    for p, nn in ((rails[0], normal[0]), (rails[-1], normal[-1])):
        up = np.array([0.0, END_STOP_M, 0.0])
        a, b = p - HALF_GAUGE_M * nn, p + HALF_GAUGE_M * nn
        segs.append(np.array([a, a + up, b, b + up, a + up, b + up]))
    return np.concatenate(segs)


def crane_segments(rig: CraneRig, lens: np.ndarray) -> np.ndarray:
    """Base feet, column, a cross at the pivot and the arm from its counterweight to the lens at ``lens``."""
    base, pivot = np.asarray(rig.base, float), rig.pivot
    x, z = np.array([CRANE_FOOT_M, 0.0, 0.0]), np.array([0.0, 0.0, CRANE_FOOT_M])
    arm = np.asarray(lens, float) - pivot
    tail = pivot - COUNTERWEIGHT * arm
    small = 0.12
    return np.array([
        base - x, base + x, base - z, base + z, base, pivot,
        pivot - [small, 0, 0], pivot + [small, 0, 0], pivot - [0, 0, small], pivot + [0, 0, small],
        tail, lens, tail, tail - [0.0, 0.25, 0.0],  # the arm, and the counterweight hanging at its tail
    ])


def tripod_segments(rig: TripodRig) -> np.ndarray:
    """Three legs from the head (just under the lens) to the floor, and the centre column."""
    lens = np.asarray(rig.position, float)
    head = lens - [0.0, 0.12, 0.0]
    floor_y = min(0.0, head[1] - 0.05)
    spread = max(0.25 * (head[1] - floor_y), 0.08)
    feet = [head * [1, 0, 1] + [spread * np.sin(a), floor_y, spread * np.cos(a)] for a in np.deg2rad([0.0, 120.0, 240.0])]
    segs = [p for foot in feet for p in (head, foot)]
    return np.array(segs + [head, lens])


def steadicam_segments(lens: np.ndarray, subject: np.ndarray) -> np.ndarray:
    """The sled's post below the lens and a tie from it to where the subject stands."""
    lens = np.asarray(lens, float)
    bottom = lens - [0.0, SLED_M, 0.0]
    return np.array([lens, bottom, bottom, np.asarray(subject, float)])


class RigLayer:
    """Every shot's rig; ``update`` is called on every document change and playhead move."""

    def __init__(self, parent):
        self.lines = scene.visuals.Line(parent=parent, width=2, connect="segments")
        self.lines.set_gl_state("translucent", depth_test=True)
        self.lines.visible = False
        self._shown: tuple | None = None  # what the visual holds now
        self.uploads = 0  # times vertices were sent (tests and benchmarks read it)
        self.segments: dict[str, np.ndarray] = {}  # by shot id, for tests and picking

    def update(self, project: Project, paths: dict[str, CameraPath], playhead: tuple[int, int], selected: str, sequence=None) -> None:
        index, frame = playhead
        state = []
        for i, shot in enumerate(project.shots):
            if shot.rig is None:
                continue
            live = None
            if isinstance(shot.rig, (CraneRig, SteadicamRig)):  # these move with the camera
                path = paths.get(shot.id)
                f = frame if i == index else 0
                if path is not None:
                    live = tuple(path.positions[min(f, len(path) - 1)])
                    if isinstance(shot.rig, SteadicamRig) and sequence is not None:
                        live = live + tuple(sequence.subject_positions(project, shot, shot.rig.subject)[min(f, shot.duration - 1)])
            state.append((shot.id, i, shot.rig, live, shot.id == selected))
        state = tuple(state)
        if state == self._shown:
            return
        self._shown = state
        self._upload(state)

    def _upload(self, state: tuple) -> None:
        self.segments = {}
        pos, colour = [], []
        for shot_id, i, rig, live, selected in state:
            if isinstance(rig, DollyRig):
                segs = dolly_segments(rig)
            elif isinstance(rig, TripodRig):
                segs = tripod_segments(rig)
            elif live is None:
                continue
            elif isinstance(rig, CraneRig):
                segs = crane_segments(rig, np.asarray(live[:3]))
            else:
                segs = steadicam_segments(np.asarray(live[:3]), np.asarray(live[3:6]) if len(live) >= 6 else np.asarray(live[:3]) * [1, 0, 1])
            self.segments[shot_id] = segs
            rgb = np.asarray(rgba(shot_colour(i))[:3])
            mix = 1.0 if selected else DIMMED
            c = (mix * rgb + (1 - mix) * 0.6, 1.0 if selected else 0.8)
            pos.append(segs)
            colour.append(np.tile([*c[0], c[1]], (len(segs), 1)))
        self.lines.visible = bool(pos)
        if pos:
            self.lines.set_data(pos=np.concatenate(pos), color=np.concatenate(colour))
        self.uploads += 1

    def set_visible(self, visible: bool) -> None:
        self.lines.visible = visible and bool(self.segments)
