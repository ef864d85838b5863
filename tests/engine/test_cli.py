import subprocess
import sys

import pytest

from engine.cli import main
from engine.demo import DEMO_PATH
from engine.interchange.mp4 import read_mp4
from engine.project import load_project


def run(*args):
    return subprocess.run([sys.executable, "-m", "engine.cli", *map(str, args)], capture_output=True, text=True)


@pytest.mark.slow  # seconds of its own: the slow CI step runs it on every submission
def test_help_for_every_command():
    for cmd in ("export", "import", "preview", "describe", "eval"):
        out = run(cmd, "--help")
        assert out.returncode == 0 and "usage: shotline" in out.stdout


def test_export_then_import_gives_the_same_cameras(tmp_path, capsys):
    assert main(["export", str(DEMO_PATH), "--format", "csv", "-o", str(tmp_path / "cams.csv")]) == 0
    assert main(["import", str(tmp_path / "cams.csv"), "--format", "csv", "-o", str(tmp_path / "back.shotline"), "-p", str(DEMO_PATH)]) == 0
    back = load_project(tmp_path / "back.shotline")
    assert [s.duration for s in back.shots] == [s.duration for s in load_project(DEMO_PATH).shots]
    assert [s.name for s in back.subjects] == [s.name for s in load_project(DEMO_PATH).subjects]  # the set comes along


def test_bad_input_is_one_line_naming_file_and_field(tmp_path):
    bad = tmp_path / "bad.shotline"
    bad.write_text('{"format": "shotline", "version": 1, "fps": -3}')
    out = run("export", bad, "--format", "usd", "-o", tmp_path / "x.usda")
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0
    assert str(bad) in out.stderr and "fps" in out.stderr
    assert not (tmp_path / "x.usda").exists()
    out = run("export", tmp_path / "missing.shotline", "--format", "otio", "-o", tmp_path / "x.otio")
    assert out.returncode == 2 and "no such file" in out.stderr
    out = run("export", DEMO_PATH, "--format", "fbx", "-o", tmp_path / "x.fbx")
    assert out.returncode == 2 and "invalid choice" in out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.shotline"]


def test_preview_writes_h264_yuv420p_with_the_right_frame_count(tmp_path):
    import av

    out = tmp_path / "demo.mp4"
    assert main(["preview", str(DEMO_PATH), "-o", str(out), "--size", "320x136", "--transition-frames", "3", "--camera-grid"]) == 0
    project = load_project(DEMO_PATH)
    frames, fps = read_mp4(out)
    assert len(frames) == project.total_frames + 3 * 3
    assert fps == pytest.approx(24.0)
    with av.open(str(out)) as c:
        stream = c.streams.video[0]
        assert stream.codec_context.name == "h264" and stream.codec_context.pix_fmt == "yuv420p"
        assert (stream.codec_context.width, stream.codec_context.height) == (320, 136)
    cut = project.shots[0].duration
    assert frames[cut : cut + 3].min() > 240  # the white transition survives encoding
    assert frames[cut - 1].mean() < 100


def test_the_exported_preview_is_the_frame_the_director_sees(tmp_path):
    import av

    out = tmp_path / "s4.mp4"
    assert main(["preview", str(DEMO_PATH), "-o", str(out), "--shot", "4"]) == 0
    project = load_project(DEMO_PATH)
    with av.open(str(out)) as c:
        size = (c.streams.video[0].codec_context.width, c.streams.video[0].codec_context.height)
    assert size == project.frame_size() == (832, 348)  # 2.39:1, as the preview panel shows it


def test_preview_of_one_shot_and_bad_shot_number(tmp_path):
    out = tmp_path / "s2.mp4"
    assert main(["preview", str(DEMO_PATH), "-o", str(out), "--size", "160x96", "--shot", "2"]) == 0
    assert len(read_mp4(out)[0]) == load_project(DEMO_PATH).shots[1].duration
    assert main(["preview", str(DEMO_PATH), "-o", str(tmp_path / "s9.mp4"), "--shot", "9"]) == 2
    assert main(["preview", str(DEMO_PATH), "-o", str(tmp_path / "s9.mp4"), "--size", "big"]) == 2
    assert not (tmp_path / "s9.mp4").exists()
