"""The document: every gesture is one undo step, undo is exact, the dirty flag follows the stack."""

import numpy as np
import pytest

from app.autosave import Autosaver, recovery_for, sidecar_path
from app.document import Document
from engine.camera.interpolate import evaluate_shot
from engine.demo import build_demo_project
from engine.errors import ShotlineError
from engine.project import load_project, project_to_dict, save_project


@pytest.fixture
def doc(qtbot, tmp_path):
    path = tmp_path / "rooftop.shotline"
    save_project(build_demo_project(), path)
    return Document(load_project(path), path)


def test_a_drag_is_one_undo_step_and_undo_is_exact(doc, qtbot):
    original = project_to_dict(doc.project)
    shot = doc.project.shots[3]
    doc.begin_gesture("Drag key")
    for dx in np.linspace(0.01, 0.5, 20):  # twenty mouse moves
        key = shot.keys[0].model_copy(update={"position": (shot.keys[0].position[0] + dx, *shot.keys[0].position[1:])})
        doc.set_key(shot.id, 0, key)
    doc.end_gesture()
    assert doc.undo_stack.count() == 1 and doc.dirty
    assert doc.shot(shot.id).keys[0].position[0] == pytest.approx(shot.keys[0].position[0] + 0.5)
    with qtbot.waitSignal(doc.dirtyChanged):
        doc.undo_stack.undo()
    assert project_to_dict(doc.project) == original and not doc.dirty
    doc.undo_stack.redo()
    assert doc.shot(shot.id).keys[0].position[0] == pytest.approx(shot.keys[0].position[0] + 0.5)


def test_signals_say_what_changed(doc, qtbot):
    shot = doc.project.shots[1]
    with qtbot.waitSignal(doc.shotChanged) as blocker:
        doc.set_shot_fields(shot.id, prompt="New words")
    assert blocker.args == [shot.id]
    with qtbot.waitSignal(doc.shotsChanged):
        doc.trim_shot(shot.id, 50)
    assert doc.shot(shot.id).duration == 50


def test_split_keeps_the_camera_on_every_frame_and_undoes(doc):
    project = doc.project
    shot = project.shots[0]  # the crane down, 120 frames
    before = evaluate_shot(project, shot).c2w
    new_id = doc.split_shot(shot.id, 50)
    a, b = doc.shot(shot.id), doc.shot(new_id)
    assert (a.duration, b.duration) == (50, 70) and len(doc.project.shots) == 5
    after = np.concatenate([evaluate_shot(doc.project, a).c2w, evaluate_shot(doc.project, b).c2w])
    drift = np.abs(after[:, :3, 3] - before[:, :3, 3]).max(axis=1)
    assert drift.max() < 0.05 and drift[[0, 49, 50, 119]].max() < 1e-9  # exact at the ends and the cut
    doc.undo_stack.undo()
    assert doc.project == project
    with pytest.raises(ShotlineError, match="not inside the shot"):
        doc.split_shot(shot.id, 0)


def test_duplicate_reorder_delete_and_a_move_preset(doc):
    ids = [s.id for s in doc.project.shots]
    copy = doc.duplicate_shot(ids[1])
    assert [s.id for s in doc.project.shots] == [ids[0], ids[1], copy, *ids[2:]]
    assert doc.shot(copy).name == "OTS on Mara copy"
    doc.move_shot(copy, 0)
    assert doc.project.shots[0].id == copy
    doc.delete_shot(copy)
    assert [s.id for s in doc.project.shots] == ids
    doc.apply_move(ids[1], "pan_left", amount=20)
    moved = doc.shot(ids[1])  # the preset stays a move with its parameters, its start as the one key
    assert (moved.move.name, moved.move.amount, len(moved.keys)) == ("pan_left", 20.0, 1) and doc.undo_stack.count() == 4


def test_a_bad_edit_never_lands(doc):
    shot = doc.project.shots[0]
    with pytest.raises(ShotlineError):
        doc.set_shot_fields(shot.id, duration=0)
    assert doc.undo_stack.count() == 0 and doc.project.shots[0].duration == shot.duration


def test_save_cleans_and_autosave_never_touches_the_users_file(doc, qtbot, tmp_path):
    user_file = doc.path.read_bytes()
    saver = Autosaver(doc, interval_ms=10)
    doc.set_shot_fields(doc.project.shots[0].id, prompt="changed")
    qtbot.waitUntil(lambda: sidecar_path(doc.path).exists(), timeout=10000)
    assert doc.path.read_bytes() == user_file  # only the sidecar was written
    assert recovery_for(doc.path) == sidecar_path(doc.path)
    assert load_project(sidecar_path(doc.path)).shots[0].prompt == "changed"
    doc.save()
    assert not doc.dirty and not sidecar_path(doc.path).exists()
    assert load_project(doc.path).shots[0].prompt == "changed"
    assert saver.save_now() is None  # nothing unsaved, nothing written


