"""Rules planner speed: time to plan a 6-shot paragraph, against loading the planned project back
from its .shotline text (the same shots, keys and validation) measured in the same run.

Target: under 20 ms per plan on one CPU core. Prints the median of repeated runs, the ratio and a
RESULT line.

    python benchmarks/planner.py [--repeats 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

from engine.demo import build_demo_project
from engine.planner.plan import plan_text
from engine.project import dumps_project, loads_project

PARAGRAPH = (
    "Night-time rooftop, neon and wind. Wide establishing shot of the rooftop, slow crane down. "
    "Cut to a close-up of Mara, push in. Reverse on Jonas over her shoulder. "
    "Medium shot of Mara, she turns away, truck left. Low angle on Jonas, orbit right 90 degrees for 5 seconds. "
    "Extreme wide shot, pull out quickly, then pan left."
)


def median_ms(fn, repeats: int) -> float:
    fn()  # warm caches and imports
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=30)
    args = ap.parse_args()
    base = build_demo_project().model_copy(update={"shots": []})
    plan = plan_text(PARAGRAPH, base)
    assert len(plan.shots) == 6, [p.shot.name for p in plan.shots]
    text = dumps_project(plan.to_project(base))
    plan_ms = median_ms(lambda: plan_text(PARAGRAPH, base), args.repeats)
    load_ms = median_ms(lambda: loads_project(text), args.repeats)
    print(f"plan a 6-shot paragraph: {plan_ms:.2f} ms (target < 20 ms)")
    print(f"reference, load the same project from .shotline text: {load_ms:.2f} ms")
    print(f"RESULT planner_ms={plan_ms:.2f} reference_ms={load_ms:.2f} ratio={plan_ms / load_ms:.1f}")


if __name__ == "__main__":
    main()
