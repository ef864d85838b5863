"""Sound and paper: beat placement against plain librosa, the animatic's cost against the plain
camera-grid preview, picture/sound drift in the animatic, storyboard and shot-list speed.

    taskset -c 0 python benchmarks/sound_and_paper.py

Ends with one RESULT line.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.audio.beats import analyse_file  # noqa: E402
from engine.grid.video import write_preview  # noqa: E402
from engine.interchange.animatic import write_animatic  # noqa: E402
from engine.interchange.shotlist import write_pdf  # noqa: E402
from engine.interchange.storyboard import write_storyboard  # noqa: E402
from engine.project import AudioTrack, CameraKey, Project, Shot  # noqa: E402
from tests.engine.sound_files import click_track, write_wav  # noqa: E402
from tests.engine.test_animatic import decode_streams, static_shots  # noqa: E402

FPS = 24.0


def shots(n: int, duration: int) -> list[Shot]:
    out = []
    for i in range(n):
        a, b = (i % 5) * 1.7 - 3, 0.6 + (i % 3) * 0.9
        keys = [CameraKey(frame=0, position=(a, b, 4.0)), CameraKey(frame=duration - 1, position=(a + 0.8, b, 3.0 - (i % 4) * 0.4))]
        out.append(Shot(id=f"s{i}", name=f"Shot {i + 1}", duration=duration, keys=keys, prompt="A push across the roof as the rain starts."))
    return out


def beat_errors(path: Path, clicks: np.ndarray) -> tuple[float, float]:
    import librosa

    ours = analyse_file(path).beats
    y, sr = librosa.load(str(path), sr=22050)
    _, plain = librosa.beat.beat_track(y=y, sr=sr, units="time")  # librosa's defaults: hop 512
    err = lambda b: float(np.max(np.abs(b[:, None] - clicks[None, :]).min(axis=1))) * 1000  # noqa: E731
    return err(ours), err(plain)


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    samples, clicks = click_track(120, 60.0, rate=44100)
    write_wav(tmp / "click.wav", samples, 44100)
    analyse_file(tmp / "click.wav")  # librosa's first call compiles (numba); time the real work below
    ours_ms, plain_ms = beat_errors(tmp / "click.wav", clicks)

    project = Project(fps=FPS, shots=shots(30, 48), audio=[AudioTrack(path="click.wav")])
    size = project.frame_size(832)
    t0 = time.perf_counter()
    write_preview(project, tmp / "preview.mp4", size, transition_frames=0)
    preview_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    write_animatic(project, tmp / "animatic.mp4", size, project_path=tmp / "seq.shotline")
    animatic_s = time.perf_counter() - t0

    # Drift: static shots (the picture changes only at cuts), every cut on a click.
    still = project.model_copy(update={"shots": static_shots(30, 48)})
    write_animatic(still, tmp / "small.mp4", (160, 68), burn_ins=(), project_path=tmp / "seq.shotline")
    frames, times, _, sound, start, ainfo = decode_streams(tmp / "small.mp4")
    change = np.abs(np.diff(frames, axis=0)).mean(axis=(1, 2))
    cuts = times[1:][change > 4.0]
    loud = np.flatnonzero(np.abs(sound) > 0.2)
    onsets = loud[np.insert(np.diff(loud) > ainfo[1] * 0.1, 0, True)] / ainfo[1] + start
    assert len(cuts) == 29, len(cuts)
    drift_ms = float(max(np.min(np.abs(onsets - t)) for t in cuts)) * 1000

    board = Project(fps=FPS, shots=shots(24, 72))
    t0 = time.perf_counter()
    pages = write_storyboard(board, tmp / "board.pdf", "2x3")
    board_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    write_pdf(board, tmp / "shots.pdf")
    shotlist_s = time.perf_counter() - t0

    n = project.total_frames
    print(f"beats of a 60 s 120 BPM click: worst {ours_ms:.1f} ms from a click (plain librosa beat_track: {plain_ms:.1f} ms)")
    print(f"60 s animatic {size[0]}x{size[1]} with sound and burn-ins: {animatic_s:.2f} s ({n / animatic_s:.0f} fps); grid preview alone {preview_s:.2f} s ({n / preview_s:.0f} fps)")
    print(f"picture/sound drift over 29 cuts of the 60 s animatic: {drift_ms:.1f} ms (a frame is {1000 / FPS:.1f} ms)")
    print(f"storyboard, 24 shots, 2x3: {pages} pages in {board_s:.2f} s; shot list PDF {shotlist_s:.2f} s")
    print(
        f"RESULT beat_err_ms={ours_ms:.1f} librosa_beat_err_ms={plain_ms:.1f} beat_ratio={plain_ms / max(ours_ms, 1e-3):.1f} "
        f"animatic_fps={n / animatic_s:.0f} preview_fps={n / preview_s:.0f} animatic_cost_ratio={animatic_s / preview_s:.2f} "
        f"drift_ms={drift_ms:.1f} storyboard_s={board_s:.2f} shotlist_s={shotlist_s:.2f}"
    )


if __name__ == "__main__":
    main()
