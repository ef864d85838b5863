"""Starting noise that moves with the set: carried along the grey-box geometry from frame to frame,
fresh where a surface comes into view, unit variance, the same wall alike in every shot; and the
bundled-model pipeline starts from it."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.transform import Rotation

from engine.errors import ShotlineError
from engine.greybox.passes import FAR_VIS, NEAR_VIS
from engine.render.dit import DitPipeline, IdentityDecoder, SampleOptions
from engine.render.dit_control import inverse_depth
from engine.render.noise_warp import control_depth, warped_noise
from models.dit import MultiShotTransformer
from tests.models.test_dit_pipeline import PIXEL, StubText, shot

H, W, F = 12, 16, 8.0  # a small frame and its focal length in pixels


def _cameras(positions, yaw_deg=None):
    n = len(positions)
    c2w = np.repeat(np.eye(4)[None], n, axis=0)
    c2w[:, :3, 3] = positions
    if yaw_deg is not None:
        c2w[:, :3, :3] = Rotation.from_euler("y", np.asarray(yaw_deg, float)[:, None], degrees=True).as_matrix()
    return c2w


def _wall(n, depth=4.0):
    return np.full((n, H, W), depth)


def test_a_camera_that_holds_keeps_one_noise_in_every_frame():
    gen = torch.Generator().manual_seed(0)
    noise = warped_noise([_wall(5)], [_cameras(np.zeros((5, 3)))], [np.full(5, F)], 3, gen)[0][0]
    assert torch.equal(noise[:, 1:], noise[:, :1].expand(-1, 4, -1, -1))


def test_a_truck_carries_the_noise_across_the_frame_and_fills_the_side_it_uncovers_afresh():
    """A camera trucking right past a wall 4 m away by 0.5 m a frame moves the picture 1 px left a
    frame (8 px focal): each pixel's noise is its right neighbour's of the frame before."""
    gen = torch.Generator().manual_seed(1)
    positions = np.array([[0.5 * t, 0.0, 0.0] for t in range(4)])
    noise = warped_noise([_wall(4)], [_cameras(positions)], [np.full(4, F)], 2, gen)[0][0]
    for t in range(1, 4):
        assert torch.equal(noise[:, t, :, :-1], noise[:, t - 1, :, 1:])
        assert not torch.isclose(noise[:, t, :, -1], noise[:, t - 1, :, -1]).any()  # the column that came into view


def test_a_surface_that_was_hidden_gets_fresh_noise():
    """A near box covers the middle of frame 0; as the camera trucks, the wall behind it that comes
    into view must not take the box's noise."""
    gen = torch.Generator().manual_seed(2)
    depth = _wall(2, 6.0)
    depth[0, :, 6:10] = 2.0  # the box in frame 0
    depth[1, :, 4:8] = 2.0  # 2 m away, 0.5 m of truck moves it 2 px left
    noise = warped_noise([depth], [_cameras(np.array([[0.0, 0, 0], [0.5, 0, 0]]))], [np.full(2, F)], 1, gen)[0][0, 0]
    assert torch.equal(noise[1, :, 4:8], noise[0, :, 6:10])  # the box moved with it
    uncovered = noise[1, :, 8:10]  # wall that the box hid in frame 0
    assert not any(torch.isclose(uncovered, v).any() for v in noise[0, :, 6:10].flatten())


def test_a_later_shot_of_the_same_wall_starts_from_the_first_shots_noise():
    gen = torch.Generator().manual_seed(3)
    cams = _cameras(np.zeros((3, 3)))
    a, b = warped_noise([_wall(3), _wall(3)], [cams, cams], [np.full(3, F), np.full(3, F)], 3, gen)
    assert torch.equal(a[0, :, 0], b[0, :, 0])


