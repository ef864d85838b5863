"""File > Clone Camera from Video…: worker thread, progress, Cancel, Accept as one undo step."""

import pytest

pytest.importorskip("skimage")

from app.document import Document  # noqa: E402
from app.ui.clone_dialog import CloneDialog  # noqa: E402
from engine.clone.synthetic import make_clip  # noqa: E402
from engine.demo import build_demo_project  # noqa: E402
from engine.interchange.mp4 import write_mp4  # noqa: E402


@pytest.fixture(scope="module")
def clip_path(tmp_path_factory):
    clip = make_clip([("zoom_in", 14), ("truck_right", 14)], size=(256, 144), seed=1)
    path = tmp_path_factory.mktemp("clonegui") / "ref.mp4"
    write_mp4(clip.frames, path, clip.fps, (256, 144))
    return path


def test_clone_then_insert_after_selection_is_one_undo_step(qtbot, clip_path):
    doc = Document(build_demo_project())
    before = [s.id for s in doc.project.shots]
    doc.select(before[1], -1)
    dialog = CloneDialog(doc, clip_path)
    qtbot.addWidget(dialog)
    assert dialog.subject.currentText() == doc.project.subjects[0].name
    dialog.mode.setCurrentIndex(1)
    dialog.size.setCurrentIndex(dialog.size.findData("FS"))  # the reference opens on a full shot
    with qtbot.waitSignal(dialog.worker.finished, timeout=120_000):
        dialog.start()
    assert dialog.bar.value() == 100 and dialog.accept_button.isEnabled()
    dialog.accept_result()
    ids = [s.id for s in doc.project.shots]
    assert len(ids) == len(before) + 2
    assert ids[:2] == before[:2] and ids[4:] == before[2:]  # in after the selected shot
    assert "zoom in" in doc.project.shots[2].prompt
    # a zoom in by 1.6 from a full shot (1.25 subject heights) ends on a medium long shot; the truck stays
    assert [s.size for s in doc.project.shots[2:4]] == ["MLS", "FS"]
    # the clip is kept as a reference on the cloned shots (its path, not a copy), the others have none
    assert {s.reference.path for s in doc.project.shots[2:4]} == {str(clip_path.resolve())}
    assert doc.project.shots[0].reference is None
    doc.undo_stack.undo()
    assert [s.id for s in doc.project.shots] == before


def test_cancel_changes_nothing(qtbot, clip_path):
    doc = Document(build_demo_project())
    before = doc.project
    dialog = CloneDialog(doc, clip_path)
    qtbot.addWidget(dialog)
    dialog.worker.cancel()  # asked before the first step: the worker stops at it
    with qtbot.waitSignal(dialog.worker.cancelled, timeout=60_000):
        dialog.worker._stop.set()
        dialog.worker.start(clip_path, doc.project, None, None)
        dialog.worker._stop.set()
    assert "Cancelled" in dialog.status.text()
    assert doc.project == before and not dialog.accept_button.isEnabled()
