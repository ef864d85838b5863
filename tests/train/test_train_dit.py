"""Training the small DiT: the loss falls on a fixed batch, a resumed run is the same run, every
cache layout is trained, and an exported model loads in the engine."""

import json
from dataclasses import replace

import pytest
import torch

from engine.train.train_dit import AR_MODES, TrainConfig, Trainer

TINY = TrainConfig(size=(64, 32), frames=8, layers=2, heads=2, head_dim=16, lr=2e-3, warmup=1, checkpoint_every=2, max_shots=2)


@pytest.fixture(scope="module")
def text_encoder():
    from engine.render.text_encoders import minilm

    return minilm("cpu")


@pytest.mark.slow  # 30 CPU training steps: in CI's slow step (.ci/run), not the default run
def test_a_few_cpu_steps_lower_the_loss_on_a_fixed_batch(tmp_path, text_encoder):
    trainer = Trainer(TINY, tmp_path / "run", text_encoder=text_encoder)
    batch = [trainer.example(k) for k in range(3)]
    before = sum(trainer.evaluate(ex) for ex in batch)
    for _ in range(10):
        for ex in batch:
            trainer.train_step(ex)
    after = sum(trainer.evaluate(ex) for ex in batch)
    assert after < 0.8 * before


@pytest.mark.slow  # seconds of its own: the slow CI step runs it on every submission
def test_a_resumed_run_continues_the_same_run(tmp_path, text_encoder):
    straight = Trainer(TINY, tmp_path / "straight", text_encoder=text_encoder)
    straight.train(4)
    first = Trainer(TINY, tmp_path / "resumed", text_encoder=text_encoder)
    first.train(2)  # stops and checkpoints at step 2
    second = Trainer(TINY, tmp_path / "resumed", text_encoder=text_encoder)
    assert second.step == 2
    second.train(4, log_every=1)
    assert second.step == 4
    for (name, a), b in zip(straight.model.state_dict().items(), second.model.state_dict().values()):
        assert torch.allclose(a, b, atol=1e-6), name
    for name in straight.ema:
        assert torch.allclose(straight.ema[name], second.ema[name], atol=1e-6), name
    rows = [json.loads(line) for line in (tmp_path / "resumed" / "log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows] == [3, 4] and all(r["loss"] > 0 for r in rows)


def test_a_checkpoint_of_another_configuration_is_refused_naming_it(tmp_path, text_encoder):
    Trainer(TINY, tmp_path / "run", text_encoder=text_encoder).train(1)
    with pytest.raises(ValueError, match=r"checkpoint.safetensors.*rope_mode: 4d vs 3d"):
        Trainer(replace(TINY, rope_mode="3d"), tmp_path / "run", text_encoder=text_encoder)


def test_every_filmweaver_cache_layout_is_trained_with_noised_clean_context(tmp_path, text_encoder):
    trainer = Trainer(TINY, tmp_path / "run", text_encoder=text_encoder)
    seen, modes = {}, {"holistic"} | {m.value for m in AR_MODES}
    for k in range(60):  # each example draws its layout; stop once every layout has come up
        ex = trainer.example(k)
        seen.setdefault(ex.mode, ex)
        if set(seen) == modes:
            break
    assert set(seen) == {"holistic"} | {m.value for m in AR_MODES}
    hi = 1000 * TINY.cache_noise[1]
    for mode, ex in seen.items():
        outputs = [s for s in ex.segments if s.output]
        context = [s for s in ex.segments if not s.output]
        assert len(outputs) == len(ex.targets) and all(o.latents.shape == t.shape for o, t in zip(outputs, ex.targets))
        assert all(0 <= float(s.timestep.max()) <= hi for s in context)  # clean or lightly noised
        if mode == "first_shot" or mode == "holistic":
            assert not context
        if mode == "extension":
            assert {int(s.shot[0]) for s in context} == {int(outputs[0].shot[0])}  # its own earlier frames
            assert any(s.spatial_scale > 1 for s in context)  # older frames pooled
        if mode == "new_shot":
            assert context and all(int(s.shot[0]) < int(outputs[0].shot[0]) for s in context)
            assert all(s.frames % TINY.patch[0] == 0 for s in context)  # whole temporal patches
        if mode == "new_shot_extension":
            shots = {int(s.shot[0]) for s in context}
            assert int(outputs[0].shot[0]) in shots and min(shots) < int(outputs[0].shot[0])


def test_an_exported_model_loads_and_renders_in_the_engine(tmp_path, text_encoder):
    from engine.render.dit_backend import DitBackend

    trainer = Trainer(TINY, tmp_path / "run", text_encoder=text_encoder)
    trainer.train(1)
    trainer.export(tmp_path / "models" / "tiny-greybox")
    backend = DitBackend("cpu", [tmp_path / "models" / "tiny-greybox"])
    assert "tiny-greybox" in backend.models()
    pipe = backend.pipeline("tiny-greybox")
    assert pipe.native == ((64, 32), 8)


CONTROL = replace(TINY, control_channels=7, crop_frames=4, sequence_reuse=2)


def test_the_control_recipe_feeds_the_grey_box_beside_every_frame_it_trains_on(tmp_path, text_encoder):
    """Generated windows and clean cache frames carry their own shot's control, on the same frames
    and grid as their latents; windows sit at their true positions; the exported model follows it."""
    trainer = Trainer(CONTROL, tmp_path / "run", text_encoder=text_encoder)
    seen = set()
    for k in range(10):
        ex = trainer.example(k)
        seen.add(ex.mode)
        for s in ex.segments:
            assert s.control is not None and s.control.shape[1] == 7 and s.control.shape[2:] == s.latents.shape[2:]
        for s in (s for s in ex.segments if s.output):
            assert s.frames <= CONTROL.crop_frames and int(s.frame[0]) % CONTROL.patch[0] == 0
    assert len(seen) >= 2
    seq = trainer._sequence[1]
    ex = trainer.example(9)  # the same sequence as step 8 (reused)
    out = next(s for s in ex.segments if s.output)
    shot = int(out.shot[0]) if ex.mode != "holistic" else None
    if shot is not None:  # the window's control is that shot's control at those frames
        a = int(out.frame[0])
        want = torch.from_numpy(seq.shots[shot].control[a : a + out.frames]).permute(3, 0, 1, 2)[None]
        assert torch.equal(out.control, want)
    trainer.train(1)
    trainer.export(tmp_path / "models" / "tiny-control")
    from engine.render.dit_backend import DitBackend

    pipe = DitBackend("cpu", [tmp_path / "models" / "tiny-control"]).pipeline("tiny-control")
    assert pipe.conditioning == "concat" and pipe.transformer.config.in_channels == 10


def test_a_cooldown_brings_the_learning_rate_to_zero_and_stops(tmp_path, text_encoder):
    trainer = Trainer(TINY, tmp_path / "run", text_encoder=text_encoder)
    trainer.train(1)
    trainer.cooldown = (trainer.step, 2)
    assert trainer.lr_at(1) == pytest.approx(TINY.lr) and trainer.lr_at(2) == pytest.approx(TINY.lr / 2) and trainer.lr_at(3) == 0.0
    trainer.train(3)
    assert trainer.step == 3


def test_an_exported_control_model_with_a_pixel_head_loads_in_the_engine_with_its_head(tmp_path, text_encoder):
    trainer = Trainer(replace(CONTROL, pixel_head=8), tmp_path / "run", text_encoder=text_encoder)
    trainer.train(1)
    trainer.export(tmp_path / "models" / "tiny-head")
    from engine.render.dit_backend import DitBackend

    pipe = DitBackend("cpu", [tmp_path / "models" / "tiny-head"]).pipeline("tiny-head")
    head = pipe.transformer.pixel_head
    assert head is not None and torch.equal(head.net[0].weight, trainer.ema["pixel_head.net.0.weight"])
