"""``shotline-engine --ray`` is an option: without it the engine never imports ray, and without ray
installed asking for it is one line naming the option and how to install it (exit 2)."""

import subprocess
import sys

import pytest

from engine.server.main import main

NO_RAY = """
import sys
from pathlib import Path
import engine.server.main, engine.server.app, engine.server.jobs, engine.render.registry
from engine.render.registry import default_backends
from engine.server.app import EngineSettings, create_app
app = create_app(EngineSettings(output=Path(sys.argv[1])), default_backends("cpu"))
app.state.queue.stop()
print("ray" in sys.modules)
"""


@pytest.mark.slow  # seconds of its own: the slow CI step runs it on every submission
def test_the_engine_without_ray_never_imports_it(tmp_path):
    out = subprocess.run([sys.executable, "-c", NO_RAY, str(tmp_path / "renders")], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_asking_for_ray_without_it_is_one_line_naming_the_option(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    assert main(["--ray", "--port", "0", "--device", "cpu", "--output", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("shotline-engine: --ray") and "pip install" in err and "[farm]" in err and "\n" not in err


def test_ray_workers_needs_ray(tmp_path, capsys):
    assert main(["--ray-workers", "2", "--port", "0", "--device", "cpu", "--output", str(tmp_path)]) == 2
    assert "--ray-workers" in capsys.readouterr().err


def test_ray_workers_must_be_at_least_one(tmp_path, capsys):
    assert main(["--ray", "--ray-workers", "0", "--port", "0", "--device", "cpu", "--output", str(tmp_path)]) == 2
    assert "--ray-workers: must be at least 1" in capsys.readouterr().err
