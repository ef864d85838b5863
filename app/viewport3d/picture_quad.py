"""An RGB picture on a rectangle of the canvas, as one textured quad with the plainest shader.

vispy's ``Image`` visual turns 8-bit RGB into float32 on the CPU (its contrast range), and its
fragment shader runs that range and a gamma for every pixel; on software GL (Mesa llvmpipe) that
made the look-through's picture the dearest thing in the frame (benchmarks/look_through.py). Here
the picture is uploaded as it is (``rgb8``) and each pixel is one linear texture fetch.
"""

from __future__ import annotations

import numpy as np
from vispy import gloo, scene
from vispy.visuals import Visual

_VERT = """
attribute vec2 a_corner;  // the unit square; the node's transform puts it on the canvas
varying vec2 v_uv;
void main() {
    v_uv = a_corner;
    gl_Position = $transform(vec4(a_corner, 0.0, 1.0));
}
"""

_FRAG = """
uniform sampler2D u_picture;
varying vec2 v_uv;
void main() {
    gl_FragColor = texture2D(u_picture, v_uv);
}
"""


class PictureQuadVisual(Visual):
    """Row 0 of the picture along y = 0 of the unit square (the top, in the view's y-down pixels)."""

    def __init__(self):
        super().__init__(vcode=_VERT, fcode=_FRAG)
        self._texture = gloo.Texture2D(np.zeros((2, 2, 3), np.uint8), interpolation="linear", internalformat="rgb8")
        self.shared_program["u_picture"] = self._texture
        self.shared_program["a_corner"] = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], np.float32)
        self._draw_mode = "triangle_strip"
        self.set_gl_state("opaque", depth_test=False)

    def set_data(self, picture: np.ndarray) -> None:
        """An (h, w, 3) uint8 picture; a new size resizes the texture."""
        self._texture.set_data(np.ascontiguousarray(picture, np.uint8))
        self.update()

    def _prepare_transforms(self, view) -> None:
        view.view_program.vert["transform"] = view.get_transform()

    def _prepare_draw(self, view) -> None:
        pass

    def _compute_bounds(self, axis, view):
        return (0.0, 1.0) if axis < 2 else (0.0, 0.0)


PictureQuad = scene.visuals.create_visual_node(PictureQuadVisual)
