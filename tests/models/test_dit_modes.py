"""The dit backend's modes: model folders are told apart, a mode without its weights is refused
with a 422 on ``dit_mode`` saying what to install, and the request's grey-box passes become the
control (with the control shown beside the streamed previews)."""

import json

import numpy as np
import pytest
import torch
from diffusers import WanTransformer3DModel, WanVACETransformer3DModel

from engine.errors import ShotlineError
from engine.render.backend import RenderContext
from engine.render.dit_backend import DitBackend, beside
from engine.render.dit_models import inspect_model
from engine.render.request import RenderRequest, ShotRequest
from models.dit import MultiShotTransformer
from tests.models.test_dit_control import VACE_TINY
from tests.models.test_dit_pipeline import PIXEL

FB = (24.89, 10.414)


def _wan_folder(tmp_path, name, cls, **config):
    folder = tmp_path / name
    torch.manual_seed(0)
    cls(**config).save_pretrained(folder / "transformer")
    for sub in ("text_encoder", "tokenizer", "vae"):
        (folder / sub).mkdir()
    return folder


def test_wan_t2v_and_vace_folders_are_told_apart(tmp_path):
    t2v = _wan_folder(tmp_path, "Wan2.1-T2V-1.3B", WanTransformer3DModel, **{k: v for k, v in VACE_TINY.items() if not k.startswith("vace")})
    vace = _wan_folder(tmp_path, "Wan2.1-VACE-1.3B", WanVACETransformer3DModel, **VACE_TINY)
    assert inspect_model(t2v).kind == "wan" and inspect_model(vace).kind == "wan-vace"


def _request(**extra) -> RenderRequest:
    poses = [np.array([[1, 0, 0, 0.05 * f], [0, 1, 0, 1.5], [0, 0, 1, 4.0]], float).tolist() for f in range(6)]
    subjects = [{"name": "Mara", "position": [0.0, 0.0, 0.0], "color": "#c03020"}]
    return RenderRequest(
        backend="dit", width=32, height=16, steps=2, prompt="brick walls, gravel floor, warm evening light", subjects=subjects,
        shots=[ShotRequest(name="a", poses=poses, focal_mm=[35.0], film_back_mm=FB, prompt="wide shot of Mara")], **extra,
    )  # fmt: skip


@pytest.mark.parametrize("mode, wants", [("vace", "Wan2.1-VACE-1.3B"), ("strength", "Wan2.1-T2V-1.3B")])
def test_a_mode_whose_weights_are_missing_is_refused_naming_the_field_and_what_to_install(mode, wants, monkeypatch):
    monkeypatch.delenv("SHOTLINE_MODEL_DIRS", raising=False)
    backend = DitBackend("cpu")  # the bundled model only
    refused = backend.refusal(_request(dit_mode=mode))
    assert refused and refused[0]["loc"] == ["body", "dit_mode"] and wants in refused[0]["msg"] and "--model-dir" in refused[0]["msg"]
    assert backend.refusal(_request()) is None and backend.refusal(_request(dit_mode="bundled")) is None


@pytest.mark.slow  # a real engine on a port: CI's slow step
def test_the_engine_answers_a_missing_mode_with_a_422(tmp_path):
    from engine.server.client import EngineError
    from tests.server.conftest import RunningEngine

    engine = RunningEngine(tmp_path / "renders")
    try:
        with pytest.raises(EngineError) as err:
            engine.client.submit(_request(dit_mode="vace"))
        assert err.value.status == 422 and "dit_mode" in str(err.value) and "VACE" in str(err.value)
    finally:
        engine.stop()


@pytest.mark.slow  # the grey-box renderer and a model load: CI's slow step
def test_the_blocking_becomes_the_control_and_the_preview_shows_it_beside_the_picture(tmp_path):
    """A control-concatenating model gets the request's grey-box passes: Mara (a red person at the
    origin, straight ahead of the camera) in the flat-colour channels where the grey-box renders her."""
    folder = tmp_path / "tiny-control"
    torch.manual_seed(0)
    MultiShotTransformer(**{**PIXEL, "text_dim": 384, "in_channels": 10, "control_channels": 7}).save_pretrained(folder / "transformer")
    (folder / "shotline.json").write_text(json.dumps({"channels": 3, "size": [32, 16], "frames": 4}))
    backend = DitBackend("cpu", [folder])
    pipe = backend.pipeline("tiny-control")
    seen = []
    inner = pipe.sample
    pipe.sample = lambda prompt, shots, opts, **k: seen.append(shots) or seen.append(opts) or inner(prompt, shots, opts, **k)
    events = []
    out = dict(backend.render(_request(model="tiny-control"), RenderContext("cpu", lambda: False, lambda *e: events.append(e))))
    assert out[0].shape == (6, 16, 32, 3)
    control = seen[0][0].control
    assert control.shape == (4, 16, 32, 7)  # the model's 4 native frames at its size
    red = (control[..., 4] > 0.4) & (control[..., 5] < -0.4)  # Mara's flat colour #c03020 in [-1, 1]
    assert red[:, 4:12, 12:20].mean() > 0.3 and not red[:, :, :4].any()  # in the middle of the frame, not at the edge
    assert np.all(control[..., 0][red] > -1)  # she has a depth
    # its starting noise moves with the set: the lens in pixels of the control, as the grey-box drew it
    request = _request(model="tiny-control")
    assert seen[1].noise_keep == 1.0
    assert np.allclose(seen[0][0].focal_px, np.asarray(request.shots[0].focal())[:1] * 32 / request.shots[0].film_back_mm[0])
    preview = events[-1][3]
    assert preview.shape == (16, 64, 3)  # the control's picture, then the model's
    assert np.array_equal(preview[:, :32], beside(control_preview(control[0]), np.zeros((16, 32, 3), np.uint8))[:, :32])


def control_preview(channels):
    from engine.render.dit_control import preview

    return preview(channels)


def test_an_unknown_model_for_a_mode_is_refused(monkeypatch):
    monkeypatch.delenv("SHOTLINE_MODEL_DIRS", raising=False)
    backend = DitBackend("cpu")
    with pytest.raises(ShotlineError, match="shotline-greybox.*needs a Wan2.1-VACE"):
        backend.choose(_request(model="shotline-greybox", dit_mode="vace"))
