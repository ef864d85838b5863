"""``shotline-engine --context-parallel N``: rank 0 and its followers (engine/render/cp_group.py).

On CPU the ranks form a gloo group of real processes running the bundled dit model split over
them (Ulysses), so the protocol is tested as it runs on GPUs, only slower: a job's order reaches the
follower and both ranks sample the same inputs (the frames are what one process makes), a cancel
stops the follower at the same step, a follower that cannot load a model or dies fails the job
with its reason (and the next job starts a fresh group), a stop ends the followers and so does the
engine's death. The cuda test does the same engine-level job on two GPUs against one; it is
skipped here.
"""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from engine.errors import ShotlineError
from engine.render import dit_backend
from engine.render.backend import JobCancelled
from engine.render.cp_group import ContextParallelGroup, pack, unpack
from engine.render.dit import SampleOptions, ShotSpec
from engine.render.dit_backend import DitBackend
from engine.server.jobs import JobQueue
from engine.server.main import READY
from engine.server.main import main as engine_main
from tests.server.conftest import small_request

SLOW = pytest.mark.slow  # processes started and joined: seconds each


def _shots():
    c2w = np.tile(np.eye(4), (16, 1, 1))
    c2w[:, 0, 3] = np.linspace(0.0, 0.5, 16)  # a truck: the cameras differ frame to frame
    shots = [ShotSpec("a man walks to the door", c2w), ShotSpec("a car passes", c2w[::-1].copy())]
    for k, shot in enumerate(shots):  # the bundled model follows a grey-box control: a ramp stands in for one
        shot.control = _ramp_channels(16, 64, 96, k)
    return shots


def _ramp_channels(frames, h, w, k=0):
    ramp = np.linspace(-1.0, 1.0, w, dtype=np.float32)[None, None, :, None]
    return np.broadcast_to(ramp * (1 - 0.5 * k), (frames, h, w, 7)).copy()


OPTS = SampleOptions(width=96, height=64, steps=3, seed=11)


def _same_picture(frames, reference) -> bool:
    """Every frame as one process makes it, up to float rounding: half the tokens per matrix
    product may round a pixel by one level (a follower given other inputs makes another picture)."""
    return len(frames) == len(reference) and all(a.shape == b.shape and np.abs(a.astype(int) - b).max() <= 1 and np.abs(a.astype(int) - b).mean() < 0.01 for a, b in zip(frames, reference))


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the followers run (OMP_NUM_THREADS=1): the same rounding
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def one_process():
    backend = DitBackend("cpu")
    return backend, backend.models()[0]


@pytest.fixture(scope="module")
def reference(one_process):
    backend, name = one_process
    return backend.pipeline(name).sample("a street at dusk", _shots(), OPTS)


@pytest.fixture
def split():  # one group a test: a process holds one torch.distributed group at a time
    group = ContextParallelGroup(2, "cpu")  # collectives wait 600 s for a peer before they give up
    group.start()
    yield group, DitBackend("cpu", context_parallel=2, group=group)
    group.close()


# -- the order's format (fast) ------------------------------------------------------------------


def test_an_order_round_trips_arrays_options_and_text_without_pickle():
    shots = _shots()
    shots[0].control_video = np.arange(2 * 4 * 6 * 3, dtype=np.uint8).reshape(2, 4, 6, 3)
    shots[0].subject_mask = shots[0].control_video[..., 0] > 40
    shots[1].control = None  # an absent array travels as None
    data = pack({"model": "m", "prompt": "é", "shots": shots, "opts": OPTS})
    head = int.from_bytes(data[:8], "little")
    assert json.loads(data[8 : 8 + head])["model"] == "m"  # a JSON header and raw bytes, never a pickle
    back = unpack(data)
    assert back["prompt"] == "é" and back["opts"]["seed"] == 11 and back["opts"]["temporal_budget"] == [2, 2, 4]
    assert np.array_equal(back["shots"][0]["c2w"], shots[0].c2w) and back["shots"][0]["c2w"].dtype == np.float64
    assert np.array_equal(back["shots"][0]["control_video"], shots[0].control_video)
    assert back["shots"][0]["subject_mask"].dtype == bool and back["shots"][1]["control"] is None


