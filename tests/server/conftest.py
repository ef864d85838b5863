"""A real engine on a free loopback port, in a thread of the test process."""

import socket
import threading
import time

import pytest
import uvicorn

from engine.render.registry import default_backends
from engine.server.app import EngineSettings, create_app
from engine.server.client import EngineClient
from engine.render.request import RenderRequest, ShotRequest


class RunningEngine:
    def __init__(self, output, token=None, backends=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.app = create_app(EngineSettings(output=output, token=token), backends or default_backends("cpu"))
        self.server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", ws="websockets-sansio"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "the engine did not start"
            time.sleep(0.01)
        self.client = EngineClient(self.url, token)
        self.output = output

    @property
    def queue(self):
        return self.app.state.queue

    def stop(self):
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.queue.stop()


@pytest.fixture
def engine(tmp_path):
    running = RunningEngine(tmp_path / "renders")
    yield running
    running.stop()


def truck_shot(frames: int, name: str = "truck", x0: float = 0.0) -> ShotRequest:
    poses = [[[1, 0, 0, x0 + 0.05 * i], [0, 1, 0, 1.6], [0, 0, 1, 4.0]] for i in range(frames)]
    return ShotRequest(name=name, prompt=f"a {name}", poses=poses, focal_mm=[35.0], film_back_mm=(24.89, 10.414))


def small_request(frames=(6, 9), size=(64, 48), **settings) -> RenderRequest:
    shots = [truck_shot(n, f"shot {i + 1}", x0=i) for i, n in enumerate(frames)]
    return RenderRequest(shots=shots, width=size[0], height=size[1], **settings)