@settings(max_examples=25, deadline=None)
@given(st.floats(-20, 20), st.floats(-1.0, 1.0), st.floats(0.0, 1.0), st.integers(0, 1000))
def test_warped_noise_stays_unit_gaussian_per_frame(yaw_per_frame, push_per_frame, keep, seed):
    """Whatever the camera does (pans, pushes), every frame's noise has mean 0 and variance 1, so a
    model trained on fresh noise starts from noise of the scale it knows."""
    n = 6
    gen = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    depth = rng.uniform(2.0, 8.0, (n, 32, 48))
    depth[:, :4] = np.inf  # some sky
    cams = _cameras(np.array([[0.0, 0.0, push_per_frame * t] for t in range(n)]), [yaw_per_frame * t for t in range(n)])
    noise = warped_noise([depth], [cams], [np.full(n, 40.0)], 3, gen, keep=keep)[0][0]
    for t in range(n):
        frame = noise[:, t].flatten()
        assert abs(float(frame.mean())) < 0.15 and 0.75 < float(frame.std()) < 1.25


def test_the_control_depth_is_read_back_from_its_channel():
    depth = np.array([[0.5, 3.0, 40.0, np.inf]])
    control = np.zeros((1, 4, 7), np.float32)
    control[..., 0] = inverse_depth(depth) * 2.0 - 1.0
    back = control_depth(control)
    assert np.allclose(back[0, :3], depth[0, :3], rtol=1e-4) and np.isinf(back[0, 3])
    assert NEAR_VIS < 0.5 < FAR_VIS


def _concat_pipeline():
    torch.manual_seed(2)
    return DitPipeline(MultiShotTransformer(**{**PIXEL, "in_channels": 3 + 7, "control_channels": 7}).eval(), StubText(), IdentityDecoder(3))


def _held_shot(n=5):
    spec = shot(n)
    spec.c2w = _cameras(np.zeros((n, 3)))
    control = np.zeros((n, 8, 8, 7), np.float32)
    control[..., 0] = inverse_depth(np.full((n, 8, 8), 4.0)) * 2.0 - 1.0
    spec.control, spec.focal_px = control, np.full(n, 8.0)
    return spec


def test_the_bundled_pipeline_starts_every_frame_of_a_held_camera_from_one_noise():
    pipe = _concat_pipeline()
    seen = []
    inner = pipe._denoise
    pipe._denoise = lambda latents, *a, **k: seen.append([x.clone() for x in latents]) or inner(latents, *a, **k)
    opts = SampleOptions(width=8, height=8, steps=1, text_guidance=1.0, noise_keep=1.0)
    pipe.sample("a room", [_held_shot()], opts)
    start = seen[0][0][0]
    assert torch.equal(start[:, 1:5], start[:, :1].expand(-1, 4, -1, -1))
    pipe.sample("a room", [_held_shot()], SampleOptions(width=8, height=8, steps=1, text_guidance=1.0))
    fresh = seen[1][0][0]
    assert not torch.equal(fresh[:, 1], fresh[:, 0])  # without it, fresh noise every frame


def test_noise_that_moves_with_the_set_says_what_it_needs():
    pipe = _concat_pipeline()
    no_focal = _held_shot()
    no_focal.focal_px = None
    with pytest.raises(ShotlineError) as err:
        pipe.sample("a room", [no_focal], SampleOptions(width=8, height=8, steps=1, text_guidance=1.0, noise_keep=1.0))
    assert err.value.field == "focal_px"
    with pytest.raises(ShotlineError) as err:
        pipe.sample("a room", [_held_shot()], SampleOptions(width=8, height=8, steps=1, text_guidance=1.0, noise_keep=1.0, mode="autoregressive"))
    assert err.value.field == "noise_keep"
    text_only = DitPipeline(MultiShotTransformer(**PIXEL).eval(), StubText(), IdentityDecoder(3))
    assert not text_only.moves_noise_with_the_set and pipe.moves_noise_with_the_set
    with pytest.raises(ShotlineError) as err:
        text_only.sample("a room", [_held_shot()], SampleOptions(width=8, height=8, steps=1, text_guidance=1.0, noise_keep=1.0))
    assert err.value.field == "noise_keep"
