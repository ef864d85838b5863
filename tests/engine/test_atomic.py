"""Atomic writes under SIGKILL: the file on disk is always the old project or the new one, and a
killed writer's temporary is gone after the next save."""

import contextlib
import os
import random
import select
import signal
import subprocess
import sys
import time

import pytest

from engine.atomic import atomic_directory, atomic_path, atomic_write, sweep_stale
from engine import project as project_module
from engine.demo import DEMO_PATH
from engine.project import load_project, loads_project, save_project


def _versions(n_versions: int):
    """Projects that differ in name and are big enough (~0.5 MB) for a kill to land mid-write."""
    base = load_project(DEMO_PATH)
    shot = base.shots[0]
    keys = [shot.keys[0].model_copy(update={"frame": f}) for f in range(800)]
    big = base.model_copy(update={"shots": [shot.model_copy(update={"duration": 800, "keys": keys})] + base.shots[1:]})
    return [big.model_copy(update={"name": f"version {i}"}) for i in range(n_versions)]


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


@pytest.mark.slow  # seconds of its own: the slow CI step runs it on every submission
def test_sigkill_during_saves_leaves_old_or_new_and_the_next_save_sweeps_temporaries(tmp_path):
    target = tmp_path / "scene.shotline"
    versions = _versions(3)
    save_project(versions[0], target)
    names = {v.name for v in versions}
    rng = random.Random(7)
    kills, interrupted = 24, 0
    for k in range(kills):
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child saves in a loop until it is killed
            try:
                os.close(ready_r)
                real = project_module.atomic_write

                @contextlib.contextmanager
                def telling(path, mode="w"):
                    with real(path, mode) as fh:
                        os.write(ready_w, b"x")  # the temporary exists: a write is under way
                        yield fh

                project_module.atomic_write = telling
                i = 0
                while True:
                    save_project(versions[i % len(versions)], target)
                    i += 1
            finally:
                os._exit(0)
        os.close(ready_w)
        if k % 2 == 0:  # half the kills land while a write is under way, at a random point in it
            select.select([ready_r], [], [], 30)
            time.sleep(rng.uniform(0.0, 0.002))
        else:  # the other half at any moment of the loop
            select.select([ready_r], [], [], 30)
            time.sleep(rng.uniform(0.0, 0.06))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(ready_r)
        on_disk = loads_project(target.read_bytes(), target)  # never half a file
        assert on_disk.name in names
        interrupted += any(p.name.endswith(".part") for p in tmp_path.iterdir())
    assert interrupted > 0  # some kills did land mid-write
    save_project(versions[1], target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scene.shotline"]
    assert load_project(target).name == "version 1"


def test_a_live_writers_temporary_is_left_alone_and_a_dead_ones_is_swept(tmp_path):
    dead = _dead_pid()
    live = os.getppid()
    stale = tmp_path / f".a.shotline.{dead}-abcdefgh.part"
    other = tmp_path / f".a.shotline.{live}-abcdefgh.part"
    unrelated = tmp_path / ".b.shotline.12345678.part"  # a legacy name, but fresh: left alone
    video = tmp_path / "job" / f".shot_01_wide.{dead}-k2j4h5g6.mp4"
    video.parent.mkdir()
    for p in (stale, other, unrelated, video):
        p.write_text("partial")
    with atomic_write(tmp_path / "a.shotline") as fh:
        fh.write("new")
    assert not stale.exists() and other.exists() and unrelated.exists()
    assert (tmp_path / "a.shotline").read_text() == "new"
    assert sweep_stale(tmp_path / "job") == [video]


def test_a_writer_killed_while_swapping_a_folder_gets_the_old_folder_back(tmp_path):
    dead = _dead_pid()
    aside = tmp_path / f".shots.{dead}-abcdefgh.old"
    aside.mkdir()
    (aside / "shot_01.txt").write_text("old")
    sweep_stale(tmp_path)
    assert (tmp_path / "shots" / "shot_01.txt").read_text() == "old"


def test_failed_writes_leave_nothing(tmp_path):
    target = tmp_path / "out.mp4"
    for context in (atomic_write(tmp_path / "x.txt"), atomic_path(target), atomic_directory(tmp_path / "d")):
        try:
            with context:
                raise RuntimeError("disk full")
        except RuntimeError:
            pass
    assert list(tmp_path.iterdir()) == []
