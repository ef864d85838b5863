"""Motion labels of cloned one-shot clips against the moves that made them (held-out room, seed 7)."""

import numpy as np
import pytest

pytest.importorskip("skimage")

from engine.analysis.labels import label_path  # noqa: E402
from engine.camera.path import CameraPath  # noqa: E402
from engine.camera.framing import SHOT_SIZES  # noqa: E402
from engine.clone.clone import clone_video  # noqa: E402
from engine.clone.place import DEFAULT_SIZE  # noqa: E402
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
    """The cloned shot's main move, its speeds measured in the distance from its first camera to
    the subject it was placed around (as the true move's are in the distance to what the first
    frame looks at): a dolly zoom is the push and the zoom at comparable rates, so the yardstick
    matters."""
    project = result.project
    path = shared.shot(project, project.shots[0])
    subject = project.subjects[0]
    aim = np.asarray(subject.position) + [0, SHOT_SIZES[DEFAULT_SIZE].aim * subject.height, 0]
    return label_path(path, reference_length=float(np.linalg.norm(path.positions[0] - aim))).dominant


@pytest.mark.slow
@pytest.mark.parametrize(
    "kind, size",
    [
        ("zoom_out", (320, 180)),
        ("push_in", (320, 180)),
        ("zoom_out", (224, 126)),
        ("push_in", (224, 126)),  # the thresholds are fractions of the frame: 224 px reads as 320 does
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
        "dolly_zoom_in", "dolly_zoom_out", "tilt_down",
    ],
)  # fmt: skip
def test_cloned_move_reads_as_the_true_move(kind, tmp_path):
    clip, result = _clone(kind, tmp_path)
    true = label_path(CameraPath(clip.c2w, clip.focal_px, (1.0, 1.0), clip.fps), reference_length=clip.depth0[0]).dominant
    assert true == LABEL_OF.get(kind, kind)
    assert result.transitions == [] and len(result.project.shots) == 1  # one take, one shot
    assert _dominant(result) == true


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["push_in", "zoom_in", "pedestal_up"])
def test_the_same_shot_at_two_sizes_reads_the_same(kind, tmp_path):
    """Rendered at 224 x 126 and at 640 x 360, one move gets the same labels."""
    labels = []
    for size in [(224, 126), (640, 360)]:
        _, result = _clone(kind, tmp_path, frames=24, size=size)
        labels.append(label_path(shared.shot(result.project, result.project.shots[0])).segments)
    assert [seg.label for seg in labels[0]] == [seg.label for seg in labels[1]]
    assert labels[0][0].label == kind or kind in {seg.label for seg in labels[0]}
