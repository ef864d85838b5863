"""The DiT follows a control: VACE folders load with every key, control shapes per mode, SDEdit's
strength ends, the dual clock, and the caption mask / 4D RoPE / caches with a control present."""

import numpy as np
import pytest
import torch
from diffusers import WanVACETransformer3DModel

from engine.render.dit import DitPipeline, IdentityDecoder, SampleOptions, clock_holds, first_step_at
from models.dit import MultiShotTransformer, Segment
from models.dit.vace import MultiShotVACETransformer
from tests.models.test_dit_pipeline import PIXEL, StubText, shot

VACE_TINY = dict(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=24, in_channels=4, out_channels=4, text_dim=16, freq_dim=32, ffn_dim=48, num_layers=4, rope_max_seq_len=64, vace_layers=[0, 2], vace_in_channels=12)


def test_a_vace_folder_saved_by_diffusers_loads_with_every_key_matched_and_gives_its_output(tmp_path):
    torch.manual_seed(0)
    base = WanVACETransformer3DModel(**VACE_TINY).eval()
    base.save_pretrained(tmp_path / "transformer")
    model, new = MultiShotVACETransformer.from_wan(tmp_path / "transformer", camera_frames_per_latent=1)
    assert new and all(".camera_encoder." in k or ".camera_projector." in k for k in new)  # only our zero / identity additions
    state = base.state_dict()
    assert set(state) <= set(model.state_dict()) and all(torch.equal(model.state_dict()[k], v) for k, v in state.items())
    x, t, text, control = torch.randn(1, 4, 3, 8, 6), torch.tensor([700.0]), torch.randn(1, 5, 16), torch.randn(1, 12, 3, 8, 6)
    scale = torch.tensor([1.0, 0.5])
    with torch.no_grad():
        expected = base(x, t, text, control_hidden_states=control, control_hidden_states_scale=scale).sample
        model.conditioning_scale = scale
        got = model(x, t, text, control=control).sample
        model.conditioning_scale = 0.0
        unscaled = model(x, t, text, control=control).sample
    assert torch.allclose(expected, got, atol=1e-5)
    assert not torch.allclose(got, unscaled, atol=1e-3)  # the control matters, and the scale weighs it


def _vace(**extra):
    torch.manual_seed(1)
    return MultiShotVACETransformer(**{**VACE_TINY, "in_channels": 3, "out_channels": 3, "vace_in_channels": 2 * 3 + 1}, camera_frames_per_latent=1, **extra).eval()


def _concat(**extra):
    torch.manual_seed(2)
    return MultiShotTransformer(**{**PIXEL, "in_channels": 3 + 7, "control_channels": 7, **extra}).eval()


@pytest.mark.parametrize("kind", ["concat", "vace", "strength"])
def test_each_mode_hands_the_transformer_a_control_of_its_shape(kind):
    seen = []
    model = {"concat": _concat, "vace": _vace, "strength": lambda: MultiShotTransformer(**PIXEL).eval()}[kind]()
    inner = model.forward_segments
    model.forward_segments = lambda segs, *a, **k: seen.append([None if s.control is None else tuple(s.control.shape) for s in segs]) or inner(segs, *a, **k)
    pipe = DitPipeline(model, StubText(), IdentityDecoder(3))
    assert pipe.conditioning == kind
    rng = np.random.default_rng(0)
    spec = shot(5)
    spec.control = rng.uniform(-1, 1, (5, 12, 16, 7)).astype(np.float32)
    spec.control_video = rng.integers(0, 255, (5, 12, 16, 3), dtype=np.uint8)
    pipe.sample("a room", [spec], SampleOptions(width=16, height=12, steps=4, text_guidance=1.0, strength=0.6, scheduler="euler", shift=1.0))
    expected = {"concat": (1, 7, 5, 12, 16), "vace": (1, 7, 5, 12, 16), "strength": None}[kind]  # vace: inactive 3 + reactive 3 + 1×1 mask
    assert seen and all(call == [expected] for call in seen)


def _strength_pipeline():
    torch.manual_seed(3)
    return DitPipeline(MultiShotTransformer(**PIXEL).eval(), StubText(), IdentityDecoder(3))


def _with_video(video, mask=None):
    spec = shot(len(video))
    spec.control_video, spec.subject_mask = video, mask
    return spec


def test_strength_zero_returns_the_control_and_strength_one_ignores_it():
    rng = np.random.default_rng(1)
    a, b = rng.integers(0, 255, (2, 4, 8, 8, 3), dtype=np.uint8)
    pipe = _strength_pipeline()
    opts = dict(width=8, height=8, steps=4, text_guidance=1.0, scheduler="euler")
    back = pipe.sample("x", [_with_video(a)], SampleOptions(**opts, strength=0.0))[0]
    assert np.array_equal(back, a)
    one_a = pipe.sample("x", [_with_video(a)], SampleOptions(**opts, strength=1.0))[0]
    one_b = pipe.sample("x", [_with_video(b)], SampleOptions(**opts, strength=1.0))[0]
    assert np.array_equal(one_a, one_b)
    half = pipe.sample("x", [_with_video(a)], SampleOptions(**opts, strength=0.5))[0]
    assert np.abs(half.astype(int) - a).mean() < np.abs(one_a.astype(int) - a).mean()  # in between: nearer the control


