"""The learned planner (seed 003) measured: motion-label F1, diversity, smoothness, beat alignment and
ONNX latency, each beside a reference measured in the same run.

- F1: the motion analysis's labels of each planned shot (``engine.planner.score``) against the moves
  asked for, micro-averaged over move names, on
  (a) the generated test split: other seeds, held-out phrasings and templates, in random sets; the
      learned planner moves the example's own start camera, and the rules planner plans the same
      words in the same set; the examples' own trajectories give the labeller's ceiling;
  (b) the rules planner's labelled development set (tests/planner/labelled_set.py) on the demo set;
  (c) the held-out wording sets ``benchmarks/data/planner_heldout.jsonl`` (written by the rules
      planner's work), ``planner_heldout2.jsonl``, ``planner_heldout3.jsonl``, ``planner_heldout4.jsonl``, ``planner_heldout5.jsonl``, ``planner_heldout6.jsonl``, ``planner_heldout7.jsonl``, ``planner_heldout8.jsonl``, ``planner_heldout9.jsonl``, ``planner_heldout10.jsonl``, ``planner_heldout11.jsonl`` and ``planner_heldout12.jsonl`` … ``planner_heldout21.jsonl``
      (written blind, 2026-12-06 and 2026-12-07; skipped when absent), or ``--heldout FILE [FILE ...]``.
- Diversity: mean pairwise RMS distance between 4 samples of the same words (subject distances;
  degrees), against the spread of the rules planner's alternatives.
- Smoothness: mean squared jerk of the camera positions (subject distances / s^3) of each shot as
  its keys evaluate (what the planner hands over), learned over rules on the same words.
- Audio: move onsets (first frame the camera moves at a fifth of its top speed) within 2 frames of a
  beat, on synthetic music from seeds the training never used; the chance rate of a random onset
  frame in the same window, and the rate of the training data's own trajectories, beside it.
- Latency: sampling 4 shots (every segment, every guidance pass) on onnxruntime's CPU provider,
  one thread, and the whole learned plan (rules split, MiniLM tokens, sampling, keys), against the
  rules planner on the same paragraph.

    python benchmarks/planner_learned.py [--examples 48] [--heldout FILE ...] [--model FOLDER] [--no-hold] [--text reading|words] [--key-tolerance F] [--audio-examples 24]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from engine.camera.bake import bake_keys
from engine.camera.path import CameraPath
from engine.demo import build_demo_project
from engine.planner.learned.data import FILM_BACK, FPS, make_example
from engine.planner.learned.measure import mean_square_jerk, onset_frame
from engine.planner.learned.music import TEST_SEEDS
from engine.planner.learned.planner import TEXT_FROM, LearnedPlanner, asks_for_roll, bundled, level_horizon
from engine.planner.learned.sample import ShotRequest, sample_shots
from engine.planner.plan import plan_alternatives, plan_text
from engine.planner.score import MoveScore, observed_moves
from engine.project import Project, Shot, new_shot_id

TEST_FROM = 1000
HELDOUT = Path(__file__).resolve().parent / "data" / "planner_heldout.jsonl"
HELDOUT2 = HELDOUT.with_name("planner_heldout2.jsonl")
HELDOUT3 = HELDOUT.with_name("planner_heldout3.jsonl")
HELDOUT4 = HELDOUT.with_name("planner_heldout4.jsonl")
HELDOUT5 = HELDOUT.with_name("planner_heldout5.jsonl")
HELDOUT6 = HELDOUT.with_name("planner_heldout6.jsonl")
HELDOUT7 = HELDOUT.with_name("planner_heldout7.jsonl")
HELDOUT8 = HELDOUT.with_name("planner_heldout8.jsonl")
HELDOUT9 = HELDOUT.with_name("planner_heldout9.jsonl")
HELDOUT10 = HELDOUT.with_name("planner_heldout10.jsonl")
HELDOUT11 = HELDOUT.with_name("planner_heldout11.jsonl")
HELDOUT12 = HELDOUT.with_name("planner_heldout12.jsonl")
HELDOUT13 = HELDOUT.with_name("planner_heldout13.jsonl")
HELDOUT14 = HELDOUT.with_name("planner_heldout14.jsonl")
HELDOUT15 = HELDOUT.with_name("planner_heldout15.jsonl")
HELDOUT16 = HELDOUT.with_name("planner_heldout16.jsonl")
HELDOUT17 = HELDOUT.with_name("planner_heldout17.jsonl")
HELDOUT18 = HELDOUT.with_name("planner_heldout18.jsonl")
HELDOUT19 = HELDOUT.with_name("planner_heldout19.jsonl")
HELDOUT20 = HELDOUT.with_name("planner_heldout20.jsonl")
HELDOUT21 = HELDOUT.with_name("planner_heldout21.jsonl")
PARAGRAPH = "Shot 1: wide shot of Mara and Jonas, slow crane down. Shot 2: close-up of Mara, push in. Shot 3: orbit left around Jonas. Shot 4: medium shot of Mara, pan right."


def one_shot_project(subjects, c2w, focal, name="shot", planner=None) -> Project:
    """A project of one shot keyed from a path: as ``planner`` keys its samples, else by bake_keys' default."""
    path = CameraPath(c2w, focal, FILM_BACK, FPS)
    keys = planner.keys_of(path) if planner is not None else bake_keys(path, ends="ease")
    return Project(fps=FPS, subjects=subjects, shots=[Shot(id=new_shot_id(), name=name, duration=len(c2w), keys=keys)])


