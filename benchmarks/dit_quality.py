"""Quality of the bundled multi-shot DiT on held-out procedural sequences, with its 3d-RoPE ablation.

For each model (the bundled one, the same recipe trained with Wan's 3d RoPE, and the same network
with untrained random weights as the floor) it renders the held-out sequences from their captions,
true cameras and grey-box control, and measures, against the true render of the same set from the
same cameras (photo-textured and lit as the caption says, ``engine/train/materials.py``):

- camera following: per-frame PSNR / SSIM; RRE / RTE of the camera motion the OpenCV estimator finds
  in the frames (frame pairs 3 apart), next to the same estimator on the true frames (its floor);
- shot transitions: cuts a content detector finds within ±1 frame of the true cuts (recall, precision);
- cross-shot consistency: colour-histogram intersection between the shots of a sequence (true renders
  as the reference);
- how much the pictures boil: each pixel's change from the frame before carried along the true
  geometry (``warp_error``, grey levels; the true render's own is its nearest-pixel sampling of sharp
  texture, a flat colour's 0).

    python benchmarks/dit_quality.py --model assets/models/shotline-greybox --ablation runs/greybox-3d.export \\
        [--sequences 50] [--steps 12] [--noise-keep 1] [--fresh-noise] [--json out.json] [--sheet docs/dit_samples.png]

Baselines on the same frames: one flat colour, and the untextured control itself (the grey-box
render) scored as if it were the picture. The targets: PSNR and SSIM 4 dB / clearly above both, RRE
within 1.5x of the true render's (the estimator's floor).

Ends with a RESULT line: PSNR over the flat colour and the control, the RRE ratio, 4d over 3d.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch


def load(folder: Path, random_weights: bool = False):
    from engine.render.dit_backend import load_pipeline
    from engine.render.dit_models import inspect_model
    from engine.train.evaluate import with_random_weights

    pipe = load_pipeline(inspect_model(folder), "cpu")
    return with_random_weights(pipe) if random_weights else pipe


def measure(pipe, sequences, steps: int, guidance: float, name: str, strength: float = 1.0, noise_keep: float | None = None) -> tuple[dict, list]:
    from engine.train.evaluate import cross_shot_consistency, cut_scores, detect_cuts, generate, pose_errors, psnr, ssim, warp_error

    ps, ss, rre, rte, tried, failed, cons, per_seq, boil = [], [], [], [], 0, 0, [], [], []
    tp = fp = fn = 0
    samples = []
    t0 = time.perf_counter()
    for k, seq in enumerate(sequences):
        shots = generate(pipe, seq, steps=steps, seed=k, guidance=guidance, strength=strength, noise_keep=noise_keep if pipe.moves_noise_with_the_set else None)
        samples.append(shots)
        before = len(ps)
        for made, true in zip(shots, seq.shots):
            ps += [psnr(a, b) for a, b in zip(made, true.frames)]
            ss += [ssim(a, b) for a, b in zip(made, true.frames)]
            e = pose_errors(made, true)
            rre, rte, tried, failed = rre + e.rre, rte + e.rte, tried + e.tried, failed + e.failed
            boil.append(warp_error(made, true))
        cuts = list(np.cumsum([len(s) for s in shots])[:-1])
        a, b, c = cut_scores(detect_cuts(np.concatenate(shots)), cuts)
        tp, fp, fn = tp + a, fp + b, fn + c
        cons.append(cross_shot_consistency(shots))
        per_seq.append(float(np.mean(ps[before:])))
        print(f"  {name}: {k + 1}/{len(sequences)} sequences, {time.perf_counter() - t0:.0f} s", end="\r", flush=True)
    print()
    return summary(ps, ss, rre, rte, tried, failed, tp, fp, fn, cons, boil) | {"per_sequence_psnr": per_seq}, samples


def summary(ps, ss, rre, rte, tried, failed, tp, fp, fn, cons, boil=()) -> dict:
    return {
        "warp_error": float(np.mean(boil)) if len(boil) else None,
        "psnr": float(np.mean(ps)) if ps else None,
        "ssim": float(np.mean(ss)) if ss else None,
        "rre_deg_median": float(np.median(rre)) if rre else None,
        "rte_deg_median": float(np.median(rte)) if rte else None,
        "pose_pairs": tried,
        "pose_failed": failed,
        "cut_recall": tp / max(tp + fn, 1),
        "cut_precision": tp / max(tp + fp, 1),
        "consistency": float(np.mean(cons)),
    }


def reference(sequences) -> dict:
    """The measures on the true renders: the estimator's and detector's own floor."""
    from engine.train.evaluate import cross_shot_consistency, cut_scores, detect_cuts, pose_errors, warp_error

    rre, rte, tried, failed, cons, boil = [], [], 0, 0, [], []
    tp = fp = fn = 0
    for seq in sequences:
        for s in seq.shots:
            e = pose_errors(s.frames, s)
            rre, rte, tried, failed = rre + e.rre, rte + e.rte, tried + e.tried, failed + e.failed
            boil.append(warp_error(s.frames, s))
        frames = [s.frames for s in seq.shots]
        a, b, c = cut_scores(detect_cuts(np.concatenate(frames)), list(np.cumsum([len(f) for f in frames])[:-1]))
        tp, fp, fn = tp + a, fp + b, fn + c
        cons.append(cross_shot_consistency(frames))
    out = summary([], [], rre, rte, tried, failed, tp, fp, fn, cons, boil)
    out["psnr"], out["ssim"] = float("inf"), 1.0
    return out


def untextured(sequences) -> dict:
    """The grey-box render (flat colours, no textures, the grey-box light) as the answer."""
    from engine.train.evaluate import cross_shot_consistency, pose_errors, psnr, ssim, warp_error

    ps, ss, rre, rte, tried, failed, cons, boil = [], [], [], [], 0, 0, [], []
    for seq in sequences:
        for s in seq.shots:
            ps += [psnr(a, b) for a, b in zip(s.greybox, s.frames)]
            ss += [ssim(a, b) for a, b in zip(s.greybox, s.frames)]
            e = pose_errors(s.greybox, s)
            rre, rte, tried, failed = rre + e.rre, rte + e.rte, tried + e.tried, failed + e.failed
            boil.append(warp_error(s.greybox, s))
        cons.append(cross_shot_consistency([s.greybox for s in seq.shots]))
    return summary(ps, ss, rre, rte, tried, failed, 0, 0, 0, cons, boil)


def constant(sequences) -> dict:
    """Every frame one flat colour (the mean of all true frames): what a model that learnt only the
    palette would score."""
    from engine.train.evaluate import psnr, ssim

    mean = np.mean([s.frames.reshape(-1, 3).mean(axis=0) for q in sequences for s in q.shots], axis=0)
    flat = np.broadcast_to(np.round(mean).astype(np.uint8), sequences[0].shots[0].frames.shape[1:])
    ps = [psnr(flat, f) for q in sequences for s in q.shots for f in s.frames]
    ss = [ssim(np.ascontiguousarray(flat), f) for q in sequences for s in q.shots for f in s.frames]
    return {"psnr": float(np.mean(ps)), "ssim": float(np.mean(ss)), "rre_deg_median": None, "rte_deg_median": None, "pose_pairs": 0, "pose_failed": 0, "cut_recall": 0.0, "cut_precision": 0.0, "consistency": 1.0, "warp_error": 0.0}


def contact_sheet(path: Path, sequences, rows: list[tuple[str, list]], count: int = 3) -> None:
    """First, middle and last frame of the first shots: the true render above each model's."""
    import cv2

    blocks = []
    for k in range(min(count, len(sequences))):
        seq = sequences[k]
        lines = [("control", [s.greybox for s in seq.shots]), ("true", [s.frames for s in seq.shots])] + [(name, samples[k]) for name, samples in rows if k < len(samples)]
        for name, shots in lines:
            tiles = [shot[i] for shot in shots[:2] for i in (0, len(shot) // 2, len(shot) - 1)]
            strip = np.concatenate(tiles, axis=1)
            label = np.full((strip.shape[0], 90, 3), 255, np.uint8)
            cv2.putText(label, name, (3, strip.shape[0] // 2 + 4), cv2.FONT_HERSHEY_SIMPLEX, 0.35, (0, 0, 0), 1, cv2.LINE_AA)
            blocks.append(np.concatenate([label, strip], axis=1))
        caption = np.full((14, blocks[-1].shape[1], 3), 255, np.uint8)
        cv2.putText(caption, seq.set.look, (3, 10), cv2.FONT_HERSHEY_SIMPLEX, 0.33, (0, 0, 0), 1, cv2.LINE_AA)
        blocks.insert(len(blocks) - len(lines), caption)
        blocks.append(np.full((6, blocks[-1].shape[1], 3), 255, np.uint8))
    sheet = np.concatenate(blocks[:-1])
    sheet = cv2.resize(sheet, None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))


def main() -> None:
    from engine.train.data import make_sequence
    from engine.train.train_dit import HELD_OUT_SEEDS

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", type=Path, default=Path("assets/models/shotline-greybox"))
    ap.add_argument("--ablation", type=Path, help="the same recipe trained with 3d RoPE (an exported folder)")
    ap.add_argument("--sequences", type=int, default=50)
    ap.add_argument("--skip", type=int, default=0, help="start this many seeds past the held-out range's first (seeds from it on are never trained on): sequences no setting was chosen on")
    ap.add_argument("--random-sequences", type=int, default=10, help="sequences for the random-weights floor")
    ap.add_argument("--steps", type=int, default=6)
    ap.add_argument("--guidance", type=float, default=1.0, help="text guidance (1: one pass per step)")
    ap.add_argument("--old", type=Path, help="a previous model folder to compare (on the random-weights subset)")
    ap.add_argument("--old-strength", type=float, default=None, help="also the old model following the grey-box by SDEdit at this strength (as the engine runs a model without control channels)")
    ap.add_argument("--noise-keep", type=float, default=1.0, help="starting noise carried along the grey-box geometry, as the engine renders (engine/render/noise_warp.py; 0: fresh every frame)")
    ap.add_argument("--fresh-noise", action="store_true", help="also the bundled model from fresh noise every frame (how it rendered before the noise moved with the set)")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--sheet", type=Path)
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    seeds = list(range(HELD_OUT_SEEDS.start + args.skip, HELD_OUT_SEEDS.start + args.skip + args.sequences))
    sequences = [make_sequence(s) for s in seeds]
    print(f"{len(sequences)} held-out sequences ({sum(len(s.shots) for s in sequences)} shots, 16 frames each, 96x64)")
    results = {"true render": reference(sequences), "constant mean colour": constant(sequences), "untextured control": untextured(sequences)}
    sheet_rows = []
    keep = args.noise_keep or None
    results["bundled (4d)"], samples = measure(load(args.model), sequences, args.steps, args.guidance, "bundled", noise_keep=keep)
    sheet_rows.append(("4d", samples))
    if args.fresh_noise:
        results["bundled, fresh noise every frame"], samples = measure(load(args.model), sequences, args.steps, args.guidance, "fresh noise")
        sheet_rows.append(("fresh noise", samples))
    if args.ablation:
        results["ablation (3d)"], samples = measure(load(args.ablation), sequences, args.steps, args.guidance, "3d", noise_keep=keep)
        sheet_rows.append(("3d", samples))
    few = sequences[: args.random_sequences]
    results["random weights"], samples = measure(load(args.model, random_weights=True), few, args.steps, args.guidance, "random", noise_keep=keep)
    sheet_rows.append(("random", samples))
    if args.old:
        results["old model"], samples = measure(load(args.old), few, args.steps, args.guidance, "old")
        sheet_rows.append(("old", samples))
        if args.old_strength is not None:
            results[f"old model, SDEdit {args.old_strength}"], samples = measure(load(args.old), sequences, args.steps, args.guidance, "old+sdedit", args.old_strength)
            sheet_rows.append(("old+SDEdit", samples))
    first = results["bundled (4d)"]["per_sequence_psnr"][: len(few)]
    results["bundled (4d)"]["psnr_on_random_subset"] = float(np.mean(first))

    true_cons = results["true render"]["consistency"]
    for row in results.values():
        row["consistency_gap"] = abs(row["consistency"] - true_cons)
    cols = ["psnr", "ssim", "rre_deg_median", "rte_deg_median", "pose_failed", "cut_recall", "cut_precision", "consistency", "consistency_gap", "warp_error"]
    print(f"{'':40s}" + "".join(f"{c:>15s}" for c in cols))
    for name, row in results.items():
        if row is None:
            continue
        print(f"{name:40s}" + "".join(f"{row[c]:>15.3f}" if isinstance(row[c], float) else f"{str(row[c]):>15s}" for c in cols))
    if args.json:
        args.json.write_text(json.dumps({"settings": vars(args) | {"model": str(args.model), "ablation": str(args.ablation), "json": None, "sheet": None}, "results": results}, indent=2, default=str))
    if args.sheet:
        contact_sheet(args.sheet, sequences, sheet_rows)
    b = results["bundled (4d)"]
    flat, ctl, true = results["constant mean colour"], results["untextured control"], results["true render"]
    line = (
        f"RESULT sequences={len(sequences)} psnr={b['psnr']:.2f} ssim={b['ssim']:.3f} psnr_flat={flat['psnr']:.2f} psnr_control={ctl['psnr']:.2f} "
        f"ssim_flat={flat['ssim']:.3f} ssim_control={ctl['ssim']:.3f} gain_over_flat_db={b['psnr'] - flat['psnr']:.2f} gain_over_control_db={b['psnr'] - ctl['psnr']:.2f} "
        f"rre={b['rre_deg_median']:.2f} rre_floor={true['rre_deg_median']:.2f} rre_ratio={b['rre_deg_median'] / true['rre_deg_median']:.2f} "
        f"consistency={b['consistency']:.3f} consistency_true={true_cons:.3f} psnr_random={results['random weights']['psnr']:.2f} "
        f"warp_error={b['warp_error']:.2f} warp_error_true={true['warp_error']:.2f}"
    )
    if "ablation (3d)" in results:
        a = results["ablation (3d)"]
        line += f" psnr_3d={a['psnr']:.2f} consistency_3d={a['consistency']:.3f} consistency_gap_4d={b['consistency_gap']:.3f} consistency_gap_3d={a['consistency_gap']:.3f}"
    if args.fresh_noise:
        f = results["bundled, fresh noise every frame"]
        line += f" noise_keep={keep} warp_error_fresh={f['warp_error']:.2f} psnr_fresh={f['psnr']:.2f} ssim_fresh={f['ssim']:.3f} rre_fresh={f['rre_deg_median']:.2f} rre_ratio_fresh={f['rre_deg_median'] / true['rre_deg_median']:.2f} consistency_fresh={f['consistency']:.3f}"
    if "old model" in results:
        line += f" psnr_old={results['old model']['psnr']:.2f} psnr_on_subset={results['bundled (4d)']['psnr_on_random_subset']:.2f}"
    if args.old_strength is not None:
        o = results[f"old model, SDEdit {args.old_strength}"]
        line += f" psnr_old_sdedit={o['psnr']:.2f} ssim_old_sdedit={o['ssim']:.3f} rre_old_sdedit={o['rre_deg_median']:.2f}"
    print(line)


if __name__ == "__main__":
    main()
