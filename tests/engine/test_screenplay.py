"""Screenplay import: Fountain and Final Draft samples give the scenes, characters and shots."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import ShotlineError
from engine.interchange.screenplay import character_name, is_shot_heading, read_script
from engine.sections import scene_of
from engine.planner.script import plan_script
from engine.project import Project, Subject, dumps_project, loads_project

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLES = [DATA / "rooftop.fountain", DATA / "rooftop.fdx"]
HEADINGS = ["INT. STAIRWELL - NIGHT", "EXT. ROOFTOP - NIGHT", "EXT. STREET - CONTINUOUS"]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.suffix)
def test_sample_scripts_give_scenes_and_characters(path):
    script = read_script(path)
    assert script.title == "The Rooftop"
    assert [s.heading for s in script.scenes] == HEADINGS
    assert [s.number for s in script.scenes] == ["1", "2", "3"]
    assert script.characters == ["Mara", "Jonas", "Detective Ruiz"]
    assert script.scenes[1].speakers == ["Jonas", "Mara", "Detective Ruiz"]
    kinds = [e.kind for e in script.scenes[1].elements]
    assert kinds.count("shot") == 2 and kinds.count("dialogue") == 4 and kinds[-1] == "transition"
    # the boneyard (/* … */) of the Fountain file is not the story
    assert all("rewritten" not in e.text for s in script.scenes for e in s.elements)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.suffix)
def test_a_planned_script_has_a_section_per_scene_and_a_subject_per_character(path):
    project, warnings = plan_script(read_script(path))
    assert [s.name for s in project.subjects if s.is_person] == ["Mara", "Jonas", "Detective Ruiz"]  # and the set pieces the action names
    scenes = [scene_of(s) for s in project.shots]
    assert scenes == [f"1 {HEADINGS[0]}"] * 2 + [f"2 {HEADINGS[1]}"] * 2 + [f"3 {HEADINGS[2]}"] * 2
    close, wide, angle, overhead = project.shots[1], project.shots[2], project.shots[3], project.shots[5]
    assert close.size == "CU" and close.prompt.startswith("Close on Mara.")
    assert wide.size == "WS"
    assert "low" in angle.angle and any(k.look_at == "Jonas" for k in angle.keys)
    assert "overhead" in overhead.angle
    # "(30s, soaked, furious)" is Mara's age, not a 30-second shot
    assert project.shots[0].duration < 10 * project.fps
    assert len({s.name for s in project.shots}) == len(project.shots)
    assert loads_project(dumps_project(project)) == project  # a valid project file


def test_both_formats_plan_the_same_sequence():
    a, _ = plan_script(read_script(SAMPLES[0]))
    b, _ = plan_script(read_script(SAMPLES[1]))
    assert [(s.name, s.duration, s.size, s.tags) for s in a.shots] == [(s.name, s.duration, s.size, s.tags) for s in b.shots]


def test_one_scene_and_an_existing_set():
    base = Project(name="Mine", subjects=[Subject(name="Jonas", position=(3.0, 0.0, 1.0))])
    project, _ = plan_script(read_script(SAMPLES[1]), base, scene="2")
    assert project.name == "Mine"
    assert [s.name for s in project.subjects if s.is_person] == ["Jonas", "Mara", "Detective Ruiz"]
    assert project.subjects[0].position == (3.0, 0.0, 1.0)
    assert {scene_of(s) for s in project.shots} == {"2 EXT. ROOFTOP - NIGHT"}
    with pytest.raises(ShotlineError, match="no scene 7"):
        plan_script(read_script(SAMPLES[1]), scene="7")


def test_character_cues_and_shot_headings():
    assert character_name("DETECTIVE RUIZ (O.S.)") == "Detective Ruiz"
    assert character_name("MARA (CONT'D)") == "Mara"
    assert character_name("@McCLANE") == "McCLANE"
    assert is_shot_heading("CLOSE ON MARA") and is_shot_heading("ANGLE ON JONAS") and is_shot_heading("MARA'S POV")
    assert not is_shot_heading("Close on Mara") and not is_shot_heading("MARA RUNS.")


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("broken.fdx", b'<?xml version="1.0"?><FinalDraft><Content><Paragraph Type="Action"><Text>x</Text>', "bad XML at line 1"),
        ("other.fdx", b"<?xml version='1.0'?><html><body/></html>", "not a Final Draft file"),
        ("binary.fountain", bytes(range(256)) * 8, "binary"),
        ("latin1.fountain", "INT. CAFÉ - DAY\n\nÉlise entre.".encode("latin-1"), "not UTF-8"),
        ("empty.fountain", b"\n\n  \n", "no scenes"),
        ("bomb.fdx", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]><FinalDraft><Content><Paragraph Type="Action"><Text>&h;</Text></Paragraph></Content></FinalDraft>', "Final Draft"),
    ],
)
def test_corrupt_scripts_are_one_line_errors_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ShotlineError) as exc:
        read_script(path)
    text = str(exc.value)
    assert name in text and message in text and "\n" not in text


def test_cli_plans_a_script_and_writes_nothing_on_a_bad_one(tmp_path, capsys):
    from engine.cli import main
    from engine.project import load_project

    out = tmp_path / "rooftop.shotline"
    assert main(["plan", "--script", str(SAMPLES[0]), "-o", str(out)]) == 0
    assert "6 shots from 3 scenes" in capsys.readouterr().out
    assert len(load_project(out).shots) == 6
    bad = tmp_path / "bad.fdx"
    bad.write_text("<FinalDraft><Content>")
    assert main(["plan", "--script", str(bad), "-o", str(tmp_path / "b.shotline")]) == 2
    err = capsys.readouterr().err.strip()
    assert "bad.fdx" in err and "\n" not in err
    assert not (tmp_path / "b.shotline").exists()
    assert main(["plan", "-o", str(tmp_path / "c.shotline")]) == 2
