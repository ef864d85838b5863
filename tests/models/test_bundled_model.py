"""The bundled small DiT (assets/models/shotline-greybox): the engine's default, small enough for
the repository, and it renders grey-box shots that look like the set, not noise."""

import json

import numpy as np
import pytest

from engine.render.dit_backend import DitBackend, load_pipeline
from engine.render.dit_models import ASSETS_MODELS, inspect_model
from engine.train.data import make_sequence
from engine.train.evaluate import generate, psnr, with_random_weights
from engine.train.train_dit import HELD_OUT_SEEDS

BUNDLED = ASSETS_MODELS / "shotline-greybox"


def test_the_bundled_model_ships_as_safetensors_under_50_mb_with_its_card():
    weights = list((BUNDLED / "transformer").glob("*.safetensors"))
    assert weights and sum(w.stat().st_size for w in weights) < 50 * 2**20
    settings = json.loads((BUNDLED / "shotline.json").read_text())
    assert settings["size"] == [96, 64] and settings["frames"] == 16 and settings["rope_mode"] == "4d"
    card = (BUNDLED / "README.md").read_text()
    assert "PSNR" in card and "3d" in card and str(settings["steps"]) in card


def test_the_dit_backend_uses_the_bundled_model_by_default(monkeypatch):
    monkeypatch.delenv("SHOTLINE_MODEL_DIRS", raising=False)
    backend = DitBackend("cpu")
    assert backend.not_ready() is None and backend.models()[0] == "shotline-greybox"


@pytest.fixture(scope="module")
def two_shots():
    return make_sequence(HELD_OUT_SEEDS[0], shots=2)


@pytest.mark.slow  # two 8-step samplings of the real model: CI runs it in its own step (.ci/run)
def test_bundled_weights_render_two_shots_on_cpu_that_are_not_noise(two_shots):
    """Against the true render of the same set from the same cameras, photo-textured and lit as the
    caption says (what the control-conditioned model is trained to paint), the trained model's frames
    are clearly closer than those of the same network with random weights."""
    made = generate(load_pipeline(inspect_model(BUNDLED), "cpu"), two_shots, steps=8)
    assert [m.shape for m in made] == [(16, 64, 96, 3)] * 2
    trained = np.mean([psnr(a, b) for m, s in zip(made, two_shots.shots) for a, b in zip(m, s.frames)])
    noise = generate(with_random_weights(load_pipeline(inspect_model(BUNDLED), "cpu")), two_shots, steps=8)
    untrained = np.mean([psnr(a, b) for m, s in zip(noise, two_shots.shots) for a, b in zip(m, s.frames)])
    assert trained > untrained + 3.0, (trained, untrained)
    # Not a still: the frames of a shot change with its camera, as the true frames do.
    for m, s in zip(made, two_shots.shots):
        if np.abs(np.diff(s.greybox.astype(float), axis=0)).mean() > 1.0:
            assert np.abs(np.diff(m.astype(float), axis=0)).mean() > 0.2


@pytest.mark.slow  # a whole demo through the real model and the engine process
def test_shotline_render_of_the_demo_with_the_dit_backend_writes_every_shot(tmp_path):
    from engine.cli import main
    from engine.demo import DEMO_PATH
    from engine.interchange.mp4 import read_mp4

    out = tmp_path / "renders"
    assert main(["render", str(DEMO_PATH), "--backend", "dit", "--steps", "2", "-o", str(out), "--size", "192x80"]) == 0
    frames, _ = read_mp4(out / "shot_02_OTS_on_Mara.mp4")
    assert len(frames) == 72 and frames[0].shape == (80, 192, 3)
    assert len(read_mp4(out / "sequence.mp4")[0]) == 120 + 72 + 72 + 96


def _edges(frame: np.ndarray) -> np.ndarray:
    import cv2

    grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(np.float32)
    grey = cv2.GaussianBlur(grey, (0, 0), 1.0)
    return np.hypot(cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1)).ravel()


@pytest.mark.slow  # the demo through the real model: about a minute on two busy cores
def test_a_dit_render_of_the_demo_follows_its_grey_box():
    """Frame by frame, the edges of what the bundled model paints line up with the grey-box pass of
    the same frame (the blocking and the camera), far better than with another shot's grey-box."""
    from engine.demo import DEMO_PATH
    from engine.project import load_project
    from engine.render.backend import RenderContext
    from engine.render.greybox_backend import GreyboxBackend
    from engine.render.request import request_from_project

    project = load_project(DEMO_PATH)
    request = request_from_project(project, 96, 64, backend="dit", steps=6, guidance=1.0, base_dir=str(DEMO_PATH.parent))
    ctx = RenderContext("cpu", lambda: False, lambda *e: None)
    made = dict(DitBackend("cpu").render(request, ctx))
    grey = dict(GreyboxBackend().render(request.model_copy(update={"backend": "greybox"}), ctx))
    matched, crossed = [], []
    for i in made:
        j = (i + 1) % len(made)
        for f in np.linspace(0, request.shots[i].frames - 1, 6).round().astype(int):
            e = _edges(made[i][f])
            matched.append(np.corrcoef(e, _edges(grey[i][f]))[0, 1])
            crossed.append(np.corrcoef(e, _edges(grey[j][min(f, request.shots[j].frames - 1)]))[0, 1])
    assert np.mean(matched) > 0.35 and np.mean(matched) > np.mean(crossed) + 0.15, (np.mean(matched), np.mean(crossed))