def test_sdedit_starts_at_the_first_step_whose_sigma_is_at_most_the_strength():
    steps = []
    pipe = _strength_pipeline()
    pipe.sample("x", [_with_video(np.zeros((3, 8, 8, 3), np.uint8))], SampleOptions(width=8, height=8, steps=10, text_guidance=1.0, scheduler="euler", shift=1.0, strength=0.35), progress=lambda *e: steps.append(e[1:3]))
    # shift 1: σ = 1, 0.889, …, 0.334, 0.223, 0.112, 0.001; the first at or under 0.35 is 0.334, leaving 4 of the 10 steps
    assert steps == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_the_dual_clock_starts_subjects_and_background_at_their_own_steps():
    sigmas = [1.0, 0.8, 0.6, 0.4, 0.2]
    start = torch.tensor([0.7, 0.3])  # background starts at σ 0.7, the subject at 0.3
    holds = clock_holds(sigmas, start)
    assert first_step_at(sigmas, 0.7) == 2 and first_step_at(sigmas, 0.3) == 4 and first_step_at(sigmas, 0.0) == 5
    assert holds[:, 0].tolist() == [True, True, False, False, False]
    assert holds[:, 1].tolist() == [True, True, True, True, False]
    # Through the pipeline: subjects that never start (strength 0) come back as the control, exactly,
    # while the background around them is denoised from σ 0.8.
    rng = np.random.default_rng(2)
    video = rng.integers(0, 255, (3, 8, 8, 3), dtype=np.uint8)
    mask = np.zeros((3, 8, 8), bool)
    mask[:, 2:6, 3:5] = True
    out = _strength_pipeline().sample("x", [_with_video(video, mask)], SampleOptions(width=8, height=8, steps=5, text_guidance=1.0, scheduler="euler", strength=0.8, subject_strength=0.0))[0]
    assert np.array_equal(out[mask], video[mask])
    assert np.abs(out[~mask].astype(int) - video[~mask]).mean() > 5


def test_the_subject_mask_is_pooled_to_the_latent_grid():
    class Vae:
        temporal_ratio, spatial_ratio = 4, 8

    pipe = _strength_pipeline()
    pipe.decoder = Vae()
    mask = np.zeros((9, 16, 24), bool)
    mask[:, :8, 8:16] = True  # one 8×8 block in the top row, every frame
    latent = pipe.latent_mask(mask)
    assert latent.shape == (1, 1, 3, 2, 3)
    assert latent[0, 0, :, 0, 1].all() and latent.sum() == 3


@pytest.mark.parametrize("mode", ["holistic", "autoregressive"])
def test_a_control_model_samples_holistic_and_autoregressive_with_per_shot_captions(mode):
    seen = []
    model = _concat(rope_mode="4d")
    inner = model.forward_segments
    model.forward_segments = lambda segs, *a, **k: seen.append([(s.output, s.control is not None, s.spatial_scale) for s in segs]) or inner(segs, *a, **k)
    pipe = DitPipeline(model, StubText(), IdentityDecoder(3))
    rng = np.random.default_rng(3)
    shots = [shot(6, "wide"), shot(4, "close")]
    for s in shots:
        s.control = rng.uniform(-1, 1, (s.frames, 8, 8, 7)).astype(np.float32)
    opts = SampleOptions(width=8, height=8, steps=1, text_guidance=2.0, mode=mode, native_frames=4, shot_cache_frames=2, temporal_budget=(2,))
    out = pipe.sample("brick walls", shots, opts)
    assert [o.shape for o in out] == [(6, 8, 8, 3), (4, 8, 8, 3)]
    assert all(has for call in seen for _, has, _ in call)  # generated frames and cached ones carry their control
    if mode == "autoregressive":
        assert any(not o for call in seen for o, _, _ in call)  # a cache was in context


def test_the_caption_mask_and_4d_rope_hold_with_a_control():
    """With the control channels present: another shot's caption cannot reach a shot rendered alone,
    its own caption and its control do, and 4D RoPE still tells two shots of the same frames apart."""
    model = _concat(rope_mode="4d")
    g = torch.Generator().manual_seed(4)
    lat, ctl = torch.randn(1, 3, 2, 8, 6, generator=g), torch.randn(1, 7, 2, 8, 6, generator=g)

    def seg(shot, control=ctl):
        return Segment(lat, torch.full((2,), shot), torch.arange(2), torch.arange(2) + 2 * shot, torch.tensor([500.0]), control=control)

    glob, own, other_a, other_b, own_b = (torch.randn(1, 3, 16, generator=g) for _ in range(5))
    owners = torch.tensor([-1] * 3 + [0] * 3 + [1] * 3)
    with torch.no_grad():
        a = model.forward_segments([seg(0)], torch.cat([glob, own, other_a], 1), owners)[0]
        b = model.forward_segments([seg(0)], torch.cat([glob, own, other_b], 1), owners)[0]
        c = model.forward_segments([seg(0)], torch.cat([glob, own_b, other_a], 1), owners)[0]
        d = model.forward_segments([seg(0, -ctl)], torch.cat([glob, own, other_a], 1), owners)[0]
        pair = model.forward_segments([seg(0), seg(1)], torch.cat([glob, own, own], 1), owners)
    assert torch.allclose(a, b, atol=1e-5)
    assert not torch.allclose(a, c, atol=1e-3) and not torch.allclose(a, d, atol=1e-3)
    assert not torch.allclose(pair[0], pair[1], atol=1e-3)
