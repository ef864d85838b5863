"""Audio: decoding every usual format, waveform peaks, beats of a click, cut on beat."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.audio.beats import analyse, analyse_file
from engine.audio.cut_on_beat import cut_on_beat, retime_shot
from engine.audio.decode import decode_audio
from engine.audio.track import mix, sequence_beats
from engine.audio.waveform import peaks
from engine.errors import ShotlineError
from engine.project import AudioTrack, CameraKey, Project, Shot, dumps_project, loads_project
from tests.engine.sound_files import click_track, write_encoded, write_wav


def tone(seconds=1.0, rate=44100, hz=440.0, channels=2):
    t = np.arange(int(seconds * rate)) / rate
    return np.tile((0.5 * np.sin(2 * np.pi * hz * t)).astype(np.float32), (channels, 1))


def dominant_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples.mean(axis=0)))
    return float(np.fft.rfftfreq(samples.shape[1], 1 / rate)[spectrum.argmax()])


@pytest.mark.parametrize("suffix,codec", [(".wav", None), (".mp3", "libmp3lame"), (".flac", "flac"), (".m4a", "aac")])
def test_every_usual_format_decodes_to_the_same_tone(tmp_path, suffix, codec):
    samples = tone()
    path = tmp_path / f"tone{suffix}"
    write_wav(path, samples, 44100) if codec is None else write_encoded(path, samples, 44100, codec)
    audio = decode_audio(path)
    assert audio.rate == 44100 and audio.channels == 2
    assert audio.samples.dtype == np.float32
    # Lossy encoders pad a frame or two; the length is the tone's within 60 ms.
    assert abs(audio.duration_s - 1.0) < 0.06
    assert abs(dominant_hz(audio.samples, audio.rate) - 440.0) < 3.0
    assert 0.4 < np.abs(audio.samples).max() < 0.6


def test_decode_resamples_and_mixes_down(tmp_path):
    path = write_wav(tmp_path / "t.wav", tone(rate=48000), 48000)
    audio = decode_audio(path, rate=22050, channels=1)
    assert audio.rate == 22050 and audio.channels == 1
    assert abs(audio.samples.shape[1] - 22050) <= 64
    assert abs(dominant_hz(audio.samples, 22050) - 440.0) < 3.0


@pytest.mark.parametrize("content", [b"", b"ID3\x03\x00garbage" * 50, bytes(range(256)) * 40])
def test_corrupt_audio_is_one_line_naming_the_file(tmp_path, content):
    path = tmp_path / "song.mp3"
    path.write_bytes(content)
    with pytest.raises(ShotlineError) as exc:
        decode_audio(path)
    assert "song.mp3" in str(exc.value) and "\n" not in str(exc.value)


def test_truncated_flac_is_an_error_or_its_first_part(tmp_path):
    path = write_encoded(tmp_path / "t.flac", tone(2.0), 44100, "flac")
    path.write_bytes(path.read_bytes()[:2000])
    try:
        audio = decode_audio(path)
    except ShotlineError as exc:
        assert "t.flac" in str(exc)
    else:  # FFmpeg reads what is there: less than the whole tone, never made-up samples
        assert audio.duration_s < 2.0 and np.isfinite(audio.samples).all()


def test_missing_sound_file_names_it(tmp_path):
    with pytest.raises(ShotlineError, match="nothere.wav"):
        decode_audio(tmp_path / "nothere.wav")


def test_peaks_keep_a_one_sample_click():
    y = np.zeros(100_000, np.float32)
    y[54_321] = 0.9
    y[10] = -0.7
    p = peaks(y, 200)
    assert p.shape == (200, 2)
    assert p[54_321 * 200 // 100_000, 1] == pytest.approx(0.9)
    assert p[0, 0] == pytest.approx(-0.7)
    assert (p[:, 0] <= p[:, 1]).all()
    assert np.count_nonzero(p) == 2


def test_peaks_with_more_columns_than_samples():
    p = peaks(np.array([0.1, -0.2, 0.3], np.float32), 10)
    assert p.shape == (10, 2) and p.max() == pytest.approx(0.3) and p.min() == pytest.approx(-0.2)


def test_120_bpm_click_has_beats_every_half_second(tmp_path):
    samples, clicks = click_track(120, 20.0, first_s=0.25)
    path = write_wav(tmp_path / "click.wav", samples, 44100)
    result = analyse_file(path)
    assert result.tempo_bpm == pytest.approx(120, abs=2)
    assert len(result.beats) >= len(clicks) - 2
    assert np.all(np.abs(np.diff(result.beats) - 0.5) <= 0.010)
    # and each beat is on a click, not merely evenly spaced
    assert np.max(np.abs(result.beats[:, None] - clicks[None, :]).min(axis=1)) <= 0.010
    assert len(result.onsets) >= len(clicks) - 1


def test_silence_has_no_beats():
    from engine.audio.decode import Audio

    result = analyse(Audio(np.zeros((1, 44100), np.float32), 44100))
    assert result.beats.size == 0 and result.tempo_bpm == 0.0


def shot(i: int, duration: int, key_frames=(0,)) -> Shot:
    keys = [CameraKey(frame=f, position=(float(i), 1.6, 5.0 - f * 0.01)) for f in key_frames]
    return Shot(id=f"s{i}", name=f"Shot {i}", duration=duration, keys=keys)


def cut_times(project: Project) -> np.ndarray:
    return np.cumsum([s.duration for s in project.shots]) / project.fps


def test_cut_on_beat_puts_every_cut_on_a_click(tmp_path):
    samples, clicks = click_track(120, 20.0, first_s=0.0)
    write_wav(tmp_path / "click.wav", samples, 44100)
    project = Project(fps=24.0, shots=[shot(1, 41, (0, 20, 40)), shot(2, 30), shot(3, 55, (0, 54)), shot(4, 17)], audio=[AudioTrack(path="click.wav")])
    beats = sequence_beats(project, tmp_path)
    retimed, notes = cut_on_beat(project, [s.id for s in project.shots], beats)
    assert notes == []
    for t in cut_times(retimed):  # within half a frame of a click: the nearest a cut can be
        assert np.min(np.abs(clicks - t)) <= 0.5 / 24 + 0.005
    # the first shot's move keeps its shape: the middle key stays in the middle
    first = retimed.shots[0]
    assert first.keys[0].frame == 0 and first.keys[-1].frame == first.duration - 1
    assert abs(first.keys[1].frame - (first.duration - 1) / 2) <= 0.5


def test_offset_and_trim_move_the_beats(tmp_path):
    samples, _ = click_track(120, 10.0, first_s=0.0)
    path = write_wav(tmp_path / "click.wav", samples, 44100)
    plain = sequence_beats(Project(audio=[AudioTrack(path=str(path))]))
    shifted = sequence_beats(Project(audio=[AudioTrack(path=str(path), offset_s=1.25, trim_start_s=1.9, trim_end_s=5.9)]))
    assert shifted.min() == pytest.approx(1.35, abs=0.01)  # the click at 2.0 s of the file
    assert len(shifted) == pytest.approx(len(plain[(plain >= 1.9) & (plain < 5.9)]), abs=0)
    assert sequence_beats(Project(audio=[AudioTrack(path=str(path), mute=True)])).size == 0


def test_mix_places_gains_and_trims(tmp_path):
    rate = 8000
    write_wav(tmp_path / "t.wav", tone(1.0, rate, 200.0, 1), rate)
    project = Project(audio=[AudioTrack(path="t.wav", offset_s=0.5, trim_start_s=0.25, gain_db=-6.0206)])
    out = mix(project, tmp_path, rate, 2.0, channels=2)
    assert out.shape == (2, 2 * rate)
    loud = np.flatnonzero(np.abs(out[0]) > 1e-3)
    assert loud[0] / rate == pytest.approx(0.5, abs=0.01) and loud[-1] / rate == pytest.approx(1.25, abs=0.01)
    assert np.abs(out).max() == pytest.approx(0.25, abs=0.01)


@given(
    durations=st.lists(st.integers(1, 200), min_size=1, max_size=8),
    bpm=st.floats(60, 180),
    fps=st.sampled_from([24.0, 25.0, 30.0, 23.976]),
)
def test_cut_on_beat_lands_every_cut_within_half_a_frame_of_a_beat(durations, bpm, fps):
    project = Project(fps=fps, shots=[shot(i, d, sorted({0, d // 2, d - 1})) for i, d in enumerate(durations)])
    beats = np.arange(0, 300, 60 / bpm)
    retimed, notes = cut_on_beat(project, [s.id for s in project.shots], beats)
    assert notes == []
    for t in cut_times(retimed):
        assert np.min(np.abs(beats - t)) <= 0.5 / fps + 1e-9
    for before, after in zip(project.shots, retimed.shots):
        assert after.keys[0].frame == 0
        if len(after.keys) > 1:  # the ends stay the ends
            assert after.keys[-1].frame == after.duration - 1
        if before.duration > 1 and after.duration > 1:
            for kb, ka in zip(before.keys, after.keys):  # keys keep their place along the shot
                assert abs(ka.frame / (after.duration - 1) - kb.frame / (before.duration - 1)) <= 1.0 / (after.duration - 1) * len(before.keys)


@given(old=st.integers(2, 500), new=st.integers(3, 500))
def test_retime_keeps_first_and_last_key_on_the_ends(old, new):
    s = retime_shot(shot(0, old, (0, old // 3, old - 1) if old >= 3 else (0, old - 1)), new)
    assert s.duration == new and s.keys[0].frame == 0 and s.keys[-1].frame == new - 1
    assert all(a.frame < b.frame for a, b in zip(s.keys, s.keys[1:]))


def test_audio_tracks_round_trip_and_are_checked():
    project = Project(audio=[AudioTrack(path="music/theme.flac", offset_s=-1.5, trim_start_s=3.0, trim_end_s=63.0, gain_db=-3.0, mute=True)])
    assert loads_project(dumps_project(project)) == project
    bad = dumps_project(project).replace('"trim_end_s": 63.0', '"trim_end_s": 2.0')
    with pytest.raises(ShotlineError, match=r"audio\[0\]\.trim_end_s"):
        loads_project(bad, "x.shotline")


def test_a_file_without_audio_reads_with_none():
    text = dumps_project(Project()).replace('"audio": [],', "").replace(',\n  "audio": []', "")
    assert '"audio"' not in text
    assert loads_project(text).audio == []
