"""Hypothesis strategies shared by the engine tests: poses, keys, shots, projects."""

import numpy as np
from hypothesis import strategies as st
from scipy.spatial.transform import Rotation

from engine.project import CameraKey, Project, Shot, Subject

coord = st.floats(-50, 50, allow_nan=False, allow_infinity=False)
position = st.tuples(coord, coord, coord)


@st.composite
def quaternions(draw):
    v = np.array(draw(st.tuples(*[st.floats(-1, 1, allow_nan=False)] * 4)))
    if np.linalg.norm(v) < 1e-3:
        v = np.array([0.0, 0.0, 0.0, 1.0])
    return tuple(float(c) for c in v / np.linalg.norm(v))


@st.composite
def poses(draw, n=None):
    n = n or draw(st.integers(1, 6))
    pos = np.array([draw(position) for _ in range(n)])
    quat = np.array([draw(quaternions()) for _ in range(n)])
    m = np.tile(np.eye(4), (n, 1, 1))
    m[:, :3, :3] = Rotation.from_quat(quat).as_matrix()
    m[:, :3, 3] = pos
    return m


interp = st.sampled_from(["linear", "bezier", "ease", "constant"])


@st.composite
def shots(draw, shot_id="s", max_keys=5):
    duration = draw(st.integers(2, 40))
    frames = sorted(draw(st.sets(st.integers(0, duration - 1), min_size=1, max_size=min(max_keys, duration))))
    keys = [
        CameraKey(
            frame=f,
            position=draw(position),
            orientation=draw(quaternions()),
            focal_mm=draw(st.floats(12, 200)),
            interp_in=draw(interp),
            interp_out=draw(interp),
        )
        for f in frames
    ]
    return Shot(id=shot_id, name=draw(st.text("abc XYZ", min_size=1, max_size=8)), duration=duration, keys=keys)


@st.composite
def projects(draw, max_shots=3):
    n = draw(st.integers(1, max_shots))
    return Project(
        name="prop",
        fps=draw(st.sampled_from([24.0, 25.0, 30.0])),
        subjects=[Subject(name="Mara", position=(0.0, 0.0, 0.0))],
        shots=[draw(shots(shot_id=f"s{i}")) for i in range(n)],
    )
