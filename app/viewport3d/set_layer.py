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
        self.edges = scene.visuals.Line(parent=parent, connect="segments", color=(0, 0, 0, 0.5))
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
            for v in (self.mesh, self.edges):
                v.visible = False
            self.label_layer.set("subjects", [])
            return
        verts, faces, colours, tops, edges = [], [], [], [], []
        for subject, pos in zip(subjects, positions):
            v, f = subject_proxy(pos, subject.height)
            # Shade by height so the proxy reads as a solid without lights.
            rgb = np.asarray(rgba(subject.color)[:3])
            shade = 0.6 + 0.4 * (v[:, 1] - v[:, 1].min()) / max(np.ptp(v[:, 1]), 1e-6)
            faces.append(f + sum(len(x) for x in verts))
            verts.append(v)
            colours.append(np.column_stack([rgb[None] * shade[:, None], np.ones(len(v))]))
            tops.append(pos + [0.0, subject.height + 0.08, 0.0])
            base = np.array([pos + [np.cos(a) * 0.4, 0.005, np.sin(a) * 0.4] for a in np.linspace(0, 2 * np.pi, 25)])
            edges.append(np.stack([base[:-1], base[1:]], axis=1))
        self.mesh.set_data(vertices=np.concatenate(verts), faces=np.concatenate(faces), vertex_colors=np.concatenate(colours))
        self.edges.set_data(pos=np.concatenate(edges).reshape(-1, 3))
        self.label_layer.set("subjects", [Label(s.name, tuple(top), SUBJECT) for s, top in zip(subjects, tops)])
        for v in (self.mesh, self.edges):
            v.visible = True
