"""One frame of the set as the renderer draws it: instanced unit primitives, user meshes, shadows.

Every subject becomes instances of three unit primitives (a box and a cylinder of extent 1 centred
on the origin, the cylinder along +Y, and a sphere of diameter 1), each a model matrix, a colour
and the subject's id: people from the mannequin's capsules, spheres and boxes, set pieces from
the library's parts, scaled and turned by their facing. ``ids`` 0 and 1 are the sky and the floor;
subjects count from 2 in the project's order, so an id names the same subject in every frame.

A track's parts are made for all its frames at once, the first time one of them is drawn
(``track_drawn``: the mannequin's kinematics and every part's matrix, vectorised over frames) and
kept on the track; building a frame's scene is then slicing those arrays (benchmarks/greybox.py).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine.errors import ShotlineError
from engine.greybox import mannequin as mq
from engine.greybox.blocking import SubjectTrack
from engine.greybox.library import LIBRARY
from engine.project import Subject

SKY_ID, FLOOR_ID, FIRST_SUBJECT_ID = 0, 1, 2
PRIMITIVES = ("box", "cylinder", "sphere", "head")  # "head": a finer sphere, the face reads round
FACE_MARKER_RGB = (0.09, 0.1, 0.12)


def subject_id(index: int) -> int:
    return FIRST_SUBJECT_ID + index


def id_legend(subjects: list[Subject]) -> dict[int, str]:
    """Instance id -> what it is (the id pass's key)."""
    legend = {SKY_ID: "(sky)", FLOOR_ID: "(floor)"}
    legend.update({subject_id(i): s.name for i, s in enumerate(subjects)})
    return legend


def hex_rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i : i + 2], 16) / 255.0 for i in (1, 3, 5))  # type: ignore[return-value]


@dataclass
class Mesh:
    """A user's mesh, unindexed (three vertices a face) with flat normals, in its own metres."""

    key: str
    vertices: np.ndarray  # (V,3) float32
    normals: np.ndarray  # (V,3) float32


Chunk = tuple[np.ndarray, np.ndarray, np.ndarray]  # models (K,4,4) float32, colours (K,3) float32, ids (K,) uint32


@dataclass
class Scene:
    """Instances by primitive, in chunks (a subject's parts of one frame arrive as arrays)."""

    chunks: dict[str, list[Chunk]] = field(default_factory=lambda: {k: [] for k in PRIMITIVES})
    meshes: list[tuple[Mesh, np.ndarray, tuple[float, float, float], int]] = field(default_factory=list)
    shadows: list[tuple[float, float, float]] = field(default_factory=list)  # (x, z, radius) on the floor

    def add(self, kind: str, centre, frame: np.ndarray, size, rgb, ident: int) -> None:
        models = _models(np.asarray(centre, float)[None], np.asarray(frame, float)[None], np.asarray(size, float)[None])
        self.add_many(kind, models, np.asarray([rgb], np.float32), ident)

    def add_many(self, kind: str, models: np.ndarray, colours: np.ndarray, ident: int) -> None:
        if len(models):
            self.chunks[kind].append((models, colours, np.full(len(models), ident, np.uint32)))

    def arrays(self, kind: str) -> Chunk:
        """(K,4,4) float32 models (row-major), (K,3) colours, (K,) uint32 ids."""
        items = self.chunks[kind]
        if not items:
            return np.zeros((0, 4, 4), np.float32), np.zeros((0, 3), np.float32), np.zeros(0, np.uint32)
        if len(items) == 1:
            return items[0]
        return tuple(np.concatenate(parts) for parts in zip(*items))  # type: ignore[return-value]


def _models(centres: np.ndarray, frames: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Model matrices (…,4,4) float32: each frame's columns scaled by the size, then moved to the centre."""
    m = np.zeros(centres.shape[:-1] + (4, 4), np.float32)
    m[..., :3, :3] = frames * np.asarray(sizes)[..., None, :]
    m[..., :3, 3] = centres
    m[..., 3, 3] = 1.0
    return m


def _axis_frames(direction: np.ndarray) -> np.ndarray:
    """Rotations (…,3,3) taking +Y to each ``direction`` (unit, …,3)."""
    y = direction
    helper = np.where((np.abs(y[..., 0]) < 0.9)[..., None], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0])
    x = np.cross(y, helper)
    x /= np.linalg.norm(x, axis=-1, keepdims=True)
    z = np.cross(x, y)
    return np.stack([x, y, z], axis=-1)


