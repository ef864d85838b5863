"""The frame-pair camera estimator that scores rendered video (benchmarks/dit_quality.py)."""

import numpy as np
import pytest

skimage_data = pytest.importorskip("skimage.data")

from engine.train.evaluate import estimate_relative_pose  # noqa: E402


def _crop(image):
    return np.ascontiguousarray(image[100:196, 100:260])


def test_a_camera_that_held_still_reads_as_no_motion():
    # OpenCV 5's essential-matrix solver asserts on a pair whose points do not move; a static shot's
    # frames are exactly that, so the benchmark crashed on the true render of one
    frame = _crop(skimage_data.astronaut())
    r, t = estimate_relative_pose(frame, frame.copy(), 120.0)
    assert np.allclose(r, np.eye(3)) and not np.any(t)



def test_the_warp_error_is_low_for_a_render_that_keeps_its_surfaces_and_high_for_one_that_repaints_them():
    """The benchmark's measure of boiling, on a true render of a moving shot: its own frames carried
    along the geometry change little, the same frames with fresh grain painted on each far more, a
    flat grey not at all. (A picture stuck to the screen, or a blurred one, also changes little: the
    measure says the pictures do not boil, the camera figures say they follow the set.)"""
    from engine.train.data import make_sequence
    from engine.train.evaluate import warp_error
    from engine.train.train_dit import HELD_OUT_SEEDS

    shot = next(s for s in make_sequence(HELD_OUT_SEEDS[0]).shots if np.ptp(s.path.c2w[:, :3, 3], axis=0).max() > 0.3)
    rng = np.random.default_rng(0)
    frames = shot.frames
    boiling = np.clip(frames + rng.normal(0, 12, frames.shape), 0, 255).astype(np.uint8)
    assert warp_error(np.full_like(frames, 128), shot) == 0.0
    own, boiled = warp_error(frames, shot), warp_error(boiling, shot)
    assert own < boiled - 4, (own, boiled)
