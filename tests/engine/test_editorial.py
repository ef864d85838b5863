"""Editorial round trip: EDL / FCP 7 XML / FCPX XML out through OTIO's adapters, edited cuts back in."""

from __future__ import annotations

import numpy as np
import opentimelineio as otio
import pytest

from engine.camera.interpolate import evaluate_shot
from engine.demo import build_demo_project
from engine.errors import ShotlineError
from engine.interchange.editorial import ADAPTERS, import_cut, media_folder, write_cut
from engine.project import save_project

SIZE = (96, 40)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The demo cut in every format, with its media (written once: the grid clips take a moment)."""
    root = tmp_path_factory.mktemp("cut")
    project = build_demo_project()
    save_project(project, root / "demo.shotline")
    outs = {}
    for fmt, (_, suffix, _) in ADAPTERS.items():
        outs[fmt] = root / f"cut{suffix}"
        write_cut(project, fmt, outs[fmt], root / "demo.shotline", size=SIZE)
    return project, root, outs


@pytest.mark.parametrize("fmt", list(ADAPTERS))
def test_otio_reads_the_cut_back_as_written(exported, fmt):
    project, root, outs = exported
    adapter = ADAPTERS[fmt][0]
    timeline = otio.adapters.read_from_file(str(outs[fmt]), adapter, **({"rate": project.fps} if adapter == "cmx_3600" else {}))
    if isinstance(timeline, otio.schema.SerializableCollection):
        timeline = next(iter(timeline))
    clips = list(timeline.find_clips())
    assert [c.name for c in clips] == [s.name for s in project.shots]
    assert [int(round(c.source_range.duration.to_seconds() * project.fps)) for c in clips] == [s.duration for s in project.shots]
    assert [int(round(c.range_in_parent().start_time.to_seconds() * project.fps)) for c in clips] == project.shot_start_frames()
    for clip, shot in zip(clips, project.shots):
        path = otio.url_utils.filepath_from_url(clip.media_reference.target_url)
        assert path.endswith(f".{shot.id}.mp4")


def test_media_are_playable_clips_of_each_shot(exported):
    from engine.interchange.mp4 import read_mp4

    project, root, outs = exported
    files = sorted(media_folder(outs["edl"]).glob("*.mp4"))
    assert len(files) == len(project.shots)
    frames, rate = read_mp4(files[1])
    assert len(frames) == project.shots[1].duration and rate == project.fps and frames.shape[1:3] == (SIZE[1], SIZE[0])


EDITED_EDL = """TITLE: Rooftop confrontation v2
FCM: NON-DROP FRAME

001  AX       V     C        00:00:01:00 00:00:04:00 01:00:00:00 01:00:03:00
* FROM CLIP NAME:  Mara close-up push
* FROM CLIP: /Volumes/previz/cut_media/shot_04_Mara_close-up_push.mara_push.mp4

002  AX       V     C        00:00:00:00 00:00:02:00 01:00:03:00 01:00:05:00
* FROM CLIP NAME:  OTS on Mara
* FROM FILE: shot_02_OTS_on_Mara.ots_mara.mp4

003  AX       V     C        00:00:00:12 00:00:05:00 01:00:05:00 01:00:09:12
* FROM CLIP NAME:  Rooftop wide

