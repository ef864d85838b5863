"""Descriptions in words: the demo's golden text, subjects of arcs and follows, relations at cuts."""

import json

import pytest

from engine.analysis.describe import describe_project, subclip_bounds
from engine.camera.moves import Framing, MoveContext, apply_move
from engine.cli import main
from engine.demo import DEMO_PATH, build_demo_project
from engine.interchange.detect import guess_format, open_cameras
from engine.interchange.formats import FORMATS, export_project
from engine.project import Project, Shot, Subject, load_project, save_project

DEMO_TEXT = """\
Shot 1 (Rooftop wide): Wide shot of Mara and Jonas, high angle: slow crane down.
Cut 1→2: wide shot to medium shot, same side of the line.
Shot 2 (OTS on Mara): Medium shot of Mara over Jonas's shoulder, eye level: static.
Cut 2→3: same size (medium shot), Mara to Jonas, reverse angle, same side of the line.
Shot 3 (Reverse on Jonas): Medium shot of Jonas over Mara's shoulder, eye level: static.
Cut 3→4: medium shot to medium close-up, Jonas to Mara, same side of the line.
Shot 4 (Mara close-up push): Medium close-up of Mara, eye level: slow push in."""  # a close-up runs chin to forehead (issue 23): this push ends wider


def test_the_demo_reads_naturally():
    assert describe_project(build_demo_project()).text == DEMO_TEXT


