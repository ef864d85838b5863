"""Draw mode: draw a shot's camera path with the mouse in the 3D viewport.

Left-drag draws a stroke on the drawing surface: the ground plane at the chosen camera height, a
vertical plane through a subject facing the view (crane-like moves, best in the front or side
view), or the top view (flat, looking down) at that height. Shift+drag adds to the stroke just
drawn (the two land as one step); Esc while drawing drops the stroke and changes nothing;
Ctrl+click picks what to look at: a subject near the mouse (aim "subject") or the ground point
under it (aim "point"). Right-drag pans and middle-drag orbits as outside draw mode.

On release the stroke becomes the selected shot's camera (engine.camera.stroke): smoothed, timed,
aimed, fitted to keys through ``bake_keys`` and put in as ONE undo step. A stroke that starts and
ends on the shot's existing path replaces only the frames between. What the drawn move reads as
(engine.analysis.describe) shows beside the stroke and in the inspector.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from app.viewport3d.stroke_layer import StrokeLayer
from app.viewport3d.view_math import named_view, ray_plane_y
from engine.analysis.describe import describe_context
from engine.analysis.shot_context import shot_context
from engine.camera.conventions import look_at_rotation
from engine.camera.interpolate import aim_heights, subject_positions
from engine.camera.path import CameraPath
from engine.camera.stroke import AIM_MODES, TIMINGS, Stroke, along_rotations, covered_frames, draw_on_shot
from engine.errors import ShotlineError

PLANES = ("ground", "subject", "top")
SNAP_PX = 14.0  # a stroke whose ends are this close to the shot's path (on screen) redraws only between them
PICK_PX = 24.0  # Ctrl+click this close to a subject's axis picks it
MIN_STEP_PX = 2.0  # mouse moves shorter than this add no point
SMOOTH_PX = 4.0  # the stroke is smoothed over this many pixels (a hand's tremor, not its intent)
UNDO_TEXT = "Draw camera path"


@dataclass
class DrawSettings:
    plane: str = "ground"  # ground | subject | top
    height: float = 1.6  # camera height (m) for the ground plane and the top view
    aim: str = "along"  # subject | along | keep | point
    subject: str = ""  # the subject looked at (aim subject) and drawn through (plane subject)
    point: tuple[float, float, float] | None = None  # looked at with aim "point"
    timing: str = "even"  # hand | even | ease
    look_at_height: float = 0.9  # of the subject's height


class DrawTool:
    """The viewport's draw mode; the viewport hands it mouse events while it is active."""

    def __init__(self, viewport, clock=time.monotonic):
        self.viewport = viewport
        self.clock = clock  # seconds; the hand's timing (tests give their own)
        self.settings = DrawSettings()
        self.layer = StrokeLayer(viewport.view.scene, viewport.screen)
        self.active = False
        self.on_drawing = lambda drawing: None  # told when a stroke starts / ends (the Esc action follows it)
        self.on_settings = lambda: None  # told when Ctrl+click picked what to aim at
        self.last_description = ""
        self._points: list[np.ndarray] = []
        self._times: list[float] = []
        self._pixels: list[np.ndarray] = []
        self._prefix: Stroke | None = None  # Shift: the stroke being added to
        self._plane: tuple[np.ndarray, np.ndarray] | None = None  # (point, normal) of the surface this stroke is on
        self._landed: tuple[Stroke, str, int, object] | None = None  # last stroke, shot id, undo index, project before

    @property
    def document(self):
        return self.viewport.document

    @property
    def drawing(self) -> bool:
        return self._plane is not None

    # -- mode ---------------------------------------------------------------------------------

    def set_active(self, on: bool) -> None:
        if on == self.active:
            return
        self.cancel()
        self.active = on
        if not on:
            self.layer.hide()
            self._landed = None
        elif self.settings.plane == "top":
            self.viewport.set_named_view("top")
        self.viewport.canvas.update()

    def set_plane(self, plane: str) -> None:
        if plane not in PLANES:
            raise ShotlineError(f"unknown drawing surface {plane!r} (one of {', '.join(PLANES)})", "draw", "plane")
        self.settings.plane = plane
        if plane == "top" and self.active:
            self.viewport.set_look_through(False)
            self.viewport.set_orbit(named_view(self.viewport.orbit, "top"))

    def set_aim(self, aim: str, subject: str | None = None, point=None) -> None:
        if aim not in AIM_MODES:
            raise ShotlineError(f"unknown aim {aim!r} (one of {', '.join(AIM_MODES)})", "draw", "aim")
        self.settings.aim = aim
        if subject is not None:
            self.settings.subject = subject
        if point is not None:
            self.settings.point = tuple(float(v) for v in point)

    def set_timing(self, timing: str) -> None:
        if timing not in TIMINGS:
            raise ShotlineError(f"unknown timing {timing!r} (one of {', '.join(TIMINGS)})", "draw", "timing")
        self.settings.timing = timing

    # -- the drawing surface --------------------------------------------------------------------

    def _subject_name(self) -> str:
        names = [s.name for s in self.document.project.subjects]
        return self.settings.subject if self.settings.subject in names else (names[0] if names else "")

    def _surface(self) -> tuple[np.ndarray, np.ndarray]:
        """(a point on it, its normal) for the stroke about to start."""
        up = np.array([0.0, 1.0, 0.0])
        if self.settings.plane == "subject" and self._subject_name():
            through = np.asarray(self.document.project.subject(self._subject_name()).position, float)
            forward = -self.viewport.view_state().world_to_camera[2, :3]  # the view's forward in the world
            normal = np.array([forward[0], 0.0, forward[2]])
            if np.linalg.norm(normal) > 1e-6:  # seen from above the vertical plane is edge-on: use the ground
                return through, normal / np.linalg.norm(normal)
        return np.array([0.0, self.settings.height, 0.0]), up

    def world_point(self, pixel, surface=None) -> np.ndarray | None:
        """The point of the drawing surface under a pixel (None when the ray misses it)."""
        origin, direction = self.viewport.view_state().ray(np.asarray(pixel, float))
        point, normal = surface if surface is not None else self._surface()
        if normal[1] == 1.0:
            return ray_plane_y(origin, direction, float(point[1]))
        denom = direction @ normal
        if abs(denom) < 1e-9:
            return None
        t = ((point - origin) @ normal) / denom
        return None if t < 0 else origin + t * direction

    # -- mouse (the viewport calls these; True: the event was the tool's) ----------------------------

    def press(self, pixel, button: int, shift: bool, ctrl: bool) -> bool:
        if not self.active or button != 1 or self.viewport.look_through:
            return False
        if ctrl:
            self._pick_aim(pixel)
            return True
        self._prefix = self._reopen_last() if shift else None
        if not shift:
            self._landed = None
        self._plane = self._surface()
        self._points, self._times, self._pixels = [], [], []
        self._add(pixel)
        self.on_drawing(True)
        return True

    def move(self, pixel) -> bool:
        if not self.drawing:
            return False
        if self._pixels and np.hypot(*(np.asarray(pixel, float) - self._pixels[-1])) < MIN_STEP_PX:
            return True
        self._add(pixel)
        return True

    def release(self, pixel) -> bool:
        if not self.drawing:
            return False
        self._add(pixel)
        stroke = self._stroke()
        self._plane = None
        self.on_drawing(False)
        self._land(stroke)
        return True

    def cancel(self) -> None:
        """Esc: drop the stroke being drawn; the project is as it was before it."""
        was = self.drawing
        self._plane = None
        self._points, self._times, self._pixels = [], [], []
        if self._prefix is not None:  # a Shift-continued stroke: the part before it lands again as it was
            self._redo_prefix()
        self._prefix = None
        if was:
            self.layer.hide()
            self.on_drawing(False)
            self.viewport.canvas.update()

    # -- internals -------------------------------------------------------------------------------

    def _add(self, pixel) -> None:
        p = self.world_point(pixel, self._plane)
        if p is None:
            return
        self._points.append(p)
        self._times.append(float(self.clock()))
        self._pixels.append(np.asarray(pixel, float))
        self._preview()

    def _stroke(self) -> Stroke:
        stroke = Stroke.of(np.asarray(self._points).reshape(-1, 3), np.asarray(self._times))
        return self._prefix.then(stroke) if self._prefix is not None else stroke

    def _target_shot(self):
        doc = self.document
        if doc.selected_shot:
            return doc.shot(doc.selected_shot)
        i, _ = self.viewport.playhead_shot()
        return doc.project.shots[i] if i >= 0 else None

    def _reopen_last(self) -> Stroke | None:
        """Shift: take back the last drawn stroke's step so it lands again with what is added."""
        if self._landed is None:
            return None
        stroke, shot_id, index, before = self._landed
        stack = self.document.undo_stack
        if stack.index() != index or stack.text(index - 1) != UNDO_TEXT:
            self._landed = None  # something else was done since: start afresh
            return None
        stack.undo()
        return stroke

    def _redo_prefix(self) -> None:
        stack = self.document.undo_stack
        if self._landed is not None and stack.canRedo() and stack.redoText() == UNDO_TEXT:
            stack.redo()
            stroke = self._landed[0]
            self.layer.show_drawn(stroke.points, self.last_description)

    def _targets(self):
        s = self.settings
        if s.aim == "subject" and self._subject_name():
            name, shot = self._subject_name(), self._target_shot()
            subj = self.document.project.subject(name)
            if shot is None:
                return np.asarray(subj.position, float) + [0.0, s.look_at_height * subj.height, 0.0]
            # Where a drawn camera aimed at them looks at the shot's end: the person as their pose holds them then.
            end = np.array([shot.duration - 1], float)
            ground = subject_positions(self.document.project, shot, name, end)[0]
            return ground + [0.0, float(aim_heights(self.document.project, shot, name, end, s.look_at_height)[0]), 0.0]
        if s.aim == "point":
            return np.asarray(s.point if s.point is not None else self.viewport.orbit.center, float)
        return None

    def _preview(self) -> None:
        """The stroke so far and the camera at its end, aimed as the drawn camera will be."""
        points = np.asarray(self._points).reshape(-1, 3)
        if self._prefix is not None:
            points = np.concatenate([self._prefix.points, points])
        shot = self._target_shot()
        if shot is None or not len(points):
            self.layer.show_stroke(points, None)
            self.viewport.canvas.update()
            return
        old = self.document.camera(shot)
        end = points[-1]
        target = self._targets()
        if target is not None:
            rot = look_at_rotation(end, target)
        elif self.settings.aim == "along" and len(points) > 1:
            rot = along_rotations(points[-min(len(points), 6) :], old.rotations[0])[-1]
        else:
            rot = old.rotations[0]
        c2w = np.eye(4)
        c2w[:3, :3] = rot.as_matrix()
        c2w[:3, 3] = end
        camera = CameraPath(c2w[None], old.focal_mm[-1:], old.film_back_mm, old.fps, shot.name)
        self.layer.show_stroke(points, camera, self.document.shot_index(shot.id))
        self.viewport.canvas.update()

    def _pick_aim(self, pixel) -> None:
        view = self.viewport.view_state()
        best, best_d = None, PICK_PX
        for s in self.document.project.subjects:
            axis = np.asarray(s.position, float) + np.outer(np.linspace(0.0, 1.0, 9), [0.0, s.height, 0.0])
            px, front = view.project(axis)
            d = np.where(front, np.hypot(*(px - np.asarray(pixel, float)).T), np.inf).min()
            if d < best_d:
                best, best_d = s.name, d
        if best is not None:
            self.set_aim("subject", subject=best)
        else:
            origin, direction = view.ray(np.asarray(pixel, float))
            ground = ray_plane_y(origin, direction, 0.0)
            if ground is None:
                return
            self.set_aim("point", point=ground)
        self.on_settings()

    def _land(self, stroke: Stroke) -> None:
        doc = self.document
        shot = self._target_shot()
        before = doc.project
        if shot is None or len(stroke) < 2 or stroke.length < 1e-3:
            self._prefix = None
            self.layer.hide()  # a click, not a stroke: nothing to draw
            return
        old = doc.camera(shot)
        view = self.viewport.view_state()
        snap = SNAP_PX * view.metres_per_pixel(stroke.points[0])
        frames = covered_frames(old.positions, stroke, snap)
        s = self.settings
        subject = self._subject_name() if s.aim == "subject" else None
        aim = s.aim if (s.aim != "subject" or subject) else "along"
        point = self._targets() if aim == "point" else None
        try:
            new, drawn = draw_on_shot(
                doc.project, shot, old, stroke, aim=aim, timing=s.timing, subject=subject, point=point,
                frames=frames, look_at_height=s.look_at_height, smooth_m=SMOOTH_PX * view.metres_per_pixel(stroke.points[0]),
            )
        except ShotlineError:
            self._prefix = None
            self.layer.hide()
            return
        doc.set_shot_fields(shot.id, UNDO_TEXT, keys=new.keys, path_space=new.path_space, pivot=new.pivot, rig=new.rig, move=None)
        doc.select(shot.id, -1)
        self._prefix = None
        self._landed = (stroke, shot.id, doc.undo_stack.index(), before)
        shot = doc.shot(shot.id)
        self.last_description = describe_context(shot_context(doc.project, shot, path=doc.camera(shot))).moves
        self.layer.show_drawn(stroke.points, self.last_description)
        self.viewport.canvas.update()