def _person_drawn(figures: mq.Figure, rgb) -> dict:
    """Every frame's parts of a person at once: per primitive (N,K,4,4) models and (K,3) colours,
    and the contact shadow per frame (N,3) (NaN where the person is off the floor)."""
    joints, frames, s = figures.joints, figures.frames, figures.scale
    n = len(joints)
    parts: dict[str, list] = {k: [] for k in PRIMITIVES}

    def put(kind, centres, frame, size, colour):
        parts[kind].append((_models(centres, frame, np.broadcast_to(size, centres.shape)), colour))

    eye = np.broadcast_to(np.eye(3), (n, 3, 3))
    for child, parent in mq.BONES:  # limbs and torso: a cylinder each, rounded by the sphere it ends in
        a, b = joints[:, parent], joints[:, child]
        r = float(mq.BONE_RADIUS[mq.JOINTS[child]] * s)
        d = b - a
        length = np.linalg.norm(d, axis=-1)
        ok = length > 1e-6
        unit = np.where(ok[:, None], d / np.maximum(length, 1e-9)[:, None], [0.0, 1.0, 0.0])
        size = np.stack([np.full(n, 2 * r), length, np.full(n, 2 * r)], -1) * ok[:, None]  # a bone of no length draws nothing
        axes = _axis_frames(unit)
        put("cylinder", (a + b) / 2, axes, size, rgb)
        put("sphere", b, axes, (2 * r,) * 3, rgb)  # in the bone's frame: its equator is the cylinder's end ring
    # Only the pelvis starts bones: its sphere rounds the first.
    put("sphere", joints[:, mq.BONES[0][1]], eye, (2 * mq.BONE_RADIUS[mq.JOINTS[mq.BONES[0][0]]] * s,) * 3, rgb)
    head = mq.INDEX["head"]
    head_rgb = tuple(min(1.0, v * 1.1 + 0.04) for v in rgb)
    put("head", joints[:, head], eye, (2 * mq.RADII[head] * s,) * 3, head_rgb)
    for side in ("l", "r"):
        w = mq.INDEX[f"wrist_{side}"]
        put("sphere", joints[:, w] + frames[:, w] @ (np.array([0.0, -0.07, 0.0]) * s), eye, (0.1 * s,) * 3, rgb)
    for side in ("l", "r"):
        a = mq.INDEX[f"ankle_{side}"]
        centre = joints[:, a] + frames[:, a] @ (np.array([0.0, -mq.ANKLE_HEIGHT + mq.FOOT[1] / 2, mq.FOOT_FORWARD]) * s)
        put("box", centre, frames[:, a], np.array(mq.FOOT) * s, tuple(v * 0.6 for v in rgb))
    for x in (-mq.EYE_X, mq.EYE_X):
        eye_centre = joints[:, head] + frames[:, head] @ (np.array([x, mq.FACE_MARKER_OFFSET[1], mq.EYE_Z]) * s)
        put("sphere", eye_centre, eye, (mq.EYE_DIAMETER * s,) * 3, FACE_MARKER_RGB)
    nose = joints[:, head] + frames[:, head] @ (np.array(mq.NOSE_OFFSET) * s)
    put("sphere", nose, eye, (mq.NOSE_DIAMETER * s,) * 3, tuple(v * 0.92 for v in head_rgb))
    drawn = {k: (np.stack([m for m, _ in v], axis=1), np.array([c for _, c in v], np.float32)) for k, v in parts.items() if v}
    pelvis = joints[:, mq.INDEX["pelvis"]]
    on_floor = pelvis[:, 1] < 1.6 * s  # a contact shadow for anyone on (or near) the floor
    drawn["shadow"] = np.where(on_floor[:, None], np.stack([pelvis[:, 0], pelvis[:, 2], np.full(n, 0.42 * s)], -1), np.nan)
    return drawn


def _set_piece_drawn(subject: Subject, positions: np.ndarray, facing: np.ndarray, rgb) -> dict:
    """Every frame's library parts of a set piece: per primitive (N,K,4,4) models, (K,3) colours."""
    turn = mq.yaw_matrix(facing)  # (N,3,3)
    scale = np.asarray(subject.scale, float)
    parts: dict[str, list] = {k: [] for k in PRIMITIVES}
    wheel = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])  # the unit cylinder's +Y along the piece's +X
    for part in LIBRARY[subject.shape]:
        centres = positions + turn @ (np.asarray(part.centre) * scale)
        size = np.asarray(part.size) * scale
        part_rgb = tuple(min(1.0, v * part.shade) for v in rgb)
        if part.kind == "cylinder_x":
            parts["cylinder"].append((_models(centres, turn @ wheel, np.broadcast_to([size[1], size[0], size[2]], centres.shape)), part_rgb))
        else:
            parts[part.kind].append((_models(centres, turn, np.broadcast_to(size, centres.shape)), part_rgb))
    return {k: (np.stack([m for m, _ in v], axis=1), np.array([c for _, c in v], np.float32)) for k, v in parts.items() if v}


