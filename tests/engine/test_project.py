import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import project as project_module
from engine.demo import DEMO_PATH, build_demo_project
from engine.errors import ShotlineError
from engine.project import dumps_project, load_project, loads_project, save_project

from tests.import_graph import reached

from .strategies import projects

ROOT = Path(__file__).resolve().parents[2]


def demo_doc() -> dict:
    return json.loads(dumps_project(build_demo_project()))


def test_save_and_load_round_trip(tmp_path):
    p = build_demo_project()
    save_project(p, tmp_path / "a.shotline")
    assert load_project(tmp_path / "a.shotline") == p


@given(projects())
def test_any_valid_project_round_trips(p):
    assert loads_project(dumps_project(p)) == p


def test_bundled_demo_is_the_built_demo():
    demo = load_project(DEMO_PATH)
    assert demo == build_demo_project()
    assert len(demo.shots) == 4 and [s.name for s in demo.subjects if s.is_person] == ["Mara", "Jonas"]


def _corrupt(path, value):
    doc = demo_doc()
    target = doc
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return json.dumps(doc)


@pytest.mark.parametrize(
    "text, field, words",
    [
        ('{"format": "shotline", "version": 1, "shots": [', "", "bad JSON"),
        (_corrupt(["version"], 99), "version", "newer"),
        (_corrupt(["version"], "1"), "version", "integer"),
        (_corrupt(["format"], "blender"), "format", "not a Shotline"),
        (_corrupt(["fps"], "24"), "fps", "number"),
        (_corrupt(["shots", 1, "duration"], 0), "shots[1].duration", "greater than"),
        (_corrupt(["shots", 1, "duration"], -5), "shots[1].duration", "greater than"),
        (_corrupt(["shots", 0, "keys", 0, "orientation"], [0, 0, 0.5, 0.5]), "shots[0].keys[0].orientation", "unit quaternion"),
        (_corrupt(["shots", 0, "keys", 0, "position"], [0, 1e400, 0]), "shots[0].keys[0].position[1]", "finite"),
        (_corrupt(["shots", 3, "keys", 1, "frame"], 5000), "shots[3].keys[1].frame", "outside the shot"),
        (_corrupt(["shots", 3, "keys", 0, "look_at"], "Nobody"), "shots[3].keys[0].look_at", "unknown subject"),
        (_corrupt(["shots", 0, "keys", 0, "position"], [1e30, 0, 0]), "shots[0].keys[0].position[0]", "less than"),
        (_corrupt(["shots", 0, "nickname"], "x"), "shots[0].nickname", "Extra inputs"),
        ("[" * 100000 + "]" * 100000, "", "bad JSON"),
        ('{"format": "shotline", "version": 1, "fps": ' + "9" * 5000 + "}", "", "bad JSON"),
        (b"\xff\xfe\x00garbage", "", "UTF-8"),
    ],
)
def test_bad_files_name_the_file_and_field(tmp_path, text, field, words):
    path = tmp_path / "bad.shotline"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(ShotlineError) as info:
        load_project(path)
    err = info.value
    assert err.source == str(path)
    assert err.field == field
    assert words in err.message
    assert str(err).startswith(str(path))
    assert "\n" not in str(err)


@given(st.binary(max_size=300))
def test_random_bytes_raise_the_one_error_type(data):
    with pytest.raises(ShotlineError):
        loads_project(data, "fuzz.shotline")


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=20,
)


@given(st.sampled_from(["fps", "name", "shots", "subjects", "sensor_mm", "aspect", "prompt"]), _json_values)
def test_hostile_values_raise_the_one_error_type(field, value):
    doc = demo_doc()
    doc[field] = value
    try:
        loads_project(json.dumps(doc), "fuzz.shotline")
    except ShotlineError as exc:  # the only acceptable failure, and it says which field
        # Taking subjects away breaks the shots that name them: that reference is the field at fault.
        dangling = field == "subjects" and "unknown subject" in exc.message
        assert re.match(rf"{field}\b", exc.field) or dangling, exc
        assert str(exc).startswith(f"fuzz.shotline: {exc.field}: ")


@given(st.integers(0, 3), st.sampled_from(["frame", "position", "orientation", "focal_mm", "interp_in", "look_at"]), _json_values)
def test_hostile_key_values_raise_the_one_error_type(shot, field, value):
    doc = demo_doc()
    doc["shots"][shot]["keys"][0][field] = value
    try:
        loads_project(json.dumps(doc), "fuzz.shotline")
    except ShotlineError as exc:
        # The key itself, or the shot's key list when the new frame clashes with another key's.
        assert re.fullmatch(rf"shots\[{shot}\]\.keys(\[0\](\.{field}(\[\d\])?)?)?", exc.field), exc
        assert str(exc).startswith(f"fuzz.shotline: {exc.field}: ")


def test_saved_files_get_normal_permissions_and_keep_existing_ones(tmp_path):
    path = tmp_path / "scene.shotline"
    save_project(build_demo_project(), path)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    os.chmod(path, 0o640)
    save_project(build_demo_project(), path)
    assert path.stat().st_mode & 0o777 == 0o640


def test_failed_save_leaves_the_old_file_and_no_debris(tmp_path, monkeypatch):
    path = tmp_path / "scene.shotline"
    save_project(build_demo_project(), path)
    before = path.read_bytes()

    def exploding_dumps(project):
        raise RuntimeError("disk full")

    p = build_demo_project()
    p.name = "changed"
    monkeypatch.setattr(project_module, "dumps_project", exploding_dumps)
    with pytest.raises(RuntimeError):
        save_project(p, path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["scene.shotline"]


def test_write_interrupted_midway_leaves_the_old_file(tmp_path, monkeypatch):
    from engine import atomic

    path = tmp_path / "scene.shotline"
    save_project(build_demo_project(), path)
    before = path.read_bytes()
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError("I/O error")))
    with pytest.raises(OSError):
        save_project(build_demo_project().model_copy(update={"name": "other"}), path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["scene.shotline"]


def test_migration_hook_upgrades_older_files(monkeypatch):
    doc = demo_doc()
    doc["version"] = 0
    doc["title"] = doc.pop("name")  # pretend version 0 called the name "title"
    with pytest.raises(ShotlineError, match="no migration"):
        loads_project(json.dumps(doc), "old.shotline")

    def rename_title(d):
        d["name"] = d.pop("title")
        return d

    monkeypatch.setitem(project_module.MIGRATIONS, 0, rename_title)
    assert loads_project(json.dumps(doc), "old.shotline") == build_demo_project()


def test_engine_imports_no_qt():
    assert reached("engine") & {"PySide6", "PyQt5", "PyQt6", "app", "shiboken6", "vispy", "pyqtgraph"} == set()


def test_models_import_nothing_of_ours():
    assert reached("models") & {"engine", "app", "PySide6"} == set()


def test_the_app_imports_no_torch():
    assert reached("app") & {"torch", "diffusers", "transformers", "models"} == set()


def test_the_import_check_sees_what_it_checks():
    """It follows our own imports through to what they pull in (or the tests above prove nothing)."""
    assert {"torch", "diffusers"} <= reached("models") and {"PySide6", "numpy", "engine"} <= reached("app")
    assert "torch" in reached("engine")  # engine.render / engine.train use the models


def test_packages_import_only_downward():
    """render never imports server; viewport3d never imports ui (source, so lazy imports count too)."""
    for package, banned in (("engine/render", "engine.server"), ("app/viewport3d", "app.ui"), ("engine", "app")):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text()
            assert not re.search(rf"^\s*(from|import)\s+{re.escape(banned)}\b", text, re.M), f"{path} imports {banned}"
