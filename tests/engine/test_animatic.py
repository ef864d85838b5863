"""The animatic: picture and sound stay together, burn-ins, passes, atomic writes."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import ShotlineError
from engine.interchange.animatic import parse_burn_ins, timecode, write_animatic
from engine.project import AudioTrack, CameraKey, Project, Shot
from tests.engine.sound_files import click_track, write_wav


def static_shots(n: int, duration: int) -> list[Shot]:
    # Each shot looks from elsewhere, so every cut changes the whole picture.
    return [
        Shot(id=f"s{i}", name=f"Shot {i + 1}", duration=duration, keys=[CameraKey(frame=0, position=(float(i % 5) * 1.7 - 3, 0.6 + (i % 3) * 0.9, 4.0 - (i % 4)))])
        for i in range(n)
    ]


def decode_streams(path):
    """Picture frames with their presentation times, and the sound with the time of its first sample."""
    import av

    with av.open(str(path)) as c:
        v = c.streams.video[0]
        vinfo = (v.codec_context.name, v.codec_context.pix_fmt, float(v.average_rate))
        frames, times = [], []
        for f in c.decode(v):
            frames.append(f.to_ndarray(format="gray").astype(np.float32))
            times.append(float(f.time))
    with av.open(str(path)) as c:
        a = c.streams.audio[0]
        ainfo = (a.codec_context.name, a.rate, a.channels)
        chunks, start = [], None
        for f in c.decode(a):
            if start is None:
                start = float(f.time)
            chunks.append(f.to_ndarray()[0])
    return np.stack(frames), np.array(times), vinfo, np.concatenate(chunks), start, ainfo


@pytest.mark.slow  # seconds of its own: the slow CI step runs it on every submission
def test_sixty_second_animatic_with_a_click_keeps_sound_and_picture_within_a_frame(tmp_path):
    fps = 24.0
    samples, clicks = click_track(120, 60.0, rate=44100)
    write_wav(tmp_path / "click.wav", samples, 44100)
    # 30 shots of 2 s: every cut on a click (the picture's cuts are where the sound's clicks should be).
    project = Project(fps=fps, shots=static_shots(30, 48), audio=[AudioTrack(path="click.wav")])
    project_path = tmp_path / "seq.shotline"
    out = tmp_path / "animatic.mp4"
    n = write_animatic(project, out, (160, 68), burn_ins=(), project_path=project_path)
    assert n == 1440
    frames, times, vinfo, sound, sound_start, ainfo = decode_streams(out)
    assert vinfo == ("h264", "yuv420p", 24.0)
    assert ainfo[0] == "aac" and ainfo[2] == 2
    assert len(frames) == 1440
    rate = ainfo[1]
    # Cuts in the picture: frames that differ from the one before by far more than the codec's noise.
    change = np.abs(np.diff(frames, axis=0)).mean(axis=(1, 2))
    cut_times = times[1:][change > 4.0]
    assert len(cut_times) == 29
    # Clicks in the sound: the first loud sample after a quiet stretch.
    loud = np.flatnonzero(np.abs(sound) > 0.2)
    onsets = loud[np.insert(np.diff(loud) > rate * 0.1, 0, True)] / rate + sound_start
    assert len(onsets) == len(clicks)
    drift = np.array([np.min(np.abs(onsets - t)) for t in cut_times])
    assert drift.max() < 1.0 / fps, f"picture and sound {drift.max() * 1000:.1f} ms apart"
    # and not merely within a frame at the start: the last cut (58 s) as close as the first
    assert abs(cut_times[-1] - 58.0) < 1.0 / fps


def test_animatic_without_audio_has_only_picture(tmp_path):
    import av

    out = tmp_path / "a.mp4"
    write_animatic(Project(shots=static_shots(2, 5)), out, (96, 40))
    with av.open(str(out)) as c:
        assert len(c.streams.video) == 1 and len(c.streams.audio) == 0
        assert sum(1 for _ in c.decode(video=0)) == 10


def test_burn_ins_draw_on_the_bands_only(tmp_path):
    from engine.interchange.mp4 import read_mp4

    shots = static_shots(1, 3)
    write_animatic(Project(shots=shots), tmp_path / "plain.mp4", (320, 136), burn_ins=())
    write_animatic(Project(shots=shots), tmp_path / "burnt.mp4", (320, 136))
    plain, _ = read_mp4(tmp_path / "plain.mp4")
    burnt, _ = read_mp4(tmp_path / "burnt.mp4")
    diff = np.abs(plain.astype(int) - burnt.astype(int)).mean(axis=(0, 2, 3))  # per row
    assert diff[:10].mean() > 10 and diff[-10:].mean() > 10  # text and bands, top and bottom
    assert diff[50:86].mean() < 2  # the middle of the picture is the picture
    # The timecode changes every frame: the top-right corner differs between frames 0 and 2.
    assert np.abs(burnt[0, :20, 220:].astype(int) - burnt[2, :20, 220:].astype(int)).sum() > 0


def test_timecode_and_burn_in_options():
    assert timecode(0, 24) == "00:00:00:00"
    assert timecode(24 * 3661 + 5, 24) == "01:01:01:05"
    assert timecode(30, 29.97) == "00:00:01:00"
    assert parse_burn_ins("none") == ()
    assert parse_burn_ins("shot, lens") == ("shot", "lens")
    with pytest.raises(ShotlineError, match="--burn-in"):
        parse_burn_ins("shot,colour")


def test_the_greybox_pass_shows_the_blocked_set(tmp_path):
    """With --pass greybox the animatic is the grey-box render: a person stands where the grid has nothing."""
    from engine.interchange.mp4 import read_mp4
    from engine.project import Subject

    mara = Subject(name="Mara", position=(0.0, 0.0, 0.0), color="#d04030")
    key = CameraKey(frame=0, position=(0.0, 1.5, 3.5), look_at="Mara")
    project = Project(subjects=[mara], shots=[Shot(id="s", name="Mara", duration=6, keys=[key])])
    write_animatic(project, tmp_path / "g.mp4", (96, 64), source="greybox", burn_ins=())
    write_animatic(project, tmp_path / "c.mp4", (96, 64), source="grid", burn_ins=())
    grey, _ = read_mp4(tmp_path / "g.mp4")
    grid, _ = read_mp4(tmp_path / "c.mp4")
    assert len(grey) == 6
    centre = grey[3, 20:44, 40:56].reshape(-1, 3).astype(int).mean(axis=0)
    assert centre[0] > centre[2] + 30  # Mara's red clay in the middle of the frame
    assert np.abs(grey.astype(int) - grid).mean() > 10


def test_render_pass_uses_clips_and_marks_stale_ones(tmp_path):
    from engine.interchange.mp4 import read_mp4, write_mp4
    from engine.interchange.renders import find_renders, record_render

    shots = static_shots(3, 6)
    project = Project(shots=shots)
    project_path = tmp_path / "seq.shotline"
    folder = tmp_path / "seq.renders"
    red = np.zeros((6, 64, 96, 3), np.uint8)
    red[..., 0] = 220
    write_mp4(red, folder / "shot_01_Shot_1.mp4", 24, (96, 64))
    write_mp4(red[:4], folder / "shot_02_Shot_2.mp4", 24, (96, 64))  # 4 frames: the shot has 6
    record_render(folder, "shot_01_Shot_1.mp4", shots[0])
    clips = find_renders(project, project_path)
    assert clips[0] is not None and not clips[0].stale
    assert clips[1] is not None and clips[1].stale and "4 frames" in clips[1].reason
    assert clips[2] is None
    # An edit after the render marks it stale through the manifest.
    edited = project.model_copy(update={"shots": [shots[0].model_copy(update={"prompt": "rain"}), *shots[1:]]})
    assert find_renders(edited, project_path)[0].stale

    out = tmp_path / "a.mp4"
    assert write_animatic(project, out, (96, 40), source="render", burn_ins=(), project_path=project_path) == 18
    frames, _ = read_mp4(out)
    assert frames[:6, 10:30, 20:70, 0].mean() > 180 and frames[:6, 10:30, 20:70, 1].mean() < 60  # the red render
    assert frames[6:10, 10:30, 20:70, 0].mean() > 180  # the short clip …
    assert np.array_equal(frames[10], frames[11])  # … holds its last frame to the shot's length
    assert frames[12:, 10:30, 20:70, 0].mean() < 120  # shot 3: the grid stands in


def test_a_failing_animatic_leaves_nothing(tmp_path):
    project = Project(shots=static_shots(2, 4), audio=[AudioTrack(path="missing.wav")])
    out = tmp_path / "a.mp4"
    out.write_bytes(b"old animatic")
    with pytest.raises(ShotlineError, match="missing.wav"):
        write_animatic(project, out, (64, 32), project_path=tmp_path / "x.shotline")
    assert out.read_bytes() == b"old animatic"
    assert [p.name for p in tmp_path.iterdir()] == ["a.mp4"]


def test_cli_animatic_mixes_the_project_audio_and_names_a_corrupt_sound(tmp_path, capsys):
    import av

    from engine.cli import main
    from engine.project import save_project

    samples, _ = click_track(120, 2.0, rate=22050)
    write_wav(tmp_path / "click.wav", samples, 22050)
    project = Project(shots=static_shots(2, 24), audio=[AudioTrack(path="click.wav")])
    save_project(project, tmp_path / "seq.shotline")
    out = tmp_path / "seq.mp4"
    assert main(["animatic", str(tmp_path / "seq.shotline"), "-o", str(out), "--size", "96x40"]) == 0
    with av.open(str(out)) as c:
        assert c.streams.audio[0].codec_context.name == "aac"
        assert abs(float(c.duration) / 1e6 - 2.0) < 0.1

    (tmp_path / "click.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunkjunkjunk")
    capsys.readouterr()
    assert main(["animatic", str(tmp_path / "seq.shotline"), "-o", str(tmp_path / "new.mp4")]) == 2
    err = capsys.readouterr().err.strip()
    assert "click.wav" in err and "\n" not in err
    assert not (tmp_path / "new.mp4").exists()