def words_of(planner, ex, music: bool = False) -> str:
    """What the planner asks its model for an example's words: as a plan would (its ``text`` setting)."""
    base = Project(fps=FPS, subjects=ex.subjects)
    plan = plan_text(ex.text, base)
    return planner.shot_words(plan.shots[0], ex.text, music) if len(plan.shots) == 1 else ex.text


def request_of(planner, ex, seed=0, audio=None) -> ShotRequest:
    words = words_of(planner, ex, audio is not None and len(audio) > 0)
    return ShotRequest(ex.c2w[0], float(ex.focal_mm[0]), ex.frames, planner.tokens(words), ex.subjects, ex.primary, audio, FILM_BACK, seed)


def positions_per_unit(c2w, scale):
    return np.asarray(c2w)[:, :3, 3] / scale


def jerk(positions: np.ndarray) -> float:
    return mean_square_jerk(positions, FPS)


def score_generated(planner, n: int) -> dict:
    learned, rules, truth = MoveScore(), MoveScore(), MoveScore()
    jerks_l, jerks_r = [], []
    examples = [make_example(i, test=True, kind="single") for i in range(TEST_FROM, TEST_FROM + n)]  # seeds 0-23 chose steps and guidance
    sampled = sample_shots(planner.flow, [request_of(planner, ex, seed=i) for i, ex in enumerate(examples)], planner.norm, planner.sampling)
    from engine import sequence

    for ex, (c2w, focal) in zip(examples, sampled):
        base = Project(fps=FPS, subjects=ex.subjects)
        reading = plan_text(ex.text, base)
        # as the planner hands a sample over: its horizon level unless the words ask for a roll
        c2w = c2w if asks_for_roll(reading.shots[0].spec) else level_horizon(c2w)
        lp = one_shot_project(ex.subjects, c2w, focal, planner=planner)
        learned.add(observed_moves(lp)[0], ex.moves)
        truth.add(observed_moves(one_shot_project(ex.subjects, ex.c2w, ex.focal_mm))[0], ex.moves)
        rp = reading.to_project(base)
        rules.add(observed_moves(rp)[0], ex.moves)
        # Jerk of what each planner hands over: the shot as its keys evaluate.
        jerks_l.append(jerk(positions_per_unit(sequence.shared.shot(lp, lp.shots[0]).c2w, ex.scale)))
        jerks_r.append(jerk(positions_per_unit(sequence.shared.shot(rp, rp.shots[0]).c2w, ex.scale)))
    return {"learned": learned, "rules": rules, "truth": truth, "jerk_learned": float(np.mean(jerks_l)), "jerk_rules": float(np.mean(jerks_r))}


def score_texts(planner, items, project) -> tuple[MoveScore, MoveScore]:
    learned, rules = MoveScore(), MoveScore()
    for text, expected in items:
        for planned, score in ((planner.plan(text, project, 0, np.zeros((0, 35), np.float32)), learned), (plan_text(text, project), rules)):
            observed = observed_moves(planned.to_project(project))
            for o, e in zip(observed, expected):
                score.add(o, e)
            for e in expected[len(observed) :]:
                score.add([], e)
    return learned, rules


def read_heldout(path: Path):
    """(text, [moves of shot 1, ...]) of each line: {"text": ..., "shots": [{"moves": [...]}, ...]}."""
    items = []
    for line in path.read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            items.append((row["text"], [list(s["moves"]) for s in row["shots"]]))
    return items


