"""A vispy camera that draws with exactly the matrices of ``view_math`` (no interaction of its own).

vispy's turntable camera keeps its own state and maths; ours lives in ``Orbit`` / ``ViewState`` so
that picking, tests and drawing agree to the pixel. Navigation is handled by the viewport widget.
"""

from __future__ import annotations

import numpy as np
from vispy.scene.cameras import BaseCamera
from vispy.visuals.transforms import ChainTransform, MatrixTransform, STTransform

from app.viewport3d.view_math import ViewState


class MatrixCamera(BaseCamera):
    def __init__(self):
        super().__init__(interactive=False)
        self.state: ViewState | None = None
        self._ndc_to_pixels = STTransform()
        self._matrix = MatrixTransform()
        # One transform object, updated in place: a new one would make every visual rebuild its
        # shader program on the next draw (hundreds of ms with software GL).
        self._chain = ChainTransform([self._ndc_to_pixels, self._matrix])
        self._installed = False
        self._applied: ViewState | None = None  # the state the visuals' transforms were last given

    def set_state(self, state: ViewState, defer: bool = False) -> None:
        """``defer``: nothing in the scene is drawn now (the look-through's picture covers it), so the
        matrices wait for ``flush`` — a transform change is sent to every visual, shown or not."""
        self.state = state
        if not defer:
            self.flush()

    @property
    def stale(self) -> bool:
        """The state set is not the one the scene's visuals draw with."""
        a, s = self._applied, self.state
        if s is None:
            return False
        return a is None or (a.width, a.height) != (s.width, s.height) or not np.array_equal(a.matrix, s.matrix)

    def flush(self) -> None:
        if self.stale:  # an unchanged view costs nothing (transform events reach every visual)
            self._update_transform()

    def view_changed(self) -> None:  # no ranges, no default state: only our matrices
        self._update_transform()

    def viewbox_key_event(self, event) -> None:  # vispy resets cameras on Backspace; we do not
        pass

    def _update_transform(self, event=None) -> None:
        if self._viewbox is None or self.state is None:
            return
        w, h = self._viewbox.size
        if w == 0 or h == 0:
            return
        self._applied = self.state
        self._ndc_to_pixels.set_mapping([[-1, 1], [1, -1]], [[0, 0], [w, h]])
        self._matrix.matrix = self.state.matrix.T  # vispy maps row vectors: p @ M
        if not self._installed or self._viewbox.scene.transform is not self._scene_transform:
            self._set_scene_transform(self._chain)
            self._installed = True
        else:
            self._viewbox.update()
