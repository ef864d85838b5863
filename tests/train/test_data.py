"""The procedural grey-box data: frames agree with the camera's projection, captions with the set."""

import numpy as np
import pytest

from engine.camera.moves import Framing
from engine.grid.render import View
from engine.train.data import COLOURS, make_sequence, view_of
from engine.train.raycast import AMBIENT, LIGHT, Room, Solid, render

W, H, F_PX = 96, 64, 80.0


def _view(eye, target) -> View:
    c2w = np.eye(4)
    framing = Framing.looking_at(eye, target)
    c2w[:3, :3], c2w[:3, 3] = framing.rotation.as_matrix(), framing.position
    return View(c2w, F_PX, W, H)


def _is_shade_of(pixel, rgb) -> bool:
    """pixel = k·rgb for a Lambert factor k in [AMBIENT, 1] (rounding allowed)."""
    rgb = np.asarray(rgb, float)
    k = float(pixel @ rgb / (rgb @ rgb))
    return AMBIENT - 0.02 <= k <= 1.02 and np.abs(pixel - k * rgb).max() <= 3


ROOM = Room((-6.0, 6.0), (-6.0, 6.0), 3.5, (150, 150, 150), (110, 150, 110))
SPHERE = Solid("sphere", (-1.2, 0.0, 0.0), (0.8, 0.8, 0.8), COLOURS["red"])
BOX = Solid("box", (1.2, 0.0, 0.3), (0.7, 1.0, 0.5), COLOURS["blue"], yaw_deg=30.0)
CYLINDER = Solid("cylinder", (0.0, 0.0, -1.5), (0.5, 1.6, 0.5), COLOURS["yellow"])


def test_each_primitive_is_drawn_where_its_centre_projects_in_its_colour():
    view = _view([0.5, 1.6, 5.0], [0.0, 0.6, 0.0])
    image = render(view, ROOM, [SPHERE, BOX, CYLINDER]).astype(float)
    for solid in (SPHERE, BOX, CYLINDER):
        (x, y), ok = view.project_points(solid.centre)
        assert ok and 0 <= x < W and 0 <= y < H
        assert _is_shade_of(image[int(y), int(x)], solid.rgb), solid.kind


def test_a_sphere_covers_the_disc_its_radius_projects_to():
    view = _view([0.0, 0.4, 4.0], [0.0, 0.4, 0.0])
    ball = Solid("sphere", (0.0, 0.0, 0.0), (0.8, 0.8, 0.8), (200, 40, 40))
    image = render(view, ROOM, [ball]).astype(float)
    red = np.array([_is_shade_of(p, ball.rgb) for p in image.reshape(-1, 3)]).reshape(H, W)
    depth = 4.0
    r_px = F_PX * 0.4 / np.sqrt(depth**2 - 0.4**2)  # the silhouette's angular radius asin(r/d) through the pinhole
    assert abs(red.sum() - np.pi * r_px**2) < 0.06 * np.pi * r_px**2
    ys, xs = np.nonzero(red)
    (cx, cy), _ = view.project_points(ball.centre)
    assert abs(xs.mean() + 0.5 - cx) < 0.3 and abs(ys.mean() + 0.5 - cy) < 0.3


def test_the_floor_is_checkered_in_metre_tiles_and_lit_from_above():
    view = _view([0.3, 1.7, 3.0], [0.3, 0.0, -1.0])
    image = render(view, ROOM, []).astype(float)
    lit = AMBIENT + (1 - AMBIENT) * LIGHT[1]
    for point, factor in (([0.5, 0.0, -0.5], 1.0), ([1.5, 0.0, -0.5], 0.72), ([0.5, 0.0, -1.5], 0.72)):
        (x, y), ok = view.project_points(np.array(point))
        assert ok
        expected = np.asarray(ROOM.floor_rgb) * factor * lit
        assert np.abs(image[int(y), int(x)] - expected).max() <= 1.5, point


