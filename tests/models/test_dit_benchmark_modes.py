"""benchmarks/dit.py's CUDA-only figures for Wan2.1's two grey-box modes (strength, vace) run their
code here on a tiny config, so a GPU owner's first run does not end in a typo."""

import argparse
import importlib.util
import math
from pathlib import Path

import torch

TINY = dict(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=16, in_channels=16, out_channels=16, text_dim=32, freq_dim=32, ffn_dim=64, num_layers=2)


def _benchmark():
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "dit.py"
    spec = importlib.util.spec_from_file_location("dit_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_strength_and_vace_figures_come_out_for_both_modes():
    bench = _benchmark()
    torch.manual_seed(0)
    f = 3
    x, t, text, camera = torch.randn(1, 16, f, 4, 6), torch.tensor([500.0]), torch.randn(1, 5, 32), torch.zeros(1, f, 48)
    args = argparse.Namespace(repeats=1, strength=0.7)
    with torch.no_grad():
        out = bench.mode_figures(x, t, text, camera, f, args, "cpu", torch.float32, config=TINY, vace_layers=[0], vace_channels=40)
    assert set(out) == {"strength", "vace"}
    assert out["strength"]["steps_run"] == 21 and out["vace"]["steps_run"] == 30  # SDEdit runs the steps under σ = 0.7 of 30
    for v in out.values():
        assert v["ms_per_step"] > 0 and v["fps"] > 0 and math.isnan(v["peak_gib"])  # peak memory is CUDA's
