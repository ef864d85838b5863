"""Bad reference clips: one line naming the file, nothing written."""

import numpy as np

from engine.cli import main
from engine.interchange.mp4 import write_mp4


def _fails(tmp_path, capsys, video, *extra):
    out = tmp_path / "out.shotline"
    assert main(["clone", str(video), "-o", str(out), *extra]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(video) in err[0], err
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    return err[0]


def test_missing_and_unreadable(tmp_path, capsys):
    assert "no such file" in _fails(tmp_path, capsys, tmp_path / "nope.mp4")
    junk = tmp_path / "junk.mp4"
    junk.write_text("this is not a video")
    assert "not a video" in _fails(tmp_path, capsys, junk)
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    _fails(tmp_path, capsys, empty)


def test_one_frame_video(tmp_path, capsys):
    one = tmp_path / "one.mp4"
    write_mp4([np.full((64, 96, 3), 128, np.uint8)], one, 24, (96, 64))
    assert "one frame" in _fails(tmp_path, capsys, one)


def test_still_image(tmp_path, capsys):
    import cv2

    still = tmp_path / "still.png"
    cv2.imwrite(str(still), np.random.default_rng(0).integers(0, 255, (64, 96, 3), dtype=np.uint8))
    assert "still image" in _fails(tmp_path, capsys, still)


def test_textureless_clip(tmp_path, capsys):
    flat = tmp_path / "flat.mp4"
    write_mp4([np.full((72, 128, 3), 90 + i, np.uint8) for i in range(12)], flat, 24, (128, 72))
    assert "textureless" in _fails(tmp_path, capsys, flat)


def test_clip_whose_shots_all_fail(tmp_path, capsys):
    # texture on every frame, but nothing in one frame is in the next: no camera to make out
    rng = np.random.default_rng(1)
    noise = tmp_path / "noise.mp4"
    write_mp4([rng.integers(0, 255, (72, 128, 3), dtype=np.uint8) for _ in range(10)], noise, 24, (128, 72))
    assert "no shot's camera" in _fails(tmp_path, capsys, noise)


def test_unknown_subject(tmp_path, capsys):
    clip = tmp_path / "c.mp4"
    write_mp4([np.full((72, 128, 3), 90, np.uint8)] * 3, clip, 24, (128, 72))
    assert "--subject" in _fails(tmp_path, capsys, clip, "--subject", "Nobody")


def test_a_shot_opencv_cannot_solve_fails_that_shot(tmp_path, capsys, monkeypatch):
    # OpenCV 5 raises cv2.error on degenerate point sets where 4.x returned nothing: the clip's one
    # shot fails with a one-line error naming the file, not a traceback
    import cv2

    import engine.clone.clone as clone_module

    def degenerate(*_args, **_kwargs):
        raise cv2.error("OpenCV(5.1.0) mathfuncs.cpp:1601: error: (-215:Assertion failed) in function 'solvePoly'")

    monkeypatch.setattr(clone_module, "solve_shot", degenerate)
    rng = np.random.default_rng(2)
    texture = rng.integers(0, 255, (90, 160, 3), dtype=np.uint8)
    clip = tmp_path / "pan.mp4"
    write_mp4([np.ascontiguousarray(texture[9:81, 2 * i : 2 * i + 128]) for i in range(12)], clip, 24, (128, 72))
    assert "no shot's camera" in _fails(tmp_path, capsys, clip)
