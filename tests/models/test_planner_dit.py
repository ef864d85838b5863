"""The learned planner's trajectory DiT: shapes, modality dropping, and the patent's segment bias."""

import torch
from hypothesis import given
from hypothesis import strategies as st

from models.planner import PlannerConfig, TrajectoryDiT, segment_progress, segment_text_bias

TINY = PlannerConfig(dim=16, depth=1, heads=2, ffn_mult=1)


def inputs(batch=2, tokens=10, seed=0):
    g = torch.Generator().manual_seed(seed)
    return {
        "x": torch.randn(batch, 81, 9, generator=g),
        "sigma": torch.rand(batch, generator=g),
        "reference": torch.randn(batch, 81, 9, generator=g),
        "reference_mask": torch.ones(batch, 81),
        "text": torch.randn(batch, tokens, 384, generator=g),
        "text_mask": torch.ones(batch, tokens),
        "audio": torch.randn(batch, 81, 35, generator=g),
        "layout": torch.randn(batch, 4, 8, generator=g),
        "layout_mask": torch.tensor([[1.0, 1.0, 0.0, 0.0]] * batch),
        "keep": torch.ones(batch, 3),
        "segment": torch.zeros(batch, dtype=torch.long),
        "segments": torch.ones(batch, dtype=torch.long),
    }


def trained_looking(model):
    """Zero-initialised output layers made random, so the output depends on the inputs."""
    torch.manual_seed(1)
    for p in model.parameters():
        if torch.count_nonzero(p) == 0:
            torch.nn.init.normal_(p, std=0.3)
    return model.eval()


def test_one_segment_of_the_9d_state_in_and_out():
    model = TrajectoryDiT(TINY)
    out = model(**inputs(3))
    assert out.shape == (3, 81, 9)
    assert torch.count_nonzero(out) == 0  # adaLN-Zero / zero output layer: an untrained model predicts no flow


def test_a_dropped_modality_is_not_read():
    model = trained_looking(TrajectoryDiT(TINY))
    a, b = inputs(seed=0), inputs(seed=0)
    b["text"] = torch.randn_like(b["text"])
    b["audio"] = torch.randn_like(b["audio"])
    b["layout"] = torch.randn_like(b["layout"])
    with torch.no_grad():
        assert not torch.allclose(model(**a), model(**b), atol=1e-4)  # kept: the conditions matter
        for x in (a, b):
            x["keep"] = torch.zeros(2, 3)
        assert torch.allclose(model(**a), model(**b), atol=1e-5)  # dropped: they do not


@given(st.integers(8, 64), st.integers(2, 4), st.data())
def test_each_segment_reads_its_own_part_of_the_text(length, segments, data):
    """The prior over tokens of segment k of K puts the most weight on the k-th K-th of the text."""
    k = data.draw(st.integers(0, segments - 1))
    mask = torch.zeros(1, 70)
    mask[0, :length] = 1.0
    bias = segment_text_bias(segment_progress(torch.tensor([k]), torch.tensor([segments])), mask, sigma=0.15)
    weights = torch.softmax(bias, dim=-1)[0, :length]
    part = (torch.arange(length) / (length - 1) * segments).long().clamp(max=segments - 1)
    mass = torch.stack([weights[part == j].sum() for j in range(segments)])
    assert int(mass.argmax()) == k
    assert float(weights[length:].sum() if length < 70 else 0.0) < 1e-6  # padding is never read


def test_in_the_model_frames_of_segment_k_attend_to_text_of_segment_k():
    """With query-key scores switched off, the text cross-attention is the bias: two segments of
    "push in, then orbit left" read the first and the second half of the words."""
    model = TrajectoryDiT(PlannerConfig(dim=16, depth=1, heads=2, ffn_mult=1, bias_sigma=0.15, bias_strength=2.0))
    torch.nn.init.zeros_(model.blocks[0].text_attn.q.weight)
    torch.nn.init.zeros_(model.blocks[0].text_attn.q.bias)
    tokens = 20
    text, mask = torch.randn(2, tokens, 384), torch.ones(2, tokens)
    w = model.text_attention(text, mask, torch.tensor([0, 1]), torch.tensor([2, 2]))[:, :, :, 1:]  # drop the null token
    first, second = w[..., : tokens // 2].sum(-1), w[..., tokens // 2 :].sum(-1)
    assert bool((first[0] > 0.75).all()) and bool((second[1] > 0.75).all())


def test_at_stride_4_the_model_reads_and_writes_21_knots_and_hears_every_frame():
    cfg = PlannerConfig(dim=16, depth=1, heads=2, ffn_mult=1, stride=4)
    model = trained_looking(TrajectoryDiT(cfg))
    x = inputs()
    for k in ("x", "reference"):
        x[k] = x[k][:, ::4]
    x["reference_mask"] = x["reference_mask"][:, ::4]
    with torch.no_grad():
        out = model(**x)
        assert out.shape == (2, 21, 9)
        y = dict(x, audio=x["audio"].clone())
        y["audio"][:, 1::4] += 3.0  # frames between the knots: still heard
        assert not torch.allclose(model(**y), out, atol=1e-4)


def test_the_words_reach_the_conditioning_pooled_by_the_segment_prior():
    """Cross-attention switched off: the text still changes the prediction (through adaLN), and a
    dropped text does not."""
    model = trained_looking(TrajectoryDiT(TINY))
    for b in model.blocks:
        torch.nn.init.zeros_(b.text_attn.out.weight)
        torch.nn.init.zeros_(b.text_attn.out.bias)
    a, b = inputs(seed=0), inputs(seed=0)
    b["text"] = torch.randn_like(b["text"])
    with torch.no_grad():
        assert not torch.allclose(model(**a), model(**b), atol=1e-4)
        for x in (a, b):
            x["keep"][:, 0] = 0.0
        assert torch.allclose(model(**a), model(**b), atol=1e-6)
