"""One frame of the set as the renderer draws it: instanced unit primitives, user meshes, shadows.

Every subject becomes instances of three unit primitives (a box and a cylinder of extent 1 centred
on the origin, the cylinder along +Y, and a sphere of diameter 1), each a model matrix, a colour
and the subject's id: people from the mannequin's capsules, spheres and boxes, set pieces from
the library's parts, scaled and turned by their facing. ``ids`` 0 and 1 are the sky and the floor;
subjects count from 2 in the project's order, so an id names the same subject in every frame.
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


@dataclass
class Scene:
    instances: dict[str, list[tuple[np.ndarray, tuple[float, float, float], int]]] = field(
        default_factory=lambda: {k: [] for k in PRIMITIVES}
    )
    meshes: list[tuple[Mesh, np.ndarray, tuple[float, float, float], int]] = field(default_factory=list)
    shadows: list[tuple[float, float, float]] = field(default_factory=list)  # (x, z, radius) on the floor

    def add(self, kind: str, centre, frame: np.ndarray, size, rgb, ident: int) -> None:
        m = np.eye(4)
        m[:3, :3] = np.asarray(frame, float) * np.asarray(size, float)[None, :]
        m[:3, 3] = centre
        self.instances[kind].append((m, rgb, ident))

    def arrays(self, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(K,4,4) float32 column-major-ready models, (K,3) colours, (K,) uint32 ids."""
        items = self.instances[kind]
        if not items:
            return np.zeros((0, 4, 4), np.float32), np.zeros((0, 3), np.float32), np.zeros(0, np.uint32)
        models = np.stack([m for m, _, _ in items]).astype(np.float32)
        colours = np.array([c for _, c, _ in items], np.float32)
        ids = np.array([i for _, _, i in items], np.uint32)
        return models, colours, ids


def _axis_frame(direction: np.ndarray) -> np.ndarray:
    """A rotation taking +Y to ``direction`` (unit)."""
    y = direction
    helper = np.array([1.0, 0.0, 0.0]) if abs(y[0]) < 0.9 else np.array([0.0, 0.0, 1.0])
    x = np.cross(y, helper)
    x /= np.linalg.norm(x)
    z = np.cross(x, y)
    return np.stack([x, y, z], axis=1)


def add_figure(scene: Scene, figure: mq.Figure, rgb, ident: int) -> None:
    capsules, spheres, boxes = mq.figure_parts(figure)
    for c in capsules:
        d = c.b - c.a
        length = float(np.linalg.norm(d))
        if length > 1e-6:
            scene.add("cylinder", (c.a + c.b) / 2, _axis_frame(d / length), (2 * c.radius, length, 2 * c.radius), rgb, ident)
        scene.add("sphere", c.b, np.eye(3), (2 * c.radius,) * 3, rgb, ident)
    # Each bone's end is rounded by the joint sphere it ends in; only the pelvis starts bones.
    scene.add("sphere", capsules[0].a, np.eye(3), (2 * capsules[0].radius,) * 3, rgb, ident)
    head_rgb = tuple(min(1.0, v * 1.1 + 0.04) for v in rgb)
    for i, (centre, radius) in enumerate(spheres):
        scene.add("head" if i == 0 else "sphere", centre, np.eye(3), (2 * radius,) * 3, head_rgb if i == 0 else rgb, ident)
    for centre, frame, size in boxes:
        scene.add("box", centre, frame, size, tuple(v * 0.6 for v in rgb), ident)
    centre, frame, size = mq.face_marker(figure)
    scene.add("box", centre, frame, size, FACE_MARKER_RGB, ident)
    pelvis = figure.joint("pelvis")
    if pelvis[1] < 1.6 * figure.scale:  # a contact shadow for anyone on (or near) the floor
        scene.shadows.append((float(pelvis[0]), float(pelvis[2]), 0.42 * figure.scale))


def add_set_piece(scene: Scene, subject: Subject, position, facing_deg: float, rgb, ident: int, mesh: Mesh | None) -> None:
    turn = mq.yaw_matrix(facing_deg)
    scale = np.asarray(subject.scale, float)
    origin = np.asarray(position, float)
    if mesh is not None:
        m = np.eye(4)
        m[:3, :3] = turn * scale[None, :]
        m[:3, 3] = origin
        scene.meshes.append((mesh, m, rgb, ident))
        return
    for part in LIBRARY[subject.shape]:
        centre = origin + turn @ (np.asarray(part.centre) * scale)
        size = np.asarray(part.size) * scale
        part_rgb = tuple(min(1.0, v * part.shade) for v in rgb)
        if part.kind == "cylinder_x":  # a wheel: the unit cylinder's +Y laid along the piece's +X
            frame = turn @ np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
            scene.add("cylinder", centre, frame, (size[1], size[0], size[2]), part_rgb, ident)
        else:
            scene.add(part.kind, centre, turn, size, part_rgb, ident)


def build_scene(tracks: list[SubjectTrack], frame: int, base_dir: str | Path | None = None, source: str = "project") -> Scene:
    """The set at ``frame`` of the tracks (one per project subject, in order)."""
    scene = Scene()
    for index, track in enumerate(tracks):
        subject = track.subject
        rgb = hex_rgb(subject.color)
        ident = subject_id(index)
        if subject.is_person:
            add_figure(scene, track.figure(frame), rgb, ident)
        else:
            mesh = None
            if subject.mesh is not None:
                mesh = load_mesh(resolve_mesh_path(subject.mesh, base_dir), f"subjects[{index}].mesh")
            add_set_piece(scene, subject, track.positions[frame], float(track.facing[frame]), rgb, ident, mesh)
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