def test_describe_command_prints_the_text_and_json(capsys):
    assert main(["describe", str(DEMO_PATH)]) == 0
    assert capsys.readouterr().out.strip() == DEMO_TEXT
    assert main(["describe", str(DEMO_PATH), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    project = load_project(DEMO_PATH)
    assert [len(s["labels"]) for s in data["shots"]] == [s.duration for s in project.shots]
    assert data["shots"][0]["segments"] == [
        {"label": "crane_down", "start": 0, "end": 119, "speed": "slow", "rate": pytest.approx(0.086, abs=0.01), "unit": "ref/s"}
    ]
    assert data["shots"][3]["subject"] == "Mara" and data["shots"][3]["size"] == "MCU"
    assert [c["frame"] for c in data["cuts"]] == project.shot_start_frames()[1:]
    assert "reverse angle" in data["cuts"][1]["relations"]


def _two_shot_project(first: Framing, second: Framing) -> Project:
    mara = Subject(name="Mara", position=(-0.9, 0.0, 0.0), height=1.7, color="#d0603a")
    jonas = Subject(name="Jonas", position=(0.9, 0.0, 0.0), height=1.8, color="#3a78d0")
    shots = []
    for i, framing in enumerate((first, second)):
        camera = apply_move("static", MoveContext(framing, 48, 24.0))
        shots.append(camera.apply_to(Shot(id=f"s{i}", name=f"s{i}", duration=48, keys=camera.keys)))
        shots[-1].lens.focal_mm = framing.focal_mm
    return Project(fps=24.0, subjects=[mara, jonas], shots=shots)


def test_a_cut_that_crosses_the_line_is_called_out():
    same_side = _two_shot_project(
        Framing.looking_at([1.5, 1.6, 2.5], [-0.9, 1.5, 0.0], 35.0), Framing.looking_at([-1.5, 1.6, 2.5], [0.9, 1.6, 0.0], 35.0)
    )
    crossed = _two_shot_project(
        Framing.looking_at([1.5, 1.6, 2.5], [-0.9, 1.5, 0.0], 35.0), Framing.looking_at([-1.5, 1.6, -2.5], [0.9, 1.6, 0.0], 35.0)
    )
    assert "same side of the line" in describe_project(same_side).cuts[0].relations
    assert "crosses the line between Mara and Jonas" in describe_project(crossed).cuts[0].relations


def test_a_cut_in_on_the_axis():
    project = _two_shot_project(
        Framing.looking_at([-0.9, 1.5, 6.0], [-0.9, 1.5, 0.0], 35.0), Framing.looking_at([-0.9, 1.5, 2.0], [-0.9, 1.5, 0.0], 35.0)
    )
    cut = describe_project(project).cuts[0]
    assert "cut in on the axis" in cut.relations
    assert cut.relations[0] == "medium long shot to medium close-up"  # 6 m on 35 mm: above the knees (sizes of issue 23)


def test_arcs_and_follows_name_their_subject():
    mara = Subject(name="Mara", position=(0.0, 0.0, 0.0), height=1.7, color="#d0603a")
    shots = []
    for i, move in enumerate(("arc_left", "follow")):
        ctx = MoveContext(Framing.looking_at([0.0, 1.6, 3.0], [0, 1.5, 0], 35.0), 96, 24.0, mara, "ease")
        camera = apply_move(move, ctx)
        shots.append(camera.apply_to(Shot(id=f"s{i}", name=move, duration=96, keys=camera.keys)))
    d = describe_project(Project(fps=24.0, subjects=[mara], shots=shots))
    assert d.shots[0].moves == "arc left around Mara"
    assert d.shots[1].moves == "follow Mara"


def test_subclips_cover_the_shot_and_the_tail_joins_the_last():
    assert subclip_bounds(49, 24) == [(0, 24), (24, 48)]
    assert subclip_bounds(55, 24) == [(0, 24), (24, 54)]  # a 6-frame tail joins
    assert subclip_bounds(70, 24) == [(0, 24), (24, 48), (48, 69)]
    assert subclip_bounds(1, 24) == [(0, 0)]


@pytest.mark.parametrize("fmt", sorted(set(FORMATS) - {"otio"}))
def test_every_export_is_recognised_and_describes_the_same_moves(tmp_path, fmt):
    project = build_demo_project()
    out = tmp_path / ("cams" if len(project.shots) > 1 and fmt not in ("usd", "csv", "nerfstudio") else f"cams{FORMATS[fmt].suffix}")
    export_project(project, fmt, out)
    assert guess_format(out) == fmt
    back = open_cameras(out, template=project)
    labels = [[p.label for p in s.phrases] for s in describe_project(back).shots]
    assert labels == [["crane_down"], ["static"], ["static"], ["push_in"]]
    if fmt not in ("kitti", "npy12", "npy9"):  # these lose the lens or the scale, so sizes and speeds
        assert describe_project(back).text == DEMO_TEXT


def test_eval_command_scores_a_copy_perfectly_and_a_pan_worse(tmp_path, capsys):
    project = build_demo_project()
    export_project(project, "kitti", tmp_path / "pred")
    assert main(["eval", "--pred", str(tmp_path / "pred"), "--ref", str(DEMO_PATH), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    seq = data["sequence"]
    assert seq["RRE_deg"] < 1e-3 and seq["RTE_deg"] < 1e-3 and seq["Tem-Pre@3"] == 1.0 and seq["motion_F1"] == 1.0
    # Swap the push-in for a pan: shot 4's labels and rotation error must show it.
    panned = project.model_copy(deep=True)
    ctx = MoveContext(Framing.looking_at([-0.6, 1.58, 2.2], [-0.9, 1.52, 0.0], 40.0), 96, 24.0)
    panned.shots[3] = apply_move("pan_left", ctx, amount=30).apply_to(panned.shots[3])
    save_project(panned, tmp_path / "panned.shotline")
    assert main(["eval", "--pred", str(tmp_path / "panned.shotline"), "--ref", str(DEMO_PATH), "--json"]) == 0
    shot4 = json.loads(capsys.readouterr().out)["shots"][3]
    assert shot4["motion_F1"] < 0.2 and shot4["RRE_deg"] > 10.0 and shot4["R-Pre@5"] < 0.5
    assert main(["eval", "--pred", str(tmp_path / "panned.shotline"), "--ref", str(DEMO_PATH)]) == 0
    assert "Tem-Pre@3" in capsys.readouterr().out


def test_eval_refuses_sequences_of_different_length(tmp_path, capsys):
    project = build_demo_project()
    project.shots[1].duration -= 1
    save_project(project, tmp_path / "short.shotline")
    assert main(["eval", "--pred", str(tmp_path / "short.shotline"), "--ref", str(DEMO_PATH)]) == 2
    assert "short.shotline: shots: lasts 359 frames, the reference 360" in capsys.readouterr().err


def test_unknown_camera_files_get_a_clear_error(tmp_path, capsys):
    (tmp_path / "cams.fbx").write_text("x")
    assert main(["describe", str(tmp_path / "cams.fbx")]) == 2
    err = capsys.readouterr().err
    assert "cams.fbx: --format: cannot tell the camera format" in err


def test_a_pan_and_a_tilt_at_once_are_described_together_not_one_after_the_other():
    from engine.planner.plan import plan_text

    set_only = build_demo_project().model_copy(update={"shots": []})
    planned = plan_text("Pan right and tilt up at once, from Mara's feet across to the top of the antenna.", set_only).to_project(set_only)
    text = describe_project(planned).shots[0].text
    assert "pan right and tilt up" in text and "then" not in text, text
