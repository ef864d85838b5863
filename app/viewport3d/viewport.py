"""The 3D viewport: the set, every shot's camera path and the camera at the playhead, in a vispy
canvas inside the main window.

Navigation (Blender/Maya-like): left-drag on empty space or middle-drag orbits, Shift+left,
right- or Shift+middle-drag pans, the wheel zooms; F frames the selection; 7 / 1 / 3 look from the
top / front / side (flat), 5 toggles flat/perspective, 0 looks through the shot's camera.
Editing: click a key handle to select it and drag it across the ground plane (Shift: up and down);
drag the diamond in front of the selected key to aim it (Shift: tilt). Each drag is one undo step.
Clicking a path selects its shot (the timeline follows). Draw mode (D, app/viewport3d/draw_tool.py):
left-drag draws the shot's camera path. Rigs (app/viewport3d/rig_layer.py) are drawn as their
geometry; a key dragged on a rigged shot lands where the rig can put it (the document snaps it).
Blocking (app/viewport3d/subject_tool.py): drag a subject across the ground, turn it by its facing
handle, Shift+K keys it at the playhead; a moving person's path shows in a lighter line.
In the look-through the picture is the grey-box frame of the shot camera (G: the camera grid).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import vispy
from scipy.spatial.transform import Rotation
from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QVBoxLayout, QWidget

vispy.use(app="pyside6")
from vispy import scene  # noqa: E402  (after choosing the Qt binding)
from vispy.util import keys as vkeys  # noqa: E402

from app.document import Document  # noqa: E402
from app.palette import BACKGROUND_3D  # noqa: E402
from app.viewport3d.draw_bar import DrawBar  # noqa: E402
from app.viewport3d.draw_tool import DrawTool  # noqa: E402
from app.viewport3d.frustum_layer import FrustumLayer  # noqa: E402
from app.viewport3d.ghost_layer import GhostLayer  # noqa: E402
from app.viewport3d.label_layer import LabelLayer  # noqa: E402
from app.viewport3d.look_through_overlay import CAPTION_PX, LookThroughOverlay, bars_colour  # noqa: E402
from app.viewport3d.look_through_picture import LookThroughPicture  # noqa: E402
from app.viewport3d.path_layer import PathLayer  # noqa: E402
from app.viewport3d.picking import Hit, pick  # noqa: E402
from app.viewport3d.rig_layer import RigLayer  # noqa: E402
from app.viewport3d.set_layer import GroundLayer, SubjectsLayer  # noqa: E402
from app.viewport3d.subject_tool import SubjectTool  # noqa: E402
from app.viewport3d.view_math import (  # noqa: E402
    FOV_Y_DEG,
    Orbit,
    ViewState,
    closest_on_vertical,
    delivery_frame,
    look_through_view,
    named_view,
    orbit_view,
    ray_plane_y,
)
from app.viewport3d.pilot_input import PilotKeys  # noqa: E402
from app.viewport3d.gamepad_input import GamepadPilot  # noqa: E402
from app.viewport3d.take_recorder import TakeRecorder  # noqa: E402
from app.viewport3d.vispy_camera import MatrixCamera  # noqa: E402
from engine.camera.pilot import PilotMove, heads_up, piloted  # noqa: E402
from engine.camera.conventions import look_at_rotation, pan_tilt_roll  # noqa: E402
from engine.project import CameraKey  # noqa: E402

ORBIT_DEG_PER_PX = 0.4
WHEEL_ZOOM = 0.85
WHEEL_LENS = 1.1  # pilot: a wheel notch up is 10 % longer lens


@dataclass
class KeyDrag:
    """A key (or its aim) being dragged: where it started and the mouse's anchor in the world."""

    hit: Hit
    start: CameraKey
    vertical: bool
    anchor: np.ndarray  # world point (ground mode) or height (vertical mode) under the press
    base: np.ndarray  # the key position / aim tip when the anchor was taken
    started: bool = False  # the undo step opens at the first move: a plain click edits nothing