def test_add_move_and_delete_keys_each_undo(doc):
    shot = doc.project.shots[0]
    n = len(shot.keys)
    path_before = evaluate_shot(doc.project, shot)
    index = doc.add_key(shot.id, 45)
    assert len(doc.shot(shot.id).keys) == n + 1 and doc.shot(shot.id).keys[index].frame == 45
    # A key added where the camera already is: the camera is there at that frame, and the curve
    # re-fitted through it moves nearby frames by at most a couple of percent of the move.
    after = evaluate_shot(doc.project, doc.shot(shot.id)).positions
    extent = np.ptp(path_before.positions, axis=0).max()
    assert np.allclose(after[45], path_before.positions[45], atol=1e-6)
    assert np.abs(after - path_before.positions).max() < 0.02 * extent
    key = doc.shot(shot.id).keys[index]
    doc.set_key(shot.id, index, key.model_copy(update={"frame": 50, "position": (0.0, 3.0, 5.0)}))
    moved = [k for k in doc.shot(shot.id).keys if k.frame == 50]
    assert moved and moved[0].position == (0.0, 3.0, 5.0)
    doc.delete_key(shot.id, [k.frame for k in doc.shot(shot.id).keys].index(50))
    assert len(doc.shot(shot.id).keys) == n
    doc.undo_stack.undo()
    assert any(k.frame == 50 for k in doc.shot(shot.id).keys)
    doc.undo_stack.undo()
    assert any(k.frame == 45 for k in doc.shot(shot.id).keys)
    doc.undo_stack.undo()
    assert doc.shot(shot.id) == shot
    with pytest.raises(ShotlineError, match="at least one"):
        only = doc.project.shots[1]
        for _ in range(len(only.keys)):
            doc.delete_key(only.id, 0)


def test_the_playhead_follows_the_selection():
    from app.document import Document
    from engine.demo import build_demo_project

    doc = Document(build_demo_project())
    seen = []
    doc.selection.events.frame.connect(seen.append)
    shots, starts = doc.project.shots, doc.project.shot_start_frames()
    doc.select(shots[2].id)
    assert doc.selection.frame == starts[2] and doc.locate()[0] is shots[2]
    doc.seek(starts[2] + 30)
    doc.select(shots[2].id, -1)  # already there: the playhead stays
    assert doc.selection.frame == starts[2] + 30
    doc.select(shots[0].id, 3)  # a key: onto its frame
    assert doc.selection.frame == shots[0].keys[3].frame
    assert seen == [starts[2], starts[2] + 30, shots[0].keys[3].frame]


def test_a_render_goes_stale_when_a_subject_it_shows_moves_and_not_for_others(tmp_path):
    from app.document import Document
    from engine.demo import build_demo_project

    doc = Document(build_demo_project())
    close_up = next(s for s in doc.project.shots if s.name == "Mara close-up push")
    doc.set_render(close_up.id, tmp_path / "clip.mp4", close_up)
    assert doc.render_of(close_up.id) == (tmp_path / "clip.mp4", True)

    def moved(name, dx):
        return [s.model_copy(update={"position": (s.position[0] + dx, *s.position[1:])}) if s.name == name else s for s in doc.project.subjects]

    doc.edit(doc.project.model_copy(update={"subjects": moved("Jonas", 3.0)}), "Move Jonas")  # out of this frame
    assert doc.render_of(close_up.id)[1] is True
    doc.edit(doc.project.model_copy(update={"subjects": moved("Mara", 0.5)}), "Move Mara")
    assert doc.render_of(close_up.id)[1] is False
    doc.undo_stack.undo()
    assert doc.render_of(close_up.id)[1] is True


def test_a_bad_edit_never_lands_and_names_its_field():
    import pytest as _pytest

    from app.document import Document
    from engine.demo import build_demo_project
    from engine.errors import ShotlineError

    doc = Document(build_demo_project())
    shot = doc.project.shots[1]
    before = doc.project
    with _pytest.raises(ShotlineError) as info:
        doc.set_key(shot.id, 0, shot.keys[0].model_copy(update={"frame": shot.duration + 5}))
    assert info.value.field == "shots[1].keys[0].frame" and "outside the shot" in str(info.value)
    with _pytest.raises(ShotlineError) as info:
        doc.set_key(shot.id, 0, shot.keys[0].model_copy(update={"look_at": "Nobody"}))
    assert info.value.field == "shots[1].keys[0].look_at" and "unknown subject" in str(info.value)
    with _pytest.raises(ShotlineError) as info:
        doc.edit(doc.project.model_copy(update={"fps": -3.0}), "Bad fps")
    assert info.value.field == "fps"
    assert doc.project is before and doc.undo_stack.count() == 0
