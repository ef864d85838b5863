"""The engine as its own process: `shotline render` end to end, and a client that sees the engine
die mid-job."""

import os
import signal

import pytest

from engine.cli import main
from engine.demo import DEMO_PATH
from engine.interchange.mp4 import read_mp4
from engine.server.client import EngineUnavailable, LocalEngine
from tests.server.conftest import small_request

pytestmark = pytest.mark.slow  # engine processes started, killed and waited for: CI's slow step (.ci/run)


def test_shotline_render_starts_an_engine_and_writes_every_shot(tmp_path, capsys):
    out = tmp_path / "renders"
    assert main(["render", str(DEMO_PATH), "--backend", "grid", "-o", str(out), "--size", "96x40"]) == 0
    names = sorted(p.name for p in out.iterdir())
    # renders.json: which version of each shot its clip shows (exports mark a clip stale after an edit)
    assert names == ["renders.json", "sequence.mp4", "shot_01_Rooftop_wide.mp4", "shot_02_OTS_on_Mara.mp4", "shot_03_Reverse_on_Jonas.mp4", "shot_04_Mara_close-up_push.mp4"]
    assert len(read_mp4(out / "sequence.mp4")[0]) == 120 + 72 + 72 + 96
    assert len(read_mp4(out / "shot_02_OTS_on_Mara.mp4")[0]) == 72


def test_shotline_render_on_a_running_engine_and_a_refused_backend(tmp_path, capsys):
    engine = LocalEngine(output=tmp_path / "engine")
    try:
        assert main(["render", str(DEMO_PATH), "-o", str(tmp_path / "a"), "--size", "64x28", "--engine", engine.url]) == 0
        assert main(["render", str(DEMO_PATH), "-o", str(tmp_path / "b"), "--backend", "nope", "--engine", engine.url]) == 2
        assert "backend" in capsys.readouterr().err and not (tmp_path / "b").exists()
    finally:
        engine.stop()


def test_an_unreachable_engine_is_said_plainly(tmp_path, capsys):
    assert main(["render", str(DEMO_PATH), "-o", str(tmp_path / "x"), "--engine", "http://127.0.0.1:9"]) == 1
    assert "cannot reach the engine" in capsys.readouterr().err


def test_the_engine_killed_mid_job_is_reported_to_the_client(tmp_path):
    engine = LocalEngine(output=tmp_path / "engine")
    try:
        job_id = engine.client.submit(small_request(frames=(2000, 2000), size=(640, 360)))
        with pytest.raises(EngineUnavailable, match="lost the engine"):
            for event in engine.client.events(job_id, give_up_s=2.0):
                if event["type"] == "progress":
                    os.kill(engine.process.pid, signal.SIGKILL)
        assert not engine.running
    finally:
        engine.stop()
