"""Camera cloning on rendered clips whose cameras are known (textured room, H.264, noise)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.spatial.transform import Rotation

from engine.camera.conventions import invert_poses
from engine.camera.framing import SHOT_SIZES
from engine.clone.solve import _split_zoom, intrinsics
from engine.cli import main
from engine.project import load_project
from engine.sequence import shared


def _true_relative(clip, a, b):
    return invert_poses(clip.c2w[a]) @ clip.c2w[a:b]


def _angle(a, b):
    return np.degrees(np.arccos(np.clip((np.trace(a.T @ b) - 1) / 2, -1, 1)))


@pytest.mark.slow  # the cloned three-shot clip (a session fixture of ~10 s): the slow CI step
def test_cuts_and_dissolve_found_to_the_frame(three_shots, cloned):
    clip, _ = three_shots
    assert [t.frame for t in cloned.transitions] == clip.cuts
    assert [t.kind for t in cloned.transitions] == ["cut", "dissolve"]
    assert [s.duration for s in cloned.project.shots] == list(np.diff([0, *clip.cuts, len(clip.frames)]))


@pytest.mark.slow  # the cloned three-shot clip (a session fixture of ~10 s): the slow CI step
def test_pan_rotation_within_a_degree(three_shots, cloned):
    clip, _ = three_shots
    shot = cloned.shots[0]
    assert shot.model == "rotation"
    true = _true_relative(clip, shot.start, shot.end)
    est = shot_relative(cloned, 0)
    errs = [_angle(a[:3, :3], b[:3, :3]) for a, b in zip(est, true)]
    assert np.median(errs) < 1.0
    # 30 degrees of pan, cloned as a pan left
    assert abs(_angle(est[0, :3, :3], est[-1, :3, :3]) - _angle(true[0, :3, :3], true[-1, :3, :3])) < 1.0


def shot_relative(cloned, k):
    path = shared.shot(cloned.project, cloned.project.shots[k])
    return invert_poses(path.c2w[0]) @ path.c2w


@pytest.mark.slow  # the cloned three-shot clip (a session fixture of ~10 s): the slow CI step
def test_truck_direction_within_five_degrees(three_shots, cloned):
    clip, _ = three_shots
    shot = cloned.shots[1]
    assert shot.model == "translation"
    true = _true_relative(clip, shot.start, shot.end)
    est = shot_relative(cloned, 1)
    t_true, t_est = true[-1, :3, 3], est[-1, :3, 3]
    cos = t_true @ t_est / np.linalg.norm(t_true) / np.linalg.norm(t_est)
    assert np.degrees(np.arccos(np.clip(cos, -1, 1))) < 5.0
    # the camera's x axis (right) is where it went
    assert t_est[0] > 0.9 * np.linalg.norm(t_est)


@pytest.mark.slow  # the cloned three-shot clip (a session fixture of ~10 s): the slow CI step
def test_zoom_ratio_within_three_percent(three_shots, cloned):
    clip, _ = three_shots
    shot = cloned.shots[2]
    path = shared.shot(cloned.project, cloned.project.shots[2])
    true = clip.focal_px[shot.end - 1] / clip.focal_px[shot.start + 5]
    assert abs(path.focal_mm[-1] / path.focal_mm[5] / true - 1) < 0.03
    # the dissolve's blended frames are held and marked, the rest solved
    assert shot.interpolated[:3].all() and not shot.interpolated[5:].any()


@pytest.mark.slow  # the cloned three-shot clip (a session fixture of ~10 s): the slow CI step
def test_shots_read_as_their_moves(cloned):
    texts = [s.prompt for s in cloned.project.shots]
    assert "pan left" in texts[0]
    assert "truck right" in texts[1]
    assert "zoom in" in texts[2]
    for shot in cloned.project.shots:
        assert 2 <= len(shot.keys) <= 12  # a few keys, not one per frame
        assert "cloned" in shot.tags


@pytest.mark.slow  # the cloned three-shot clip (a session fixture of ~10 s): the slow CI step
def test_first_camera_aims_at_the_subject(cloned):
    """Placement: the first frame of a cloned shot looks at the subject's aim point."""
    shot = cloned.project.shots[0]
    path = shared.shot(cloned.project, shot)
    # the first frame looks at the subject from the medium-shot distance
    subject = cloned.project.subjects[0]
    eye = path.positions[0]
    forward = -path.c2w[0, :3, 2]
    aim = np.asarray(subject.position) + [0, SHOT_SIZES["MS"].aim * subject.height, 0]  # the medium shot's frame centre
    assert np.degrees(np.arccos(forward @ (aim - eye) / np.linalg.norm(aim - eye))) < 0.5


