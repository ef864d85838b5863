"""``shotline-engine``: run the render engine (HTTP + WebSocket) on this machine.

    shotline-engine [--host 127.0.0.1] [--port 8765] [--device auto|cuda|cpu] [--output DIR] [--model-dir DIR] [--token T]
                    [--keep-days D] [--keep-gb G] [--ray [ADDRESS]] [--ray-workers N] [--context-parallel N]

It binds loopback by default, and then answers only requests addressed to 127.0.0.1, localhost or
[::1] (a page whose name was rebound to 127.0.0.1 is refused). Binding any other address exposes
it to the network, so it then refuses to start without ``--token`` (and every request must carry
the token). Jobs are journalled in the output folder; ``--keep-days`` / ``--keep-gb`` prune old
outputs. ``--ray`` renders the shots on Ray actors (``engine/server/farm.py``). ``--context-parallel N``
splits each dit render over N GPUs of this machine: the engine starts N-1 follower processes
(``engine/render/cp_group.py``); N must divide the attention heads of every dit model. When it is up it
prints one line, ``Shotline engine listening on http://HOST:PORT``, with the real port (``--port 0``
picks a free one), which is what a parent process waits for.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import sys
from pathlib import Path

from engine.errors import ShotlineError

READY = "Shotline engine listening on"


def default_output() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "shotline" / "renders"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it could resolve to anything


def pick_device(wanted: str) -> str:
    if wanted == "cpu":
        return "cpu"
    try:
        import torch

        cuda = torch.cuda.is_available()
    except ImportError:
        cuda = False
    if wanted == "cuda" and not cuda:
        raise ShotlineError("no CUDA device is available here; use --device cpu or auto", "", "--device")
    return "cuda" if cuda else "cpu"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="shotline-engine", description="Shotline's render engine: a local HTTP + WebSocket server.")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; anything else needs --token)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    p.add_argument("--device", choices=["auto", "cuda", "cpu"], default="auto", help="where models run (default auto)")
    p.add_argument("--output", type=Path, default=None, help=f"folder for finished renders (default {default_output()})")
    p.add_argument("--model-dir", type=Path, action="append", default=[], help="a model folder for the dit backend (Wan2.1 diffusers folder or a Shotline model); repeatable")
    p.add_argument("--token", default=os.environ.get("SHOTLINE_ENGINE_TOKEN"), help="require this token on every request (or set SHOTLINE_ENGINE_TOKEN)")
    p.add_argument("--keep-days", type=float, default=None, help="delete finished jobs' outputs older than this many days (default: keep)")
    p.add_argument("--keep-gb", type=float, default=None, help="keep at most this many GB of finished outputs, deleting the oldest first (default: no limit)")
    p.add_argument("--ray", nargs="?", const="auto", default=None, metavar="ADDRESS",
                   help="render on a Ray cluster: auto (a Ray on this machine, started if none runs) or a cluster's ADDRESS (needs pip install '.[farm]')")
    p.add_argument("--ray-workers", type=int, default=None, metavar="N", help="CPU workers for the grid and greybox backends with --ray (default: the cluster's CPUs less its GPUs)")
    p.add_argument("--context-parallel", type=int, default=1, metavar="N",
                   help="split each dit render over N GPUs (one process a GPU, started by the engine); N must divide the heads of every dit model (12 for Wan2.1 1.3B). Default 1: off")
    return p


def check_context_parallel(degree: int, device: str, model_dirs, ray: str | None) -> None:
    """Refuse a ``--context-parallel`` that some dit model or this machine cannot take, before any job."""
    import json

    from engine.render.context_parallel import FLAG, check_degree, heads_of
    from engine.render.dit_models import discover

    if degree < 1:
        check_degree(degree, 1, 1)  # refused whatever the model: "must be at least 1"
    if degree == 1:
        return
    if ray is not None:
        raise ShotlineError("is for one machine's GPUs; with --ray each GPU is a worker of its own", "", FLAG)
    if os.environ.get("WORLD_SIZE", "1") != "1":
        raise ShotlineError(f"the engine starts its own {degree - 1} follower process(es): run shotline-engine itself, not under torchrun", "", FLAG)
    models, _ = discover(model_dirs)
    if not models:
        raise ShotlineError("no dit model was found to split (give one with --model-dir)", "", FLAG)
    if device == "cuda":
        import torch

        gpus = torch.cuda.device_count()
    else:
        gpus = degree  # a gloo group of CPU processes: slow, but the same arithmetic (tests run it)
    for model in models:
        config = json.loads((model.path / "transformer" / "config.json").read_text())
        check_degree(degree, heads_of(config), gpus, f"model {model.name}")


def start_farm(args, device: str):
    """The Ray farm for ``--ray`` (imported only then: the engine without it never imports ray)."""
    if args.ray_workers is not None and args.ray_workers < 1:
        raise ShotlineError("must be at least 1", "", "--ray-workers")
    try:
        import ray  # noqa: F401
    except ImportError:
        raise ShotlineError("ray is not installed: pip install -e '.[farm]' (or pip install ray)", "", "--ray") from None
    from engine.server.farm import Farm

    try:
        return Farm(args.ray, device, args.model_dir, args.ray_workers)
    except ConnectionError as exc:
        raise ShotlineError(f"cannot reach the Ray cluster at {args.ray} ({exc})", "", "--ray") from None


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if not is_loopback(args.host) and not args.token:
            raise ShotlineError(f"binding {args.host} exposes the engine to the network; give --token (or bind 127.0.0.1)", "", "--host")
        if not 0 <= args.port <= 65535:
            raise ShotlineError("must be between 0 and 65535", "", "--port")
        for flag, value in (("--keep-days", args.keep_days), ("--keep-gb", args.keep_gb)):
            if value is not None and not value > 0:
                raise ShotlineError("must be more than 0", "", flag)
        device = pick_device(args.device)
        if args.ray_workers is not None and args.ray is None:
            raise ShotlineError("only with --ray", "", "--ray-workers")
        output = (args.output or default_output()).resolve()
        output.mkdir(parents=True, exist_ok=True)
        family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((args.host, args.port))
            sock.listen(2048)  # connections made after the ready line wait in the backlog until the server accepts
        except OSError as exc:
            raise ShotlineError(f"cannot listen on {args.host}:{args.port} ({exc.strerror})", "", "--port") from None
        check_context_parallel(args.context_parallel, device, args.model_dir, args.ray)
        farm = start_farm(args, device) if args.ray is not None else None
        group = start_group(args.context_parallel, device, args.model_dir) if args.context_parallel > 1 else None
    except ShotlineError as exc:
        print(f"shotline-engine: {exc}", file=sys.stderr)
        return 2

    import functools

    import uvicorn

    from engine.render.registry import default_backends
    from engine.server.app import LOOPBACK_HOSTS, EngineSettings, create_app
    from engine.server.jobs import Retention

    backends = default_backends(device, args.model_dir, args.context_parallel, group)
    retention = Retention(args.keep_days, int(args.keep_gb * 1e9) if args.keep_gb else None)
    # On loopback only loopback names are answered (DNS rebinding); beyond it the token guards.
    hosts = LOOPBACK_HOSTS if is_loopback(args.host) else None
    queue_factory = None
    if farm is not None:
        from engine.server.farm import FarmQueue

        queue_factory = functools.partial(FarmQueue, farm)
    app = create_app(EngineSettings(output=output, device=device, token=args.token, allowed_hosts=hosts, retention=retention), backends, queue_factory)
    port = sock.getsockname()[1]
    host = f"[{args.host}]" if family == socket.AF_INET6 else args.host
    extra = ("; " + farm.describe() if farm else "") + (f"; dit split over {args.context_parallel} processes" if group else "")
    print(f"{READY} http://{host}:{port} (device {device}; backends {', '.join(backends)}; output {output}{extra})", flush=True)
    # SIGTERM: open event streams are closed and a running job stops at its next step, within seconds.
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="websockets-sansio", timeout_graceful_shutdown=5))
    try:
        server.run(sockets=[sock])
    finally:
        if group is not None:
            group.close()  # after the queue stopped: the followers get "stop", or are killed if a job hung
    return 0


def start_group(degree: int, device: str, model_dirs):
    """Rank 0's group: the followers are started and joined before the engine says it is ready."""
    from engine.render.cp_group import ContextParallelGroup

    group = ContextParallelGroup(degree, device, model_dirs)
    group.start()
    return group


if __name__ == "__main__":
    sys.exit(main())