# -- the engine option, refused before any job (fast) ------------------------------------------


def test_a_degree_that_does_not_divide_the_bundled_models_heads_is_refused_at_start(tmp_path, capsys):
    assert engine_main(["--context-parallel", "3", "--device", "cpu", "--port", "0", "--output", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "--context-parallel" in err and "4 attention heads of model shotline-greybox" in err and "2, 4" in err


def test_every_dit_model_found_is_checked_and_the_one_refused_is_named(tmp_path, capsys):
    from safetensors.numpy import save_file

    wan = tmp_path / "six-heads"  # a Wan-format folder; 4 divides the bundled model's 4 heads, not its 6
    for sub in ("transformer", "text_encoder", "tokenizer", "vae"):
        (wan / sub).mkdir(parents=True)
    (wan / "transformer" / "config.json").write_text(json.dumps({"_class_name": "WanTransformer3DModel", "num_attention_heads": 6}))
    save_file({"w": np.zeros(1, np.float32)}, str(wan / "transformer" / "model.safetensors"))
    assert engine_main(["--context-parallel", "4", "--device", "cpu", "--port", "0", "--output", str(tmp_path / "o"), "--model-dir", str(wan)]) == 2
    err = capsys.readouterr().err.strip()
    assert "--context-parallel: 4 does not divide the 6 attention heads of model six-heads; use one of 2, 3, 6" in err and "\n" not in err


def test_context_parallel_with_ray_or_below_one_is_refused(tmp_path, capsys):
    assert engine_main(["--context-parallel", "2", "--ray", "--device", "cpu", "--port", "0", "--output", str(tmp_path)]) == 2
    assert "--context-parallel" in capsys.readouterr().err
    assert engine_main(["--context-parallel", "0", "--device", "cpu", "--port", "0", "--output", str(tmp_path)]) == 2
    assert "--context-parallel: must be at least 1" in capsys.readouterr().err


def test_the_engine_under_torchrun_says_to_start_it_alone(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "2")  # what torchrun --nproc-per-node 2 sets
    assert engine_main(["--context-parallel", "2", "--device", "cpu", "--port", "0", "--output", str(tmp_path)]) == 2
    assert "--context-parallel: the engine starts its own 1 follower process(es): run shotline-engine itself, not under torchrun" in capsys.readouterr().err


def test_a_followers_last_word_is_the_reason_a_job_fails_with():
    from engine.render.cp_group import ContextParallelGroup as Group

    failures: dict[int, str] = {}
    says = "import sys; print('loading', file=sys.stderr); print('FAILED: OutOfMemoryError: CUDA out of memory', file=sys.stderr); sys.exit(1)"
    proc = subprocess.Popen([sys.executable, "-c", says], stderr=subprocess.PIPE, text=True)
    Group._read_stderr(1, proc, failures)
    killed: dict[int, str] = {}
    proc = subprocess.Popen([sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"], stderr=subprocess.PIPE, text=True)
    Group._read_stderr(2, proc, killed)
    assert failures == {1: "OutOfMemoryError: CUDA out of memory"} and killed == {2: "killed by signal SIGKILL"}


# -- rank 0 and a follower (gloo, two CPU processes) --------------------------------------------


@SLOW
def test_a_render_split_over_two_processes_gives_what_one_process_makes(split, reference):
    group, backend = split
    name = backend.models()[0]
    group.ensure_loaded(backend.pipeline, name)
    seen = []
    hook = backend.pipeline(name).transformer.blocks[0].register_forward_hook(lambda m, a, o: seen.append(a[0].shape[1]))
    try:
        frames = group.sample(backend.pipeline, name, "a street at dusk", _shots(), OPTS)
    finally:
        hook.remove()
    # 2 shots x 8 latent frames x 8x12 patches = 1536 tokens; rank 0 attended with its 768 (the
    # follower had the others: it ran the same order, or the all-to-all would not have matched).
    assert set(seen) == {768}
    assert len(group.last_digests) == 2 and group.last_digests[0] == group.last_digests[1]
    assert _same_picture(frames, reference)


@SLOW
def test_a_cancel_reaches_the_follower_and_the_next_job_runs_in_step(split, reference):
    group, backend = split
    name = backend.models()[0]
    asked = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) >= 2  # cancel before the second step

    with pytest.raises(JobCancelled):
        group.sample(backend.pipeline, name, "a street at dusk", _shots(), OPTS, is_cancelled=cancelled)
    assert len(asked) == 2 and len(group.alive) == 1
    # Had the follower not stopped at the same step it would still be waiting for step 2's word
    # and this job's order would be read as it: the frames would not come back right.
    frames = group.sample(backend.pipeline, name, "a street at dusk", _shots(), OPTS)
    assert _same_picture(frames, reference)


@SLOW
def test_a_follower_that_cannot_load_the_model_fails_the_job_with_its_reason(split, tmp_path):
    group, _ = split
    # A model folder only rank 0 was told of: the follower cannot find it.
    only_here = tmp_path / "only-rank-0"
    only_here.symlink_to(dit_backend.discover()[0][0].path, target_is_directory=True)
    backend = DitBackend("cpu", [only_here], context_parallel=2, group=group)
    with pytest.raises(ShotlineError, match=r"--context-parallel: rank 1 could not load 'only-rank-0': .*unknown model"):
        group.ensure_loaded(backend.pipeline, "only-rank-0")
    assert len(group.alive) == 1  # every rank heard it at the same point: the group goes on


@SLOW
def test_a_follower_killed_mid_job_fails_the_job_with_the_reason_and_the_next_job_starts_afresh(split, reference):
    group, backend = split
    name = backend.models()[0]
    steps = []

    def kill_the_follower_at_step_2() -> bool:
        steps.append(1)
        if len(steps) == 2:
            os.kill(group.alive[0], signal.SIGKILL)
        return False

    t0 = time.monotonic()
    with pytest.raises(ShotlineError, match=r"--context-parallel: a context-parallel follower failed \(rank 1: killed by signal SIGKILL\)"):
        group.sample(backend.pipeline, name, "a street at dusk", _shots(), OPTS, is_cancelled=kill_the_follower_at_step_2)
    assert time.monotonic() - t0 < 120  # the dead peer was seen, long before the collective's 600 s timeout
    assert group.alive == [] and group.generation == 1
    frames = group.sample(backend.pipeline, name, "a street at dusk", _shots(), OPTS)
    assert group.generation == 2 and len(group.alive) == 1
    assert _same_picture(frames, reference)


@SLOW
def test_closing_the_group_ends_its_followers(split):
    group, _ = split
    procs = list(group._procs)
    group.close()
    assert [p.returncode for p in procs] == [0]  # they took the "stop" order, not a kill
    assert group.alive == []


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def _gone(pid: int, within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                if fh.read().split(") ")[1].startswith("Z"):
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.1)
    return False


@SLOW
@pytest.mark.parametrize("how", ["terminated", "killed"])
def test_the_engines_followers_end_with_the_engine(tmp_path, how):
    proc = subprocess.Popen([sys.executable, "-m", "engine.server.main", "--context-parallel", "2", "--device", "cpu", "--port", "0", "--output", str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    try:
        line = proc.stdout.readline()
        assert line.startswith(READY) and "dit split over 2 processes" in line, line
        followers = _children(proc.pid)
        assert len(followers) == 1
        proc.send_signal(signal.SIGTERM if how == "terminated" else signal.SIGKILL)
        proc.wait(20)
        assert _gone(followers[0], within_s=10), "a follower outlived its engine"
    finally:
        if proc.poll() is None:
            proc.kill()


# -- the engine's job queue with a split dit backend ----------------------------------------------


def _plain_control(request, picks, size, conditioning, video_pass):
    """The grey-box control without OpenGL (this machine has none): a grey ramp per shot."""
    w, h = size
    out = []
    for idx in picks:
        video = np.broadcast_to(np.linspace(40, 200, w, dtype=np.uint8)[None, None, :, None], (len(idx), h, w, 3)).copy()
        out.append({"video": video, "channels": _ramp_channels(len(idx), h, w), "people": np.zeros((len(idx), h, w), bool), "shown": video[0]})
    return out


def _run(queue: JobQueue, request, cancel_after_progress: int | None = None, timeout_s: float = 120):
    job = queue.submit(request)
    deadline = time.monotonic() + timeout_s
    while job.state not in ("done", "error", "cancelled") and time.monotonic() < deadline:
        if cancel_after_progress is not None and sum(e["type"] == "progress" for e in job.events) >= cancel_after_progress:
            queue.cancel(job.id)
        time.sleep(0.05)
    return job


@SLOW
def test_an_engine_job_on_a_split_dit_backend_writes_what_one_process_writes(split, tmp_path, monkeypatch):
    from engine.interchange.mp4 import read_mp4

    monkeypatch.setattr(dit_backend, "greybox_control", _plain_control)
    group, backend = split
    request = small_request(frames=(6, 9), size=(64, 48), backend="dit", steps=2, seed=5)
    ref_queue = JobQueue({"dit": DitBackend("cpu")}, tmp_path / "one", "cpu")
    queue = JobQueue({"dit": backend}, tmp_path / "two", "cpu")
    try:
        one = _run(ref_queue, request)
        two = _run(queue, request)
        assert one.state == "done" and two.state == "done", (one.error, two.error)
        assert sorted(two.files) == sorted(one.files)
        assert group.last_digests[0] == group.last_digests[1]
        for name in one.files:
            a, _ = read_mp4(tmp_path / "one" / one.id / name)
            b, _ = read_mp4(tmp_path / "two" / two.id / name)
            assert a.shape == b.shape and np.abs(a.astype(int) - b).mean() < 0.5, name
        # A cancel from the queue stops both ranks; the next job still runs.
        cancelled = _run(queue, request.model_copy(update={"steps": 40}), cancel_after_progress=2)
        assert cancelled.state == "cancelled"
        assert _run(queue, request).state == "done"
    finally:
        ref_queue.stop()
        queue.stop()


@pytest.mark.cuda
def test_two_gpus_render_the_engine_job_one_gpu_renders(tmp_path, monkeypatch):
    torch = pytest.importorskip("torch")
    if torch.cuda.device_count() < 2:
        pytest.skip("needs two CUDA GPUs")
    from engine.interchange.mp4 import read_mp4

    monkeypatch.setattr(dit_backend, "greybox_control", _plain_control)
    request = small_request(frames=(16, 24), size=(96, 64), backend="dit", steps=4, seed=5)
    ref_queue = JobQueue({"dit": DitBackend("cuda")}, tmp_path / "one", "cuda")
    group = ContextParallelGroup(2, "cuda")
    group.start()
    queue = JobQueue({"dit": DitBackend("cuda", context_parallel=2, group=group)}, tmp_path / "two", "cuda")
    try:
        one, two = _run(ref_queue, request), _run(queue, request)
        assert one.state == "done" and two.state == "done", (one.error, two.error)
        for name in one.files:
            a, _ = read_mp4(tmp_path / "one" / one.id / name)
            b, _ = read_mp4(tmp_path / "two" / two.id / name)
            # bf16 on two GPUs multiplies other-sized matrices: not bit-equal, within a few levels.
            assert np.abs(a.astype(int) - b).mean() < 3.0, name
    finally:
        ref_queue.stop()
        queue.stop()
        group.close()
