"""Motion labels of cloned one-shot clips against the moves that made them (held-out room, seed 7)."""

import pytest

pytest.importorskip("skimage")

from engine.analysis.labels import label_path  # noqa: E402
from engine.camera.path import CameraPath  # noqa: E402
from engine.clone.clone import clone_video  # noqa: E402
from engine.clone.synthetic import LABEL_OF, make_clip  # noqa: E402
from engine.interchange.mp4 import write_mp4  # noqa: E402
from engine.project import SUPER35_SENSOR_MM  # noqa: E402
from engine.sequence import shared  # noqa: E402


def _clone(kind, tmp_path, frames=36, size=(320, 180), seed=7):
    clip = make_clip([(kind, frames)], size=size, noise=2.0, seed=seed)
    path = tmp_path / f"{kind}.mp4"
    write_mp4(clip.frames, path, clip.fps, size, crf=20)
    result = clone_video(path, focal_mm=float(clip.focal_px[0] * SUPER35_SENSOR_MM[0] / size[0]))
    return clip, result


def _dominant(result):
    return label_path(shared.shot(result.project, result.project.shots[0])).dominant


@pytest.mark.slow
@pytest.mark.parametrize(
    "kind, size",
    [
        ("zoom_out", (320, 180)),
        ("push_in", (320, 180)),
        ("zoom_out", (224, 126)),
        # Not ("push_in", (224, 126)): the parallax thresholds are in pixels (set at 320 wide), so at
        # 224 a push reads as a zoom on some runs and not others (RANSAC's draws follow the thread
        # count) — a known limit (docs/benchmarks.md), not a test that can tell anything.
    ],
)
def test_zoom_out_and_push_in_are_told_apart(kind, size, tmp_path):
    """A zoom is a homography; a push shows parallax: neither reads as the other."""
    _, result = _clone(kind, tmp_path, frames=24, size=size)
    assert _dominant(result) == kind


@pytest.mark.slow
@pytest.mark.parametrize(
    "kind",
    [
        "pedestal_up", "arc_left", "pull_out", "truck_left", "roll_left", "pan_corner", "zoom_in",
        # the transition detector finds a false cut in this clip (engine.train.evaluate), splitting it
        pytest.param("tilt_down", marks=pytest.mark.xfail(reason="false transition splits the clip", strict=True)),
    ],
)  # fmt: skip
def test_cloned_move_reads_as_the_true_move(kind, tmp_path):
    clip, result = _clone(kind, tmp_path)
    true = label_path(CameraPath(clip.c2w, clip.focal_px, (1.0, 1.0), clip.fps), reference_length=clip.depth0[0]).dominant
    assert true == LABEL_OF.get(kind, kind)
    assert _dominant(result) == true
