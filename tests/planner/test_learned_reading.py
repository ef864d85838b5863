"""The learned planner asked in trained words: the rules' reading of each shot said as the training
data says it, and planner.json's settings checked with errors that name the file and field."""

from __future__ import annotations

import json

import pytest

from engine.demo import build_demo_project
from engine.errors import ShotlineError
from engine.planner.learned import phrasings
from engine.planner.learned.planner import BUNDLED, LearnedPlanner
from engine.planner.learned.reading import reading
from engine.planner.plan import plan_text

SET = build_demo_project().model_copy(update={"shots": []})
TRAINED = {p.format(name="Mara") for move in phrasings.PHRASES for p in phrasings.split_of(phrasings.PHRASES[move], test=False)}


def _readings(text: str) -> list[str | None]:
    return [reading(p) for p in plan_text(text, SET).shots]


@pytest.mark.parametrize("text, said", [
    ("Ease back off Mara.", "Medium shot of Mara, pull out from Mara."),
    ("Close-up of Mara, slowly push in, then pan left.", "Close-up of Mara, slowly push in on Mara, then pan left."),
    ("Crane up and tilt down onto Mara.", "Medium shot of Mara, crane up over Mara."),  # one crane, as the rules plan it
    ("Mara in close-up. Don't pan.", "Close-up of Mara, static shot."),
    ("Low angle on Mara, zoom in.", "Medium shot of Mara, zoom in on Mara, low angle."),
    ("Dolly zoom on Mara, pulling out as the lens zooms in.", "Medium shot of Mara, reverse dolly zoom on Mara."),
])  # fmt: skip
def test_the_rules_reading_is_said_in_the_words_training_used(text, said):
    assert _readings(text) == [said]


def test_every_move_a_reading_says_is_a_trained_phrasing_and_a_director_wording_splits_into_its_shots():
    texts = _readings("Two shots: first a whip pan right across the skyline, then we drift left with Mara.")
    assert texts == ["Medium shot of Mara, fast pan right.", "Medium shot of Mara, truck left."]
    for text in texts:
        moves = text.split(", ", 1)[1].rstrip(".").removeprefix("fast ").split(", then ")
        assert all(m in TRAINED for m in moves), text


def test_a_follow_has_no_reading_and_keeps_the_words_as_written():
    plan = plan_text("Follow Mara as she walks to the stair door.", SET)
    assert reading(plan.shots[0]) is None
    planner = LearnedPlanner(BUNDLED, flow=object(), settings=json.loads((BUNDLED / "planner.json").read_text()), encoder=object())
    assert planner.shot_words(plan.shots[0], "x") == plan.shots[0].shot.prompt


def test_the_planner_asks_in_the_reading_or_in_the_words_as_its_settings_say():
    settings = json.loads((BUNDLED / "planner.json").read_text())
    shot = plan_text("Ease back off Mara.", SET).shots[0]
    reads = LearnedPlanner(BUNDLED, flow=object(), settings={**settings, "text": "reading"}, encoder=object())
    words = LearnedPlanner(BUNDLED, flow=object(), settings={**settings, "text": "words"}, encoder=object())
    assert reads.shot_words(shot) == "Medium shot of Mara, pull out from Mara."
    assert words.shot_words(shot) == shot.shot.prompt == "Ease back off Mara."


@pytest.mark.parametrize("change, field", [
    ({"text": "poetry"}, "text"),
    ({"drift_floors": [0.1, 0.2]}, "drift_floors"),
    ({"drift_floors": {"translation": 0.04}}, "drift_floors"),
    ({"drift_floors": {"translation": "fast", "rotation": 3.2, "zoom": 0.04}}, "drift_floors"),
    ({"drift_floors": {"translation": -1, "rotation": 3.2, "zoom": 0.04}}, "drift_floors"),
    ({"key_tolerance": 0}, "key_tolerance"), ({"key_tolerance": "tight"}, "key_tolerance"),
])  # fmt: skip
def test_a_planner_json_with_a_bad_setting_names_the_file_and_field(change, field):
    settings = {**json.loads((BUNDLED / "planner.json").read_text()), **change}
    with pytest.raises(ShotlineError) as err:
        LearnedPlanner(BUNDLED, flow=object(), settings=settings, encoder=object())
    assert "planner.json" in str(err.value) and field in str(err.value)


def test_a_fast_sampled_move_is_keyed_within_the_planners_tolerance_of_its_length():
    """Keys at bake_keys' 1 % let a fast truck's camera wobble between them (13x the rules' jerk);
    the learned planner keys its samples within 0.3 % of their length, on every frame."""
    import numpy as np

    from engine import sequence
    from engine.camera.bake import path_length
    from engine.camera.path import CameraPath
    from engine.project import Project, Shot, new_shot_id

    n = 56
    s = np.linspace(0.0, 1.0, n)
    c2w = np.repeat(np.eye(4)[None], n, axis=0)
    c2w[:, 0, 3] = 2.0 * (s + 0.08 * np.sin(9.0 * s))  # a fast truck that does not ease
    c2w[:, 1, 3] = 1.6
    path = CameraPath(c2w, np.full(n, 35.0), (36.0, 24.0), 24.0)
    planner = LearnedPlanner(BUNDLED, flow=object(), settings=json.loads((BUNDLED / "planner.json").read_text()), encoder=object())
    keys = planner.keys_of(path)
    shot = Shot(id=new_shot_id(), name="s", duration=n, keys=keys)
    got = sequence.shared.shot(Project(fps=24.0, shots=[shot]), shot).positions
    assert np.abs(got - path.positions).max() <= planner.key_tolerance * path_length(path.positions) + 1e-6
    assert len(keys) < n // 3  # still a few keys to edit
