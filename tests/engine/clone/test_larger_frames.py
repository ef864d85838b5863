"""Moves on a clip rendered at 640 x 360 (tracked, like every clip, at the 320 x 180 diagonal): the
same room at twice the pixels gives a slightly different picture, and room 13's pull out and
pedestal before its far wall had been read as a zoom and a tilt there: the first pair's pose chosen
by the tracks it triangulated (the pull, 22 degrees off), and a moving camera that fits far closer
than any turn kept from the shot for want of six tracks 4 px off the turn (the pedestal). Its dolly
zoom in had been read as a zoom: the fixed-lens reading (the wall held at infinity) lost every frame
after the 16th, where the push's near tracks left 8-11 points in view."""

import numpy as np
import pytest

from engine.analysis.labels import label_path
from engine.clone.clone import clone_video
from engine.clone.synthetic import make_clip
from engine.interchange.mp4 import write_mp4
from engine.project import SUPER35_SENSOR_MM
from engine.sequence import shared

SIZE = (640, 360)


@pytest.mark.slow  # three 640 x 360 clips rendered and cloned (~45 s): the slow CI step
@pytest.mark.parametrize("move, room", [("pull_out", 13), ("pedestal_up", 13), ("dolly_zoom_in", 13)])
def test_a_move_before_a_far_wall_is_that_move_at_640x360(tmp_path, move, room):
    clip = make_clip([(move, 36)], size=SIZE, noise=2.0, seed=room)  # rooms whose wall ahead carries most tracks
    path = tmp_path / f"{move}.mp4"
    write_mp4(clip.frames, path, clip.fps, SIZE, crf=20)
    result = clone_video(path, focal_mm=float(clip.focal_px[0] * SUPER35_SENSOR_MM[0] / SIZE[0]))
    assert result.shots[0].model == "translation"
    project = result.project
    path_ = shared.shot(project, project.shots[0])
    subject = project.subjects[0]
    aim = np.asarray(subject.position) + [0, 0.72 * subject.height, 0]
    labels = set(label_path(path_, reference_length=float(np.linalg.norm(path_.positions[0] - aim))).labels)
    assert move in labels and not labels & {"zoom_out", "tilt_up"}
