"""Scenes as sections of the sequence: runs of neighbouring shots with the same scene, shown on
the timeline, kept through save/load and reordering, and marked in the editorial cut."""

from __future__ import annotations

import opentimelineio as otio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.demo import build_demo_project
from engine.errors import ShotlineError
from engine.interchange.editorial import ADAPTERS, write_cut
from engine.project import Project, Shot, load_project, save_project
from engine.sections import scene_of, sections, set_scene, with_scene

SCENES = st.sampled_from(["", "1 EXT. ROOF - NIGHT", "2 INT. KITCHEN - DAY", "3 INT. CAR - DUSK"])


@given(st.lists(st.tuples(SCENES, st.integers(1, 200)), min_size=0, max_size=12))
@settings(max_examples=80, deadline=None)
def test_sections_are_the_runs_of_equal_scenes(spec):
    key = build_demo_project().shots[0].keys[0]
    shots = [with_scene(Shot(id=f"s{i}", name=f"S{i}", duration=d, keys=[key.model_copy(update={"frame": 0})]), sc) for i, (sc, d) in enumerate(spec)]
    project = Project(shots=shots)
    secs = sections(project)
    starts = [sum(d for _, d in spec[:i]) for i in range(len(spec) + 1)]
    covered = [i for sec in secs for i in range(sec.first, sec.last + 1)]
    assert covered == [i for i, (sc, _) in enumerate(spec) if sc]  # every shot with a scene, in order, once
    for sec in secs:
        assert {spec[i][0] for i in range(sec.first, sec.last + 1)} == {sec.scene}
        assert (sec.start, sec.end) == (starts[sec.first], starts[sec.last + 1])
    for a, b in zip(secs, secs[1:]):  # two neighbours with the same scene would be one section
        assert not (a.last + 1 == b.first and a.scene == b.scene)


def test_a_scene_split_by_the_edit_shows_as_two_sections():
    p = build_demo_project()
    ids = [s.id for s in p.shots]
    p = set_scene(p, ids, "")  # the demo is one scene: start from none
    p = set_scene(set_scene(p, [ids[0], ids[2]], "1 EXT. ROOFTOP - NIGHT"), [ids[1]], "2 INT. STAIRS - NIGHT")
    assert [(s.scene, s.first, s.last) for s in sections(p)] == [
        ("1 EXT. ROOFTOP - NIGHT", 0, 0),
        ("2 INT. STAIRS - NIGHT", 1, 1),
        ("1 EXT. ROOFTOP - NIGHT", 2, 2),
    ]
    assert sections(p)[0].number == "1" and sections(p)[0].heading == "EXT. ROOFTOP - NIGHT"
    reordered = p.model_copy(update={"shots": [p.shots[0], p.shots[2], p.shots[1], p.shots[3]]})
    assert [(s.first, s.last) for s in sections(reordered)] == [(0, 1), (2, 2)]  # the scene travels with its shots


def test_scenes_survive_save_and_load(tmp_path):
    p = set_scene(build_demo_project(), ["establish", "ots_mara"], "4 EXT. ROOF - NIGHT")
    save_project(p, tmp_path / "p.shotline")
    back = load_project(tmp_path / "p.shotline")
    assert sections(back) == sections(p)
    assert scene_of(set_scene(back, ["establish"], "").shots[0]) == ""  # an empty scene takes the shot out


def test_bad_scene_edits_are_one_line_errors():
    p = build_demo_project()
    with pytest.raises(ShotlineError, match="no shot 'nope'"):
        set_scene(p, ["nope"], "1")
    with pytest.raises(ShotlineError, match="at most"):
        set_scene(p, ["establish"], "x" * 80)


@pytest.mark.parametrize("fmt", list(ADAPTERS))
def test_each_scene_start_is_a_marker_in_the_cut(tmp_path, fmt):
    p = build_demo_project()
    ids = [s.id for s in p.shots]
    p = set_scene(set_scene(p, ids[:2], "1 EXT. ROOFTOP - NIGHT"), ids[2:], "2 INT. STAIRWELL - NIGHT")
    out = tmp_path / f"cut{ADAPTERS[fmt][1]}"
    write_cut(p, fmt, out, size=(64, 28))
    timeline = otio.adapters.read_from_file(str(out))  # OTIO's own reader
    marks = [(c.name, m.name.lower()) for c in timeline.find_clips() for m in c.markers]
    assert marks == [("Rooftop wide", "scene 1 ext. rooftop - night"), (p.shots[2].name, "scene 2 int. stairwell - night")]
