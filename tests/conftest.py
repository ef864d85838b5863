import os
import sys

# One BLAS/OpenMP thread per test process, set before numpy or torch start their pools: the default
# run has two workers on two cores already, and on a busy machine extra threads that spin while
# waiting slowed a small torch test from 2 s to over 120 s.
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# librosa's numba kernels (the beat tracker) cache their compiled code beside the package. In a
# fresh install two test workers compiled the same kernel at once and one loaded the other's
# half-written cache: a segmentation fault inside librosa.beat.beat_track (CI, 2026-12-07). Each
# worker keeps its own cache.
if os.environ.get("PYTEST_XDIST_WORKER") and "NUMBA_CACHE_DIR" not in os.environ:
    import tempfile

    os.environ["NUMBA_CACHE_DIR"] = os.path.join(tempfile.gettempdir(), f"shotline-numba-{os.getuid()}-{os.environ['PYTEST_XDIST_WORKER']}")

# The GUI tests' Qt platform (windows off screen; OpenGL through the X server of pytest-xvfb), set
# here because the first OpenGL context is made as each test process starts (tests/gl_probe.py).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_configure(config):
    if "torch" in sys.modules:  # imported before this file by a plugin: its pool is already made
        sys.modules["torch"].set_num_threads(1)


@pytest.hookimpl(trylast=True)  # after pytest-xvfb has started this process's Xvfb and set DISPLAY
def pytest_sessionstart(session):
    """The process's first OpenGL context, made now (tests/gl_probe.py says why), in each process that
    runs tests: an xdist worker, or a run without workers. Not in xdist's controller, which runs none."""
    config = session.config
    if getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput"):
        return
    if os.environ.get("DISPLAY"):
        from tests import gl_probe

        gl_probe.probe()
