"""The render farm: a 16-shot grey-box job on 1 and on 2 Ray workers, and what many GPUs would do
for a 60-shot Wan job.

1. Measured, in the same run on a local Ray (``ray.init(num_cpus=2)``): the 16-shot job (the
   kitchen demo's six shots, cycled and cut to 16..40 frames, 416 wide, grey-box) through the
   farm's queue (``engine/server/farm.py``) with one CPU worker, then with two. The workers are
   warmed up first (a two-shot job each), so the figures are rendering, not process start-up.
   Printed: the wall time of each and the speed-up (1 worker / 2 workers), and every shot's time on
   a worker (first progress event to its ``shot`` event).
2. Simulated: a 60-shot Wan2.1-1.3B job (81 frames a shot, 480p) on 4, 16 and 64 GPUs, under the
   farm's two scheduling modes —
   - ``parallel``: every shot a unit, each free GPU takes the next shot in order (as the farm does
     for shots that are independent: grid, grey-box, or Wan rendering each shot on its own);
   - ``autoregressive``: the job's shots in order on one GPU (FilmWeaver's caches; holistic
     multi-shot, which needs the shots together, is one unit too), so one job uses one GPU and
     only independent jobs fill the others — shown also as the 60 shots split into 10 scenes of
     six that are independent jobs (``ar-scenes``), which the farm interleaves.
   The shots' relative costs are the measured grey-box shot times (cycled to 60 shots, normalised
   to a mean of 1), scaled to Wan's own figure for one 5 s 480p clip of the 1.3B model: about 4
   minutes on an RTX 4090 (Wan2.1's README); each GPU pays a model load (30 s, assumed) before its
   first shot. Makespan in hours and utilisation (busy GPU time / GPUs x makespan).

    python benchmarks/farm.py

Ends with one line ``RESULT key=value ...``.
"""

from __future__ import annotations

import heapq
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import ray  # noqa: E402

from engine.demo import KITCHEN_PATH  # noqa: E402
from engine.project import load_project  # noqa: E402
from engine.render.registry import default_backends  # noqa: E402
from engine.render.request import RenderRequest, request_from_project  # noqa: E402
from engine.server.farm import Farm, FarmQueue  # noqa: E402

SHOTS = 16
WAN_SHOT_S = 240.0  # Wan2.1 README: a 5 s 480p clip with T2V-1.3B in about 4 minutes on an RTX 4090
MODEL_LOAD_S = 30.0  # assumed: load the 1.3B transformer, UMT5 and the VAE onto a GPU
SIM_SHOTS = 60


def sixteen_shots() -> RenderRequest:
    base = request_from_project(load_project(KITCHEN_PATH), width=416, backend="greybox")
    shots = []
    for i in range(SHOTS):
        s = base.shots[i % len(base.shots)]
        n = min(len(s.poses), 16 + 8 * (i % 4))  # 16, 24, 32, 40 frames: shots of different cost
        shots.append(s.model_copy(update={"name": f"{s.name} {i + 1}", "poses": s.poses[:n], "focal_mm": s.focal_mm[:n] if len(s.focal_mm) > 1 else s.focal_mm, "subject_keys": [k for k in s.subject_keys if k["frame"] < n]}))
    return base.model_copy(update={"shots": shots})


def run_job(queue: FarmQueue, request: RenderRequest) -> tuple[float, list[float]]:
    start = time.perf_counter()
    job = queue.submit(request)
    while queue.summary(job.id)["state"] not in ("done", "error", "cancelled"):
        time.sleep(0.01)
    wall = time.perf_counter() - start
    s = queue.summary(job.id)
    assert s["state"] == "done", s["error"]
    events = queue.events_after(job.id, 0)[0]
    first = {}
    per_shot = [0.0] * len(request.shots)
    for e in events:
        if e["type"] == "progress":
            first.setdefault(e["shot"], e["time"])
        elif e["type"] == "shot":
            per_shot[e["index"]] = e["time"] - first[e["index"]]
    return wall, per_shot


