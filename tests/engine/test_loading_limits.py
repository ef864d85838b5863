"""Hostile but small files: loading stays linear, what a file may ask for is bounded by what the
tools can hold, and ambiguous JSON is refused — each with one line naming the field."""

import json

import pytest

from engine.analysis.describe import describe_project
from engine.cli import main
from engine.demo import DEMO_PATH
from engine.errors import ShotlineError
from engine.project import MAX_FRAMES, MAX_SUBJECTS, MAX_TOTAL_FRAMES, load_project, loads_project


def _demo() -> dict:
    return json.loads(DEMO_PATH.read_text())


def _many_keys(n: int, duplicate: bool) -> dict:
    d = _demo()
    shot = d["shots"][0]
    shot["duration"] = n
    shot["keys"] = [{"frame": i, "position": [0.0, 1.0, 3.0 + i * 1e-3]} for i in range(n - 1 if duplicate else n)]
    if duplicate:
        shot["keys"].append({"frame": n - 2, "position": [0.0, 1.0, 3.0]})
    return d


@pytest.mark.slow  # 100,000-key files: CI's slow step
def test_a_100000_key_file_with_two_keys_on_one_frame_names_the_frame():
    # Quadratic duplicate checks took 154 s here; a linear one answers within the test timeout.
    with pytest.raises(ShotlineError, match=r"shots\[0\]\.keys: two keys at frame 99998"):
        loads_project(json.dumps(_many_keys(100_000, duplicate=True)), "dup.shotline")


@pytest.mark.slow  # 100,000-key files: CI's slow step
def test_describe_of_a_valid_100000_key_shot(tmp_path):
    project = loads_project(json.dumps(_many_keys(100_000, duplicate=False)))
    description = describe_project(project)
    assert len(description.shots) == 4 and description.shots[0].text


def test_duplicate_subject_names_and_shot_ids_name_the_first_one_repeated():
    d = _demo()
    d["subjects"] = d["subjects"] + [dict(d["subjects"][1])]
    with pytest.raises(ShotlineError, match=f"subjects: two subjects named {d['subjects'][1]['name']!r}"):
        loads_project(json.dumps(d))
    d = _demo()
    d["shots"][3]["id"] = d["shots"][1]["id"]
    with pytest.raises(ShotlineError, match=f"shots: two shots with id {d['shots'][1]['id']!r}"):
        loads_project(json.dumps(d))


@pytest.mark.parametrize("command", [["describe"], ["export", "--format", "csv", "-o", "{tmp}/out.csv"]])
def test_a_day_long_shot_is_refused_in_one_line_before_any_work(tmp_path, capsys, command):
    # The demo with a day of frames at 1000 fps (the old bound) died with a MemoryError at 6.9 GB.
    d = _demo()
    d["shots"][0]["duration"] = 86_400_000
    path = tmp_path / "long.shotline"
    path.write_text(json.dumps(d))
    argv = [command[0], str(path), *[a.format(tmp=tmp_path) for a in command[1:]]]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "shots[0].duration" in err and str(MAX_FRAMES) in err
    assert not (tmp_path / "out.csv").exists()


def test_the_sequence_and_the_set_are_bounded_as_a_whole():
    d = _demo()
    template = d["shots"][0]
    d["shots"] = [dict(template, id=f"s{i}", duration=MAX_FRAMES) for i in range(MAX_TOTAL_FRAMES // MAX_FRAMES + 1)]
    with pytest.raises(ShotlineError, match=rf"shots: {MAX_FRAMES * len(d['shots'])} frames in all"):
        loads_project(json.dumps(d))
    d = _demo()
    d["subjects"] = [dict(d["subjects"][0], name=f"extra {i}") for i in range(MAX_SUBJECTS + 1)]
    with pytest.raises(ShotlineError, match=r"subjects: .*at most 1000"):
        loads_project(json.dumps(d))


def test_a_key_given_twice_in_one_object_is_refused_naming_it(tmp_path):
    text = DEMO_PATH.read_text().replace('"fps": 24', '"fps": 24, "fps": 240', 1)
    assert text.count('"fps"') == 2
    path = tmp_path / "twice.shotline"
    path.write_text(text)
    with pytest.raises(ShotlineError) as err:
        load_project(path)
    assert str(err.value) == f"{path}: fps: the key 'fps' appears twice in one object"


def test_the_csv_export_of_a_long_shot_has_every_frame(tmp_path):
    d = _demo()
    d["shots"][0]["duration"] = 25_000  # more than one chunk of rows
    path = tmp_path / "long.shotline"
    path.write_text(json.dumps(d))
    assert main(["export", str(path), "--format", "csv", "-o", str(tmp_path / "out.csv")]) == 0
    rows = (tmp_path / "out.csv").read_text().splitlines()
    total = 25_000 + sum(s["duration"] for s in d["shots"][1:])
    assert len(rows) == 1 + total
    assert rows[25_000].split(",")[:2] == [d["shots"][0]["name"], "24999"]
    assert rows[25_001].split(",")[:2] == [d["shots"][1]["name"], "0"]
