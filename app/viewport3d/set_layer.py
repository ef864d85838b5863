"""The set: a ground grid with axes, and every subject as a proxy in its colour with its name.

Adapters in the napari sense: they read the document when it changes and own only their visuals.
"""

from __future__ import annotations

import numpy as np
from vispy import scene

from app.palette import rgba
from app.viewport3d.geometry import ground_grid, subject_proxy
from app.viewport3d.label_layer import SUBJECT, Label, LabelLayer
from engine.camera.interpolate import subject_positions
from engine.project import Project, Shot

AXIS_LENGTH_M = 1.0
RING = (0.0, 0.0, 0.0, 0.5)  # the ground ring under a subject
RING_RADII_M = (0.38, 0.42)


def ground_ring(pos, segments: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """A flat annulus just above the ground around ``pos``: vertices and triangles."""
    a = np.linspace(0.0, 2 * np.pi, segments, endpoint=False)
    ring = [np.column_stack([np.cos(a) * r, np.full(segments, 0.005), np.sin(a) * r]) for r in RING_RADII_M]
    verts = np.concatenate(ring) + np.asarray(pos, float)
    i = np.arange(segments)
    j = (i + 1) % segments
    faces = np.concatenate([np.stack([i, j, segments + i], 1), np.stack([j, segments + j, segments + i], 1)])
    return verts, faces.astype(np.uint32)


class GroundLayer:
    """The 1 m and 5 m ground grid and the X/Y/Z axes, as one line visual (llvmpipe's frame costs per
    visual, far more than per vertex)."""

    def __init__(self, parent):
        minor, major = ground_grid()
        axes = np.array([[0, 0, 0], [AXIS_LENGTH_M, 0, 0], [0, 0, 0], [0, AXIS_LENGTH_M, 0], [0, 0, 0], [0, 0, AXIS_LENGTH_M]], float)
        # The axes first: the X and Z axes lie on grid lines, and at equal depth the first drawn wins.
        pos = np.concatenate([axes, minor.reshape(-1, 3), major.reshape(-1, 3)])
        colours = np.concatenate(
            [
                [[0.9, 0.3, 0.3, 1]] * 2 + [[0.4, 0.85, 0.4, 1]] * 2 + [[0.35, 0.55, 0.95, 1]] * 2,
                np.tile([1.0, 1.0, 1.0, 0.08], (2 * len(minor), 1)),
                np.tile([1.0, 1.0, 1.0, 0.2], (2 * len(major), 1)),
            ]
        )
        self.lines = scene.visuals.Line(pos, color=colours, connect="segments", parent=parent)
        self.lines.set_gl_state("translucent", depth_test=True)


class SubjectsLayer:
    """Subjects where they stand at the playhead (a shot's subject keys move them)."""

    def __init__(self, parent, labels: LabelLayer):
        self.label_layer = labels
        self.mesh = scene.visuals.Mesh(parent=parent, shading=None)
        self.mesh.set_gl_state("translucent", depth_test=True, cull_face=False)
        self._shown: tuple | None = None  # what is on screen, so an unrelated edit uploads nothing

    @staticmethod
    def positions(project: Project, shot: Shot | None, frame: int) -> list[np.ndarray]:
        if shot is None:
            return [np.asarray(s.position, float) for s in project.subjects]
        return [subject_positions(project, shot, s.name, [frame])[0] for s in project.subjects]

    def update(self, project: Project, shot: Shot | None, frame: int) -> None:
        subjects = project.subjects
        positions = self.positions(project, shot, frame)
        shown = (tuple(subjects), tuple(tuple(p) for p in positions))
        if shown == self._shown:
            return
        self._shown = shown
        if not subjects:
            self.mesh.visible = False
            self.label_layer.set("subjects", [])
            return
        verts, faces, colours, tops = [], [], [], []
        for subject, pos in zip(subjects, positions):
            v, f = subject_proxy(pos, subject.height)
            # Shade by height so the proxy reads as a solid without lights.
            rgb = np.asarray(rgba(subject.color)[:3])
            shade = 0.6 + 0.4 * (v[:, 1] - v[:, 1].min()) / max(np.ptp(v[:, 1]), 1e-6)
            faces.append(f + sum(len(x) for x in verts))
            verts.append(v)
            colours.append(np.column_stack([rgb[None] * shade[:, None], np.ones(len(v))]))
            tops.append(pos + [0.0, subject.height + 0.08, 0.0])
            # The ring on the ground where it stands, in the same mesh (one visual: llvmpipe pays per visual).
            v, f = ground_ring(pos)
            faces.append(f + sum(len(x) for x in verts))
            verts.append(v)
            colours.append(np.tile(RING, (len(v), 1)))
        self.mesh.set_data(vertices=np.concatenate(verts), faces=np.concatenate(faces), vertex_colors=np.concatenate(colours))
        self.label_layer.set("subjects", [Label(s.name, tuple(top), SUBJECT) for s, top in zip(subjects, tops)])
        self.mesh.visible = True
