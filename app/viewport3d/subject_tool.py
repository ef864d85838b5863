"""Blocking in the viewport: drag a subject on the ground, turn it by its facing handle, key it at
the playhead, and see where each person walks during the shot under the playhead.

Left-drag on a subject (its proxy, where it stands at the playhead) moves it across the ground;
the selected subject shows a facing handle (a diamond on the ground in front of it, joined to it by
a line): drag it round to turn the subject. Each drag is one undo step (``begin_gesture`` on the
first move, ``end_gesture`` on release; a plain click selects and edits nothing). Where an edit
lands follows ``engine.greybox.placing``: into the subject's key at the playhead when the shot keys
that subject, else its own place. Shift+K keys the selected subject at the playhead.

Each keyed subject's path in the shot under the playhead is drawn like a camera path, in a lighter
line of the subject's colour, with a dot on each of its keys. Camera key and aim handles win over
subjects under the mouse, so a key standing in front of a person can still be grabbed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal
from vispy import scene

from app.palette import rgba
from app.viewport3d.view_math import ViewState, ray_plane_y
from engine.camera.interpolate import subject_positions
from engine.errors import ShotlineError
from engine.greybox.placing import facing_towards, key_subject, place_subject, state_at
from engine.project import Project

FACING_HANDLE_M = 0.9  # the handle's distance in front of the subject, on the ground
HANDLE_RADIUS_PX = 9.0
SUBJECT_RADIUS_M = 0.3  # a subject is grabbed within this of its upright axis (or HANDLE_RADIUS_PX)
LIGHTER = 0.45  # a person's path: its colour this far towards white
HANDLE_COLOUR = (1.0, 0.85, 0.3, 1.0)
PATH_STEP = 2  # frames between a path's points


@dataclass
class SubjectDrag:
    name: str
    mode: str  # "move" | "turn"
    anchor: np.ndarray  # ground point under the press
    base: np.ndarray  # where the subject stood at the press
    started: bool = False


def lighter(colour: str, amount: float = LIGHTER) -> tuple[float, float, float, float]:
    r, g, b, _ = rgba(colour)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount, 0.9)


def subject_paths(project: Project, shot_index: int) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(name, path points (N,3), key points (K,3)) of every subject that moves in the shot."""
    shot = project.shots[shot_index]
    out = []
    for subject in project.subjects:
        keys = sorted((k for k in shot.subject_keys if k.subject == subject.name), key=lambda k: k.frame)
        points = np.array([k.position for k in keys], float).reshape(-1, 3)
        if len(keys) < 2 or np.ptp(points, axis=0).max() < 1e-6:
            continue
        frames = np.unique(np.r_[np.arange(0, shot.duration, PATH_STEP), shot.duration - 1])
        out.append((subject.name, subject_positions(project, shot, subject.name, frames), points))
    return out


