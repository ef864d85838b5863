"""Multi-shot DiT speed: our MultiShotTransformer against diffusers' WanTransformer3DModel.

On a CUDA GPU: Wan2.1-T2V-1.3B's config (30 layers, dim 1536, 12 heads), 81 frames at 480x832
(21 x 60 x 104 latents = 32,760 tokens), bf16, random weights, both through diffusers' attention
dispatch (same backend): time per forward, achieved TFLOP/s, peak memory; then autoregressive
mode's peak memory for 2, 4 and 8 shots (the context is bounded, so it should stay flat).
On CPU it runs a scaled-down config with the same code.

The two ways Wan2.1 follows the grey-box (engine/render/dit.py), on CUDA only, at 1.3B with random
weights: ``strength`` (Wan2.1-T2V-1.3B, SDEdit: only the steps under σ = strength run, two passes
each for guidance) and ``vace`` (Wan2.1-VACE-1.3B's config: 15 VACE blocks on layers 0, 2 … 28,
the 96-channel control context): ms per step, peak memory, frames per second of a 30-step sampling.
Without CUDA these are skipped and said so. Always: the bundled model's CPU seconds per shot (a
held-out sequence, the engine's default 30 steps and text guidance 5, holistic).
Ends with a RESULT line.

    python benchmarks/dit.py [--device cuda|cpu] [--repeats 5] [--bundled-steps 30]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

WAN_1_3B = dict(patch_size=(1, 2, 2), num_attention_heads=12, attention_head_dim=128, in_channels=16, out_channels=16, text_dim=4096, freq_dim=256, ffn_dim=8960, num_layers=30)
CPU_SMALL = dict(patch_size=(1, 2, 2), num_attention_heads=4, attention_head_dim=64, in_channels=16, out_channels=16, text_dim=512, freq_dim=256, ffn_dim=1024, num_layers=4)


def timed(fn, repeats: int, device: str) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        if device == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        fn()
        if device == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def peak(fn, device: str) -> float:
    if device != "cuda":
        return float("nan")
    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()
    fn()
    torch.cuda.synchronize()
    return torch.cuda.max_memory_allocated() / 2**30


def main() -> None:
    from diffusers import WanTransformer3DModel

    from models.dit import MultiShotTransformer, Segment
    from models.dit.cache import ShotRecord, shot_cache

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--bundled-steps", type=int, default=30)
    parser.add_argument("--strength", type=float, default=0.7)
    args = parser.parse_args()
    device = args.device
    cuda = device == "cuda"
    config = WAN_1_3B if cuda else CPU_SMALL
    dtype = torch.bfloat16 if cuda else torch.float32
    latent = (21, 60, 104) if cuda else (5, 24, 40)
    text_tokens = 512 if cuda else 64
    torch.manual_seed(0)
    with torch.device(device):
        base = WanTransformer3DModel(**config).to(dtype).eval()
        ours = MultiShotTransformer(**config, camera_frames_per_latent=4, rope_mode="4d").to(dtype).eval()
    ours.load_state_dict(base.state_dict(), strict=False)
    ours.fuse_camera_projectors()
    f, h, w = latent
    x = torch.randn(1, config["in_channels"], f, h, w, device=device, dtype=dtype)
    t = torch.tensor([500.0], device=device)
    text = torch.randn(1, text_tokens, config["text_dim"], device=device, dtype=dtype)
    camera = torch.zeros(1, f, 48, device=device, dtype=dtype)
    tokens = f * (h // 2) * (w // 2)

    with torch.no_grad():
        t_base = timed(lambda: base(x, t, text), args.repeats, device)
        t_ours = timed(lambda: ours(x, t, text, camera=camera), args.repeats, device)
        m_base = peak(lambda: base(x, t, text), device)
        m_ours = peak(lambda: ours(x, t, text, camera=camera), device)
        flops = ours.flops_per_forward(tokens, text_tokens)

        # Autoregressive: a 2-latent-frame shot cache + the shot being made, after 2, 4, 8 shots.
        shot_frames = max(f // 4, 2)
        ar_mem, ar_tokens = {}, {}
        for shots in (2, 4, 8):
            history = [ShotRecord(i, torch.randn(1, config["in_channels"], shot_frames, h, w, device=device, dtype=dtype), torch.arange(shot_frames) + i * shot_frames, None, torch.randn(16)) for i in range(shots - 1)]
            context = shot_cache(history, torch.randn(16), k=2)
            target = Segment(x[:, :, :shot_frames], torch.full((shot_frames,), shots - 1), torch.arange(shot_frames), torch.arange(shot_frames) + (shots - 1) * shot_frames, t)
            segs = context + [target]
            ar_tokens[shots] = sum(s.frames for s in segs) * (h // 2) * (w // 2)
            ar_mem[shots] = peak(lambda segs=segs: ours.forward_segments(segs, text), device)

        modes = mode_figures(x, t, text, camera, f, args, device, dtype) if cuda else None

    name = torch.cuda.get_device_name() if cuda else "CPU"
    print(f"{name}; config {'Wan2.1-T2V-1.3B' if cuda else 'scaled-down (4 layers, dim 256)'}; {tokens} tokens; {dtype}")
    print(f"diffusers Wan: {1000 * t_base:.1f} ms/forward; ours (4d RoPE, camera encoders): {1000 * t_ours:.1f} ms; ratio {t_ours / t_base:.3f}")
    print(f"achieved: {flops / t_ours / 1e12:.2f} TFLOP/s (ours), {flops / t_base / 1e12:.2f} (diffusers, same FLOP count)")
    print(f"peak memory: diffusers {m_base:.2f} GiB, ours {m_ours:.2f} GiB")
    print("autoregressive, per forward: " + ", ".join(f"{s} shots {ar_tokens[s]} tokens / {ar_mem[s]:.2f} GiB" for s in (2, 4, 8)))
    if modes:
        for k, v in modes.items():
            print(f"{k}: {v['ms_per_step']:.1f} ms/step, {v['peak_gib']:.2f} GiB peak, {v['fps']:.2f} frames/s over a 30-step sampling ({v['steps_run']} steps run)")
    else:
        print("strength / vace at 1.3B: skipped (no CUDA device here)")
    bundled = bundled_seconds_per_shot(args.bundled_steps)
    print(f"bundled model on CPU: {bundled['s_per_shot']:.2f} s per shot ({bundled['shots']} shots of 16 frames at 96x64, {args.bundled_steps} steps, text guidance 5); {bundled['ms_per_forward']:.1f} ms per forward")
    extra = " ".join(f"{k}_ms_per_step={v['ms_per_step']:.1f} {k}_peak_gib={v['peak_gib']:.2f} {k}_fps={v['fps']:.2f}" for k, v in (modes or {}).items()) or "modes=skipped_no_cuda"
    print(
        f"RESULT device={device} {extra} bundled_cpu_s_per_shot={bundled['s_per_shot']:.2f} bundled_ms_per_forward={bundled['ms_per_forward']:.1f} ms_ours={1000 * t_ours:.1f} ms_diffusers={1000 * t_base:.1f} ratio={t_ours / t_base:.3f} "
        f"tflops={flops / t_ours / 1e12:.2f} mem_ours_gib={m_ours:.2f} mem_diffusers_gib={m_base:.2f} "
        f"ar_tokens_2={ar_tokens[2]} ar_tokens_4={ar_tokens[4]} ar_tokens_8={ar_tokens[8]} "
        f"ar_mem_2={ar_mem[2]:.2f} ar_mem_4={ar_mem[4]:.2f} ar_mem_8={ar_mem[8]:.2f}"
    )


VACE_1_3B_LAYERS = list(range(0, 30, 2))


def mode_figures(x, t, text, camera, frames: int, args, device, dtype, config=WAN_1_3B, vace_layers=VACE_1_3B_LAYERS, vace_channels: int = 96) -> dict:
    """ms per step, peak memory and frames per second of a 30-step sampling, for both modes (at
    Wan2.1 1.3B's config; a test runs the same code on a tiny one)."""
    from models.dit import MultiShotTransformer
    from models.dit.vace import MultiShotVACETransformer

    steps = 30
    out = {}
    with torch.device(device):
        t2v = MultiShotTransformer(**config, camera_frames_per_latent=4).to(dtype).eval()
    run = lambda: (t2v(x, t, text, camera=camera), t2v(x, t, text, camera=camera))  # noqa: E731  (guidance: two passes)
    ms = 1000 * timed(run, args.repeats, device)
    taken = max(1, int(round(steps * args.strength)))
    out["strength"] = {"ms_per_step": ms, "peak_gib": peak(run, device), "steps_run": taken, "fps": 81 / (taken * ms / 1000)}
    t2v = run = None  # free the weights before the next model loads
    if device == "cuda":
        torch.cuda.empty_cache()
    with torch.device(device):
        vace = MultiShotVACETransformer(**config, camera_frames_per_latent=4, vace_layers=vace_layers, vace_in_channels=vace_channels).to(dtype).eval()
    context = torch.randn(1, vace_channels, *x.shape[2:], device=device, dtype=dtype)
    run = lambda: (vace(x, t, text, camera=camera, control=context), vace(x, t, text, camera=camera, control=context))  # noqa: E731
    ms = 1000 * timed(run, args.repeats, device)
    out["vace"] = {"ms_per_step": ms, "peak_gib": peak(run, device), "steps_run": steps, "fps": 81 / (steps * ms / 1000)}
    return out


def bundled_seconds_per_shot(steps: int) -> dict:
    """The bundled model on CPU, as the engine runs it by default, on one held-out sequence."""
    from engine.render.dit_backend import load_pipeline
    from engine.render.dit_models import ASSETS_MODELS, inspect_model
    from engine.train.data import make_sequence
    from engine.train.evaluate import generate
    from engine.train.train_dit import HELD_OUT_SEEDS

    pipe = load_pipeline(inspect_model(ASSETS_MODELS / "shotline-greybox"), "cpu")
    seq = make_sequence(HELD_OUT_SEEDS[0])
    calls = []
    inner = pipe.transformer.forward_segments
    pipe.transformer.forward_segments = lambda *a, **k: calls.append(1) or inner(*a, **k)
    t0 = time.perf_counter()
    generate(pipe, seq, steps=steps, guidance=5.0, noise_keep=1.0)  # the engine's default: noise that moves with the set
    took = time.perf_counter() - t0
    return {"s_per_shot": took / len(seq.shots), "shots": len(seq.shots), "ms_per_forward": 1000 * took / max(len(calls), 1)}


if __name__ == "__main__":
    main()
