"""The multi-shot DiT: Wan parity, RoPE modes, camera encoders, per-shot text, loading Wan weights."""

import pytest
import torch
from diffusers import WanTransformer3DModel
from diffusers.models.transformers.transformer_wan import WanRotaryPosEmbed
from hypothesis import given, settings
from hypothesis import strategies as st

from models.dit import GLOBAL_TEXT, MultiShotTransformer, Segment
from models.dit.camera import per_latent_frame, relative_extrinsics, static_camera
from models.dit.rope import MultiShotRoPE, _angles, grid_ids

TINY = dict(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=24, in_channels=4, out_channels=4, text_dim=16, freq_dim=32, ffn_dim=48, num_layers=2, rope_max_seq_len=64)


def tiny(seed=0, **extra) -> MultiShotTransformer:
    torch.manual_seed(seed)
    return MultiShotTransformer(**TINY, camera_frames_per_latent=1, **extra).eval()


@pytest.mark.slow  # seconds of its own: the slow CI step runs it on every submission
def test_3d_mode_with_one_shot_equals_diffusers_wan():
    torch.manual_seed(0)
    base = WanTransformer3DModel(**TINY).eval()
    ours = tiny()
    assert ours.load_state_dict(base.state_dict(), strict=False).unexpected_keys == []
    x, t, text = torch.randn(2, 4, 5, 8, 6), torch.tensor([900.0, 120.0]), torch.randn(2, 7, 16)
    with torch.no_grad():
        a, b = base(x, t, text).sample, ours(x, t, text).sample
    assert a.shape == b.shape == (2, 4, 5, 8, 6)
    assert torch.allclose(a, b, atol=1e-5)


def test_the_3d_table_equals_diffusers_rope():
    wan = WanRotaryPosEmbed(24, (1, 2, 2), 64)
    cos, sin = wan(torch.zeros(1, 4, 5, 8, 6))
    ids = grid_ids(torch.zeros(5), torch.arange(5.0), torch.arange(5.0), 4, 3)
    ours_cos, ours_sin = MultiShotRoPE(24, "3d")(ids)
    assert torch.equal(cos.float(), ours_cos) and torch.equal(sin.float(), ours_sin)


def test_4d_rope_separates_shots_at_the_same_frame_and_position():
    rope = MultiShotRoPE(24, "4d")
    s, t, h, w = rope.split_4d
    assert (s, t, h, w) == (2, 6, 8, 8)
    ids = torch.tensor([[0.0, 3, 3, 2, 1], [1.0, 3, 40, 2, 1]])  # same frame in shot / h / w, different shot and time
    a = rope.angles(ids)
    assert not torch.allclose(a[0, :s], a[1, :s])  # the shot dims differ
    assert torch.equal(a[0, s:], a[1, s:])  # frame, h and w do not (time is not a 4d axis)
    # One shot (shot 0): no shot rotation, and frame/h/w as a per-axis RoPE of those sizes.
    cos, sin = rope(ids[:1])
    assert torch.all(cos[0, 0, 0, :s] == 1) and torch.all(sin[0, 0, 0, :s] == 0)
    three_d = MultiShotRoPE(24, "3d").angles(ids[:1])
    assert torch.equal(a[0, s + t :], three_d[0, 8:])  # h and w identical to 3d
    assert torch.equal(a[0, s : s + t], _angles(torch.tensor([3.0]), t, 10000.0)[0])


def test_shift_rope_jumps_time_at_each_cut():
    rope = MultiShotRoPE(24, "shift", shot_delta=8.0)
    a = rope.angles(torch.tensor([[2.0, 0, 10, 0, 0]]))
    b = MultiShotRoPE(24, "3d").angles(torch.tensor([[0.0, 0, 26, 0, 0]]))
    assert torch.equal(a, b)


def test_a_bad_4d_split_is_refused():
    with pytest.raises(ValueError, match="even sizes"):
        MultiShotRoPE(24, "4d", split_4d=(3, 5, 8, 8))
    with pytest.raises(ValueError, match="rope mode"):
        MultiShotRoPE(24, "5d")


