"""Audio playback follows the sound card's clock: the preview shows the frame being heard."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from app.document import Document
from app.ui.audio_playback import RATE, AudioPlayback
from app.ui.preview import PreviewPlayer
from engine.demo import build_demo_project
from engine.project import AudioTrack
from tests.engine.sound_files import click_track, write_wav


class FakeStream:
    """A PortAudio output stream without a sound card: the test pulls blocks and sets the time."""

    made: list = []

    def __init__(self, callback, rate, channels):
        self.callback, self.rate, self.channels = callback, rate, channels
        self.time = 0.0
        self.running = False
        FakeStream.made.append(self)

    def start(self):
        self.running = True

    def stop(self):
        self.running = False

    def close(self):
        pass

    def pull(self, frames: int, dac_time: float) -> np.ndarray:
        out = np.full((frames, self.channels), 9.0, np.float32)
        self.callback(out, frames, SimpleNamespace(outputBufferDacTime=dac_time), None)
        return out


@pytest.fixture
def player(qtbot, tmp_path):
    samples, _ = click_track(120, 15.0, rate=48000)
    write_wav(tmp_path / "click.wav", samples, 48000)
    project = build_demo_project().model_copy(update={"audio": [AudioTrack(path="click.wav", offset_s=0.25)]})
    doc = Document(project, tmp_path / "seq.shotline")
    preview = PreviewPlayer(doc)
    qtbot.addWidget(preview)
    FakeStream.made = []
    playback = AudioPlayback(doc, preview, stream_factory=FakeStream)
    return doc, preview, playback


def test_playing_starts_the_sound_where_the_playhead_is_and_the_picture_follows_it(player):
    doc, preview, playback = player
    preview.set_frame(30)  # 1.25 s: a click (0.25 s offset + 1.0 s)
    preview.play(1)
    stream = FakeStream.made[-1]
    assert stream.running and playback.status == "playing with sound"
    block = stream.pull(2048, dac_time=10.0)  # the block reaches the speaker at stream time 10.0
    assert np.abs(block[:120]).max() > 0.3  # it begins with the click at 1.25 s
    assert np.abs(block[800:2048]).max() < 1e-3  # and is quiet after it (the blip lasts 15 ms)
    stream.time = 10.5  # half a second later, that sound plus 0.5 s is at the speaker
    preview._tick()
    assert preview.frame == 30 + 12
    stream.pull(2048, dac_time=10.0 + 2048 / RATE)
    stream.time = 10.0 + 2048 / RATE + 0.25
    preview._tick()
    assert preview.frame == int((1.25 + 2048 / RATE + 0.25) * 24)


def test_stopping_shuttling_and_muting_silence_it(player):
    doc, preview, playback = player
    preview.play(1)
    stream = FakeStream.made[-1]
    preview.stop()
    assert not stream.running and preview.clock is None
    preview.play(1)
    preview.shuttle(1)  # L again: 2x, no sound
    assert not FakeStream.made[-1].running and preview.clock is None
    preview.stop()
    muted = doc.project.model_copy(update={"audio": [doc.project.audio[0].model_copy(update={"mute": True})]})
    doc.edit(muted, "Mute")
    n = len(FakeStream.made)
    preview.play(1)
    assert len(FakeStream.made) == n and preview.clock is None


def test_without_a_sound_card_the_preview_plays_silently(qtbot, tmp_path):
    samples, _ = click_track(120, 4.0, rate=48000)
    write_wav(tmp_path / "click.wav", samples, 48000)
    doc = Document(build_demo_project().model_copy(update={"audio": [AudioTrack(path="click.wav")]}), tmp_path / "s.shotline")
    preview = PreviewPlayer(doc)
    qtbot.addWidget(preview)

    def no_device(*_):
        raise OSError("PortAudio library not found")

    playback = AudioPlayback(doc, preview, stream_factory=no_device)
    preview.play(1)
    assert preview.playing and preview.clock is None and "PortAudio" in playback.status
    preview.stop()
