"""``shotline-engine``: run the render engine (HTTP + WebSocket) on this machine.

    shotline-engine [--host 127.0.0.1] [--port 8765] [--device auto|cuda|cpu] [--output DIR] [--model-dir DIR] [--token T]

It binds loopback by default. Binding any other address exposes it to the network, so it then
refuses to start without ``--token`` (and every request must carry the token). When it is up it
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
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if not is_loopback(args.host) and not args.token:
            raise ShotlineError(f"binding {args.host} exposes the engine to the network; give --token (or bind 127.0.0.1)", "", "--host")
        if not 0 <= args.port <= 65535:
            raise ShotlineError("must be between 0 and 65535", "", "--port")
        device = pick_device(args.device)
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
    except ShotlineError as exc:
        print(f"shotline-engine: {exc}", file=sys.stderr)
        return 2

    import uvicorn

    from engine.render.registry import default_backends
    from engine.server.app import EngineSettings, create_app

    backends = default_backends(device, args.model_dir)
    app = create_app(EngineSettings(output=output, device=device, token=args.token), backends)
    port = sock.getsockname()[1]
    host = f"[{args.host}]" if family == socket.AF_INET6 else args.host
    print(f"{READY} http://{host}:{port} (device {device}; backends {', '.join(backends)}; output {output})", flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="websockets-sansio"))
    server.run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
