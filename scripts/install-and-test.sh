#!/usr/bin/env bash
# Install Shotline with its app, model and test extras into .venv and run the default test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
. .venv/bin/activate
python -m pip install -q --upgrade pip
# torch first and pinned: 2.13.0 is the CPU build on disk; anything else pulls a multi-GB CUDA build.
python -m pip install -q torch==2.13.0
python -m pip install -q -e ".[app,ml,test,bench]"
# Two workers (pytest-xdist; one test file stays on one worker, so its fixtures are built once): the
# default run is CPU-bound and single-threaded, so two cores finish it in a little over half the time.
python -m pytest -q -n "${SHOTLINE_TEST_WORKERS:-2}" --dist loadfile "$@"