def diversity(planner, n_texts: int = 8, samples: int = 4) -> dict:
    t_learned, r_learned, t_rules = [], [], []
    from scipy.spatial.transform import Rotation

    from engine import sequence

    for i in range(n_texts):
        ex = make_example(100 + i, test=True, kind="single")
        outs = sample_shots(planner.flow, [request_of(planner, ex, seed=s) for s in range(samples)], planner.norm, planner.sampling)
        pos = [positions_per_unit(c, ex.scale) for c, _ in outs]
        rot = [Rotation.from_matrix(c[:, :3, :3]) for c, _ in outs]
        base = Project(fps=FPS, subjects=ex.subjects)
        alts = [p.to_project(base) for p in plan_alternatives(ex.text, base, samples)]
        rpos = [sequence.shared.shot(a, a.shots[0]).positions / ex.scale for a in alts]
        for a in range(samples):
            for b in range(a + 1, samples):
                t_learned.append(np.sqrt(np.mean(np.sum((pos[a] - pos[b]) ** 2, axis=1))))
                r_learned.append(np.rad2deg(np.sqrt(np.mean((rot[a].inv() * rot[b]).magnitude() ** 2))))
                m = min(len(rpos[a]), len(rpos[b]))
                t_rules.append(np.sqrt(np.mean(np.sum((rpos[a][:m] - rpos[b][:m]) ** 2, axis=1))))
    return {"learned_t": float(np.mean(t_learned)), "learned_r_deg": float(np.mean(r_learned)), "rules_t": float(np.mean(t_rules))}


def audio_alignment(planner, n: int = 24) -> dict:
    f"""Onsets of music-paired test examples sampled with their music (the test pool: seeds >= {TEST_SEEDS}, unseen)."""
    hits, truth_hits, chance = [], [], []
    examples = [make_example(i, test=True, kind="music") for i in range(n)]
    examples = [ex for ex in examples if ex.moves != ["static"]]
    sampled = sample_shots(planner.flow, [request_of(planner, ex, seed=i, audio=ex.audio) for i, ex in enumerate(examples)], planner.norm, planner.sampling)
    for ex, (c2w, focal) in zip(examples, sampled):
        beats = np.round(ex.beats * FPS)
        near = lambda f: bool(f >= 0 and np.any(np.abs(beats - f) <= 2))  # noqa: E731
        hits.append(near(onset_frame(c2w, focal, ex.scale)))
        truth_hits.append(near(onset_frame(ex.c2w, ex.focal_mm, ex.scale)))
        window = np.arange(1, int(0.45 * ex.frames) + 1)
        chance.append(float(np.mean([near(f) for f in window])))
    return {"hit": float(np.mean(hits)), "truth": float(np.mean(truth_hits)), "chance": float(np.mean(chance)), "n": len(examples)}


