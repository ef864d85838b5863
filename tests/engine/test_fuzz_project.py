"""Fuzzed project files (hypothesis mutations of the demo): every one loads into a project that
round-trips through its file exactly, or is refused with one line naming the file — never a
traceback, never a hang. A few hundred examples by default; `-m slow` runs 10,000."""

import json

import pytest
from hypothesis import HealthCheck, given, settings

from engine.demo import DEMO_PATH
from engine.errors import ShotlineError
from engine.project import dumps_project, loads_project
from tests.mutations import mutated_text

DEMO = json.loads(DEMO_PATH.read_text())


def _check(text: str) -> None:
    try:
        project = loads_project(text, "fuzz.shotline")
    except ShotlineError as exc:
        line = str(exc)
        assert line.startswith("fuzz.shotline") and "\n" not in line and len(line) < 2000
        return
    again = loads_project(dumps_project(project), "again.shotline")
    assert again == project and dumps_project(again) == dumps_project(project)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=mutated_text(DEMO))
def test_a_fuzzed_project_file_loads_faithfully_or_is_refused_in_one_line(text):
    _check(text)


@pytest.mark.slow
@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=mutated_text(DEMO))
def test_ten_thousand_fuzzed_project_files(text):
    _check(text)


def _sized(change) -> str:
    d = json.loads(json.dumps(DEMO))
    change(d)
    return json.dumps(d)


def _keys(n, dup):
    def change(d):
        d["shots"][0]["duration"] = n
        d["shots"][0]["keys"] = [{"frame": i, "position": [0, 1, 3]} for i in range(n)] + ([{"frame": n - 1, "position": [0, 1, 3]}] if dup else [])

    return change


# What random mutation never finds: files that are small or valid-looking but ask for a lot.
SIZE_TARGETED = [
    ("a day of frames", lambda d: d["shots"][0].update(duration=86_400_000), "shots[0].duration"),
    ("100,001 keys", _keys(100_001, False), "shots[0].keys"),
    ("eleven shots of 100,000 keys", lambda d: d.update(shots=[dict(d["shots"][0], id=f"s{i}", keys=[{"frame": 0, "position": [0, 1, 3]}] * 100_000) for i in range(11)]), "shots"),
    ("a thousand and one subjects", lambda d: d.update(subjects=[dict(d["subjects"][0], name=f"s{i}") for i in range(1001)]), "subjects"),
    ("ten thousand and one shots", lambda d: d.update(shots=[dict(d["shots"][0], id=f"s{i}") for i in range(10_001)]), "shots"),
    ("three long shots", lambda d: d.update(shots=[dict(d["shots"][0], id=f"s{i}", duration=1_000_000) for i in range(3)]), "shots"),
    ("a key past its shot", lambda d: d["shots"][0]["keys"].append({"frame": 10**6, "position": [0, 1, 3]}), "shots[0].keys"),
]


@pytest.mark.parametrize(
    "change, field",
    [pytest.param(*c[1:], id=c[0], marks=[pytest.mark.slow] if c[0].startswith("eleven") else []) for c in SIZE_TARGETED],  # 40 MB of JSON: slow
)
def test_files_that_ask_for_too_much_are_refused_naming_the_field(change, field):
    with pytest.raises(ShotlineError) as err:
        loads_project(_sized(change), "big.shotline")
    assert str(err.value).startswith(f"big.shotline: {field}") and "\n" not in str(err.value)


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000 + "]" * 100_000, '{"format": "shotline", "version": ' + "9" * 100_000 + "}", '{"format": "shotline", "version": 1, "name": "' + "x" * 1_000_000 + '"}'],
    ids=["deeply nested", "a 100,000-digit version", "a megabyte name"],
)
def test_pathological_json_is_refused_in_one_line(text):
    with pytest.raises(ShotlineError) as err:
        loads_project(text, "odd.shotline")
    assert "\n" not in str(err.value)


def test_a_key_with_a_newline_in_it_is_still_refused_on_one_line():
    """The slow fuzz run found it: a field named "fac\\ng" (an escaped newline in the file) was
    quoted into the message as it was, and the one-line error broke in two."""
    text = DEMO_PATH.read_text().replace('"facing": 0.0', '"fac\\ng": 0.0', 1)
    with pytest.raises(ShotlineError) as err:
        loads_project(text, "fuzz.shotline")
    line = str(err.value)
    assert "\n" not in line and line.startswith("fuzz.shotline: subjects[") and "fac\\ng" in line
