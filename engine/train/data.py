"""Procedural training data for the bundled multi-shot DiT: grey-box sets filmed by real camera moves.

A sequence is one random set (a room with a floor and wall colour, 3–6 coloured boxes, spheres and
cylinders, and a mannequin) and 2–4 shots of it. Each shot's camera comes from the move presets
(random start framing, move and amount) or from the rules planner given a director's sentence; its
frames are the shot's whole move sampled at ``frames`` evenly spaced instants and ray cast
(``raycast.py``). Captions: the set in words for the whole sequence ("a red box, a blue sphere and a
mannequin in a green room") and, per shot, the framing and move from the motion analysis. The true
poses (OpenGL camera-to-world, focal length) are kept for measuring camera following.

Everything is drawn from ``numpy.random.default_rng(seed)``: sequence ``seed`` is always the same.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from engine.camera.interpolate import evaluate_shot
from engine.camera.lens import focal_pixels
from engine.camera.moves import Framing, MoveContext, apply_move
from engine.camera.path import CameraPath
from engine.grid.render import View
from engine.project import Project, Shot, Subject
from engine.render.dit_control import CEILING_CODE, FLOOR_CODE, WALL_CODE, encode
from engine.train.raycast import CEILING, FIRST_SOLID, FLOOR, Room, Solid, render, trace

COLOURS = {
    "red": (200, 45, 40), "orange": (230, 130, 30), "yellow": (225, 200, 40), "green": (60, 160, 70),
    "blue": (45, 90, 200), "purple": (130, 60, 170), "pink": (230, 120, 170), "white": (235, 235, 230),
    "black": (35, 35, 40), "teal": (30, 150, 150), "brown": (120, 80, 45),
}  # fmt: skip
ROOM_COLOURS = {
    "grey": (150, 150, 150), "beige": (200, 185, 150), "green": (110, 150, 110), "blue": (110, 130, 170),
    "white": (215, 215, 210), "red": (170, 100, 90), "yellow": (200, 190, 120), "dark": (70, 70, 80),
}  # fmt: skip
SUBJECT = "Mannequin"  # the planner frames subjects by name
FPS = 24.0
# Moves with amounts that keep a 2–4 s shot readable at 16 frames.
PRESET_MOVES = [
    "static", "pan_left", "pan_right", "tilt_up", "tilt_down", "push_in", "pull_out", "truck_left", "truck_right",
    "pedestal_up", "pedestal_down", "crane_up", "crane_down", "arc_left", "arc_right", "zoom_in", "zoom_out",
]  # fmt: skip
PLANNER_SIZES = ["Wide shot", "Full shot", "Medium shot", "Close-up", "Medium close-up"]
PLANNER_MOVES = ["static", "slow push in", "pull out", "arc left", "arc right", "truck left", "truck right", "pan left", "pan right", "crane up", "zoom in", "tilt up"]


@dataclass
class GreyBoxSet:
    room: Room
    room_colour: str
    floor_colour: str
    solids: list[Solid]  # the primitives, then the mannequin's parts
    names: list[str]  # "red box", … one per primitive
    mannequin: Subject
    wall_material: str = "brick"  # what the textured target shows (engine.train.materials)
    floor_material: str = "gravel"
    light: str = "soft daylight"

    @property
    def look(self) -> str:
        """What the caption asks of the picture: "brick walls, gravel floor, warm evening light"."""
        return f"{self.wall_material} walls, {self.floor_material} floor, {self.light}"

    @property
    def caption(self) -> str:
        things = [f"a {n}" for n in self.names] + ["a mannequin"]
        listed = ", ".join(things[:-1]) + " and " + things[-1]
        return f"{self.look}; {listed}"


@dataclass
class SequenceShot:
    path: CameraPath  # the sampled frames' cameras (OpenGL c2w), one per frame
    prompt: str  # framing and move in words
    frames: np.ndarray  # (F, H, W, 3) uint8: the target, photo-textured and lit as the caption says
    source: str  # "preset:<move>" or "planner:<sentence>"
    greybox: np.ndarray | None = None  # (F, H, W, 3) uint8: the untextured grey-box render
    control: np.ndarray | None = None  # (F, H, W, 7) float32: depth, world normal, flat colour (dit_control)


@dataclass
class Sequence:
    seed: int
    set: GreyBoxSet
    shots: list[SequenceShot]

    @property
    def caption(self) -> str:
        return self.set.caption


def _place(rng, taken: list[tuple[np.ndarray, float]], radius: float, spread: float) -> np.ndarray:
    """A floor point at most ``spread`` from the origin, clear of what is already placed."""
    for _ in range(200):
        p = np.array([rng.uniform(-spread, spread), 0.0, rng.uniform(-spread, spread)])
        if all(np.linalg.norm(p - q) > radius + r + 0.3 for q, r in taken):
            return p
    return np.array([spread + radius, 0.0, spread + radius])


def random_set(rng: np.random.Generator) -> GreyBoxSet:
    room_colour = str(rng.choice(list(ROOM_COLOURS)))
    floor_colour = str(rng.choice([c for c in ROOM_COLOURS if c != room_colour]))
    height = float(rng.uniform(1.6, 1.9))
    taken: list[tuple[np.ndarray, float]] = [(np.zeros(3), 0.5)]  # the mannequin at the origin
    solids, names = [], []
    for _ in range(int(rng.integers(3, 7))):
        kind = str(rng.choice(["box", "sphere", "cylinder"]))
        colour = str(rng.choice(list(COLOURS)))
        if kind == "box":
            size = (float(rng.uniform(0.4, 1.4)), float(rng.uniform(0.4, 1.6)), float(rng.uniform(0.4, 1.4)))
        elif kind == "sphere":
            d = float(rng.uniform(0.4, 1.2))
            size = (d, d, d)
        else:
            d = float(rng.uniform(0.3, 0.9))
            size = (d, float(rng.uniform(0.5, 2.0)), d)
        solid = Solid(kind, (0.0, 0.0, 0.0), size, COLOURS[colour], float(rng.uniform(0, 90)))
        base = _place(rng, taken, solid.radius, 3.5)
        taken.append((base, solid.radius))
        solids.append(Solid(kind, tuple(base), size, COLOURS[colour], solid.yaw_deg))
        names.append(f"{colour} {kind}")
    skin = str(rng.choice(list(COLOURS)))
    body = Solid("cylinder", (0.0, 0.0, 0.0), (0.36, height * 0.86, 0.36), COLOURS[skin])
    head = Solid("sphere", (0.0, height * 0.86, 0.0), (height * 0.14,) * 3, COLOURS[skin])
    mannequin = Subject(name=SUBJECT, position=(0.0, 0.0, 0.0), height=height, color="#{:02x}{:02x}{:02x}".format(*COLOURS[skin]))
    room = Room((-8.0, 8.0), (-8.0, 8.0), 4.0, ROOM_COLOURS[floor_colour], ROOM_COLOURS[room_colour])  # grown to fit the cameras
    return GreyBoxSet(room, room_colour, floor_colour, solids + [body, head], names, mannequin)


def _preset_shot(rng, subject: Subject, index: int) -> Shot:
    """A random start framing on the mannequin and a random preset move."""
    seconds = float(rng.uniform(2.0, 4.0))
    frames = int(round(seconds * FPS))
    distance = float(rng.uniform(2.2, 6.5))
    azimuth = float(rng.uniform(0, 2 * np.pi))
    eye = np.array([distance * np.sin(azimuth), rng.uniform(1.0, 2.6), distance * np.cos(azimuth)])
    target = np.array([rng.normal(0, 0.4), rng.uniform(0.6, 1.6), rng.normal(0, 0.4)])
    focal = float(rng.choice([18.0, 24.0, 28.0, 35.0, 50.0]))
    move = str(rng.choice(PRESET_MOVES))
    ctx = MoveContext(Framing.looking_at(eye, target, focal), frames, FPS, subject, "ease", target)
    camera = apply_move(move, ctx)
    shot = Shot(id=f"s{index}", name=move, duration=frames, keys=camera.keys)
    shot.lens.focal_mm = focal
    return camera.apply_to(shot)


def _planner_shots(rng, project: Project, count: int) -> tuple[list[Shot], list[str]]:
    from engine.planner.plan import plan_text

    sentences = [f"{rng.choice(PLANNER_SIZES)} of {SUBJECT}, {rng.choice(PLANNER_MOVES)}." for _ in range(count)]
    text = " ".join(sentences)
    plan = plan_text(text, project, seed=int(rng.integers(1 << 30)))
    return plan.to_project(project).shots, sentences


def _clear_of_solids(path: CameraPath, solids: list[Solid]) -> bool:
    for p in path.positions:
        if p[1] < 0.3:
            return False
        for s in solids:
            flat = np.hypot(p[0] - s.base[0], p[2] - s.base[2])
            if flat < s.radius + 0.3 and p[1] < s.base[1] + s.size[1] + 0.3:
                return False
    return True


def make_sequence(seed: int, size: tuple[int, int] = (96, 64), frames: int = 16, shots: int | None = None, tries: int = 20) -> Sequence:
    """Sequence ``seed``: a set and 2–4 shots of ``frames`` frames at ``size`` (width, height)."""
    from engine.analysis.describe import describe_project

    rng = np.random.default_rng(seed)
    grey = random_set(rng)
    n = int(shots or rng.integers(2, 5))
    project = Project(name=f"procedural {seed}", fps=FPS, aspect=size[0] / size[1], subjects=[grey.mannequin])
    for _ in range(tries):
        use_planner = rng.random() < 0.4
        if use_planner:
            made, sentences = _planner_shots(rng, project, n)
            sources = [f"planner:{s}" for s in sentences]
        else:
            made = [_preset_shot(rng, grey.mannequin, i) for i in range(n)]
            sources = [f"preset:{s.name}" for s in made]
        candidate = project.model_copy(update={"shots": made})
        paths = [evaluate_shot(candidate, s, np.linspace(0, s.duration - 1, frames)) for s in made]
        if all(_clear_of_solids(p, grey.solids) for p in paths):
            break
    grey = _room_around(grey, np.concatenate([p.positions for p in paths]))
    from engine.train.materials import FLOOR_MATERIALS, LIGHTS, WALL_MATERIALS

    wall = str(rng.choice(WALL_MATERIALS))
    grey = replace(grey, wall_material=wall, floor_material=str(rng.choice([m for m in FLOOR_MATERIALS if m != wall])), light=str(rng.choice(list(LIGHTS))))
    descriptions = describe_project(candidate).shots
    film_back = candidate.film_back_mm()
    out = []
    for shot, path, desc, source in zip(made, paths, descriptions, sources):
        path = CameraPath(path.c2w, path.focal_mm, film_back, FPS * frames / max(shot.duration, 1), shot.name)
        passes = [shot_passes(view_of(path, i, size), grey) for i in range(frames)]
        target, greybox, control = (np.stack(p) for p in zip(*passes))
        out.append(SequenceShot(path, desc.text, target, source, greybox, control))
    return Sequence(seed, grey, out)


def shot_passes(view: View, grey: GreyBoxSet) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One frame: the textured target, the untextured grey-box render and the control (H, W, 7)."""
    from engine.train.materials import textured

    hits = trace(view, grey.room, grey.solids)
    shape = (view.height, view.width)
    solid_rgb = np.asarray([s.rgb for s in grey.solids], float)
    target = textured(hits, solid_rgb, grey.wall_material, grey.floor_material, grey.light, shape)
    s = hits.surface
    flat = np.empty((len(s), 3), np.uint8)
    flat[:] = WALL_CODE
    flat[s == FLOOR] = FLOOR_CODE
    flat[s == CEILING] = CEILING_CODE
    solid = s >= FIRST_SOLID
    flat[solid] = solid_rgb[s[solid] - FIRST_SOLID].astype(np.uint8)
    control = encode(hits.depth.reshape(shape), hits.normal.reshape(*shape, 3), flat.reshape(*shape, 3))
    return target, render(view, grey.room, grey.solids, hits), control


def _room_around(grey: GreyBoxSet, cameras: np.ndarray) -> GreyBoxSet:
    """The room at least 16 m square and 4 m high, grown to hold every camera with 1.5 m to spare."""
    reach = max(8.0, float(np.abs(cameras[:, [0, 2]]).max()) + 1.5)
    height = max(4.0, float(cameras[:, 1].max()) + 1.0)
    room = Room((-reach, reach), (-reach, reach), height, grey.room.floor_rgb, grey.room.wall_rgb)
    return replace(grey, room=room)


def view_of(path: CameraPath, frame: int, size: tuple[int, int]) -> View:
    """The pinhole of frame ``frame`` at ``size`` (width, height), as the camera-grid renderer makes it."""
    w, h = size
    return View(path.c2w[frame], float(focal_pixels(path.focal_mm[frame], path.film_back_mm, w)), w, h)
