"""CameraPath: per-frame camera-to-world poses and focal lengths of one shot."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial.transform import Rotation

from engine.errors import ShotlineError


@dataclass
class CameraPath:
    """Sampled camera of one shot: ``c2w`` (N,4,4), ``focal_mm`` (N,), film back (w, h) in mm.

    ``focus_m`` and ``t_stop`` (N,) are the focus distance and aperture of every frame, or None
    for a camera that keys no focus (everything sharp: no depth of field is drawn)."""

    c2w: np.ndarray
    focal_mm: np.ndarray
    film_back_mm: tuple[float, float]
    fps: float = 24.0
    name: str = ""
    focus_m: np.ndarray | None = None
    t_stop: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.c2w = np.asarray(self.c2w, dtype=float).reshape(-1, 4, 4)
        self.focal_mm = np.broadcast_to(np.asarray(self.focal_mm, dtype=float), (len(self.c2w),)).copy()
        self.film_back_mm = (float(self.film_back_mm[0]), float(self.film_back_mm[1]))
        if (self.focus_m is None) != (self.t_stop is None):
            raise ValueError("focus_m and t_stop come together (or neither)")
        if self.focus_m is not None:
            self.focus_m = np.broadcast_to(np.asarray(self.focus_m, dtype=float), (len(self.c2w),)).copy()
            self.t_stop = np.broadcast_to(np.asarray(self.t_stop, dtype=float), (len(self.c2w),)).copy()

    @property
    def has_focus(self) -> bool:
        return self.focus_m is not None

    def __len__(self) -> int:
        return len(self.c2w)

    def slice(self, start: int, stop: int) -> "CameraPath":
        """Frames ``start`` to ``stop - 1`` as a path of their own (a copy)."""
        focus = (None, None) if self.focus_m is None else (self.focus_m[start:stop].copy(), self.t_stop[start:stop].copy())
        return CameraPath(self.c2w[start:stop].copy(), self.focal_mm[start:stop].copy(), self.film_back_mm, self.fps, self.name, *focus)

    @property
    def positions(self) -> np.ndarray:
        return self.c2w[:, :3, 3]

    @property
    def rotations(self) -> Rotation:
        return Rotation.from_matrix(self.c2w[:, :3, :3])

    def validate(self, source: str = "camera path") -> "CameraPath":
        """Reject what would make the maths lie: NaN/inf, empty paths, non-rigid rotations."""
        if len(self.c2w) == 0:
            raise ShotlineError("has no frames", source, self.name or "")
        if not np.all(np.isfinite(self.c2w)):
            bad = int(np.argwhere(~np.isfinite(self.c2w).reshape(len(self.c2w), -1).all(axis=1))[0][0])
            raise ShotlineError(f"pose at frame {bad} is not finite (NaN or inf)", source, self.name or "poses")
        if not np.all(np.isfinite(self.focal_mm)) or np.any(self.focal_mm <= 0):
            bad = int(np.argwhere(~(np.isfinite(self.focal_mm) & (self.focal_mm > 0)))[0][0])
            raise ShotlineError(f"focal length at frame {bad} must be a positive number", source, self.name or "focal_mm")
        for field in ("focus_m", "t_stop"):
            values = getattr(self, field)
            if values is not None and (not np.all(np.isfinite(values)) or np.any(values <= 0)):
                bad = int(np.argwhere(~(np.isfinite(values) & (values > 0)))[0][0])
                raise ShotlineError(f"{field} at frame {bad} must be a positive number", source, self.name or field)
        r = self.c2w[:, :3, :3]
        err = np.abs(np.einsum("nij,nkj->nik", r, r) - np.eye(3)).max(axis=(1, 2))
        if np.any(err > 1e-4):
            raise ShotlineError(f"pose at frame {int(np.argmax(err))} is not a rotation", source, self.name or "poses")
        return self