def add_figure(scene: Scene, figure: mq.Figure, rgb, ident: int) -> None:
    """One posed figure (a single frame's ``Figure``) into the scene."""
    batch = mq.Figure(figure.joints[None], figure.frames[None], figure.scale)
    _add_drawn(scene, _person_drawn(batch, rgb), 0, ident)


def _add_drawn(scene: Scene, drawn: dict, frame: int, ident: int) -> None:
    for kind, value in drawn.items():
        if kind == "shadow":
            if not np.isnan(value[frame, 0]):
                scene.shadows.append(tuple(float(v) for v in value[frame]))
            continue
        models, colours = value
        scene.add_many(kind, models[frame], colours, ident)


def add_set_piece(scene: Scene, subject: Subject, position, facing_deg: float, rgb, ident: int, mesh: Mesh | None) -> None:
    if mesh is not None:
        m = np.eye(4)
        m[:3, :3] = mq.yaw_matrix(facing_deg) * np.asarray(subject.scale, float)[None, :]
        m[:3, 3] = np.asarray(position, float)
        scene.meshes.append((mesh, m, rgb, ident))
        return
    drawn = _set_piece_drawn(subject, np.asarray(position, float)[None], np.array([facing_deg], float), rgb)
    _add_drawn(scene, drawn, 0, ident)


def track_drawn(track: SubjectTrack) -> dict:
    """What the renderer draws of every frame of a track, made on first use and kept on the track
    (the set is built per frame by slicing, not by posing and tessellating it again)."""
    if "parts" not in track.drawn:
        subject, rgb = track.subject, hex_rgb(track.subject.color)
        if subject.is_person:
            figures = mq.pose_figures(track.angles, track.positions, track.facing, subject.height, track.pelvis_y)
            track.drawn["parts"] = _person_drawn(figures, rgb)
        else:
            track.drawn["parts"] = _set_piece_drawn(subject, track.positions, track.facing, rgb)
    return track.drawn["parts"]


def build_scene(tracks: list[SubjectTrack], frame: int, base_dir: str | Path | None = None, source: str = "project") -> Scene:
    """The set at ``frame`` of the tracks (one per project subject, in order)."""
    scene = Scene()
    for index, track in enumerate(tracks):
        subject = track.subject
        ident = subject_id(index)
        if subject.mesh is not None and not subject.is_person:
            mesh = load_mesh(resolve_mesh_path(subject.mesh, base_dir), f"subjects[{index}].mesh")
            add_set_piece(scene, subject, track.positions[frame], float(track.facing[frame]), hex_rgb(subject.color), ident, mesh)
        else:
            _add_drawn(scene, track_drawn(track), frame, ident)
    return scene


def resolve_mesh_path(mesh: str, base_dir: str | Path | None) -> Path:
    path = Path(mesh).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = Path(base_dir) / path
    return path


def load_mesh(path: Path, field_name: str) -> Mesh:
    """Read a mesh through trimesh (cached by path and modification time)."""
    try:
        stamp = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        raise ShotlineError("no such mesh file", path, field_name) from None
    except OSError as exc:
        raise ShotlineError(f"cannot read the mesh ({exc.strerror})", path, field_name) from None
    return _load_mesh(str(path), stamp, field_name)


@functools.lru_cache(maxsize=32)
def _load_mesh(path: str, stamp: int, field_name: str) -> Mesh:
    import trimesh

    try:
        loaded = trimesh.load(path, force="mesh", process=False)
    except Exception as exc:  # trimesh raises whatever its parsers raise
        detail = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise ShotlineError(f"cannot read the mesh ({detail})", path, field_name) from None
    faces = np.asarray(getattr(loaded, "faces", np.zeros((0, 3))), np.int64)
    vertices = np.asarray(getattr(loaded, "vertices", np.zeros((0, 3))), float)
    if faces.size == 0 or vertices.size == 0:
        raise ShotlineError("the mesh has no triangles", path, field_name)
    if faces.min() < 0 or faces.max() >= len(vertices) or not np.all(np.isfinite(vertices)):
        raise ShotlineError("the mesh's faces or vertices are corrupt", path, field_name)
    tri = vertices[faces]  # (F,3,3)
    n = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
    return Mesh(f"{path}@{stamp}", tri.reshape(-1, 3).astype(np.float32), np.repeat(n, 3, axis=0).astype(np.float32))
