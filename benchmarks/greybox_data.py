"""Procedural training data speed: the numpy ray caster against the training step it feeds.

Renders held-out-style sequences (a grey-box set, 2–4 shots, 16 frames each at 96×64) and times
per frame and per sequence; then times one training step (forward + backward + AdamW) of the bundled
model's configuration on the same sequences as the reference. The ratio says what share of training
goes to making data on the fly. One thread, as the CPU training runs.

    python benchmarks/greybox_data.py [--sequences 20]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import torch


def main() -> None:
    from engine.train.data import make_sequence, random_set, view_of
    from engine.train.raycast import render
    from engine.train.train_dit import TrainConfig, Trainer

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sequences", type=int, default=20)
    args = ap.parse_args()
    torch.set_num_threads(1)
    seeds = range(20_000_000, 20_000_000 + args.sequences)

    t0 = time.perf_counter()
    sequences = [make_sequence(s) for s in seeds]
    per_sequence = (time.perf_counter() - t0) / len(sequences)
    frames = sum(len(s.frames) for q in sequences for s in q.shots)

    rng = np.random.default_rng(0)
    grey = random_set(rng)
    path = sequences[0].shots[0].path
    t0 = time.perf_counter()
    for _ in range(10):
        for i in range(len(path)):
            render(view_of(path, i, (96, 64)), grey.room, grey.solids)
    per_frame = (time.perf_counter() - t0) / (10 * len(path))

    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        trainer = Trainer(TrainConfig(), tmp)
        examples = [trainer.example(k) for k in range(args.sequences)]
        trainer.train_step(examples[0])  # warm-up
        t0 = time.perf_counter()
        for ex in examples:
            trainer.train_step(ex)
        per_step = (time.perf_counter() - t0) / len(examples)

    print(f"{len(sequences)} sequences, {frames} frames at 96x64")
    print(f"ray caster: {1000 * per_frame:.1f} ms / frame; whole sequence (set, moves, captions, frames): {1000 * per_sequence:.0f} ms")
    print(f"training step of the bundled config (reference): {1000 * per_step:.0f} ms")
    print(f"RESULT data_ms_per_sequence={1000 * per_sequence:.0f} step_ms={1000 * per_step:.0f} ratio={per_sequence / per_step:.2f} raycast_ms_per_frame={1000 * per_frame:.2f}")


if __name__ == "__main__":
    main()