@settings(max_examples=60, deadline=None)
@given(mode=st.sampled_from(["3d", "4d", "shift"]), p=st.lists(st.integers(0, 30), min_size=10, max_size=10), offset=st.integers(-5, 20))
def test_rope_scores_depend_only_on_the_offset_between_tokens(mode, p, offset):
    rope = MultiShotRoPE(24, mode)
    g = torch.Generator().manual_seed(sum(p))
    q, k = torch.randn(24, generator=g, dtype=torch.float64), torch.randn(24, generator=g, dtype=torch.float64)

    def rotate(x, ids):
        a = rope.angles(ids[None])[0]
        x1, x2 = x.view(-1, 2).unbind(-1)
        c, s = a[0::2].cos(), a[0::2].sin()
        return torch.stack([x1 * c - x2 * s, x1 * s + x2 * c], -1).flatten()

    i = torch.tensor(p[:5], dtype=torch.float64)
    j = torch.tensor(p[5:], dtype=torch.float64)
    score = rotate(q, i) @ rotate(k, j)
    moved = rotate(q, i + offset) @ rotate(k, j + offset)
    assert torch.allclose(score, moved, atol=1e-9)
    assert torch.allclose(rotate(q, i).norm(), q.norm())


def _camera(frames, batch=1):
    angles = torch.linspace(0, 0.5, frames)
    c2w = torch.eye(4, dtype=torch.float64).repeat(frames, 1, 1)
    c2w[:, 0, 0], c2w[:, 0, 2], c2w[:, 2, 0], c2w[:, 2, 2] = angles.cos(), angles.sin(), -angles.sin(), angles.cos()
    c2w[:, 0, 3] = torch.linspace(0, 3, frames)
    return relative_extrinsics(c2w).float()[None].repeat(batch, 1, 1)


def test_zero_initialised_camera_encoders_leave_the_base_model_unchanged_until_trained():
    model = tiny()
    x, t, text = torch.randn(1, 4, 5, 8, 6), torch.tensor([700.0]), torch.randn(1, 7, 16)
    with torch.no_grad():
        plain = model(x, t, text).sample
        with_camera = model(x, t, text, camera=_camera(5)).sample
        assert torch.equal(plain, with_camera)
        for block in model.blocks:
            torch.nn.init.normal_(block.camera_encoder.proj.weight, std=0.5)
        assert not torch.allclose(plain, model(x, t, text, camera=_camera(5)).sample, atol=1e-4)


def test_fusing_the_camera_projector_keeps_the_output():
    model = tiny()
    for block in model.blocks:
        torch.nn.init.normal_(block.camera_projector.weight, std=0.3)
    x, t, text = torch.randn(1, 4, 3, 8, 6), torch.tensor([300.0]), torch.randn(1, 5, 16)
    with torch.no_grad():
        before = model(x, t, text).sample
        model.fuse_camera_projectors()
        assert torch.allclose(before, model(x, t, text).sample, atol=1e-5)
    assert isinstance(model.blocks[0].camera_projector, torch.nn.Identity)


def test_relative_cameras_start_at_identity_and_are_scale_normalised():
    rel = _camera(9)[0]
    assert torch.allclose(rel[0], static_camera(1)[0, 0])
    assert rel[:, [3, 7, 11]].norm(dim=1).max() == pytest.approx(1.0)
    per = per_latent_frame(rel[None], 4)
    assert per.shape == (1, 3, 48) and torch.equal(per[0, 1, :12], rel[1]) and torch.equal(per[0, 0, :12], per[0, 0, 36:])


def test_a_tiny_wan_checkpoint_loads_with_every_key_matched(tmp_path):
    torch.manual_seed(3)
    base = WanTransformer3DModel(**TINY).eval()
    base.save_pretrained(tmp_path / "transformer")
    model, new = MultiShotTransformer.from_wan(tmp_path / "transformer", camera_frames_per_latent=1, rope_mode="4d")
    assert new and all(".camera_encoder." in k or ".camera_projector." in k for k in new)
    assert len(new) == 4 * TINY["num_layers"]
    assert model.config.rope_mode == "4d"
    state = base.state_dict()
    for key, value in model.state_dict().items():
        if key in state:
            assert torch.equal(value, state[key]), key
    assert torch.all(model.blocks[0].camera_encoder.proj.weight == 0) and torch.equal(model.blocks[0].camera_projector.weight, torch.eye(48))


def _two_shot_segments(model, t=500.0):
    g = torch.Generator().manual_seed(1)
    a, b = torch.randn(1, 4, 3, 8, 6, generator=g), torch.randn(1, 4, 2, 8, 6, generator=g)
    return [
        Segment(a, torch.zeros(3), torch.arange(3), torch.arange(3), torch.tensor([t])),
        Segment(b, torch.ones(2), torch.arange(2), torch.arange(2) + 3, torch.tensor([t])),
    ]