class Viewport(QWidget):
    lookThroughChanged = Signal(bool)

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.canvas = scene.SceneCanvas(keys=None, bgcolor=BACKGROUND_3D, size=(800, 500), parent=self)
        self.view = self.canvas.central_widget.add_view(border_width=0)
        # The view fills the canvas, so vispy's clipping to it (a test in every fragment shader of
        # the scene and of the view's direct children) only costs: on software GL it made the
        # look-through's full-frame picture 2-3x dearer. The scene's visuals are not clipped, and the
        # pixel-space layers hang under a plain node (a ViewBox clips its direct children).
        self.view.scene.clip_children = False
        self.screen = scene.Node(parent=self.view, name="screen")
        self.camera = MatrixCamera()
        self.view.camera = self.camera
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas.native)
        self.setMinimumSize(320, 200)
        self._hidden_canvas = QGuiApplication.platformName() == "offscreen"
        if self._hidden_canvas:
            # Qt's offscreen platform cannot show GL widgets, and exposing one leaves vispy's GL state
            # broken; render() still draws into vispy's own framebuffer (tests, screenshots).
            self.canvas.events.draw.block()
            self.canvas.native.hide()

        self.labels = LabelLayer(self.screen)
        self.ground = GroundLayer(self.view.scene)
        self.subjects = SubjectsLayer(self.view.scene, self.labels)
        self.paths = PathLayer(self.view.scene, document.camera, self.labels)
        self.ghosts = GhostLayer(self.view.scene)
        self.rigs = RigLayer(self.view.scene)  # dolly tracks, cranes, tripods, Steadicams
        self.frustum = FrustumLayer(self.view.scene, self.labels, self.paths.set_marks)
        self.overlay = LookThroughOverlay(self.screen)
        self.picture = LookThroughPicture(self.screen)  # the grey-box (or camera grid) through the lens
        self.draw = DrawTool(self)  # draw mode (D): the mouse draws the shot's camera path
        self.draw_bar = DrawBar(self.draw, self)
        self.subject_tool = SubjectTool(self)  # drag subjects, turn them, key them (app/viewport3d/subject_tool.py)
        layout.insertWidget(0, self.draw_bar)

        self.orbit = Orbit()
        self.look_through = False
        self.frame = document.selection.frame  # sequence frame at the playhead
        self._drag: KeyDrag | None = None
        self._nav: tuple[str, np.ndarray, Orbit] | None = None
        self._pending: set[str] = set()
        self._rebuild = True
        self._subjects_seen = None
        self._background = BACKGROUND_3D
        self._bars_colour = bars_colour(BACKGROUND_3D)

        document.shotsChanged.connect(self._on_shots_changed)
        document.shotChanged.connect(self._pending.add)
        document.changed.connect(self.refresh)
        document.selectionChanged.connect(lambda s, k: self._restyle())
        document.selection.events.frame.connect(self.set_frame)  # the playhead is the document's
        self.canvas.events.resize.connect(lambda _e: self._apply_view())
        self.canvas.events.draw.connect(self._before_draw, position="first")
        self.canvas.events.mouse_press.connect(self._on_press)
        self.canvas.events.mouse_move.connect(self._on_move)
        self.canvas.events.mouse_release.connect(self._on_release)
        self.canvas.events.mouse_wheel.connect(self._on_wheel)
        self.recorder = TakeRecorder(document, self)
        self.recorder.recordingChanged.connect(lambda _on: self._apply_view())
        self.pilot_keys = PilotKeys(self)
        self.canvas.native.installEventFilter(self.pilot_keys)
        self.gamepad = GamepadPilot(self)  # a pad (pygame-ce, optional) pilots like the keys
        self.refresh()
        self.frame_all()

    # -- document -> view ------------------------------------------------------------------------

    def _on_shots_changed(self) -> None:
        self._rebuild = True

    def refresh(self) -> None:
        project = self.document.project
        i, _ = self.playhead_shot()
        playhead_changed = self._rebuild or (i >= 0 and project.shots[i].id in self._pending) or self.look_through
        if self._rebuild:
            self.paths.rebuild(project)
            self._rebuild = False
        else:
            for shot_id in self._pending:
                self.paths.update_shot(project, shot_id)
        self._pending.clear()
        self._restyle(update=False)
        if playhead_changed or project.subjects != self._subjects_seen:
            self._update_playhead()  # the frustum and subjects only move with the shot under the playhead
        else:
            self.canvas.update()
        self._subjects_seen = project.subjects

    def _update_rigs(self) -> None:
        doc = self.document
        self.rigs.update(doc.project, self.paths.paths, self.playhead_shot(), doc.selected_shot, doc.sequence)
        self.rigs.set_visible(not self.look_through)

    def _restyle(self, update: bool = True) -> None:
        self.paths.restyle(self.document.project, (self.document.selected_shot, self.document.selected_key))
        self.paths.set_visible(not self.look_through)
        self._update_rigs()
        self.ghosts.lines.visible = bool(self.ghosts.paths) and not self.look_through
        self.labels.update(self.view_state(), self._label_bounds())
        if update:
            self.canvas.update()

    def playhead_shot(self) -> tuple[int, int]:
        """(shot index, frame in the shot) under the playhead; (-1, 0) with no shots."""
        project = self.document.project
        return project.locate(self.frame) if project.shots else (-1, 0)

    def set_frame(self, frame: int) -> None:
        self.frame = int(frame)
        self._update_playhead()

    def _update_playhead(self) -> None:
        project = self.document.project
        i, f = self.playhead_shot()
        shot = project.shots[i] if i >= 0 else None
        path = self.paths.paths.get(shot.id) if shot else None
        self.frustum.update(path, f, i, shot.name if shot else "")
        self.frustum.set_visible(path is not None and not self.look_through)
        self.subjects.update(project, shot, f)
        self._update_rigs()
        self.subject_tool.update()
        self._apply_view()

    # -- the view ----------------------------------------------------------------------------------

    def _canvas_size(self) -> tuple[int, int]:
        # A hidden canvas (Qt's offscreen platform) gets no resize events: keep the scene's size here.
        size = tuple(int(v) for v in self.canvas.size)
        if tuple(int(v) for v in self.canvas.central_widget.size) != size:
            self.canvas.central_widget.size = size
            if self._hidden_canvas:  # vispy learns the framebuffer size only from a shown GL widget
                ratio = self.canvas.native.devicePixelRatioF()
                self.canvas._backend._vispy_set_physical_size(round(size[0] * ratio), round(size[1] * ratio))
        return size

    def _label_bounds(self) -> tuple[float, float, float, float] | None:
        """Looking through, names stay inside the delivery frame (not over the masked bars)."""
        if not self.look_through:
            return None
        w, h = self._canvas_size()
        x, y, fw, fh = delivery_frame(w, h, self.document.project.aspect)
        return (x, y + CAPTION_PX, x + fw, y + fh)  # below the caption line at the frame's top

    def view_state(self) -> ViewState:
        w, h = self._canvas_size()
        if self.look_through:
            i, f = self.playhead_shot()
            path = self.paths.paths.get(self.document.project.shots[i].id) if i >= 0 else None
            if self.recorder.recording:  # the camera being operated, not the keyed one
                c2w, focal = self.recorder.live
                return look_through_view(c2w, focal, self.document.project.film_back_mm(), self.document.project.aspect, w, h)
            if path is not None:
                return look_through_view(path.c2w[f], float(path.focal_mm[f]), path.film_back_mm, self.document.project.aspect, w, h)
        return orbit_view(self.orbit, w, h)

    def _apply_view(self) -> None:
        state = self.view_state()
        if self.look_through:
            i, f = self.playhead_shot()
            shot = self.document.project.shots[i] if i >= 0 else None
            path = self.paths.paths.get(shot.id) if shot else None
            caption = ""
            if shot and path is not None:
                focus = (float(path.focus_m[f]), float(path.t_stop[f])) if path.has_focus else None
                caption = f"{shot.name}  ·  frame {f + 1}/{shot.duration}  ·  {heads_up(path.c2w[f], float(path.focal_mm[f]), self._subject_point(path.c2w[f]), focus)}"
            w, h = self._canvas_size()
            self.overlay.update(w, h, self.document.project.aspect, caption)
        self._show_picture()
        # Under the look-through's picture no scene visual is drawn: their transforms wait, and the
        # masked bars are the canvas's clear colour.
        covered = self.look_through and self.picture.visible and not self._scene_drawn()
        self.camera.set_state(state, defer=covered)
        self.overlay.set_visible(self.look_through, bars_in_clear=covered)
        background = self._bars_colour if covered else BACKGROUND_3D
        if self._background != background:
            self.canvas.bgcolor = self._background = background
        self.labels.update(state, self._label_bounds())
        self.canvas.update()

    def _scene_drawn(self) -> bool:
        return any(c.visible for c in self.view.scene.children if isinstance(c, scene.visuals.VisualNode))

    def _before_draw(self, _event=None) -> None:
        if self._background != BACKGROUND_3D and self._scene_drawn():  # something was shown since
            self.overlay.set_visible(self.look_through)
            self.canvas.bgcolor = self._background = BACKGROUND_3D
        if self.camera.stale and self._scene_drawn():  # the scene's true view
            self.camera.flush()

    def _show_picture(self) -> None:
        """The look-through shows the shot camera's grey-box frame (a draft while a gesture runs);
        the viewport's own proxies and ground grid step aside for it."""
        i, f = self.playhead_shot()
        if not self.look_through or i < 0:
            self.picture.hide()
        else:
            doc = self.document
            path = doc.camera(doc.project.shots[i])
            c2w, focal = self.recorder.live if self.recorder.recording else (path.c2w[f], float(path.focal_mm[f]))
            w, h = self._canvas_size()
            draft = doc.in_gesture or self._nav is not None or self._drag is not None or self.recorder.recording
            base = doc.path.parent if doc.path else None
            self.picture.show(doc.project, path, doc.cameras, i, f, c2w, focal, delivery_frame(w, h, doc.project.aspect), draft, base)
        self.subjects.mesh.visible = bool(self.document.project.subjects) and not self.picture.visible
        self.ground.lines.visible = not self.picture.visible

    def set_look_through_grid(self, on: bool) -> None:
        """G: the camera-grid room instead of the grey-box in the look-through."""
        self.picture.grid = bool(on)
        self._apply_view()

    def set_orbit(self, orbit: Orbit) -> None:
        self.orbit = orbit
        self._apply_view()

    def set_named_view(self, name: str) -> None:
        self.set_look_through(False)
        self.set_orbit(named_view(self.orbit, name))

    def toggle_ortho(self) -> None:
        self.set_orbit(replace(self.orbit, ortho=not self.orbit.ortho))

    def set_look_through(self, on: bool) -> None:
        if on == self.look_through:
            return
        self.look_through = on
        self.gamepad.set_active(on)
        self.frustum.set_visible(not on and bool(self.paths.paths))
        self.subject_tool.update()
        self._restyle(update=False)
        self._apply_view()
        self.lookThroughChanged.emit(on)

    def show_ghosts(self, paths: list[np.ndarray]) -> None:
        self.ghosts.show(paths)
        self._restyle()

    def _fit(self, points: np.ndarray) -> None:
        lo, hi = points.min(axis=0), points.max(axis=0)
        radius = max(float(np.linalg.norm(hi - lo)) / 2.0, 1.0)
        distance = 1.15 * radius / np.sin(np.deg2rad(FOV_Y_DEG) / 2.0)
        self.set_orbit(replace(self.orbit, center=tuple(float(v) for v in (lo + hi) / 2.0), distance=distance))

    def frame_all(self) -> None:
        project = self.document.project
        points = [p.positions for p in self.paths.paths.values()] + [np.asarray([s.position for s in project.subjects]).reshape(-1, 3)]
        points = np.concatenate(points)
        if len(points):
            self._fit(points)

    def frame_selection(self) -> None:
        """F: the selected key, else the selected shot's path and what it looks at, else everything."""
        doc = self.document
        path = self.paths.paths.get(doc.selected_shot)
        if path is None:
            self.frame_all()
            return
        if doc.selected_key >= 0:
            key = self.paths.keys[doc.selected_shot][doc.selected_key]
            self._fit(np.array([key - 1.0, key + 1.0]))
            return
        targets = {k.look_at for k in doc.shot(doc.selected_shot).keys if k.look_at}
        extra = [doc.project.subject(n).position for n in targets]
        self._fit(np.concatenate([path.positions, np.asarray(extra, float).reshape(-1, 3)]))

    # -- pilot mode (look-through) ---------------------------------------------------------------------

    def pilot(self, move: PilotMove) -> None:
        """Operate the camera at the playhead: its key there (added if none) takes the move."""
        doc = self.document
        if not doc.project.shots:
            return
        if self.recorder.recording:  # a take: the live camera moves, the keys come when it stops
            self.recorder.input(move)
            self._apply_view()
            return
        shot, frame = doc.locate()
        if shot.move is not None:  # a kept move: piloting moves its start framing (its one key)
            frame = min(shot.move.start, shot.duration - 1)
        path = doc.camera(shot)
        c2w, focal = piloted(path.c2w[frame], float(path.focal_mm[frame]), move)
        index = doc.add_key(shot.id, frame)
        key = doc.shot(shot.id).keys[index]
        quat = Rotation.from_matrix(c2w[:3, :3]).as_quat()
        update = {"position": tuple(map(float, c2w[:3, 3])), "orientation": tuple(map(float, quat)), "focal_mm": focal, "look_at": None}
        doc.set_key(shot.id, index, key.model_copy(update=update), "Pilot camera")

    def toggle_recording(self) -> None:
        """R in the look-through: record a live take of the shot under the playhead, or stop."""
        if self.recorder.recording:
            self.recorder.stop()
        elif self.look_through and self.document.project.shots:
            self.recorder.start()

    def _look_through_fov(self) -> tuple[float, float]:
        shot, frame = self.document.locate()
        path = self.document.camera(shot)
        w, h = self._canvas_size()
        state = look_through_view(path.c2w[frame], float(path.focal_mm[frame]), path.film_back_mm, self.document.project.aspect, w, h)
        return 2 * np.rad2deg(np.arctan(1.0 / state.projection[0, 0])), 2 * np.rad2deg(np.arctan(1.0 / state.projection[1, 1]))

    def _subject_point(self, c2w: np.ndarray) -> np.ndarray | None:
        """The nearest subject's eye point (for the distance in the heads-up line)."""
        subjects = self.document.project.subjects
        if not subjects:
            return None
        points = np.array([[s.position[0], s.position[1] + 0.93 * s.height, s.position[2]] for s in subjects])
        return points[int(np.argmin(np.linalg.norm(points - c2w[:3, 3], axis=1)))]

    def pixel_of(self, world) -> np.ndarray:
        """Where a world point is drawn, in canvas pixels (for tests and tools)."""
        return self.view_state().project(np.asarray(world, float))[0]

    def render(self) -> np.ndarray:
        """The canvas as RGBA pixels, drawn now."""
        self._apply_view()
        self._before_draw()
        self._make_current()
        return self.canvas.render(alpha=False)

    def _make_current(self) -> None:
        """Draw in this canvas's own GL context.

        Where Qt has no QOpenGLWidget (its offscreen platform, as in the tests), vispy's widget is never
        valid and vispy draws in whatever context is current: its last-made secondary context, which a
        later widget's teardown can leave not current, so framebuffers came back as handle 0 (an
        IndexError deep in vispy, now and then, depending on test order)."""
        native = self.canvas.native
        if native.isValid():
            return  # vispy makes a valid widget current itself
        context, surface = getattr(native, "_secondary_context", None), getattr(native, "_surface", None)
        if context is not None and surface is not None:
            context.makeCurrent(surface)

    # -- mouse ---------------------------------------------------------------------------------------

    def hit_at(self, pixel) -> Hit | None:
        if self.look_through:
            return None
        paths = {k: p.positions for k, p in self.paths.paths.items()}
        return pick(self.view_state(), pixel, self.paths.keys, paths, self.paths.aim)

    @staticmethod
    def _shift(event) -> bool:
        return vkeys.SHIFT in (event.modifiers or ())

    def _on_press(self, event) -> None:
        pixel = np.asarray(event.pos[:2], float)
        if self.draw.press(pixel, event.button, self._shift(event), vkeys.CONTROL in (event.modifiers or ())):
            return
        if self.subject_tool.press(pixel, event.button):
            return
        hit = self.hit_at(pixel) if event.button == 1 else None
        doc = self.document
        if hit is not None and hit.kind in ("key", "aim"):
            doc.select(hit.shot_id, hit.key)
            start = doc.shot(hit.shot_id).keys[hit.key]
            self._drag = self._anchor(KeyDrag(hit, start, False, np.zeros(3), np.zeros(3)), pixel, self._shift(event))
            return
        if hit is not None:
            doc.select(hit.shot_id, -1)
            return
        if self.look_through:
            if event.button == 1 and doc.project.shots:  # pilot: the view turns with the mouse
                doc.begin_gesture("Pilot camera")
                self._nav = ("pilot", pixel, self.orbit)
            return
        if event.button == 2 or (event.button in (1, 3) and self._shift(event)):
            self._nav = ("pan", pixel, self.orbit)
        elif event.button in (1, 3):
            self._nav = ("orbit", pixel, self.orbit)

    def _handle_base(self, drag: KeyDrag) -> np.ndarray:
        if drag.hit.kind == "aim":
            return self.paths.aim[2].copy() if self.paths.aim else np.asarray(drag.start.position, float)
        return np.asarray(self.document.shot(drag.hit.shot_id).keys[drag.hit.key].position, float)

    def _anchor(self, drag: KeyDrag, pixel, vertical: bool) -> KeyDrag:
        """(Re)take the drag's anchor under the mouse: at the press, and when Shift changes."""
        base = self._handle_base(drag)
        origin, direction = self.view_state().ray(pixel)
        if vertical:
            anchor = np.array([0.0, closest_on_vertical(origin, direction, base), 0.0])
        else:
            hit = ray_plane_y(origin, direction, base[1])
            anchor = base.copy() if hit is None else hit
        return replace(drag, vertical=vertical, anchor=anchor, base=base)

    def _dragged_point(self, drag: KeyDrag, pixel) -> np.ndarray:
        origin, direction = self.view_state().ray(pixel)
        if drag.vertical:
            height = closest_on_vertical(origin, direction, drag.base)
            return drag.base + [0.0, height - drag.anchor[1], 0.0]
        hit = ray_plane_y(origin, direction, drag.base[1])
        return drag.base if hit is None else drag.base + (hit - drag.anchor)

    def _on_move(self, event) -> None:
        pixel = np.asarray(event.pos[:2], float)
        if self.draw.move(pixel) or self.subject_tool.move(pixel):
            return
        if self._drag is not None:
            if not self._drag.started:
                self.document.begin_gesture("Aim key" if self._drag.hit.kind == "aim" else "Move key")
                self._drag.started = True
            if self._shift(event) != self._drag.vertical:
                self._drag = self._anchor(self._drag, pixel, self._shift(event))
            self._apply_drag(self._drag, self._dragged_point(self._drag, pixel))
            return
        if self._nav is None:
            return
        mode, start, orbit = self._nav
        d = pixel - start
        if mode == "pilot":
            deg_per_px = self._look_through_fov()[0] / max(self._canvas_size()[0], 1)
            self.pilot(PilotMove(pan=d[0] * deg_per_px, tilt=-d[1] * deg_per_px))
            self._nav = ("pilot", pixel, orbit)  # each move turns from where the last left it
        elif mode == "orbit":
            self.set_orbit(orbit.orbited(-d[0] * ORBIT_DEG_PER_PX, d[1] * ORBIT_DEG_PER_PX))
        else:
            self.set_orbit(orbit.panned(d[0], d[1], self._canvas_size()[1]))

    def _apply_drag(self, drag: KeyDrag, point: np.ndarray) -> None:
        doc = self.document
        shot_id, index = drag.hit.shot_id, drag.hit.key
        key = doc.shot(shot_id).keys[index]
        if drag.hit.kind == "key":
            moved = key.model_copy(update={"position": tuple(float(v) for v in point)})
            doc.set_key(shot_id, index, moved, "Move key")
        else:
            path = self.paths.paths[shot_id]
            roll = float(pan_tilt_roll(path.rotations[key.frame])[2])
            rotation = look_at_rotation(key.position, point, roll)
            aimed = key.model_copy(update={"orientation": tuple(float(v) for v in rotation.as_quat()), "look_at": None})
            doc.set_key(shot_id, index, aimed, "Aim key")

    def _on_release(self, event) -> None:
        if self.draw.release(np.asarray(event.pos[:2], float)) or self.subject_tool.release():
            return
        if self._drag is not None:
            if self._drag.started:
                self.document.end_gesture()
            self._drag = None
        if self._nav is not None and self._nav[0] == "pilot":
            self.document.end_gesture()
        self._nav = None
        if self.look_through:
            self._apply_view()  # the full-size picture again

    def _on_wheel(self, event) -> None:
        if self.look_through and self.document.project.shots:  # pilot: the wheel zooms the lens
            self.document.begin_gesture("Zoom lens")
            self.pilot(PilotMove(zoom=WHEEL_LENS ** float(event.delta[1])))
            self.document.end_gesture()
            return
        if self.look_through:
            return
        self.set_orbit(self.orbit.zoomed(WHEEL_ZOOM ** float(event.delta[1])))
