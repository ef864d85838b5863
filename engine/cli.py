"""The ``shotline`` command line (the contract in DESIGN.md).

Every command exits 0 on success and prints one line naming the file and field on bad input
(exit 2); nothing half-written is left behind (all writers are atomic).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.errors import ShotlineError

COMMANDS = ("export", "import", "preview", "describe", "eval", "plan", "render", "animatic", "clone")


def _parser() -> argparse.ArgumentParser:
    from engine.interchange.formats import FORMATS

    fmt_help = "; ".join(f"{f.name}: {f.description}" for f in FORMATS.values())
    p = argparse.ArgumentParser(prog="shotline", description="Shotline: previsualisation for film directors.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    from engine.interchange.documents import DOCUMENTS

    doc_help = "; ".join(f"{d.name}: {d.description}" for d in DOCUMENTS.values())
    e = sub.add_parser("export", help="write a project's cameras, storyboard, shot list or cut in another tool's format", description=f"Formats: {fmt_help}; {doc_help}")
    e.add_argument("project", type=Path, help="the .shotline project")
    e.add_argument("--format", required=True, choices=sorted(FORMATS) + list(DOCUMENTS), help="output format")
    e.add_argument("-o", "--output", required=True, type=Path, help="output file (a folder for per-shot formats with several shots)")
    e.add_argument("--layout", choices=("2x3", "3x4", "1"), help="storyboard: 2 rows of 3 panels, 3 rows of 4, or one shot per page (default 2x3)")
    e.add_argument("--pass", dest="source", choices=("grid", "greybox", "render"), help="storyboard frames / editorial media: camera grid, grey-box or the engine's renders (default grid)")
    e.add_argument("--size", help="editorial media: WIDTHxHEIGHT of the grid clips (default 832 wide at the delivery aspect)")

    from engine.interchange.documents import CUT_FORMATS

    i = sub.add_parser(
        "import",
        help="make a project from another tool's camera file, or apply an editor's cut to a project",
        description=f"Formats: {fmt_help}; edl / fcp7xml / fcpxml: an edited cut applied to -p PROJECT (order, trims, dropped shots)",
    )
    i.add_argument("file", type=Path, help="the camera file or folder, or the edited cut, to read")
    i.add_argument("--format", required=True, choices=sorted(FORMATS) + list(CUT_FORMATS), help="input format")
    i.add_argument("-o", "--output", type=Path, help="the .shotline project to write (a cut: default -p PROJECT itself)")
    i.add_argument("-p", "--project", type=Path, help="take set, fps and lens defaults from this project (a cut: the project it re-cuts)")

    v = sub.add_parser("preview", help="render a project's grey-box (or camera-grid, depth, normal, id) preview to MP4")
    v.add_argument("project", type=Path, help="the .shotline project")
    v.add_argument("-o", "--output", required=True, type=Path, help="the .mp4 to write")
    v.add_argument("--size", help="WIDTHxHEIGHT (default 832 wide at the project's delivery aspect)")
    v.add_argument("--shot", type=int, help="render only shot N (1-based)")
    v.add_argument("--transition-frames", type=int, default=2, help="white frames at each cut (default 2)")
    v.add_argument(
        "--pass", dest="pass_name", default="greybox", choices=("greybox", "grid", "depth", "normal", "id"),
        help="greybox (the set through each lens, default), grid (the camera-grid room over it), depth, normal or id",
    )  # fmt: skip
    v.add_argument("--camera-grid", action="store_true", help="the camera-grid video alone (no set), as before grey-box")

    d = sub.add_parser("describe", help="say in words what every shot's camera does, and what each cut does")
    d.add_argument("project", type=Path, help="a .shotline project or any camera file shotline imports")
    d.add_argument("--format", choices=sorted(FORMATS), help="the camera file's format (guessed from its name if left out)")
    d.add_argument("--json", action="store_true", help="per shot: text, segments and per-frame labels, as JSON")

    ev = sub.add_parser("eval", help="score a predicted camera sequence against a reference (RRE, RTE, F1, Tem-Pre …)")
    ev.add_argument("--pred", required=True, type=Path, help="the predicted cameras (.shotline or any camera file)")
    ev.add_argument("--ref", required=True, type=Path, help="the reference cameras")
    ev.add_argument("--pred-format", choices=sorted(FORMATS), help="format of --pred (guessed if left out)")
    ev.add_argument("--ref-format", choices=sorted(FORMATS), help="format of --ref (guessed if left out)")
    ev.add_argument("-p", "--project", type=Path, help="set, fps and lens for camera files that lack them")
    ev.add_argument("--tolerance", type=int, default=3, help="frames within which a cut counts as found (default 3)")
    ev.add_argument("--json", action="store_true", help="print the metrics as JSON")

    pl = sub.add_parser("plan", help="turn a director's words into a camera plan for every shot")
    pl.add_argument("text", nargs="?", help='what the director wants, e.g. "Wide shot, slow crane down. Cut to a close-up of Mara, push in."')
    pl.add_argument("--script", type=Path, help="plan a screenplay instead (.fountain or .fdx): scenes become sections, characters subjects")
    pl.add_argument("--scene", help="with --script: plan only this scene (its number in the script)")
    pl.add_argument("-p", "--project", type=Path, help="plan in this project's set (subjects, fps, lens); its shots are replaced")
    pl.add_argument("-o", "--output", required=True, type=Path, help="the .shotline to write (OUT.2.shotline … for alternatives)")
    pl.add_argument("--alternatives", type=int, default=1, help="number of distinct proposals (default 1)")
    pl.add_argument("--seed", type=int, default=0, help="seed of the alternatives' variations (default 0)")
    pl.add_argument("--json", action="store_true", help="print the plans (choices, explanations, warnings) as JSON")
    pl.add_argument("--planner", default="rules", choices=("rules", "learned", "auto"),
                    help="rules (instant), learned (the trajectory model; alternatives are samples) or auto (learned when the project has music) (default rules)")  # fmt: skip

    r = sub.add_parser("render", help="render every shot with the engine (grid, or the dit model) to MP4s")
    r.add_argument("project", type=Path, help="the .shotline project")
    r.add_argument("--backend", default="greybox", help="greybox (the set through each lens, instant), grid (camera-grid, instant) or dit (the video model) (default greybox)")
    r.add_argument("--passes", default="", help="grey-box passes to write beside the MP4s, e.g. depth,normal,id (greybox)")
    r.add_argument("--pass-format", default="png16", choices=("png16", "npz", "exr"), help="16-bit PNG sequences, .npz or OpenEXR frames (default png16)")
    r.add_argument("-o", "--output", required=True, type=Path, help="folder for shot_NN_name.mp4 and sequence.mp4")
    r.add_argument("--engine", help="URL of a running engine (default: start one here for this render)")
    r.add_argument("--token", help="the engine's token, if it needs one")
    r.add_argument("--resume", metavar="JOB", help="resume this interrupted job of the engine at --engine from its first unfinished shot")
    r.add_argument("--size", help="WIDTHxHEIGHT (default 832 wide at the project's delivery aspect)")
    r.add_argument("--model", help="model name (default: the backend's first)")
    r.add_argument("--steps", type=int, default=30, help="sampling steps (dit; default 30)")
    r.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    r.add_argument("--dit-mode", default="auto", choices=("auto", "bundled", "strength", "vace"), help="dit: how the model follows the grey-box (bundled model; SDEdit on Wan2.1-T2V; Wan2.1-VACE) (default auto)")
    r.add_argument("--strength", type=float, default=0.7, help="dit strength mode: how far from the grey-box, 0-1 (default 0.7)")
    r.add_argument("--subject-strength", type=float, default=None, help="dit strength mode: the people's own strength (dual clock)")
    r.add_argument("--control", choices=("beauty", "depth"), default=None, help="dit Wan modes: the grey-box pass to follow (default beauty for strength, depth for vace)")
    r.add_argument("--conditioning-scale", type=float, default=1.0, help="dit vace mode: the control's weight (default 1)")
    r.add_argument("--guidance", type=float, default=5.0, help="text guidance weight (dit; default 5)")
    r.add_argument("--noise-keep", type=float, default=1.0, help="dit bundled model: the share of each pixel's starting noise carried from the frame before along the grey-box geometry, so painted texture sticks to the set; 0: fresh noise every frame (default 1)")
    a = sub.add_parser("animatic", help="the sequence as one MP4 with its sound and burn-ins, for the producer")
    a.add_argument("project", type=Path, help="the .shotline project (its audio tracks are mixed in)")
    a.add_argument("-o", "--output", required=True, type=Path, help="the .mp4 to write")
    a.add_argument("--pass", dest="source", default="grid", choices=("grid", "greybox", "render"), help="picture: camera grid, grey-box, or the engine's renders in NAME.renders/ (default grid)")
    a.add_argument("--burn-in", default="all", help="any of shot,timecode,lens,move, or all / none (default all)")
    a.add_argument("--size", help="WIDTHxHEIGHT (default 832 wide at the delivery aspect)")

    cl = sub.add_parser("clone", help="clone the camera of every shot of a reference video into editable shots")
    cl.add_argument("video", type=Path, help="the reference clip (any video PyAV reads)")
    cl.add_argument("-o", "--output", required=True, type=Path, help="the .shotline to write (or the --format file)")
    cl.add_argument("-p", "--project", type=Path, help="clone into this project's set (subjects, lens); its shots are replaced")
    cl.add_argument("--subject", help="the subject the cameras frame (default: the project's first)")
    cl.add_argument("--focal-mm", type=float, help="the reference's focal length, if known (else self-calibrated from rotation)")
    cl.add_argument("--sensor", help="the reference's sensor WIDTHxHEIGHT in mm, for --focal-mm (default Super 35, 24.89x18.66)")
    cl.add_argument("--start", type=float, help="start time in seconds")
    cl.add_argument("--end", type=float, help="end time in seconds")
    cl.add_argument("--size", help="the shot size each clone starts at from the subject, ECU..EWS (default MS: a clip has no scale)")
    cl.add_argument("--format", choices=sorted(FORMATS), help="write this export format instead of a .shotline")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    if args.command is None:  # `shotline` alone opens the app (app/main.py); here, say what there is
        _parser().print_help()
        return 2
    try:
        if args.command == "export":
            return _export(args)
        if args.command == "import":
            return _import(args)
        if args.command == "preview":
            return _preview(args)
        if args.command == "describe":
            return _describe(args)
        if args.command == "eval":
            return _eval(args)
        if args.command == "plan":
            return _plan(args)
        if args.command == "render":
            return _render(args)
        if args.command == "animatic":
            return _animatic(args)
        if args.command == "clone":
            return _clone(args)
    except ShotlineError as exc:
        print(f"shotline: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("shotline: interrupted; nothing was written", file=sys.stderr)
        return 130
    return 1


def _export(args) -> int:
    from engine.interchange.formats import export_project
    from engine.project import load_project

    from engine.interchange.documents import DOCUMENTS

    project = load_project(args.project)
    if args.format in DOCUMENTS:
        size = parse_size(args.size) if args.size else None
        what = DOCUMENTS[args.format].write(project, args.output, args.project, {"layout": args.layout, "source": args.source, "size": size})
        print(f"wrote {args.output} ({args.format}, {what})")
        return 0
    if args.layout or args.source or args.size:
        raise ShotlineError(f"--layout, --pass and --size are for storyboards and cuts, not {args.format}", "", "--format")
    export_project(project, args.format, args.output)
    print(f"wrote {args.output} ({args.format}, {len(project.shots)} shots)")
    return 0


def _import(args) -> int:
    from engine.interchange.formats import import_project
    from engine.project import load_project, save_project

    from engine.interchange.documents import CUT_FORMATS

    if args.format in CUT_FORMATS:
        from engine.interchange.editorial import import_cut

        if args.project is None:
            raise ShotlineError("an edited cut re-cuts a project: name it with -p PROJECT", args.file, "--project")
        result = import_cut(load_project(args.project), args.file, args.format)
        out = args.output or args.project
        save_project(result.project, out)
        print(f"wrote {out} ({len(result.project.shots)} shots, {result.project.total_frames} frames)")
        for line in result.changes:
            print(f"  {line}")
        for line in result.warnings:
            print(f"  warning: {line}")
        return 0
    if args.output is None:
        raise ShotlineError("name the project to write with -o", args.file, "--output")
    template = load_project(args.project) if args.project else None
    project = import_project(args.file, args.format, template)
    save_project(project, args.output)
    print(f"wrote {args.output} ({len(project.shots)} shots, {project.total_frames} frames)")
    return 0


def parse_size(text: str, field: str = "--size") -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ShotlineError(f"size must look like 832x480, not {text!r}", "", field) from None
    if not (16 <= w <= 8192 and 16 <= h <= 8192):
        raise ShotlineError(f"size {w}x{h} is outside 16..8192 pixels", "", field)
    return w - w % 2, h - h % 2  # yuv420p needs even sizes


def _preview(args) -> int:
    from engine.project import load_project

    project = load_project(args.project)
    width, height = parse_size(args.size) if args.size else project.frame_size()
    if args.camera_grid:
        from engine.grid.video import write_preview

        frames = write_preview(project, args.output, (width, height), shot=args.shot, transition_frames=args.transition_frames, progress=True)
    else:
        from engine import sequence
        from engine.greybox.video import write_greybox_preview

        frames = write_greybox_preview(
            project, sequence.shared.paths(project), args.output, args.pass_name, (width, height), args.shot,
            args.transition_frames, base_dir=Path(args.project).resolve().parent, progress=True, source=str(args.project),
        )  # fmt: skip
    print(f"wrote {args.output} ({frames} frames, {width}x{height}, {project.fps:g} fps)")
    return 0


def _animatic(args) -> int:
    from tqdm import tqdm

    from engine.interchange.animatic import parse_burn_ins, write_animatic
    from engine.project import load_project

    project = load_project(args.project)
    burn_ins = parse_burn_ins(args.burn_in)
    size = parse_size(args.size) if args.size else project.frame_size(832)
    bars: list = []  # the bar starts with the first frame, after the sound has been read

    def on_frame(n: int) -> None:
        if not bars:
            bars.append(tqdm(total=project.total_frames, unit="frame", desc=f"animatic {args.output.name}"))
        bars[0].update(1)

    try:
        frames = write_animatic(project, args.output, size, args.source, burn_ins, args.project, on_frame=on_frame)
    finally:
        for bar in bars:
            bar.close()
    sound = f", {sum(not t.mute for t in project.audio)} audio tracks" if project.audio else ", no sound"
    print(f"wrote {args.output} ({frames} frames, {size[0]}x{size[1]}, {project.fps:g} fps{sound})")
    return 0


def _describe(args) -> int:
    import json

    from engine.analysis.describe import describe_project
    from engine.interchange.detect import open_cameras

    project = open_cameras(args.project, args.format)
    description = describe_project(project)
    if not args.json:
        print(description.text)
        return 0
    shots = []
    for shot, words, context in zip(project.shots, description.shots, description.contexts):
        labels = context.labels()
        shots.append(
            {
                "id": shot.id,
                "name": shot.name,
                "text": words.text,
                "moves": words.moves,
                "subject": context.main.name if context.main is not None else None,
                "size": context.size(0),
                "segments": [
                    {"label": g.label, "start": g.start, "end": g.end, "speed": g.speed, "rate": round(g.rate, 5), "unit": g.unit}
                    for g in labels.segments
                ],
                "labels": labels.labels,
            }
        )
    cuts = [{"before_shot": c.index, "frame": c.frame, "relations": c.relations, "text": c.text} for c in description.cuts]
    print(json.dumps({"project": project.name, "fps": project.fps, "shots": shots, "cuts": cuts}, indent=2))
    return 0


def _eval(args) -> int:
    import json

    from engine.analysis.evaluate import evaluate_projects
    from engine.interchange.detect import open_cameras
    from engine.project import load_project

    template = load_project(args.project) if args.project else None
    if args.tolerance < 0:
        raise ShotlineError("must be 0 or more frames", "", "--tolerance")
    ref = open_cameras(args.ref, args.ref_format, template)
    pred = open_cameras(args.pred, args.pred_format, template or ref)
    result = evaluate_projects(pred, ref, tolerance=args.tolerance, source=str(args.pred))
    print(json.dumps(result.as_dict(), indent=2) if args.json else result.text)
    return 0


def alternative_path(out: Path, k: int) -> Path:
    """OUT.shotline for the first proposal, OUT.2.shotline, OUT.3.shotline … for the others."""
    return out if k == 0 else out.with_name(f"{out.stem}.{k + 1}{out.suffix or '.shotline'}")


def _plan(args) -> int:
    import json

    from engine.planner.learned.select import plan_with
    from engine.project import load_project, save_project

    if args.alternatives < 1 or args.alternatives > 20:
        raise ShotlineError("must be between 1 and 20", "", "--alternatives")
    if (args.text is None) == (args.script is None):
        raise ShotlineError("give the words to plan, or --script FILE (one of them)", "", "text")
    if args.scene is not None and args.script is None:
        raise ShotlineError("--scene picks a scene of a --script", "", "--scene")
    if args.script is not None and args.planner != "rules":
        raise ShotlineError("a script is planned by the rules; --planner is for words", "", "--planner")
    base = load_project(args.project) if args.project else None
    if args.script is not None:
        return _plan_script(args, base)
    plans = plan_with(args.planner, args.text, base, args.alternatives, args.seed, args.project.parent if args.project else None)
    written = []
    for k, plan in enumerate(plans):
        out = alternative_path(args.output, k)
        save_project(plan.to_project(base), out)
        written.append(out)
    if args.json:
        print(json.dumps([dict(plan.as_dict(), file=str(out)) for plan, out in zip(plans, written)], indent=2))
        return 0
    for plan, out in zip(plans, written):
        print(f"wrote {out} ({len(plan.shots)} shots)")
        for i, p in enumerate(plan.shots):
            unknown = f"  [not understood: {', '.join(p.spec.not_understood)}]" if p.spec.not_understood else ""
            print(f"  {i + 1}. {p.shot.name} ({p.shot.duration} frames, {p.shot.lens.focal_mm:.0f} mm){unknown}")
            for m in p.spec.bank_matches:
                print(f"     phrase bank: '{m.clause}' ~ '{m.phrase}' -> {m.move} (similarity {m.similarity:.2f})")
        for w in plan.warnings:
            print(f"  warning: {w}")
    return 0


def _plan_script(args, base) -> int:
    import json

    from engine.interchange.screenplay import read_script
    from engine.planner.script import plan_script
    from engine.project import save_project

    if args.alternatives != 1:
        raise ShotlineError("a script is planned once; --alternatives is for words", "", "--alternatives")
    from engine.sections import scene_of

    script = read_script(args.script)
    project, warnings = plan_script(script, base, args.scene)
    save_project(project, args.output)
    if args.json:
        shots = [{"name": s.name, "scene": scene_of(s), "duration": s.duration, "size": s.size, "prompt": s.prompt} for s in project.shots]
        print(json.dumps({"file": str(args.output), "title": script.title, "characters": script.characters, "shots": shots, "warnings": warnings}, indent=2))
        return 0
    print(f"wrote {args.output} ({len(project.shots)} shots from {len({scene_of(s) for s in project.shots})} scenes; characters: {', '.join(script.characters) or 'none'})")
    for i, shot in enumerate(project.shots):
        print(f"  {i + 1}. [{scene_of(shot)}] {shot.name} ({shot.duration} frames, {shot.lens.focal_mm:.0f} mm)")
    for w in warnings:
        print(f"  warning: {w}")
    return 0


def _render(args) -> int:
    import tempfile

    from tqdm import tqdm

    from engine.project import load_project
    from engine.server.client import EngineClient, EngineError, EngineUnavailable, LocalEngine
    from engine.render.request import request_from_project

    project = load_project(args.project)
    if not project.shots:
        raise ShotlineError("the project has no shots to render", args.project, "shots")
    width, height = parse_size(args.size) if args.size else project.frame_size()
    try:
        request = request_from_project(
            project, width, height, backend=args.backend, model=args.model, steps=args.steps, seed=args.seed, guidance=args.guidance,
            passes=[p for p in args.passes.split(",") if p], pass_format=args.pass_format, base_dir=str(Path(args.project).resolve().parent),
            dit_mode=args.dit_mode, strength=args.strength, subject_strength=args.subject_strength, control=args.control, conditioning_scale=args.conditioning_scale,
            noise_keep=args.noise_keep,
        )  # fmt: skip
    except ShotlineError as exc:
        raise ShotlineError(exc.message, args.project, exc.field) from None
    local = None
    try:
        if args.engine:
            client = EngineClient(args.engine, args.token)
        else:
            print("starting a local engine …", file=sys.stderr)
            scratch = tempfile.TemporaryDirectory(prefix="shotline-render-")  # the results are downloaded to -o
            local = LocalEngine(output=Path(scratch.name))
            client = local.client
        if args.resume and not args.engine:
            raise ShotlineError("--resume needs the --engine that ran the job", args.project, "--resume")
        try:
            if args.resume:
                job_id = args.resume
                client.resume(job_id)
            else:
                job_id = client.submit(request)
        except EngineError as exc:
            raise ShotlineError(str(exc), args.project, "--resume" if args.resume else "render") from None
        bar = tqdm(total=len(request.shots), unit="shot", desc=f"render {args.backend}", bar_format="{l_bar}{bar}| {n:.2f}/{total} shots [{elapsed}<{remaining}]")
        final = None
        made: dict[int, float] = {}  # each shot's fraction done (a farm renders several at once)
        try:
            for event in client.events(job_id):
                if event["type"] == "started":  # a resumed job's earlier shots are done
                    made.update({i: 1.0 for i in range(event.get("first_shot", 0))})
                elif event["type"] in ("progress", "shot"):
                    shot = event["shot"] if event["type"] == "progress" else event["index"]
                    made[shot] = 1.0 if event["type"] == "shot" else event["step"] / event["steps"]
                    bar.n = sum(made.values())
                    bar.refresh()
                elif event["type"] in ("done", "error", "cancelled", "interrupted"):
                    final = event
        except EngineError as exc:
            if exc.status != 404:
                raise ShotlineError(str(exc), args.project, "render") from None
            # An engine that came back without this job (another output folder, a fresh machine).
            final = {"type": "interrupted", "files": []}
        finally:
            bar.close()
        if final["type"] == "interrupted":
            finished = [f for f in final.get("files", []) if f != "sequence.mp4"]
            kept = f"; {len(finished)} finished shot(s) are kept: go on with --resume {job_id}" if finished else ""
            raise ShotlineError(f"the engine restarted and job {job_id} was interrupted{kept}", args.project, "render")
        if final["type"] != "done":
            message = final.get("message", "the job was cancelled")
            print(f"shotline: render failed: {message}" + (f" ({final['hint']})" if final.get("hint") else ""), file=sys.stderr)
            return 1
        args.output.mkdir(parents=True, exist_ok=True)
        from engine.interchange.renders import CLIP_RX, record_render

        for name in final["files"]:
            client.download(job_id, name, args.output / name)
            m = CLIP_RX.match(name)
            if m and 1 <= int(m.group(1)) <= len(project.shots):  # which shot version this clip shows
                record_render(args.output, name, project.shots[int(m.group(1)) - 1])
        print(f"wrote {len(final['files'])} files to {args.output}: {', '.join(final['files'])}")
        return 0
    except EngineUnavailable as exc:
        print(f"shotline: {exc}", file=sys.stderr)
        return 1
    finally:
        if local is not None:
            local.stop()
            scratch.cleanup()


def _clone(args) -> int:
    from tqdm import tqdm

    from engine.clone.clone import clone_video
    from engine.interchange.formats import export_project
    from engine.project import load_project, save_project

    base = load_project(args.project) if args.project else None
    sensor = None
    if args.sensor:
        try:
            sensor = tuple(float(v) for v in args.sensor.lower().split("x"))
            assert len(sensor) == 2 and all(1.0 < v <= 100.0 for v in sensor)
        except (ValueError, AssertionError):
            raise ShotlineError(f"must look like 24.89x18.66 (mm, each 1..100), not {args.sensor!r}", "", "--sensor") from None
    bar = tqdm(total=100, desc="clone", unit="%", disable=None, bar_format="{l_bar}{bar}| {postfix} [{elapsed}]")
    weights = {"decode": (0, 20), "cuts": (20, 25), "solve": (25, 95), "describe": (95, 99), "done": (100, 100)}

    def progress(stage, fraction):
        lo, hi = weights.get(stage, (0, 100))
        n = int(lo + (hi - lo) * fraction)
        if not bar.disable and (n != bar.n or stage != bar.postfix):
            bar.n = n
            bar.set_postfix_str(stage)

    try:
        result = clone_video(args.video, base, args.subject, args.focal_mm, sensor, args.start, args.end, progress=progress, size=args.size)
    finally:
        bar.close()
    if args.format:
        export_project(result.project, args.format, args.output)
    else:
        save_project(result.project, args.output)
    print(result.focal_text)
    for m in result.messages:
        print(m)
    for t in result.transitions:
        print(f"{t.kind} at frame {t.frame}" + (f" (blended frames {t.start}-{t.end - 1})" if t.kind == "dissolve" else ""))
    for shot, info in zip(result.project.shots, result.shots):
        marked = int(info.interpolated.sum())
        extra = f", {marked} frames interpolated" if marked else ""
        fail = f" [{info.note}]" if info.note else ""
        print(f"  {shot.name} ({shot.size or '?'}): frames {info.start}-{info.end - 1}, {info.model}, confidence {info.confidence.mean():.2f}{extra}, {len(shot.keys)} keys{fail}: {shot.prompt}")
    print(f"wrote {args.output} ({len(result.project.shots)} shots{', ' + args.format if args.format else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
