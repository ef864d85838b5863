"""Focus and aperture: the keyed focus channel, pull-to-subject, and rack focus as a move.

Focus is keyed on the camera keys that carry it (``CameraKey.focus_m`` or ``focus_subject``) and
interpolated over those keys only, like a channel of its own: a key that does not touch focus
does not pin it. A key with a ``focus_subject`` pulls focus to that subject: its value on a frame
is the subject's camera-space depth there (distance along the optical axis to a person's eyes, by
their pose, or a set piece's middle), so between two keys on the same subject focus follows them as they walk
or the camera moves. Between keys on different targets focus blends from one target to the other
with the segment's easing: a rack focus. Numeric keys alone are interpolated exactly like the
focal length (cubic Hermite with the keys' in/out kinds).

The T-stop is keyed the same way (keys with ``t_stop``, else the shot lens's ``t_stop``). A shot
with no focus key has no focus channels at all: the evaluated camera's ``focus_m`` is None and
nothing draws depth of field for it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.camera.interpolate import interpolate_channels, subject_positions
from engine.camera.bake import key_at
from engine.camera.path import CameraPath
from engine.errors import ShotlineError
from engine.project import MAX_FOCUS_M, MAX_T_STOP, MIN_FOCUS_M, MIN_T_STOP, CameraKey, Interpolation, Project, Shot, Subject

FOCUS_HEIGHT = 0.9  # of a standing person's height: the eyes, where a focus puller focuses
# The eyes of the other poses (fractions of standing height), and a set piece's middle.
POSE_EYE_HEIGHT = {"sit": 0.68, "crouch": 0.6, "lie": 0.12}
SET_PIECE_FOCUS_HEIGHT = 0.5


def focus_height(subject: Subject) -> float:
    """Metres above a subject's feet where focus on it is set."""
    if not subject.is_person:
        return SET_PIECE_FOCUS_HEIGHT * subject.height
    return POSE_EYE_HEIGHT.get(subject.pose, FOCUS_HEIGHT) * subject.height


def subject_depths(project: Project, shot: Shot, name: str, c2w: np.ndarray, frames) -> np.ndarray:
    """Camera-space depth (metres along the view axis) of subject ``name`` on ``frames``."""
    subject = project.subject(name)
    points = subject_positions(project, shot, name, frames) + np.array([0.0, focus_height(subject), 0.0])
    forward = -c2w[:, :3, 2]
    return np.einsum("ni,ni->n", points - c2w[:, :3, 3], forward)


def _progress(kind_out: str, kind_in: str, s: np.ndarray) -> np.ndarray:
    """0..1 through a segment: ``constant`` holds, ``ease`` leaves/arrives at rest (smoothstep ends)."""
    if kind_out == "constant":
        return np.zeros_like(s)
    m0 = 0.0 if kind_out == "ease" else 1.0
    m1 = 0.0 if kind_in == "ease" else 1.0
    s2, s3 = s * s, s * s * s
    return (s3 - 2 * s2 + s) * m0 + (-2 * s3 + 3 * s2) + (s3 - s2) * m1