class SubjectTool(QObject):
    selected = Signal(str)  # the subject picked in the viewport ("" for none)

    def __init__(self, viewport):
        super().__init__(viewport)
        self.vp = viewport
        parent = viewport.view.scene
        self.lines = scene.visuals.Line(parent=parent, width=1.5, connect="segments")  # paths and the facing line
        self.lines.set_gl_state("translucent", depth_test=True)
        self.markers = scene.visuals.Markers(parent=parent)  # path keys and the facing handle
        self.markers.set_gl_state("translucent", depth_test=False)
        self.markers.order = 5
        self.name = ""  # the selected subject
        self.message = ""  # why the last edit was refused, if it was
        self._drag: SubjectDrag | None = None
        self._handle: np.ndarray | None = None  # the facing handle's world point, when one is shown
        self.lines.visible = self.markers.visible = False

    # -- what is shown --------------------------------------------------------------------------

    def select(self, name: str) -> None:
        if name != self.name:
            self.name = name
            self.update()
            self.vp.canvas.update()

    def update(self) -> None:
        """Redraw the paths and the handle for the playhead (the viewport calls this when it moves)."""
        vp, project = self.vp, self.vp.document.project
        i, f = vp.playhead_shot()
        segments, colours, dots, dot_colours = [], [], [], []
        if i >= 0:
            for name, path, keys in subject_paths(project, i):
                colour = lighter(project.subject(name).color)
                lifted = path + [0.0, 0.02, 0.0]  # just above the ground grid
                segments.append(np.stack([lifted[:-1], lifted[1:]], axis=1).reshape(-1, 3))
                colours.append(np.tile(colour, (2 * (len(path) - 1), 1)))
                dots.append(keys + [0.0, 0.02, 0.0])
                dot_colours.append(np.tile(colour, (len(keys), 1)))
        self._handle = None
        if self.name and not vp.look_through and any(s.name == self.name for s in project.subjects):
            position, facing = state_at(project, i if i >= 0 else None, self.name, f)
            a = np.deg2rad(facing)
            handle = position * [1.0, 0.0, 1.0] + FACING_HANDLE_M * np.array([np.sin(a), 0.0, np.cos(a)]) + [0.0, 0.02, 0.0]
            self._handle = handle
            segments.append(np.array([position * [1.0, 0.0, 1.0] + [0.0, 0.02, 0.0], handle]))
            colours.append(np.tile(HANDLE_COLOUR, (2, 1)))
            dots.append(handle[None])
            dot_colours.append(np.array([HANDLE_COLOUR]))
        show = bool(segments) and not vp.look_through
        if show:
            self.lines.set_data(pos=np.concatenate(segments), color=np.concatenate(colours))
            self.markers.set_data(np.concatenate(dots), face_color=np.concatenate(dot_colours), edge_color=(0.06, 0.06, 0.06, 1.0), size=9)
        self.lines.visible = self.markers.visible = show

    # -- picking --------------------------------------------------------------------------------

    def subject_at(self, state: ViewState, pixel) -> str | None:
        """The subject whose proxy (its upright axis, at the playhead) is under the pixel; nearest wins."""
        vp, project = self.vp, self.vp.document.project
        i, f = vp.playhead_shot()
        best, best_d = None, np.inf
        pixel = np.asarray(pixel, float)
        for subject in project.subjects:
            base = subject_positions(project, project.shots[i], subject.name, [f])[0] if i >= 0 else np.asarray(subject.position, float)
            top = base + [0.0, subject.height, 0.0]
            (pa, pb), front = state.project(np.array([base, top]))
            if not front.all():
                continue
            ab = pb - pa
            t = np.clip((pixel - pa) @ ab / max(ab @ ab, 1e-12), 0.0, 1.0)
            d = float(np.linalg.norm(pa + t * ab - pixel))
            reach = max(HANDLE_RADIUS_PX, SUBJECT_RADIUS_M / state.metres_per_pixel(base + t * (top - base)))
            if d <= reach and d < best_d:
                best, best_d = subject.name, d
        return best

    def _on_handle(self, state: ViewState, pixel) -> bool:
        if self._handle is None:
            return False
        px, front = state.project(self._handle[None])
        return bool(front[0]) and float(np.linalg.norm(px[0] - pixel)) <= HANDLE_RADIUS_PX

    def _ground(self, state: ViewState, pixel, height: float) -> np.ndarray | None:
        origin, direction = state.ray(pixel)
        return ray_plane_y(origin, direction, height)

    # -- mouse (the viewport hands presses here first) ------------------------------------------

    def press(self, pixel, button: int) -> bool:
        vp = self.vp
        if button != 1 or vp.look_through or vp.draw.active:
            return False
        hit = vp.hit_at(pixel)
        if hit is not None and hit.kind in ("key", "aim"):
            return False  # camera handles first
        state = vp.view_state()
        pixel = np.asarray(pixel, float)
        i, f = vp.playhead_shot()
        if self._on_handle(state, pixel):
            position, _ = state_at(vp.document.project, i if i >= 0 else None, self.name, f)
            self._drag = SubjectDrag(self.name, "turn", self._handle.copy(), position)
            return True
        name = self.subject_at(state, pixel)
        if name is None:
            return False
        position, _ = state_at(vp.document.project, i if i >= 0 else None, name, f)
        anchor = self._ground(state, pixel, float(position[1]))
        self.select(name)
        self.selected.emit(name)
        self._drag = SubjectDrag(name, "move", position.copy() if anchor is None else anchor, position)
        return True

    def move(self, pixel) -> bool:
        drag = self._drag
        if drag is None:
            return False
        doc = self.vp.document
        ground = self._ground(self.vp.view_state(), np.asarray(pixel, float), float(drag.base[1]))
        if ground is None:
            return True
        if not drag.started:
            doc.begin_gesture(f"{'Turn' if drag.mode == 'turn' else 'Move'} {drag.name}")
            drag.started = True
        i, f = self.vp.playhead_shot()
        shot = i if i >= 0 else None
        if drag.mode == "move":
            after = place_subject(doc.project, shot, drag.name, f, position=drag.base + (ground - drag.anchor) * [1.0, 0.0, 1.0])
        else:
            after = place_subject(doc.project, shot, drag.name, f, facing=facing_towards(drag.base, ground))
        self._edit(after, drag.name)
        return True

    def release(self) -> bool:
        drag, self._drag = self._drag, None
        if drag is None:
            return False
        if drag.started:
            self.vp.document.end_gesture()
        self.update()
        return True

    def key_at_playhead(self) -> bool:
        """Shift+K: key the selected subject where it is at the playhead (one undo step)."""
        doc = self.vp.document
        i, f = self.vp.playhead_shot()
        if not self.name or i < 0:
            return False
        self._edit(key_subject(doc.project, i, self.name, f), self.name, f"Key {self.name}")
        return True

    def _edit(self, after: Project, name: str, text: str | None = None) -> None:
        try:
            self.vp.document.edit(after, text or f"Move {name}")
            self.message = ""
        except ShotlineError as exc:  # e.g. dragged past the world's limits: the last good place stays
            self.message = str(exc)