@given(
    rotvec=st.tuples(*[st.floats(-0.3, 0.3)] * 3),
    zoom=st.floats(0.7, 1.4),
    f=st.floats(150.0, 900.0),
)
def test_homography_splits_into_rotation_and_zoom(rotvec, zoom, f):
    size = (320, 180)
    r = Rotation.from_rotvec(rotvec).as_matrix()
    H = intrinsics(f * zoom, size) @ r @ np.linalg.inv(intrinsics(f, size))
    r_est, s, err = _split_zoom(H * 3.7, f, size)
    assert abs(s / zoom - 1) < 1e-6
    assert _angle(r, r_est) < 1e-4
    assert err < 1e-6


@pytest.mark.slow  # the cloned three-shot clip (a session fixture of ~10 s): the slow CI step
def test_cli_writes_project_and_exports(three_shots, tmp_path, capsys):
    clip, path = three_shots
    out = tmp_path / "clone.shotline"
    assert main(["clone", str(path), "-o", str(out), "--end", "1.4"]) == 0
    printed = capsys.readouterr().out
    assert "focal length" in printed
    project = load_project(out)
    assert [s.duration for s in project.shots] == [20, 14]  # 1.4 s: the pan and the truck up to its dissolve
    csv = tmp_path / "clone.csv"
    assert main(["clone", str(path), "-o", str(csv), "--format", "csv", "--end", "0.8"]) == 0
    assert csv.read_text().count("\n") == 1 + 20  # header and one row per frame (t < 0.8 s at 24 fps)


@pytest.mark.slow  # the cloned three-shot clip (a session fixture of ~10 s): the slow CI step
def test_cli_places_in_project_around_named_subject(three_shots, tmp_path):
    from engine.project import Project, Subject, save_project

    clip, path = three_shots
    proj = tmp_path / "set.shotline"
    save_project(Project(name="Set", subjects=[Subject(name="Mara", position=(2.0, 0.0, -1.0)), Subject(name="Jonas")]), proj)
    out = tmp_path / "clone.shotline"
    assert main(["clone", str(path), "-o", str(out), "-p", str(proj), "--subject", "Mara", "--end", "0.8"]) == 0
    project = load_project(out)
    assert [s.name for s in project.subjects] == ["Mara", "Jonas"]
    assert "Mara" in project.shots[0].prompt
    cam = shared.shot(project, project.shots[0]).positions[0]
    assert 1.0 < np.linalg.norm(cam - [2.0, 1.26, -1.0]) < 10.0


@pytest.mark.slow  # the cloned three-shot clip (a session fixture of ~10 s): the slow CI step
def test_shots_keep_the_clip_as_a_reference_not_a_copy(three_shots, cloned):
    """Each cloned shot points at the clip (its path) and the clip's time at the shot's first frame."""
    clip, path = three_shots
    for shot, info in zip(cloned.project.shots, cloned.shots):
        assert shot.reference is not None and shot.reference.path == str(path.resolve())
        assert shot.reference.time_at(0) == info.start / clip.fps
        assert shot.reference.time_at(3) == (info.start + 3) / clip.fps


@pytest.mark.slow  # the cloned three-shot clip (a session fixture of ~10 s): the slow CI step
def test_shot_size_is_where_the_move_takes_the_framing(cloned):
    """Without a scale every clone starts at a medium shot and says so; a zoom in by 1.6 from a
    medium shot (0.55 subject heights in frame) ends on a medium close-up, a pan and a truck stay."""
    assert [s.size for s in cloned.project.shots] == ["MS", "MS", "MCU"]
    assert any("no scale" in m and "--size" in m for m in cloned.messages)