def test_a_sequence_is_reproducible_with_its_shots_frames_and_poses():
    a, b = make_sequence(7), make_sequence(7)
    assert 2 <= len(a.shots) <= 4
    for sa, sb in zip(a.shots, b.shots):
        assert sa.frames.shape == (16, 64, 96, 3) and sa.frames.dtype == np.uint8
        assert np.array_equal(sa.frames, sb.frames) and sa.prompt == sb.prompt
        assert sa.path.c2w.shape == (16, 4, 4)
    assert not np.array_equal(a.shots[0].frames, make_sequence(8).shots[0].frames)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_frames_show_the_mannequin_where_the_true_camera_sees_its_head(seed):
    """Ground-truth poses: the mannequin's head centre, projected with the kept pose of each frame,
    lands on a pixel of the mannequin's colour (unless a primitive stands nearer, in front of it)."""
    seq = make_sequence(seed)
    head = next(s for s in seq.set.solids[::-1] if s.kind == "sphere")  # the mannequin's head is the last solid
    seen = 0
    for shot in seq.shots:
        for i in range(len(shot.path)):
            view = view_of(shot.path, i, (96, 64))
            (x, y), ok = view.project_points(head.centre)
            if not (ok and 1 <= x < 95 and 1 <= y < 63):
                continue
            hit = view.to_camera(head.centre[None])[0]
            nearer = [s for s in seq.set.solids[: len(seq.set.names)] if -view.to_camera(s.centre[None])[0, 2] < -hit[2]]
            if _is_shade_of(shot.greybox[i, int(y), int(x)].astype(float), head.rgb):
                seen += 1
            else:
                assert nearer, f"shot {shot.source} frame {i}: the head should be at ({x:.1f}, {y:.1f})"
    assert seen > 0


@pytest.mark.parametrize("seed", range(6))
def test_captions_name_what_is_in_the_set_and_each_shot_says_its_framing_and_move(seed):
    seq = make_sequence(seed)
    caption = seq.caption
    for name in seq.set.names:
        assert f"a {name}" in caption
    assert "mannequin" in caption and caption.startswith(f"{seq.set.wall_material} walls, {seq.set.floor_material} floor, {seq.set.light}")
    assert len(seq.set.names) + 2 == len(seq.set.solids)  # primitives + the mannequin's body and head
    assert 3 <= len(seq.set.names) <= 6
    for shot in seq.shots:
        assert "Mannequin" in shot.prompt and ":" in shot.prompt  # "Wide shot of Mannequin, eye level: slow arc left …"
        if shot.source.startswith("preset:"):
            move = shot.source.split(":")[1]
            if move in ("static",):
                assert "static" in shot.prompt


def test_the_target_is_the_same_shot_textured_and_lit_as_the_caption_says():
    """Same geometry as the control (solids where the control's flat colours are), the floor and
    walls in their photo textures, and the named light: warm evening light is warmer than cold
    fluorescent on the same set from the same cameras."""
    from dataclasses import replace

    from engine.train.data import shot_passes
    from engine.train.materials import MATERIALS
    from engine.train.raycast import FLOOR, trace

    seq = make_sequence(5)
    shot = seq.shots[0]
    view = view_of(shot.path, 0, (96, 64))
    hits = trace(view, seq.set.room, seq.set.solids)
    target, greybox, control = shot_passes(view, seq.set)
    assert np.array_equal(target, shot.frames[0]) and np.array_equal(control, shot.control[0]) and np.array_equal(greybox, shot.greybox[0])
    assert control.shape == (64, 96, 7) and control.dtype == np.float32 and np.abs(control).max() <= 1.0 + 1e-6
    surface = hits.surface.reshape(64, 96)
    solid = surface >= 3
    flat = np.round((control[..., 4:7] + 1) * 127.5).astype(int)
    for k in np.unique(surface[solid]):
        assert (flat[surface == k] == seq.set.solids[k - 3].rgb).all()
    floor = surface == FLOOR
    if floor.sum() > 50:
        grey = target[floor].astype(float).mean(axis=1)
        assert grey.std() > 3.0  # a photo texture, not a flat colour
    assert np.allclose(control[..., 1:4][floor], [0, 1, 0])  # world normals: the floor faces up
    warm = shot_passes(view, replace(seq.set, light="warm evening light"))[0].astype(float)
    cold = shot_passes(view, replace(seq.set, light="cold fluorescent light"))[0].astype(float)
    ratio = lambda im: im[..., 0].mean() / im[..., 2].mean()  # noqa: E731
    assert ratio(warm) > 1.2 * ratio(cold)
    assert set(MATERIALS) >= {seq.set.wall_material, seq.set.floor_material}
