"""Top view (x, z) of four learned-planner samples against the rules planner's camera, on the demo set:
docs/learned-planner-paths.png.

    python scripts/learned_planner_paths.py [--out docs/learned-planner-paths.png]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from engine import sequence
from engine.demo import build_demo_project
from engine.planner.learned.planner import bundled
from engine.planner.plan import plan_text

TEXTS = ["Orbit left around Jonas.", "Close-up of Mara, push in.", "Wide shot, truck left."]


def camera_path(project):
    return sequence.shared.shot(project, project.shots[0]).c2w[:, :3, 3]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "learned-planner-paths.png")
    args = ap.parse_args()
    base = build_demo_project().model_copy(update={"shots": []})
    planner = bundled()
    fig, axes = plt.subplots(1, len(TEXTS), figsize=(4.2 * len(TEXTS), 4.2))
    for ax, text in zip(axes, TEXTS):
        rules = camera_path(plan_text(text, base).to_project(base))
        ax.plot(rules[:, 0], rules[:, 2], "k-", lw=2.5, label="rules")
        for k, plan in enumerate(planner.alternatives(text, base, 4, audio=np.zeros((0, 35), np.float32))):
            p = camera_path(plan.to_project(base))
            ax.plot(p[:, 0], p[:, 2], lw=1.3, label=f"learned {k}")
        ax.plot(rules[0, 0], rules[0, 2], "ks")
        for s in (s for s in base.subjects if s.is_person):  # the set pieces would only crowd the view
            ax.plot(s.position[0], s.position[2], "o")
            ax.annotate(s.name, (s.position[0], s.position[2]))
        ax.set_title(text)
        ax.set_aspect("equal", adjustable="datalim")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(args.out, dpi=80)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
