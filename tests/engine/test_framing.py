"""Shot sizes: the distance for a size frames the subject at that size, on any lens and sensor."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.camera.framing import (
    CHEST, CHIN, CROWN, EYES, KNEES, MOUTH, PERSON_SIZES, SHOT_SIZES, WAIST,
    classify_size, distance_for_size, frame_height_at, shot_size, solve_framing,
)  # fmt: skip
from engine.errors import ShotlineError


@given(st.sampled_from(PERSON_SIZES), st.floats(0.5, 2.5), st.floats(8.0, 300.0), st.floats(5.0, 30.0))
def test_the_distance_for_a_size_frames_that_size(code, height, focal, film_h):
    d = distance_for_size(code, height, focal, film_h)
    assert classify_size(frame_height_at(d, focal, film_h), height) == code


def test_sizes_get_wider_in_order_and_cut_on_the_mannequins_body_lines():
    heights = [SHOT_SIZES[c].frame_heights for c in PERSON_SIZES]
    assert heights == sorted(heights)
    # The lines are the grey-box mannequin's: eyes on the face marker, chin under the head sphere.
    from engine.greybox.mannequin import face_marker, pose_figure, preset_angles

    figure = pose_figure(preset_angles("stand"), (0.0, 0.0, 0.0), 0.0, 1.75)
    assert EYES * 1.75 == pytest.approx(face_marker(figure)[0][1], abs=1e-9)
    assert CHIN * 1.75 == pytest.approx(figure.joint("head")[1] - 0.115, abs=1e-9)
    assert SHOT_SIZES["CU"].bottom == CHIN and SHOT_SIZES["MCU"].bottom == CHEST
    assert SHOT_SIZES["MS"].bottom == WAIST and SHOT_SIZES["MLS"].bottom == KNEES
    assert SHOT_SIZES["FS"].bottom < 0.0 < SHOT_SIZES["ECU"].bottom - MOUTH + 0.05
    # A close-up of a 1.75 m person runs chin to forehead: the top edge under the crown, above the eyes.
    top = EYES + SHOT_SIZES["CU"].frame_heights / 3.0
    assert EYES < top < CROWN
    with pytest.raises(ShotlineError, match="unknown shot size 'XL'"):
        shot_size("XL")


@given(st.sampled_from(PERSON_SIZES), st.floats(1.2, 2.1), st.floats(14.0, 135.0), st.floats(-35.0, 40.0))
def test_solved_framing_puts_the_eyes_on_the_upper_third_and_the_foot_on_the_line(code, height, focal, elevation):
    film_h = 13.365
    try:
        fit = solve_framing(code, height, focal, film_h, elevation_deg=elevation)
    except ShotlineError:
        return  # too steep for this size: said, not framed wrongly
    t = film_h / 2 / fit.focal_mm
    pitch = np.deg2rad(fit.pitch_deg)

    def screen_y(y):  # from the frame's top, as a fraction of its height
        angle = np.arctan2(y - fit.camera_height, fit.distance) - pitch
        return 0.5 - np.tan(angle) / (2 * t)

    assert screen_y(EYES * height) == pytest.approx(1 / 3, abs=1e-6)
    assert screen_y(SHOT_SIZES[code].bottom * height) == pytest.approx(1.0, abs=1e-6)


@given(st.sampled_from(PERSON_SIZES), st.floats(0.1, 0.6))
def test_a_lens_on_the_floor_is_fitted_to_the_framing(code, camera_height):
    fit = solve_framing(code, 1.75, 40.0, 13.365, camera_height=camera_height)
    t = 13.365 / 2 / fit.focal_mm
    pitch = np.deg2rad(fit.pitch_deg)
    y = lambda h: 0.5 - np.tan(np.arctan2(h - camera_height, fit.distance) - pitch) / (2 * t)  # noqa: E731
    assert fit.camera_height == camera_height
    assert y(EYES * 1.75) == pytest.approx(1 / 3, abs=1e-4) and y(SHOT_SIZES[code].bottom * 1.75) == pytest.approx(1.0, abs=1e-4)
