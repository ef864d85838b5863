"""Viewport maths (no GL): projection and rays agree, look-through equals the camera-grid projection."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.transform import Rotation

from app.viewport3d.geometry import dashed, frustum_segments, second_ticks
from app.viewport3d.view_math import Orbit, closest_on_vertical, delivery_frame, look_through_view, named_view, orbit_view, ray_plane_y
from engine.camera.conventions import pose_matrix
from engine.camera.path import CameraPath
from engine.grid.render import View
from engine.camera.lens import focal_pixels

angles = st.floats(-180, 180)
sizes = st.tuples(st.integers(64, 2000), st.integers(64, 1200))


@settings(max_examples=200, deadline=None)
@given(az=angles, el=st.floats(-85, 85), dist=st.floats(0.5, 200), ortho=st.booleans(), size=sizes, u=st.floats(0.05, 0.95), v=st.floats(0.05, 0.95), depth=st.floats(0.1, 0.9))
def test_a_point_on_the_ray_under_a_pixel_projects_back_to_that_pixel(az, el, dist, ortho, size, u, v, depth):
    view = orbit_view(Orbit(center=(1.0, 0.5, -2.0), azimuth=az, elevation=el, distance=dist, ortho=ortho), *size)
    pixel = np.array([u * size[0], v * size[1]])
    origin, direction = view.ray(pixel)
    assert np.linalg.norm(direction) == pytest.approx(1.0)
    point = origin + direction * dist * 2 * depth
    px, front = view.project(point)
    assert np.allclose(px, pixel, atol=1e-4 * max(size)) and front


@settings(max_examples=200, deadline=None)
@given(az=angles, el=st.floats(-85, 85), dist=st.floats(0.5, 200))
def test_the_orbit_centre_is_in_the_middle_and_the_eye_at_the_distance(az, el, dist):
    orbit = Orbit(center=(3.0, 1.0, 2.0), azimuth=az, elevation=el, distance=dist)
    view = orbit_view(orbit, 800, 600)
    assert np.allclose(view.project(orbit.center)[0], [400, 300], atol=1e-6)
    assert np.linalg.norm(orbit.c2w()[:3, 3] - orbit.center) == pytest.approx(dist)
    assert orbit.c2w()[:3, 3][1] - 1.0 == pytest.approx(dist * np.sin(np.deg2rad(el)), abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(
    rotvec=st.tuples(st.floats(-1.5, 1.5), st.floats(-3, 3), st.floats(-0.5, 0.5)),
    focal=st.floats(12, 200),
    aspect=st.sampled_from([2.39, 1.85, 16 / 9, 1.0]),
    size=sizes,
    point=st.tuples(st.floats(-3, 3), st.floats(-2, 2), st.floats(-12, -1)),
)
def test_look_through_projects_exactly_as_the_camera_grid(rotvec, focal, aspect, size, point):
    c2w = pose_matrix((0.5, 1.6, 3.0), Rotation.from_rotvec(rotvec).as_quat())
    film = (24.89, 24.89 / aspect)
    world = c2w[:3, :3] @ np.asarray(point) + c2w[:3, 3]  # a point in front of the camera
    view = look_through_view(c2w, focal, film, aspect, *size)
    x, y, w, h = delivery_frame(*size, aspect)
    grid = View(c2w, float(focal_pixels(focal, film, w)), w, h)
    expected = grid.project_points(world[None])[0][0] + [x, y]
    assert np.allclose(view.project(world)[0], expected, atol=1e-6 * max(size))


@given(size=sizes, aspect=st.floats(0.5, 4.0))
def test_the_delivery_frame_fills_one_side_and_is_centred(size, aspect):
    x, y, w, h = delivery_frame(*size, aspect)
    assert w / h == pytest.approx(aspect)
    assert (w == pytest.approx(size[0]) and x == pytest.approx(0)) or (h == pytest.approx(size[1]) and y == pytest.approx(0))
    assert x + w / 2 == pytest.approx(size[0] / 2) and y + h / 2 == pytest.approx(size[1] / 2)


def test_rays_meet_the_ground_and_verticals():
    origin, direction = np.array([0.0, 5.0, 0.0]), np.array([0.0, -1.0, 1.0]) / np.sqrt(2)
    assert np.allclose(ray_plane_y(origin, direction, 1.0), [0.0, 1.0, 4.0])
    assert ray_plane_y(origin, -direction, 1.0) is None  # behind the eye
    assert ray_plane_y(origin, np.array([1.0, 0.0, 0.0]), 1.0) is None  # parallel
    height = closest_on_vertical(np.array([0.0, 2.0, 5.0]), np.array([0.0, 0.0, -1.0]), np.array([0.0, 0.0, 0.0]))
    assert height == pytest.approx(2.0)


def test_named_views_look_the_blender_way():
    top = orbit_view(named_view(Orbit(center=(0, 0, 0)), "top"), 800, 600)
    (cx, cy), (rx, ry), (fx, fy) = top.project([[0, 0, 0], [1, 0, 0], [0, 0, -1]])[0]
    assert rx > cx and abs(ry - cy) < 1e-6 and fy < cy  # +X right, -Z up the screen
    front = orbit_view(named_view(Orbit(center=(0, 0, 0)), "front"), 800, 600)
    (cx, cy), (ux, uy) = front.project([[0, 0, 0], [0, 1, 0]])[0]
    assert uy < cy and top.ortho and front.ortho


def test_frustum_has_the_lens_angles_and_ticks_fall_on_seconds():
    c2w = np.eye(4)
    segs = frustum_segments(c2w, 35.0, (24.89, 10.41), depth=1.0)
    corners = segs[:4, 1]  # apex -> corner
    assert np.allclose(np.abs(corners[:, 0]), 24.89 / 70.0) and np.allclose(np.abs(corners[:, 1]), 10.41 / 70.0)
    assert np.allclose(segs[:4, 0], 0.0) and np.allclose(corners[:, 2], -1.0)
    c2ws = np.tile(np.eye(4), (49, 1, 1))
    c2ws[:, 0, 3] = np.arange(49)
    ticks = second_ticks(CameraPath(c2ws, 35.0, (24.89, 10.41), fps=24.0))
    assert ticks[:, 0].tolist() == [0.0, 24.0, 48.0]
    d = dashed(np.column_stack([np.arange(13.0), np.zeros(13), np.zeros(13)]), dash=3)
    assert d[:, 0, 0].tolist() == [0.0, 1.0, 2.0, 6.0, 7.0, 8.0]