def median_ms(fn, repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(times)


def latency(planner, repeats: int) -> dict:
    base = build_demo_project().model_copy(update={"shots": []})
    plan = plan_text(PARAGRAPH, base)
    assert len(plan.shots) == 4
    from engine import sequence

    project = plan.to_project(base)
    reqs = []
    for k, p in enumerate(plan.shots):
        path = sequence.shared.shot(project, p.shot)
        reqs.append(ShotRequest(path.c2w[0], float(path.focal_mm[0]), p.shot.duration, planner.tokens(planner.shot_words(p)), list(project.subjects), p.subject, None, project.film_back_mm(), k))
    frames = [r.frames for r in reqs]
    onnx_ms = median_ms(lambda: sample_shots(planner.flow, reqs, planner.norm, planner.sampling), repeats)
    c0 = time.process_time()
    for _ in range(repeats):
        sample_shots(planner.flow, reqs, planner.norm, planner.sampling)
    onnx_cpu_ms = (time.process_time() - c0) * 1000.0 / repeats  # CPU time of all threads: what a loaded machine hides
    plan_ms = median_ms(lambda: planner.plan(PARAGRAPH, base, 0, np.zeros((0, 35), np.float32)), max(repeats // 3, 3))
    rules_ms = median_ms(lambda: plan_text(PARAGRAPH, base), repeats)
    return {"onnx_ms": onnx_ms, "onnx_cpu_ms": onnx_cpu_ms, "plan_ms": plan_ms, "rules_ms": rules_ms, "frames": frames,
            "load": os.getloadavg()[0]}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=48)
    ap.add_argument("--heldout", type=Path, nargs="+", default=[HELDOUT, HELDOUT2, HELDOUT3, HELDOUT4, HELDOUT5, HELDOUT6, HELDOUT7, HELDOUT8, HELDOUT9, HELDOUT10, HELDOUT11, HELDOUT12, HELDOUT13, HELDOUT14, HELDOUT15, HELDOUT16, HELDOUT17, HELDOUT18, HELDOUT19, HELDOUT20, HELDOUT21])
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--model", type=Path, help="an exported model folder (planner.onnx + planner.json) to measure instead of the bundled one")
    ap.add_argument("--key-tolerance", type=float, help="how closely keys follow a sample, a fraction of its length (default: the model's planner.json, else 0.003)")
    ap.add_argument("--audio-examples", type=int, default=24, help="music-paired test examples for the beat alignment")
    ap.add_argument("--text", choices=TEXT_FROM, help="what the model is asked in: the rules' reading in trained words, or the words as written (default: the model's planner.json)")
    ap.add_argument("--no-hold", action="store_true", help="keep the channels that drift slower than any taught move (the sampler's raw output)")
    args = ap.parse_args()
    planner = LearnedPlanner(args.model) if args.model else bundled()
    if args.no_hold:
        planner.sampling.drift_floors = None
    if args.text:
        planner.text_from = args.text
    if args.key_tolerance:
        planner.key_tolerance = args.key_tolerance
    print(f"text: {planner.text_from}, keys within {planner.key_tolerance:.1%} of a sample's length")
    print(f"model: {planner.settings.get('trained_steps')} training steps, {planner.sampling.steps} sampling steps, guidance {planner.sampling.guidance}, temperature {planner.sampling.temperature}, every {planner.sampling.stride}th frame")
    lat = latency(planner, args.repeats)
    print(f"latency, 4 shots ({lat['frames']} frames): ONNX sampling {lat['onnx_ms']:.1f} ms wall, {lat['onnx_cpu_ms']:.1f} ms CPU (target < 100; load average {lat['load']:.1f}), whole learned plan {lat['plan_ms']:.1f} ms, rules plan {lat['rules_ms']:.1f} ms")
    gen = score_generated(planner, args.examples)
    print(f"generated test split ({args.examples} shots, held-out phrasings): F1 learned {gen['learned'].f1:.3f}, rules {gen['rules'].f1:.3f}, the data's own trajectories {gen['truth'].f1:.3f}")
    print(f"  learned {gen['learned']}, rules {gen['rules']}")
    print(f"jerk (subject distances/s^3, mean square): learned {gen['jerk_learned']:.4g}, rules {gen['jerk_rules']:.4g}, ratio {gen['jerk_learned'] / max(gen['jerk_rules'], 1e-12):.2f}")
    from tests.planner.labelled_set import LABELLED_SET

    demo = build_demo_project().model_copy(update={"shots": []})
    dev_l, dev_r = score_texts(planner, LABELLED_SET, demo)
    print(f"rules' development set ({len(LABELLED_SET)} texts): F1 learned {dev_l.f1:.3f}, rules {dev_r.f1:.3f}")
    held = {}
    for k, path in enumerate(args.heldout):
        key = "heldout" if k == 0 else f"heldout{k + 1}"
        if not path.is_file():
            print(f"held-out wording: {path} absent, skipped")
            continue
        items = read_heldout(path)
        hl, hr = score_texts(planner, items, demo)
        held[key] = (f"{hl.f1:.3f}", f"{hr.f1:.3f}")
        print(f"held-out wording ({path.name}, {len(items)} texts): F1 learned {hl.f1:.3f}, rules {hr.f1:.3f}")
        print(f"  learned {hl}, rules {hr}")
    div = diversity(planner)
    print(f"diversity (4 samples of the same words, pairwise RMS): learned {div['learned_t']:.3f} subject distances and {div['learned_r_deg']:.1f} deg; rules' alternatives {div['rules_t']:.3f}")
    aud = audio_alignment(planner, args.audio_examples)
    print(f"audio: onsets within 2 frames of a beat on unseen music: learned {aud['hit']:.2f}, chance {aud['chance']:.2f}, the data's own trajectories {aud['truth']:.2f} ({aud['n']} shots)")
    print(
        f"RESULT f1_test_learned={gen['learned'].f1:.3f} f1_test_rules={gen['rules'].f1:.3f} f1_test_truth={gen['truth'].f1:.3f} "
        f"f1_dev_learned={dev_l.f1:.3f} f1_dev_rules={dev_r.f1:.3f} "
        + "".join(f"f1_{key}_learned={lr[0]} f1_{key}_rules={lr[1]} " for key, lr in held.items())
        + f"hold_drift={planner.sampling.drift_floors is not None} text={planner.text_from} key_tolerance={planner.key_tolerance} "
        f"diversity_t={div['learned_t']:.3f} diversity_rules_t={div['rules_t']:.3f} diversity_r_deg={div['learned_r_deg']:.1f} "
        f"jerk_ratio={gen['jerk_learned'] / max(gen['jerk_rules'], 1e-12):.2f} beat_hit={aud['hit']:.2f} beat_chance={aud['chance']:.2f} "
        f"beat_truth={aud['truth']:.2f} onnx_ms_4shots={lat['onnx_ms']:.1f} onnx_cpu_ms_4shots={lat['onnx_cpu_ms']:.1f} load={lat['load']:.1f} learned_plan_ms={lat['plan_ms']:.1f} rules_plan_ms={lat['rules_ms']:.1f}"
    )


if __name__ == "__main__":
    main()
