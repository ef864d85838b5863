"""Camera cloning against the true cameras of rendered clips (textured room, H.264, noise).

    OMP_NUM_THREADS=1 taskset -c 0,1 python benchmarks/clone.py [--quick] [--seed 101] [--size 640x360]

Rooms repeat every 8 seeds below 100; seeds from 100 on shuffle the photographs (a fresh room each).
The thresholds in ``engine.clone.solve`` were set on rooms 0-4 and 7, then 13 and 22 were looked at;
101 and 102 were first run on the code as it stands (docs/benchmarks.md says which figure is clean).

Every move of ``engine.clone.synthetic.MOVES`` as a one-shot clip (36 frames, 320x180 or --size, 24 fps,
grain sigma 2, H.264 crf 20), plus a three-shot clip with a hard cut and an 8-frame dissolve, each
cloned with ``engine.clone.clone.clone_video`` given the true focal length (``--focal-mm``), and
the rotation shots again without it (self-calibration). Figures:

- RRE: per frame, the angle between the cloned and the true rotation relative to the shot's first
  frame (median over all frames of all shots);
- RTE: on translating shots, the angle between the cloned and the true direction of travel from
  the first frame (frames that have travelled a tenth of the way or more);
- zoom: cloned / true focal ratio of each zooming shot's last to first frame;
- travel: cloned / true distance travelled, each in the distance to what the first frame looks at;
- cuts: transitions found at exactly the true frame;
- motion-label F1: per-frame labels (``engine.analysis.labels``) of the cloned shot against the
  true camera, speeds measured in the distance to what the first frame looks at;
- speed: compute seconds (wall and CPU) per second of a 480p (854x480) clip, next to decoding the
  same file, with the load average.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from engine.analysis.labels import label_path
from engine.analysis.metrics import motion_f1
from engine.camera.conventions import invert_poses
from engine.camera.path import CameraPath
from engine.clone.clone import clone_video
from engine.clone.synthetic import MOVES, make_clip
from engine.clone.video import read_video
from engine.interchange.mp4 import write_mp4
from engine.project import SUPER35_SENSOR_MM
from engine.sequence import shared

ZOOMING = {"zoom_in", "zoom_out", "dolly_zoom_in", "dolly_zoom_out"}
TRANSLATING = {"push_in", "pull_out", "truck_right", "truck_left", "pedestal_up", "arc_left", "dolly_zoom_in", "dolly_zoom_out"}


def angle(a, b):
    return float(np.degrees(np.arccos(np.clip((np.trace(a.T @ b) - 1) / 2, -1, 1))))


def shot_figures(clip, result, k, cs, kind, frame_offset=0):
    project = result.project
    path = shared.shot(project, project.shots[k])
    # figures on the frames the clone solved; frames it held (a dissolve's blend) are counted apart
    solved = np.flatnonzero(~cs.interpolated)
    first = int(solved[0]) if len(solved) else 0
    est = invert_poses(path.c2w[first]) @ path.c2w[solved]
    true = invert_poses(clip.c2w[cs.start + first]) @ clip.c2w[cs.start + solved]
    rre = [angle(a[:3, :3], b[:3, :3]) for a, b in zip(est, true)]
    out = {"rre": rre, "rte": [], "zoom": None, "travel": None, "f1": None, "model": cs.model, "held": int(cs.interpolated.sum())}
    if kind in TRANSLATING:
        t_true, t_est = true[:, :3, 3], est[:, :3, 3]
        far = np.linalg.norm(t_true, axis=1) >= 0.1 * np.linalg.norm(t_true, axis=1).max()
        for a, b in zip(t_est[far], t_true[far]):
            cos = a @ b / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-12)
            out["rte"].append(float(np.degrees(np.arccos(np.clip(cos, -1, 1)))))
    if kind in ZOOMING:
        ratio_true = clip.focal_px[cs.start + solved[-1]] / clip.focal_px[cs.start + first]
        out["zoom"] = float(path.focal_mm[solved[-1]] / path.focal_mm[first] / ratio_true)
    subject = project.subjects[0]
    aim = np.asarray(subject.position) + [0, 0.72 * subject.height, 0]
    distance = float(np.linalg.norm(path.positions[0] - aim))
    depth = clip.depth0[min(k, len(clip.depth0) - 1)]
    if kind in TRANSLATING:
        # how far the camera travels, in the distance to what the first frame looks at: cloned / true
        travel = np.linalg.norm(path.positions[solved[-1]] - path.positions[first]) / distance
        true_travel = np.linalg.norm(clip.c2w[cs.start + solved[-1], :3, 3] - clip.c2w[cs.start + first, :3, 3]) / depth
        out["travel"] = float(travel / true_travel)
    true_path = CameraPath(clip.c2w[cs.start : cs.end], clip.focal_px[cs.start : cs.end], (1.0, 1.0), clip.fps)
    path = shared.shot(project, project.shots[k])
    ref = label_path(true_path, reference_length=depth).labels
    pred = label_path(path, reference_length=distance).labels
    out["f1"] = motion_f1(pred, ref)
    out["labels"] = (sorted(set(pred)), sorted(set(ref)))
    return out


def run_clip(shots, folder, name, hint: bool, dissolve=0, seed=0, size=(320, 180)):
    clip = make_clip(shots, size=size, noise=2.0, dissolve=dissolve, seed=seed)
    path = folder / f"{name}.mp4"
    write_mp4(clip.frames, path, clip.fps, (clip.frames.shape[2], clip.frames.shape[1]), crf=20)
    focal_mm = float(clip.focal_px[0] * SUPER35_SENSOR_MM[0] / clip.frames.shape[2]) if hint else None
    result = clone_video(path, focal_mm=focal_mm)
    return clip, result


def speed(folder: Path) -> dict:
    """Wall and CPU seconds (this process, all its threads) to decode, and to clone, a 48-frame
    854x480 clip (renders upscaled), and the seconds of video."""
    clip = make_clip([("pan_left", 24), ("truck_right", 24)], noise=2.0, seed=5)
    big = [cv2.resize(f, (854, 480), interpolation=cv2.INTER_CUBIC) for f in clip.frames]
    path = folder / "speed480.mp4"
    write_mp4(big, path, clip.fps, (854, 480), crf=20)
    out = {"video_s": len(big) / clip.fps}
    for name, job in (("decode", lambda: read_video(path)), ("clone", lambda: clone_video(path, focal_mm=float(clip.focal_px[0] * SUPER35_SENSOR_MM[0] / clip.frames.shape[2])))):
        t, c = time.perf_counter(), time.process_time()
        job()
        out[name + "_wall"], out[name + "_cpu"] = time.perf_counter() - t, time.process_time() - c
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="a few moves only")
    ap.add_argument("--seed", type=int, default=101, help="room and grain of the clips (101, 102: clean held-out rooms; 0-4, 7 tuned on)")
    ap.add_argument("--size", default="320x180", help="clips rendered at WxH (tracked, like every clip, at the 320x180 diagonal)")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.lower().split("x"))
    kinds = ["pan_left", "tilt_up", "zoom_in", "push_in", "truck_right"] if args.quick else list(MOVES)
    rre, rte, zooms, f1s, rows, cut_ok, cut_total, selfcal = [], [], [], [], [], 0, 0, []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for kind in kinds:
            n = 36
            clip, result = run_clip([(kind, n)], folder, kind, hint=True, seed=args.seed, size=size)
            cut_total += 0
            cut_ok += 0 if result.transitions else 0
            extra = [t.frame for t in result.transitions]
            fig = shot_figures(clip, result, 0, result.shots[0], kind)
            rre += fig["rre"]
            rte += fig["rte"]
            f1s.append(fig["f1"])
            if fig["zoom"] is not None:
                zooms.append(fig["zoom"])
            rows.append((kind, fig, extra))
            if kind in {"pan_left", "pan_right", "tilt_up", "pan_corner"}:
                _, res2 = run_clip([(kind, n)], folder, kind + "_nohint", hint=False, seed=args.seed, size=size)
                # the clone's pixels are its working frame's (at most 480 wide), the clip's its own
                selfcal.append(res2.shots[0].focal_px / (clip.focal_px[0] * res2.size[0] / clip.frames.shape[2]))
        # multi-shot: a cut and a dissolve
        multi = [("pan_right", 30), ("push_in", 30), ("zoom_out", 30)]
        clip, result = run_clip(multi, folder, "multi", hint=True, dissolve=8, seed=args.seed + 2, size=size)
        found = [t.frame for t in result.transitions]
        cut_total += len(clip.cuts)
        cut_ok += sum(1 for c in clip.cuts if c in found)
        false_cuts = len([f for f in found if f not in clip.cuts])
        for k, (kind, _) in enumerate(multi):
            if k < len(result.shots):
                fig = shot_figures(clip, result, k, result.shots[k], kind)
                rre += fig["rre"]
                rte += fig["rte"]
                f1s.append(fig["f1"])
                if fig["zoom"] is not None:
                    zooms.append(fig["zoom"])
                rows.append((f"multi:{kind}", fig, found))
        single_false = sum(len(extra) for _, _, extra in rows[: len(kinds)])
        load_before = os.getloadavg()[0]
        sp = speed(folder)
        load_after = os.getloadavg()[0]
    print(f"{'shot':22s} {'model':12s} {'medRRE':>7s} {'RTE':>6s} {'zoom':>6s} {'travel':>6s} {'F1':>5s} held  labels (cloned | true)")
    for kind, fig, _ in rows:
        r = f"{np.median(fig['rte']):6.2f}" if fig["rte"] else "     -"
        z = f"{fig['zoom']:6.3f}" if fig["zoom"] is not None else "     -"
        tr = f"{fig['travel']:6.3f}" if fig["travel"] is not None else "     -"
        print(f"{kind:22s} {fig['model']:12s} {np.median(fig['rre']):7.3f} {r} {z} {tr} {fig['f1']:5.2f} {fig['held']:4d}  {','.join(fig['labels'][0])} | {','.join(fig['labels'][1])}")
    zoom_err = max(abs(z - 1) for z in zooms) if zooms else 0.0
    travels = [abs(fig["travel"] - 1) for _, fig, _ in rows if fig["travel"] is not None]
    video_s = sp["video_s"]
    compute = (sp["clone_wall"] - sp["decode_wall"]) / video_s
    compute_cpu = (sp["clone_cpu"] - sp["decode_cpu"]) / video_s
    print(f"cuts exact: {cut_ok}/{cut_total} (found {found}, true {clip.cuts}); false transitions: {false_cuts} in the multi-shot clip, {single_false} in {len(kinds)} one-shot clips")
    print(f"self-calibrated focal / true: {', '.join(f'{s:.3f}' for s in selfcal)}")
    print(
        f"speed: {sp['clone_wall']:.2f} s wall ({sp['clone_cpu']:.2f} s CPU) to clone {video_s:.1f} s of 854x480 video, decode alone "
        f"{sp['decode_wall']:.2f} s wall ({sp['decode_cpu']:.2f} s CPU): {compute:.2f} s wall, {compute_cpu:.2f} s CPU of compute per second "
        f"of video; load average {load_before:.2f} before, {load_after:.2f} after"
    )
    print(
        f"RESULT median_rre_deg={np.median(rre):.3f} median_rte_deg={np.median(rte) if rte else 0:.2f} max_zoom_err={zoom_err:.4f} median_travel_err={np.median(travels) if travels else 0:.3f} "
        f"cuts_exact={cut_ok}/{cut_total} false_cuts={false_cuts + single_false} label_f1={np.mean(f1s):.3f} "
        f"compute_s_per_video_s={compute:.2f} compute_cpu_s_per_video_s={compute_cpu:.2f} decode_s_per_video_s={sp['decode_wall'] / video_s:.3f} load={load_after:.2f} selfcal_focal_err={max(abs(s - 1) for s in selfcal) if selfcal else 0:.4f}"
    )


if __name__ == "__main__":
    main()
