"""The learned camera planner of the trajectory patent (seed 003). Never imports our other packages."""

from models.planner.segment_bias import segment_progress, segment_text_bias
from models.planner.trajectory_dit import OVERLAP_FRAMES, SEGMENT_FRAMES, STATE_DIM, PlannerConfig, TrajectoryDiT

__all__ = ["OVERLAP_FRAMES", "SEGMENT_FRAMES", "STATE_DIM", "PlannerConfig", "TrajectoryDiT", "segment_progress", "segment_text_bias"]
