"""Which planner plans: ``rules``, ``learned`` or ``auto``.

``auto`` is the learned planner when the project has an unmuted audio track (the rules cannot hear
music; the model starts moves on its beats and moves with its energy) and the bundled model is
installed, and the rules otherwise (they are instant and the better at following words).
"""

from __future__ import annotations

from pathlib import Path

from engine.errors import ShotlineError
from engine.planner.plan import Plan, plan_alternatives
from engine.project import Project

PLANNERS = ("rules", "learned", "auto")


def resolve(planner: str, project: Project | None) -> str:
    """``rules`` or ``learned`` for a choice of ``PLANNERS``."""
    from engine.planner.learned.planner import model_available

    if planner not in PLANNERS:
        raise ShotlineError(f"unknown planner {planner!r}; choose rules, learned or auto", "plan", "--planner")
    if planner != "auto":
        return planner
    has_music = project is not None and any(not t.mute for t in project.audio)
    return "learned" if has_music and model_available() else "rules"


def plan_with(planner: str, text: str, project: Project | None, n: int = 1, seed: int = 0, base_dir: str | Path | None = None) -> list[Plan]:
    """``n`` proposals from the chosen planner (the learned planner's are samples of the same shots)."""
    if resolve(planner, project) == "rules":
        return plan_alternatives(text, project, n, seed)
    from engine.planner.learned.planner import bundled

    return bundled().alternatives(text, project, n, seed, base_dir=base_dir)