def focus_channels(project: Project, shot: Shot, frames: np.ndarray, c2w: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(focus_m, t_stop) on ``frames`` for the shot whose evaluated cameras are ``c2w``; (None, None)
    when no key keys focus."""
    focus_keys = [k for k in shot.keys if k.keys_focus]
    if not focus_keys:
        return None, None
    frames = np.asarray(frames, float)
    times = np.array([k.frame for k in focus_keys], float)
    # A key's focus_ease shapes its whole leaving segment (both ends); else the keys' own kinds.
    outs = [k.focus_ease or k.interp_out for k in focus_keys]
    ins = [focus_keys[0].interp_in] + [a.focus_ease or b.interp_in for a, b in zip(focus_keys[:-1], focus_keys[1:])]
    if all(k.focus_subject is None for k in focus_keys):
        focus = interpolate_channels(times, [k.focus_m for k in focus_keys], outs, ins, frames)[:, 0]
    else:
        # Each key's target on every frame: its fixed distance, or its subject's depth there.
        depth_of: dict[str, np.ndarray] = {}
        targets = []
        for k in focus_keys:
            if k.focus_subject is None:
                targets.append(np.full(len(frames), float(k.focus_m)))
            else:
                if k.focus_subject not in depth_of:
                    depth_of[k.focus_subject] = subject_depths(project, shot, k.focus_subject, c2w, frames)
                targets.append(depth_of[k.focus_subject])
        seg = np.clip(np.searchsorted(times, frames, side="right") - 1, 0, len(times) - 1)
        focus = np.array([targets[i][n] for n, i in enumerate(seg)])
        inside = np.flatnonzero((frames > times[0]) & (frames < times[-1]))
        for n in inside:
            i = seg[n]
            s = np.array([(frames[n] - times[i]) / (times[i + 1] - times[i])])
            u = float(np.clip(_progress(outs[i], ins[i + 1], s)[0], 0.0, 1.0))
            focus[n] = (1.0 - u) * targets[i][n] + u * targets[i + 1][n]
        before = frames <= times[0]
        focus[before] = targets[0][before]
    focus = np.clip(focus, MIN_FOCUS_M, MAX_FOCUS_M)  # a subject behind the camera: focus at the closest
    stop_keys = [k for k in shot.keys if k.t_stop is not None]
    if stop_keys:
        t_stop = interpolate_channels(
            [k.frame for k in stop_keys], [k.t_stop for k in stop_keys], [k.interp_out for k in stop_keys], [k.interp_in for k in stop_keys], frames
        )[:, 0]
        t_stop = np.clip(t_stop, MIN_T_STOP, MAX_T_STOP)
    else:
        t_stop = np.full(len(frames), shot.lens.t_stop)
    return focus, t_stop


# -- moves -------------------------------------------------------------------------------------


def _key_for_frame(shot: Shot, path: CameraPath, frame: int) -> tuple[list[CameraKey], int]:
    """The shot's keys with one at ``frame`` (the camera there, aiming like the key before it)."""
    keys = list(shot.keys)
    for i, k in enumerate(keys):
        if k.frame == frame:
            return keys, i
    before = [k for k in keys if k.frame < frame]
    like = before[-1] if before else keys[0]
    look = {"look_at": like.look_at, "look_at_height": like.look_at_height} if like.look_at else {}
    new = key_at(path, frame, like.interp_out, **look)
    keys.append(new)
    keys.sort(key=lambda k: k.frame)
    return keys, keys.index(new)


def _check_subject(project: Project, name: str, field: str) -> None:
    try:
        project.subject(name)
    except KeyError:
        raise ShotlineError(f"unknown subject {name!r}", "rack focus", field) from None


def rack_focus(
    project: Project,
    shot: Shot,
    path: CameraPath,
    subject_a: str,
    subject_b: str,
    start: int,
    end: int,
    ease: Interpolation = "ease",
) -> Shot:
    """The shot with focus racked from ``subject_a`` (held up to ``start``) to ``subject_b`` (from
    ``end`` on) with ``ease`` (the focus channel's alone: the camera's move keeps its own). Keys are added at ``start`` and ``end`` where there are none (the
    camera as ``path`` has it there); focus keyed between them is cleared, so the rack is one move.
    """
    _check_subject(project, subject_a, "subject_a")
    _check_subject(project, subject_b, "subject_b")
    start, end = int(start), int(end)
    if not 0 <= start < end < shot.duration:
        raise ShotlineError(f"a rack needs 0 <= start < end < {shot.duration} (got {start}..{end})", "rack focus", "frames")
    keys, _ = _key_for_frame(shot, path, start)
    keys, _ = _key_for_frame(shot.model_copy(update={"keys": keys}), path, end)
    out = []
    for k in keys:
        if k.frame == start:
            k = k.model_copy(update={"focus_subject": subject_a, "focus_m": None, "focus_ease": ease})
        elif k.frame == end:
            k = k.model_copy(update={"focus_subject": subject_b, "focus_m": None})
        elif start < k.frame < end:
            k = k.model_copy(update={"focus_subject": None, "focus_m": None, "focus_ease": None})
        out.append(k)
    return shot.model_copy(update={"keys": out})


def pull_focus(project: Project, shot: Shot, subject: str) -> Shot:
    """The shot with focus following ``subject`` on every frame (every key pulls to it)."""
    _check_subject(project, subject, "subject")
    return shot.model_copy(update={"keys": [k.model_copy(update={"focus_subject": subject, "focus_m": None}) for k in shot.keys]})


FOCUS_FIELDS = ("focus_m", "focus_subject", "t_stop", "focus_ease")


def carry_focus(old: Shot, keys: list[CameraKey], camera: Callable[[], CameraPath]) -> list[CameraKey]:
    """``keys`` — a shot's new camera keys (a recorded take, a switched take), whose camera
    ``camera()`` evaluates (only called when there is focus to carry) — with the focus keyed on
    ``old`` 's keys: each focus key lands on the new key at its frame, or on a key added there
    holding the new camera (so a new camera move keeps the rack)."""
    focus_keys = [k for k in old.keys if k.keys_focus or k.t_stop is not None]
    if not focus_keys:
        return keys
    path = camera()
    by_frame = {k.frame: k.model_copy(update=dict.fromkeys(FOCUS_FIELDS)) for k in keys}
    for fk in focus_keys:
        if fk.frame >= len(path):
            continue  # the new camera is shorter: that focus key has no frame any more
        base = by_frame.get(fk.frame) or key_at(path, fk.frame)
        by_frame[fk.frame] = base.model_copy(update={f: getattr(fk, f) for f in FOCUS_FIELDS})
    return sorted(by_frame.values(), key=lambda k: k.frame)
