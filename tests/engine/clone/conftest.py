import pytest

pytest.importorskip("skimage")

from engine.clone.synthetic import make_clip  # noqa: E402
from engine.interchange.mp4 import write_mp4  # noqa: E402


@pytest.fixture(scope="session")
def three_shots(tmp_path_factory):
    """A pan, a truck and a zoom, cut then dissolved, noised and H.264-compressed as delivered."""
    clip = make_clip([("pan_left", 20), ("truck_right", 20), ("zoom_in", 22)], dissolve=6, noise=2.0, seed=3)
    path = tmp_path_factory.mktemp("clone") / "reference.mp4"
    write_mp4(clip.frames, path, clip.fps, (clip.frames.shape[2], clip.frames.shape[1]), crf=20)
    return clip, path


@pytest.fixture(scope="session")
def cloned(three_shots):
    from engine.clone.clone import clone_video

    clip, path = three_shots
    return clone_video(path, focal_mm=float(clip.focal_px[0] * 24.89 / clip.frames.shape[2]))
