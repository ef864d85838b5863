"""The full-resolution decoder after the patches: a warm start keeps the model's output, it reads the
control at pixel level (detail finer than a patch comes through), and it survives a save/load."""

import torch

from models.dit import MultiShotTransformer, Segment
from tests.models.test_dit_pipeline import PIXEL

WIDE = {**PIXEL, "patch_size": (1, 8, 8), "attention_head_dim": 8, "ffn_dim": 32, "in_channels": 3 + 2, "control_channels": 2, "prediction_type": "sample"}


def _segment(x, control, t=500.0):
    f = x.shape[2]
    ids = torch.arange(f)
    return Segment(x, torch.zeros(f), ids, ids, torch.full((x.shape[0],), t), control=control)


def _model(width, seed=0):
    torch.manual_seed(seed)
    return MultiShotTransformer(**WIDE, pixel_head_width=width)


def test_a_model_given_a_head_predicts_what_it_did_without_one():
    plain, headed = _model(0), _model(8)
    missing = headed.load_state_dict(plain.state_dict(), strict=False).missing_keys
    assert missing and all(k.startswith("pixel_head.") for k in missing)
    x, control, text = torch.randn(1, 3, 2, 16, 24), torch.randn(1, 2, 2, 16, 24), torch.randn(1, 4, 16)
    with torch.no_grad():
        a = plain.forward_segments([_segment(x, control)], text)[0]
        b = headed.forward_segments([_segment(x, control)], text)[0]
    assert torch.equal(a, b)


def _scene(n, seed):
    """Per-pixel detail in the control (64 pixels a patch, 16 numbers a token); the target shows it in colour."""
    g = torch.Generator().manual_seed(seed)
    control = torch.where(torch.rand(n, 2, 1, 16, 24, generator=g) < 0.5, -1.0, 1.0)
    return control, control[:, :1].expand(n, 3, 1, 16, 24).clone()


def _fit(width, steps=80):
    model = _model(width, seed=3)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    text = torch.zeros(8, 4, 16)
    for step in range(steps):
        control, target = _scene(8, step)
        loss = torch.nn.functional.mse_loss(model.forward_segments([_segment(torch.zeros_like(target), control, 0.0)], text)[0], target)
        opt.zero_grad()
        loss.backward()
        opt.step()
    control, target = _scene(8, 10_000)  # detail it never saw: it has to follow the control, not remember
    with torch.no_grad():
        pred = model.forward_segments([_segment(torch.zeros_like(target), control, 0.0)], text)[0]
    return float(((pred - target) ** 2).mean())


def test_detail_finer_than_a_patch_comes_through_the_head():
    without, with_head = _fit(0), _fit(8)
    assert without > 0.5  # the tokens are too narrow to carry a patch's pixels
    assert with_head < 0.1 * without, (with_head, without)


def test_the_head_is_saved_and_loaded_with_the_model(tmp_path):
    model = _model(8)
    with torch.no_grad():
        model.pixel_head.net[-1].weight.normal_()
    model.save_pretrained(tmp_path)
    back, new = MultiShotTransformer.from_wan(tmp_path)  # as the engine loads the bundled model
    assert not new
    assert back.config.pixel_head_width == 8
    assert torch.equal(back.pixel_head.net[-1].weight, model.pixel_head.net[-1].weight)