def measure(workers: int, request: RenderRequest, warm: RenderRequest) -> tuple[float, list[float]]:
    farm = Farm("auto", "cpu", cpu_workers=workers)
    with tempfile.TemporaryDirectory() as tmp:
        queue = FarmQueue(farm, default_backends("cpu"), Path(tmp), "cpu")
        try:
            run_job(queue, warm)  # every worker starts and builds its backends (GL context) first
            return run_job(queue, request)
        finally:
            queue.stop()
            for slot in farm.slots:
                ray.kill(slot.actor)


def simulate(costs: list[float], gpus: int, chains: list[list[int]]) -> tuple[float, float]:
    """Makespan and utilisation of ``chains`` (lists of shot indices run in order on one GPU; a
    chain of one shot is an independent unit) on ``gpus`` GPUs, taken in order by whichever GPU is
    free first; each GPU loads the model before its first unit."""
    free = [(0.0, g) for g in range(gpus)]  # (time the GPU is free, GPU)
    loaded: set[int] = set()
    busy = 0.0
    end = 0.0
    for chain in chains:
        t, g = heapq.heappop(free)
        work = sum(costs[i] for i in chain) + (0.0 if g in loaded else MODEL_LOAD_S)
        loaded.add(g)
        busy += work
        end = max(end, t + work)
        heapq.heappush(free, (t + work, g))
    return end, busy / (gpus * end)


def main() -> int:
    ray.init(address="local", num_cpus=2, include_dashboard=False, logging_level="WARNING", log_to_driver=False, runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}})
    request = sixteen_shots()
    warm = request.model_copy(update={"shots": request.shots[:2]})
    t1, shots1 = measure(1, request, warm)
    t2, shots2 = measure(2, request, warm)
    ray.shutdown()
    print(f"16-shot grey-box job ({request.total_frames} frames, {request.width}x{request.height}) on {os.cpu_count()} cores:")
    print(f"  1 worker  {t1:6.2f} s   ({request.total_frames / t1:5.1f} frames/s)")
    print(f"  2 workers {t2:6.2f} s   ({request.total_frames / t2:5.1f} frames/s)   speed-up {t1 / t2:.2f}x")
    print("  per-shot s on 1 worker: " + " ".join(f"{s:.2f}" for s in shots1))

    mean = sum(shots1) / len(shots1)
    costs = [WAN_SHOT_S * shots1[i % len(shots1)] / mean for i in range(SIM_SHOTS)]
    modes = {
        "parallel": [[i] for i in range(SIM_SHOTS)],
        "autoregressive": [list(range(SIM_SHOTS))],
        "ar-scenes": [list(range(k, k + 6)) for k in range(0, SIM_SHOTS, 6)],
    }
    result = {"speedup_2v1": t1 / t2, "t1_s": t1, "t2_s": t2, "shot_mean_s": mean}
    print(f"\n60-shot Wan2.1-1.3B job, {WAN_SHOT_S:.0f} s a shot on average (measured shot costs, scaled), {MODEL_LOAD_S:.0f} s model load per GPU:")
    print(f"  {'GPUs':>5} {'mode':>15} {'makespan h':>11} {'utilisation':>12}")
    one_gpu = sum(costs) + MODEL_LOAD_S
    print(f"  {1:>5} {'any':>15} {one_gpu / 3600:11.2f} {sum(costs) / one_gpu:12.2f}")
    for gpus in (4, 16, 64):
        for mode, chains in modes.items():
            span, util = simulate(costs, gpus, chains)
            print(f"  {gpus:>5} {mode:>15} {span / 3600:11.2f} {util:12.2f}")
            key = mode.replace("-", "_")
            result[f"g{gpus}_{key}_h"] = span / 3600
            result[f"g{gpus}_{key}_util"] = util
    print("RESULT " + " ".join(f"{k}={v:.3f}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
