"""Camera rigs: constraints on a shot's camera (dolly on a track, crane, Steadicam, tripod).

``Shot.rig`` holds one of these models (None: a free camera). ``engine.camera.rigs.evaluate`` turns
a rigged shot's keys into per-frame cameras inside the one evaluation path and snaps edited keys
onto the rig.
"""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field

from engine.camera.rigs.crane import CraneRig
from engine.camera.rigs.dolly import DollyRig
from engine.camera.rigs.steadicam import SteadicamRig
from engine.camera.rigs.tripod import TripodRig

Rig = Annotated[Union[DollyRig, CraneRig, SteadicamRig, TripodRig], Field(discriminator="kind")]
RIG_KINDS = ("dolly", "crane", "steadicam", "tripod")

__all__ = ["Rig", "RIG_KINDS", "DollyRig", "CraneRig", "SteadicamRig", "TripodRig"]
