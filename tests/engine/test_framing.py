"""Shot sizes: the distance for a size frames the subject at that size, on any lens and sensor."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.camera.framing import PERSON_SIZES, SHOT_SIZES, classify_size, distance_for_size, frame_height_at, shot_size
from engine.errors import ShotlineError


@given(st.sampled_from(PERSON_SIZES), st.floats(0.5, 2.5), st.floats(8.0, 300.0), st.floats(5.0, 30.0))
def test_the_distance_for_a_size_frames_that_size(code, height, focal, film_h):
    d = distance_for_size(code, height, focal, film_h)
    assert classify_size(frame_height_at(d, focal, film_h), height) == code


def test_sizes_get_wider_in_order_and_a_close_up_holds_a_head():
    heights = [SHOT_SIZES[c].frame_heights for c in PERSON_SIZES]
    assert heights == sorted(heights)
    # A close-up of a 1.75 m person holds 30-45 cm: the head and the top of the shoulders.
    assert 0.3 < SHOT_SIZES["CU"].frame_heights * 1.75 < 0.45
    with pytest.raises(ShotlineError, match="unknown shot size 'XL'"):
        shot_size("XL")
