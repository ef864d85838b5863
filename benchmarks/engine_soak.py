"""Engine soak: 100 queued jobs and 200 idle WebSockets against one engine process, on loopback.

The engine runs as a child process (this script with ``--serve``): the real app (``create_app``)
with the grid backend and a ``hold`` backend whose job waits, without using the CPU, until the
script releases it — so that streams can stay open on a job that is running but quiet. Measured,
each against a reference taken in the same run:

- idle CPU of the engine with 200 open streams on a quiet job, against the engine with none
  (the fault campaign saw 1.9% -> 16.4% when streams polled);
- 200 streams asked for events past a finished job's last one: how many the engine closes;
- throughput of 100 queued grid jobs (2 shots x 12 frames, 64x48) with 200 streams open;
- engine RSS before (after one warm-up job), at its peak, and after the 100 jobs finished and left
  memory (target: back within 10% of before);
- /health latency p99 while a 12 MB job is validated (to its last frame, then refused), against
  /health on an idle engine
  (target: under 100 ms).

    python benchmarks/engine_soak.py [--jobs 100] [--streams 200]

Linux only (RSS and CPU come from /proc). Ends with one line ``RESULT key=value ...``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


# -- the engine child ------------------------------------------------------------------------------


def serve(port: int, output: Path, release: Path) -> None:
    import uvicorn

    from engine.render.backend import Backend
    from engine.render.grid_backend import GridBackend
    from engine.server.app import EngineSettings, create_app

    class HoldBackend(Backend):
        name = "hold"
        description = "waits until the benchmark releases it (a quiet running job)"

        def models(self):
            return ["hold"]

        def render(self, request, ctx):
            while not release.exists():
                ctx.check()
                time.sleep(0.5)
            import numpy as np

            for i, shot in enumerate(request.shots):
                yield i, np.zeros((shot.frames, request.height, request.width, 3), np.uint8)

    app = create_app(EngineSettings(output=output), {"grid": GridBackend(), "hold": HoldBackend()})
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(2048)
    print("ready", flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="websockets-sansio", timeout_graceful_shutdown=5)).run(sockets=[sock])


# -- measuring -------------------------------------------------------------------------------------


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def cpu_percent(pid: int, seconds: float) -> float:
    c0, t0 = cpu_s(pid), time.monotonic()
    time.sleep(seconds)
    return 100 * (cpu_s(pid) - c0) / (time.monotonic() - t0)


def call(url: str, method: str = "GET", body: bytes | None = None, timeout: float = 120):
    req = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, None


def health_latencies(url: str, n: int | None = None, until: threading.Event | None = None) -> list[float]:
    out = []
    while (n is not None and len(out) < n) or (until is not None and not until.is_set()):
        t = time.perf_counter()
        call(url + "/health")
        out.append((time.perf_counter() - t) * 1000)
        if n is None and len(out) > 100_000:
            break
    return out


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) >= 2 else (values[0] if values else float("nan"))


def shot(frames: int, x0: float = 0.0, rows: int = 3) -> dict:
    bottom = [[0.0, 0.0, 0.0, 1.0]] if rows == 4 else []
    return {
        "name": "s",
        "poses": [[[1.0, 0.0, 0.0, x0 + 0.05 * i], [0.0, 1.0, 0.0, 1.6], [0.0, 0.0, 1.0, 4.0], *bottom] for i in range(frames)],
        "focal_mm": [35.0],
        "film_back_mm": [24.89, 10.414],
    }


def job(backend: str = "grid", frames=(12, 12), size=(64, 48), seed: int = 0) -> bytes:
    return json.dumps({"shots": [shot(n, i) for i, n in enumerate(frames)], "width": size[0], "height": size[1], "backend": backend, "seed": seed}).encode()


def ten_megabytes() -> bytes:
    """A 12 MB job (more than the 10 MB of the target) that must be validated to its last frame: 64 shots x 312 frames (19,968, just
    under the engine's 20,000) of 4x4 poses and per-frame lenses in full-precision numbers, long
    prompts, indented JSON; its very last pose has a bad bottom row, so it ends in a 422."""
    import numpy as np
    from scipy.spatial.transform import Rotation

    rng = np.random.default_rng(0)
    shots = []
    for s in range(64):
        m = np.tile(np.eye(4), (312, 1, 1))
        m[:, :3, :3] = Rotation.random(312, random_state=s).as_matrix()
        m[:, :3, 3] = rng.uniform(-100, 100, (312, 3))
        focal = rng.uniform(20, 80, 312).tolist()
        shots.append({"name": f"s{s}", "prompt": "a long description of the shot " * 120, "poses": m.tolist(), "focal_mm": focal, "film_back_mm": [24.89, 10.414]})
    shots[-1]["poses"][-1][3] = [0.0, 0.0, 1.0, 1.0]
    return json.dumps({"shots": shots, "width": 16, "height": 16}, indent=2).encode()


async def open_streams(url: str, job_id: str, n: int, since: int = 0):
    from websockets.asyncio.client import connect

    return [await connect(f"ws{url[4:]}/jobs/{job_id}/events?since={since}", open_timeout=30, max_queue=None) for _ in range(n)]


async def count_closed(sockets, seconds: float) -> int:
    async def closed(ws):
        try:
            await asyncio.wait_for(ws.wait_closed(), seconds)
            return True
        except TimeoutError:
            return False

    return sum(await asyncio.gather(*(closed(ws) for ws in sockets)))


async def drain(sockets):
    """Read whatever events arrive on each stream, so a client's buffer never holds the engine up."""

    async def read(ws):
        try:
            async for _ in ws:
                pass
        except Exception:  # noqa: BLE001 - a closed stream ends the reader
            pass

    return [asyncio.ensure_future(read(ws)) for ws in sockets]


def wait_done(url: str, ids: list[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    pending = set(ids)
    while pending and time.monotonic() < deadline:
        for j in list(pending):
            status, summary = call(f"{url}/jobs/{j}")
            if status == 200 and summary["state"] in ("done", "error", "cancelled"):
                pending.discard(j)
        time.sleep(0.2)
    if pending:
        raise SystemExit(f"{len(pending)} jobs did not finish in {timeout} s")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--jobs", type=int, default=100)
    p.add_argument("--streams", type=int, default=200)
    p.add_argument("--serve", nargs=3, metavar=("PORT", "OUTPUT", "RELEASE"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.serve:
        serve(int(args.serve[0]), Path(args.serve[1]), Path(args.serve[2]))
        return

    with tempfile.TemporaryDirectory(prefix="shotline-soak-") as tmp:
        tmp = Path(tmp)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        url = f"http://127.0.0.1:{port}"
        release = tmp / "release"
        child = subprocess.Popen([sys.executable, __file__, "--serve", str(port), str(tmp / "out"), str(release)], stdout=subprocess.PIPE, text=True)
        try:
            assert child.stdout.readline().strip() == "ready"
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, daemon=True).start()

            def run(coro, timeout=120):
                return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout)

            # Warm up: imports, first render, first encode.
            _, warm = call(url + "/jobs", "POST", job())
            wait_done(url, [warm["id"]], 60)
            time.sleep(3.0)  # past the engine's collection after a finished job (engine/server/memory.py)
            rss_before = rss_mb(child.pid)
            idle_ref = cpu_percent(child.pid, 5.0)
            health_ref = health_latencies(url, n=300)

            # Streams on a running but quiet job.
            _, hold = call(url + "/jobs", "POST", job("hold", frames=(2,), size=(16, 16)))
            quiet = run(open_streams(url, hold["id"], args.streams))
            readers = run(drain(quiet))
            time.sleep(1.0)
            idle_streams = cpu_percent(child.pid, 5.0)

            # Streams asked for events past a finished job's end must close.
            past = run(open_streams(url, warm["id"], args.streams, since=10_000))
            closed = run(count_closed(past, 10.0))
            release.touch()
            wait_done(url, [hold["id"]], 60)

            # 100 queued jobs with 200 streams open on a job queued behind them.
            release.unlink()
            peak = [rss_before]
            sampling = threading.Event()

            def sample():
                while not sampling.is_set():
                    peak[0] = max(peak[0], rss_mb(child.pid))
                    time.sleep(0.05)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            t0 = time.monotonic()
            ids = [call(url + "/jobs", "POST", job(seed=i))[1]["id"] for i in range(args.jobs)]
            _, tail = call(url + "/jobs", "POST", job("hold", frames=(2,), size=(16, 16)))
            waiting = run(open_streams(url, tail["id"], args.streams))
            readers += run(drain(waiting))
            wait_done(url, ids, 600)
            elapsed = time.monotonic() - t0
            release.touch()
            wait_done(url, [tail["id"]], 60)
            sampling.set()
            sampler.join()
            time.sleep(4.0)  # the engine collects once things have been quiet for 2 s
            rss_after = rss_mb(child.pid)

            # /health while a 10 MB job is validated.
            big = ten_megabytes()
            done = threading.Event()
            refused = []

            def post_big():
                refused.append(call(url + "/jobs", "POST", big)[0])
                done.set()

            poster = threading.Thread(target=post_big)
            poster.start()
            t_big = time.monotonic()
            under_load = health_latencies(url, until=done)
            validate_s = time.monotonic() - t_big
            poster.join()
            for ws in quiet + past + waiting:
                run(ws.close())
            loop.call_soon_threadsafe(loop.stop)
        finally:
            child.terminate()
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()

    throughput = args.jobs / elapsed
    print(f"engine RSS before / peak / after eviction : {rss_before:.0f} / {peak[0]:.0f} / {rss_after:.0f} MB (after/before {rss_after / rss_before:.3f})")
    print(f"idle CPU, no streams / {args.streams} quiet streams  : {idle_ref:.2f}% / {idle_streams:.2f}%")
    print(f"streams past a finished job's end closed : {closed} of {args.streams}")
    print(f"{args.jobs} jobs (2 shots x 12 frames, 64x48) : {elapsed:.1f} s, {throughput:.2f} jobs/s, {args.streams} streams open")
    print(f"/health p99 idle / while {len(big) / 1e6:.1f} MB validates ({validate_s:.2f} s, answer {refused[0]}): {p99(health_ref):.1f} / {p99(under_load):.1f} ms ({len(under_load)} calls)")
    print(
        f"RESULT jobs_per_s={throughput:.2f} rss_before_mb={rss_before:.0f} rss_peak_mb={peak[0]:.0f} rss_after_mb={rss_after:.0f} "
        f"rss_ratio={rss_after / rss_before:.3f} idle_cpu_pct={idle_ref:.2f} streams_cpu_pct={idle_streams:.2f} past_end_closed={closed} "
        f"health_p99_idle_ms={p99(health_ref):.1f} health_p99_load_ms={p99(under_load):.1f} big_mb={len(big) / 1e6:.1f} big_status={refused[0]}"
    )


if __name__ == "__main__":
    main()