004  AX       V     C        00:00:00:00 00:00:02:00 01:00:09:12 01:00:11:12
* FROM CLIP NAME:  Temp VFX plate 12
* FROM CLIP: vfx_plate_12.mov
"""


def test_reordered_trimmed_and_dropped_edl_recuts_the_project(tmp_path):
    project = build_demo_project()
    edl = tmp_path / "v2.edl"
    edl.write_text(EDITED_EDL)
    result = import_cut(project, edl, "edl")
    new = result.project
    # order: the push first, then the OTS, then the wide; the reverse was dropped; the plate is not ours
    assert [s.id for s in new.shots] == ["mara_push", "ots_mara", "establish"]
    assert [s.duration for s in new.shots] == [72, 48, 108]
    assert any("dropped: Reverse on Jonas" in c for c in result.changes)
    assert len(result.warnings) == 1 and "Temp VFX plate 12" in result.warnings[0] and "vfx_plate_12.mov" in result.warnings[0]
    # a trim keeps what the camera did on the frames that are kept
    old_push = evaluate_shot(project, project.shots[3])
    new_push = evaluate_shot(new, new.shots[0])
    assert np.allclose(new_push.positions[0], old_push.positions[24], atol=1e-6)
    assert np.allclose(new_push.positions[-1], old_push.positions[95], atol=1e-6)
    assert np.allclose(new_push.positions, old_push.positions[24:96], atol=0.01)
    old_wide = evaluate_shot(project, project.shots[0])
    new_wide = evaluate_shot(new, new.shots[2])
    assert np.allclose(new_wide.positions[0], old_wide.positions[12], atol=1e-6)
    assert np.allclose(new_wide.c2w, old_wide.c2w[12:], atol=0.01)
    # an untouched, only shortened OTS keeps its first frame
    assert np.allclose(evaluate_shot(new, new.shots[1]).c2w[0], evaluate_shot(project, project.shots[1]).c2w[0], atol=1e-9)


@pytest.mark.parametrize("fmt", ["fcp7xml", "fcpxml"])
def test_an_xml_cut_reordered_by_the_editor_comes_back(exported, tmp_path, fmt):
    project, root, outs = exported
    adapter = ADAPTERS[fmt][0]
    timeline = otio.adapters.read_from_file(str(outs[fmt]), adapter)
    if isinstance(timeline, otio.schema.SerializableCollection):
        timeline = next(iter(timeline))
    track = timeline.video_tracks()[0]
    clips = list(track)
    # the editor swaps the two over-the-shoulders, trims 12 frames off the wide's head, drops the push
    wide, ots, rev, push = clips
    for c in clips:
        track.remove(c)
    wide.source_range = otio.opentime.TimeRange(otio.opentime.RationalTime(12, 24), otio.opentime.RationalTime(108, 24))
    for c in (wide, rev, ots):
        track.append(c)
    edited = tmp_path / f"edited{ADAPTERS[fmt][1]}"
    otio.adapters.write_to_file(timeline, str(edited), adapter)
    result = import_cut(project, edited, fmt)
    assert [s.id for s in result.project.shots] == ["establish", "reverse_jonas", "ots_mara"]
    assert [s.duration for s in result.project.shots] == [108, 72, 72]
    assert result.warnings == []


def test_a_clip_used_twice_becomes_a_second_shot(tmp_path):
    project = build_demo_project()
    edl = tmp_path / "twice.edl"
    edl.write_text(
        "TITLE: t\n\n001  AX  V  C  00:00:00:00 00:00:01:00 00:00:00:00 00:00:01:00\n* FROM CLIP NAME:  OTS on Mara\n\n"
        "002  AX  V  C  00:00:01:00 00:00:02:00 00:00:01:00 00:00:02:00\n* FROM CLIP NAME:  OTS on Mara\n"
    )
    result = import_cut(project, edl, "edl")
    assert [s.name for s in result.project.shots] == ["OTS on Mara", "OTS on Mara (2)"]
    assert len({s.id for s in result.project.shots}) == 2


def test_bad_cuts_are_one_line_errors(tmp_path):
    project = build_demo_project()
    bad = tmp_path / "bad.edl"
    bad.write_text("001  AX  V  C  garbage here\n")
    with pytest.raises(ShotlineError) as exc:
        import_cut(project, bad, "edl")
    assert "bad.edl" in str(exc.value) and "\n" not in str(exc.value)
    xml = tmp_path / "bad.xml"
    xml.write_text("<xmeml><sequence><unclosed>")
    with pytest.raises(ShotlineError, match="bad.xml"):
        import_cut(project, xml, "fcp7xml")
    alien = tmp_path / "alien.edl"
    alien.write_text("TITLE: x\n\n001  AX  V  C  00:00:00:00 00:00:01:00 00:00:00:00 00:00:01:00\n* FROM CLIP NAME:  Somebody else's shot\n")
    with pytest.raises(ShotlineError, match="no clip of the cut matches"):
        import_cut(project, alien, "edl")


def test_cli_round_trip_through_an_edl(tmp_path, capsys):
    from engine.cli import main
    from engine.project import load_project

    save_project(build_demo_project(), tmp_path / "demo.shotline")
    assert main(["export", str(tmp_path / "demo.shotline"), "--format", "edl", "--size", "64x26", "-o", str(tmp_path / "cut.edl")]) == 0
    assert (tmp_path / "cut_media").is_dir()
    (tmp_path / "v2.edl").write_text(EDITED_EDL)
    capsys.readouterr()
    assert main(["import", str(tmp_path / "v2.edl"), "--format", "edl", "-p", str(tmp_path / "demo.shotline"), "-o", str(tmp_path / "v2.shotline")]) == 0
    out = capsys.readouterr().out
    assert "dropped: Reverse on Jonas" in out and "warning: clip 4" in out
    assert [s.id for s in load_project(tmp_path / "v2.shotline").shots] == ["mara_push", "ots_mara", "establish"]
    assert main(["import", str(tmp_path / "v2.edl"), "--format", "edl", "-o", str(tmp_path / "x.shotline")]) == 2


@pytest.mark.parametrize("fmt", ["fcp7xml", "fcpxml"])
def test_the_xml_cuts_carry_the_music_with_its_offset_and_trim(tmp_path, fmt):
    from engine.project import AudioTrack
    from tests.engine.sound_files import click_track, write_wav

    samples, _ = click_track(120, 30.0, rate=22050)
    write_wav(tmp_path / "music.wav", samples, 22050)
    project = build_demo_project().model_copy(update={"audio": [AudioTrack(path="music.wav", name="Score", offset_s=2.0, trim_start_s=1.5)]})
    save_project(project, tmp_path / "demo.shotline")
    out = tmp_path / f"cut{ADAPTERS[fmt][1]}"
    write_cut(project, fmt, out, tmp_path / "demo.shotline", size=(64, 26))
    timeline = otio.adapters.read_from_file(str(out), ADAPTERS[fmt][0])
    if isinstance(timeline, otio.schema.SerializableCollection):
        timeline = next(iter(timeline))
    audio = [t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Audio]
    assert len(audio) == 1
    clip = next(iter(audio[0].find_clips()))
    assert clip.name == "Score" and clip.media_reference.target_url.endswith("music.wav")
    assert clip.range_in_parent().start_time.to_seconds() == pytest.approx(2.0)
    assert clip.source_range.start_time.to_seconds() == pytest.approx(1.5)
    assert clip.source_range.duration.to_seconds() == pytest.approx(13.0)  # to the end of the 15 s sequence
    assert [s.id for s in import_cut(project, out, fmt).project.shots] == [s.id for s in project.shots]