def test_each_shot_reads_only_the_global_caption_and_its_own():
    model = tiny(rope_mode="4d")
    g = torch.Generator().manual_seed(2)
    glob, cap0, cap1 = torch.randn(1, 3, 16, generator=g), torch.randn(1, 4, 16, generator=g), torch.randn(1, 5, 16, generator=g)
    owners = torch.tensor([GLOBAL_TEXT] * 3 + [0] * 4 + [1] * 5)
    with torch.no_grad():
        # Shot 0's tokens see shot 1's frames through self-attention; isolate the cross-attention by
        # reading the first block's cross-attention output directly.
        run = lambda c1, g_=glob: model.forward_segments(_two_shot_segments(model), torch.cat([g_, cap0, c1], 1), owners)  # noqa: E731
        base = run(cap1)
        other = run(cap1 + 3.0)
        # With one layer of mixing, changing shot 1's caption reaches shot 0 only through shot 1's
        # video tokens; with the mask off it would reach it directly. Compare both.
        unmasked = lambda c1: model.forward_segments(_two_shot_segments(model), torch.cat([glob, cap0, c1], 1))  # noqa: E731
        assert not torch.allclose(base[1], other[1], atol=1e-5)  # shot 1 follows its caption
        direct = (unmasked(cap1)[0] - unmasked(cap1 + 3.0)[0]).abs().mean()
        masked = (base[0] - other[0]).abs().mean()
        assert masked < 0.5 * direct
        # The global caption reaches every shot.
        moved = run(cap1, glob + 3.0)
        assert not torch.allclose(base[0], moved[0], atol=1e-5) and not torch.allclose(base[1], moved[1], atol=1e-5)


def test_the_cross_attention_mask_is_exact():
    from models.dit import cross_attention_mask

    mask = cross_attention_mask(torch.tensor([0, 0, 1, 2]), torch.tensor([GLOBAL_TEXT, 0, 1, 1, 2, -2]))
    assert mask.shape == (1, 1, 4, 6)
    assert mask[0, 0].tolist() == [
        [True, True, False, False, False, False],
        [True, True, False, False, False, False],
        [True, False, True, True, False, False],
        [True, False, False, False, True, False],
    ]


def test_another_shots_caption_cannot_reach_a_shot_rendered_alone():
    """With only shot 0's frames in the pass, shot 1's caption tokens are masked out entirely."""
    model = tiny()
    seg = _two_shot_segments(model)[:1]
    g = torch.Generator().manual_seed(4)
    glob, cap0, cap1 = torch.randn(1, 3, 16, generator=g), torch.randn(1, 4, 16, generator=g), torch.randn(1, 5, 16, generator=g)
    owners = torch.tensor([GLOBAL_TEXT] * 3 + [0] * 4 + [1] * 5)
    with torch.no_grad():
        a = model.forward_segments(seg, torch.cat([glob, cap0, cap1], 1), owners)[0]
        b = model.forward_segments(seg, torch.cat([glob, cap0, cap1 * -5 + 1], 1), owners)[0]
    assert torch.equal(a, b)


def test_clean_cache_frames_with_their_own_timesteps_and_no_output():
    model = tiny()
    segs = _two_shot_segments(model)
    cache = Segment(torch.randn(1, 4, 2, 4, 3), torch.zeros(2), torch.arange(2), torch.arange(2), torch.zeros(1), spatial_scale=2.0, output=False)
    with torch.no_grad():
        out = model.forward_segments([cache] + segs, torch.randn(1, 6, 16))
    assert [o.shape for o in out] == [(1, 4, 3, 8, 6), (1, 4, 2, 8, 6)]


def test_a_sample_predicting_model_gives_the_samplers_the_flow_its_x0_implies():
    x0 = torch.randn(1, 4, 2, 4, 4)
    eps = torch.randn_like(x0)
    sigma = 0.6
    noisy = (1 - sigma) * x0 + sigma * eps
    model = tiny(prediction_type="sample")
    assert torch.allclose(model.flow(x0, noisy, sigma), eps - x0, atol=1e-5)  # a perfect x0 is the exact flow
    assert torch.allclose(tiny().flow(eps - x0, noisy, sigma), eps - x0)  # a flow model's output is used as it is
    assert torch.isfinite(model.flow(x0, noisy, 0.0)).all()  # floored where sigma vanishes
    with pytest.raises(ValueError, match="prediction_type"):
        tiny(prediction_type="epsilon")
