"""Multi-shot DiT speed: our MultiShotTransformer against diffusers' WanTransformer3DModel.

On a CUDA GPU: Wan2.1-T2V-1.3B's config (30 layers, dim 1536, 12 heads), 81 frames at 480x832
(21 x 60 x 104 latents = 32,760 tokens), bf16, random weights, both through diffusers' attention
dispatch (same backend): time per forward, achieved TFLOP/s, peak memory; then autoregressive
mode's peak memory for 2, 4 and 8 shots (the context is bounded, so it should stay flat).
On CPU it runs a scaled-down config with the same code. Ends with a RESULT line.

    python benchmarks/dit.py [--device cuda|cpu] [--repeats 5]
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

    name = torch.cuda.get_device_name() if cuda else "CPU"
    print(f"{name}; config {'Wan2.1-T2V-1.3B' if cuda else 'scaled-down (4 layers, dim 256)'}; {tokens} tokens; {dtype}")
    print(f"diffusers Wan: {1000 * t_base:.1f} ms/forward; ours (4d RoPE, camera encoders): {1000 * t_ours:.1f} ms; ratio {t_ours / t_base:.3f}")
    print(f"achieved: {flops / t_ours / 1e12:.2f} TFLOP/s (ours), {flops / t_base / 1e12:.2f} (diffusers, same FLOP count)")
    print(f"peak memory: diffusers {m_base:.2f} GiB, ours {m_ours:.2f} GiB")
    print("autoregressive, per forward: " + ", ".join(f"{s} shots {ar_tokens[s]} tokens / {ar_mem[s]:.2f} GiB" for s in (2, 4, 8)))
    print(
        f"RESULT device={device} ms_ours={1000 * t_ours:.1f} ms_diffusers={1000 * t_base:.1f} ratio={t_ours / t_base:.3f} "
        f"tflops={flops / t_ours / 1e12:.2f} mem_ours_gib={m_ours:.2f} mem_diffusers_gib={m_base:.2f} "
        f"ar_tokens_2={ar_tokens[2]} ar_tokens_4={ar_tokens[4]} ar_tokens_8={ar_tokens[8]} "
        f"ar_mem_2={ar_mem[2]:.2f} ar_mem_4={ar_mem[4]:.2f} ar_mem_8={ar_mem[8]:.2f}"
    )


if __name__ == "__main__":
    main()
