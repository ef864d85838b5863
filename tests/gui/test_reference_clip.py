"""The reference clip plays beside the preview in step with the playhead (cloned shots keep it)."""

import numpy as np
import pytest

from app.document import Document
from app.ui.preview import PreviewPlayer
from engine.demo import build_demo_project
from engine.interchange.mp4 import write_mp4
from engine.project import ReferenceClip

STEP = 5  # grey level between consecutive frames of the clip


@pytest.fixture(scope="module")
def numbered_clip(tmp_path_factory):
    """48 flat frames at 24 fps, frame i at grey level STEP * i: the frame shown says its index."""
    frames = np.stack([np.full((48, 64, 3), STEP * i, np.uint8) for i in range(48)])
    path = tmp_path_factory.mktemp("reference") / "ref.mp4"
    write_mp4(frames, path, 24.0, (64, 48), crf=0)
    return path


def _shown_index(preview) -> int:
    image = preview.view.image
    # inside the reference: right of the preview frame (beside), or in the top-right inset
    x, y = image.width() - 12, 12
    return round(image.pixelColor(x, y).red() / STEP)


def test_reference_frame_follows_the_playhead(qtbot, numbered_clip):
    project = build_demo_project()
    shots = list(project.shots)
    shots[1] = shots[1].model_copy(update={"reference": ReferenceClip(path=str(numbered_clip), start_s=0.5, fps=24.0)})
    doc = Document(project.model_copy(update={"shots": shots}))
    preview = PreviewPlayer(doc)
    qtbot.addWidget(preview)
    start = doc.project.shot_start_frames()[1]
    for local in (0, 3, 17):
        preview.set_frame(start + local)
        # the clip's frame at the same time: 0.5 s in (frame 12), then one clip frame per shot frame
        assert preview.reference_shown == (numbered_clip, 0.5 + local / 24.0)
        assert _shown_index(preview) == 12 + local
    preview.set_frame(start - 1)  # the shot before has no reference: nothing beside the preview
    assert preview.reference_shown is None
    preview.reference_mode.setCurrentIndex(2)  # inset: the frame keeps its size, the clip in a corner
    preview.set_frame(start + 5)
    assert preview.reference_shown is not None and _shown_index(preview) == 17


def test_missing_reference_clip_is_said_and_the_preview_goes_on(qtbot, tmp_path):
    project = build_demo_project()
    shots = list(project.shots)
    gone = tmp_path / "moved.mp4"
    shots[0] = shots[0].model_copy(update={"reference": ReferenceClip(path=str(gone), start_s=0.0, fps=24.0)})
    doc = Document(project.model_copy(update={"shots": shots}))
    preview = PreviewPlayer(doc)
    qtbot.addWidget(preview)
    preview.set_frame(2, force=True)
    assert preview.reference_shown is None and preview.view.image is not None
    assert "moved.mp4" in preview.status.text()
