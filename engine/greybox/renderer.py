"""The grey-box renderer: a frame of the set through one camera, rasterised with OpenGL (moderngl, EGL).

The camera is ``engine.grid.render.View`` — the grid renderer's pinhole: camera-to-world pose, the
camera looking down -Z, focal length in pixels from the lens and the film back's width, principal
point at the image centre — turned into a GL projection with the same numbers, so a world point
lands on the pixel ``View.project_points`` says (pixel centres at +0.5, rows top-down).

Passes, all from one draw into several targets (or the beauty target alone when that is all that is
asked): ``beauty`` (clay: a key light, ambient and sky fill, the subjects' colours, a checkered
floor with metre lines and a soft contact shadow under every person), ``depth`` (float32 metres
along the camera's view axis; inf where only sky is), ``normal`` (camera space, x right, y up, z
towards the camera, float32 in [-1, 1], 8 bits of precision) and ``id`` (uint16 instance ids,
``scene.id_legend``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from engine.errors import ShotlineError
from engine.greybox.gl import gl_context, run_gl
from engine.greybox.scene import FLOOR_ID, PRIMITIVES, Scene
from engine.grid.render import View

PASSES = ("beauty", "depth", "normal", "id")
SKY_RGB = (0.66, 0.7, 0.76)
LIGHT_DIR = np.array([0.45, 0.8, 0.55]) / np.linalg.norm([0.45, 0.8, 0.55])
NEAR, FAR = 0.05, 2000.0
MAX_SHADOWS = 32
FLOOR_EXTENT = 400.0  # metres either side of the camera
SHADOW_LIFT = 0.002  # shadow patches above the floor: enough for a 24-bit depth buffer

_HEADER = "#version 330\n"

_CLAY_VS = """
in vec3 in_pos;
in vec3 in_normal;
in mat4 i_model;
in vec3 i_color;
in uint i_id;
uniform mat4 u_view;
uniform mat4 u_proj;
out vec3 v_nw;
out vec3 v_color;
out float v_z;
flat out uint v_id;
void main() {
    vec4 world = i_model * vec4(in_pos, 1.0);
    vec4 cam = u_view * world;
    gl_Position = u_proj * cam;
    v_z = -cam.z;
    mat3 m = mat3(i_model);
    // Models are a rotation times a scale, so the inverse transpose is M S^-2 (no inverse per vertex).
    v_nw = m * (in_normal / vec3(dot(m[0], m[0]), dot(m[1], m[1]), dot(m[2], m[2])));
    v_color = i_color;
    v_id = i_id;
}
"""

_OUTPUTS = """
layout(location = 0) out vec4 f_color;
#ifdef ALL_PASSES
layout(location = 1) out float f_depth;
layout(location = 2) out vec4 f_normal;
layout(location = 3) out uint f_id;
#endif
uniform mat4 u_view;
void write_passes(vec3 rgb, float z, vec3 nw, uint id) {
    f_color = vec4(rgb, 1.0);
#ifdef ALL_PASSES
    f_depth = z;
    f_normal = vec4(mat3(u_view) * nw * 0.5 + 0.5, 1.0);
    f_id = id;
#endif
}
"""

_CLAY_FS = """
in vec3 v_nw;
in vec3 v_color;
in float v_z;
flat in uint v_id;
uniform vec3 u_light;
void main() {
    vec3 n = normalize(v_nw);
    if (!gl_FrontFacing) n = -n;  // user meshes may be open or wound either way
    float key = max(dot(n, u_light), 0.0);
    float sky = 0.5 + 0.5 * n.y;
    vec3 rgb = v_color * (0.3 + 0.58 * key + 0.2 * sky);
    write_passes(rgb, v_z, n, v_id);
}
"""

_FLOOR_VS = """
in vec2 in_xz;
uniform mat4 u_view;
uniform mat4 u_proj;
uniform float u_patch;
uniform vec3 u_offset;  // the whole floor follows the camera; shadow patches sit on their person
out vec3 v_world;
out float v_z;
void main() {
    vec2 xz = in_xz * u_patch;
    v_world = vec3(xz.x + u_offset.x, 0.0, xz.y + u_offset.z);
    vec4 cam = u_view * vec4(v_world + vec3(0.0, u_offset.y, 0.0), 1.0);
    gl_Position = u_proj * cam;
    v_z = -cam.z;
}
"""

# The floor is drawn twice: everywhere without shadows (a loop per pixel is what llvmpipe is slow
# at), then a patch around each person, just above it, with every contact shadow summed.
_FLOOR_FS = """
in vec3 v_world;
in float v_z;
uniform vec3 u_eye;
uniform vec3 u_sky;
uniform vec3 u_light;
#ifdef SHADOWS
uniform int u_nshadows;
uniform vec3 u_shadows[%d];
#endif
void main() {
    vec2 p = v_world.xz;
    float checker = mod(floor(p.x) + floor(p.y), 2.0);
    vec3 base = mix(vec3(0.50, 0.50, 0.48), vec3(0.57, 0.57, 0.55), checker);
    vec2 w = fwidth(p);
    vec2 g = abs(fract(p - 0.5) - 0.5) / max(w, vec2(1e-4));
    float line = 1.0 - min(min(g.x, g.y), 1.0);
    base = mix(base, vec3(0.38, 0.38, 0.37), 0.6 * line);
    float shade = 1.0;
#ifdef SHADOWS
    for (int i = 0; i < u_nshadows; ++i) {
        vec2 d = p - u_shadows[i].xy;
        float r = u_shadows[i].z;
        shade -= 0.6 * exp(-dot(d, d) / (r * r));
    }
#endif
    vec3 rgb = base * max(shade, 0.25) * (0.5 + 0.58 * u_light.y);
    float dist = length(v_world - u_eye);
    rgb = mix(rgb, u_sky, smoothstep(25.0, 160.0, dist));  // the checker would alias into moire far away
    write_passes(rgb, v_z, vec3(0.0, 1.0, 0.0), %du);
}
"""

_SKY_VS = """
in vec2 in_ndc;
void main() { gl_Position = vec4(in_ndc, 0.99999, 1.0); }
"""

_SKY_FS = """
uniform vec3 u_sky;
void main() { write_passes(u_sky, uintBitsToFloat(0x7f800000u), vec3(0.0), 0u); }
"""


def projection_matrix(view: View, near: float = NEAR, far: float = FAR) -> np.ndarray:
    """The GL projection of ``View``'s pinhole: focal ``focal_px``, principal point at the centre."""
    f, w, h = float(view.focal_px), float(view.width), float(view.height)
    return np.array(
        [
            [2 * f / w, 0.0, 0.0, 0.0],
            [0.0, 2 * f / h, 0.0, 0.0],
            [0.0, 0.0, -(far + near) / (far - near), -2 * far * near / (far - near)],
            [0.0, 0.0, -1.0, 0.0],
        ]
    )


def _gl_bytes(m: np.ndarray) -> bytes:
    return np.ascontiguousarray(np.asarray(m, np.float32).T).tobytes()  # GL reads column-major


def unit_box() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    verts, norms, idx = [], [], []
    for axis in range(3):
        for sign in (-1.0, 1.0):
            n = np.zeros(3)
            n[axis] = sign
            u, v = np.zeros(3), np.zeros(3)
            u[(axis + 1) % 3], v[(axis + 2) % 3] = 1.0, 1.0
            if sign < 0:
                u, v = v, u  # keep the winding counter-clockwise seen from outside
            base = len(verts)
            for a, b in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
                verts.append(0.5 * n + 0.5 * a * u + 0.5 * b * v)
                norms.append(n)
            idx += [base, base + 1, base + 2, base, base + 2, base + 3]
    return np.array(verts, np.float32), np.array(norms, np.float32), np.array(idx, np.int32)


# Sides of a limb's cylinder and of the sphere rounding its joint. The two are drawn in the bone's
# frame with the same count and phase, so the cylinder's end ring lies on the sphere's equator: two
# coarse polyhedra of one radius otherwise cut each other in a zigzag (a jagged band across the back
# in close framings), and finer ones cost a quarter of the frame rate.
JOINT_SEGMENTS = 12


def unit_cylinder(segments: int = 12) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    verts, norms, idx = [], [], []
    angles = np.linspace(0.0, 2 * np.pi, segments, endpoint=False)
    for a in angles:  # side: a ring at the bottom and one at the top, smooth normals
        n = np.array([np.sin(a), 0.0, np.cos(a)])
        verts += [0.5 * n + [0, -0.5, 0], 0.5 * n + [0, 0.5, 0]]
        norms += [n, n]
    for i in range(segments):
        j = (i + 1) % segments
        b0, t0, b1, t1 = 2 * i, 2 * i + 1, 2 * j, 2 * j + 1
        idx += [b0, b1, t1, b0, t1, t0]
    for y, sign in ((0.5, 1.0), (-0.5, -1.0)):  # caps, flat
        centre = len(verts)
        verts.append([0.0, y, 0.0])
        norms.append([0.0, sign, 0.0])
        for a in angles:
            verts.append([0.5 * np.sin(a), y, 0.5 * np.cos(a)])
            norms.append([0.0, sign, 0.0])
        for i in range(segments):
            a, b = centre + 1 + i, centre + 1 + (i + 1) % segments
            idx += [centre, a, b] if sign > 0 else [centre, b, a]
    return np.array(verts, np.float32), np.array(norms, np.float32), np.array(idx, np.int32)


def unit_sphere(rings: int = 6, segments: int = 10) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    verts, idx = [], []
    for r in range(rings + 1):
        phi = np.pi * r / rings
        for s in range(segments + 1):
            theta = 2 * np.pi * s / segments
            verts.append([np.sin(phi) * np.sin(theta), np.cos(phi), np.sin(phi) * np.cos(theta)])
    for r in range(rings):
        for s in range(segments):
            a = r * (segments + 1) + s
            b = a + segments + 1
            idx += [a, b, a + 1, a + 1, b, b + 1]
    v = np.array(verts, np.float32)
    return 0.5 * v, v.copy(), np.array(idx, np.int32)


@dataclass
class _Targets:
    fbo: object
    textures: dict
    buffers: dict


class GreyboxRenderer:
    """Renders scenes at one frame size. Holds GL objects: make one and reuse it for every frame."""

    def __init__(self, width: int, height: int):
        if width < 2 or height < 2 or width > 8192 or height > 8192:
            raise ShotlineError(f"frame size {width}x{height} is out of range", "greybox", "size")
        run_gl(self._setup, width, height)

    def _setup(self, width: int, height: int) -> None:
        import moderngl

        self.width, self.height = int(width), int(height)
        self.ctx = gl_context()
        ctx = self.ctx
        self.programs = {}
        for passes in ("beauty", "all"):
            defines = "#define ALL_PASSES\n" if passes == "all" else ""
            head = _HEADER + defines + _OUTPUTS
            self.programs[passes] = {
                "clay": ctx.program(vertex_shader=_HEADER + _CLAY_VS, fragment_shader=head + _CLAY_FS),
                "floor": ctx.program(vertex_shader=_HEADER + _FLOOR_VS, fragment_shader=head + _FLOOR_FS % (MAX_SHADOWS, FLOOR_ID)),
                "shadow": ctx.program(
                    vertex_shader=_HEADER + _FLOOR_VS, fragment_shader=head + "#define SHADOWS\n" + _FLOOR_FS % (MAX_SHADOWS, FLOOR_ID)
                ),
                "sky": ctx.program(vertex_shader=_HEADER + _SKY_VS, fragment_shader=head + _SKY_FS),
            }
        self._geometry = {"box": unit_box(), "cylinder": unit_cylinder(JOINT_SEGMENTS), "sphere": unit_sphere(6, JOINT_SEGMENTS), "head": unit_sphere(12, 18)}
        self._vbos = {k: (ctx.buffer(np.hstack([v, n]).astype("f4").tobytes()), ctx.buffer(i.tobytes()), len(i)) for k, (v, n, i) in self._geometry.items()}
        self._instance_capacity: dict[str, int] = {}
        self._instances: dict[str, object] = {}
        self._vaos: dict[tuple[str, str], object] = {}
        self._floor_vbo = ctx.buffer(np.array([[-1, -1], [-1, 1], [1, 1], [-1, -1], [1, 1], [1, -1]], "f4").tobytes())
        self._sky_vbo = ctx.buffer(np.array([[-1, -1], [3, -1], [-1, 3]], "f4").tobytes())
        self._mesh_vbos: dict[str, tuple[object, int]] = {}
        self._mesh_instance = ctx.buffer(reserve=80)
        size = (self.width, self.height)
        depth = ctx.depth_renderbuffer(size)
        colour = ctx.texture(size, 4)
        self._targets = {
            "beauty": _Targets(ctx.framebuffer([colour], depth), {"beauty": colour}, {}),
        }
        textures = {
            "beauty": ctx.texture(size, 4),
            "depth": ctx.texture(size, 1, dtype="f4"),
            "normal": ctx.texture(size, 4),  # 8 bits a component: a quarter of float's bandwidth per pixel
            "id": ctx.texture(size, 1, dtype="u2"),
        }
        self._targets["all"] = _Targets(
            ctx.framebuffer([textures[k] for k in PASSES], ctx.depth_renderbuffer(size)), textures, {}
        )
        self._moderngl = moderngl
        n = self.width * self.height
        self._read = {
            "beauty": np.empty((n, 4), np.uint8),
            "depth": np.empty(n, np.float32),
            "normal": np.empty((n, 4), np.uint8),
            "id": np.empty(n, np.uint16),
        }

    # -- GL plumbing -------------------------------------------------------------------------------

    def _instance_buffer(self, kind: str, count: int):
        if self._instance_capacity.get(kind, 0) < count:
            capacity = max(64, 1 << (count - 1).bit_length())
            self._instances[kind] = self.ctx.buffer(reserve=capacity * 80)
            self._instance_capacity[kind] = capacity
            for key in [k for k in self._vaos if k[1] == kind]:
                del self._vaos[key]
        return self._instances[kind]

    def _vao(self, passes: str, kind: str):
        key = (passes, kind)
        if key not in self._vaos:
            vbo, ibo, _ = self._vbos[kind]
            self._vaos[key] = self.ctx.vertex_array(
                self.programs[passes]["clay"],
                [(vbo, "3f 3f", "in_pos", "in_normal"), (self._instances[kind], *self._instance_layout(self.programs[passes]["clay"]))],
                index_buffer=ibo,
            )
        return self._vaos[key]

    def _mesh_vao(self, passes: str, mesh):
        key = (passes, mesh.key)
        if key not in self._vaos:
            if mesh.key not in self._mesh_vbos:
                data = np.hstack([mesh.vertices, mesh.normals]).astype("f4")
                self._mesh_vbos[mesh.key] = (self.ctx.buffer(data.tobytes()), len(data))
            vbo, _ = self._mesh_vbos[mesh.key]
            self._vaos[key] = self.ctx.vertex_array(
                self.programs[passes]["clay"],
                [(vbo, "3f 3f", "in_pos", "in_normal"), (self._mesh_instance, *self._instance_layout(self.programs[passes]["clay"]))],
            )
        return self._vaos[key]

    @staticmethod
    def _instance_layout(program) -> tuple:
        """The instance attributes the program kept (the beauty-only shader drops the id): pad the rest."""
        fmt, names = [], []
        for name, code, size in (("i_model", "16f", 64), ("i_color", "3f", 12), ("i_id", "1u", 4)):
            if name in program:
                fmt.append(code)
                names.append(name)
            else:
                fmt.append(f"{size}x")
        return (" ".join(fmt) + "/i", *names)

    @staticmethod
    def _instance_bytes(models, colours, ids) -> bytes:
        rec = np.zeros(len(ids), dtype=[("m", "f4", 16), ("c", "f4", 3), ("i", "u4")])
        rec["m"] = np.ascontiguousarray(models.transpose(0, 2, 1)).reshape(-1, 16)
        rec["c"] = colours
        rec["i"] = ids
        return rec.tobytes()

    # -- rendering ---------------------------------------------------------------------------------

    def draw(self, scene: Scene, view: View, all_passes: bool) -> None:
        """Rasterise into the targets (``read`` fetches the pixels); in the GL thread."""
        if view.width != self.width or view.height != self.height:
            raise ShotlineError(f"view is {view.width}x{view.height}, renderer {self.width}x{self.height}", "greybox", "size")
        moderngl = self._moderngl
        passes = "all" if all_passes else "beauty"
        progs = self.programs[passes]
        target = self._targets[passes]
        ctx = self.ctx
        target.fbo.use()
        ctx.viewport = (0, 0, self.width, self.height)
        w2c = np.linalg.inv(np.asarray(view.c2w, float))
        # Upside down (GL's first row is the image's top, so ``read`` needs no flip); that mirrors
        # the winding too, so clockwise is front.
        proj = np.diag([1.0, -1.0, 1.0, 1.0]) @ projection_matrix(view)
        ctx.front_face = "cw"
        view_bytes, proj_bytes = _gl_bytes(w2c), _gl_bytes(proj)
        light = tuple(float(v) for v in LIGHT_DIR)

        # The beauty target alone is cleared to the sky (a clear costs a fraction of a full-screen
        # draw on llvmpipe); with all passes the sky is drawn, as each target needs its own value.
        target.fbo.clear(*SKY_RGB, 1.0, depth=1.0)
        ctx.enable(moderngl.DEPTH_TEST)
        # Subjects first, then the floor and the sky: what they hide fails the depth test before shading.

        clay = progs["clay"]
        clay["u_view"].write(view_bytes)
        clay["u_proj"].write(proj_bytes)
        clay["u_light"].value = light
        ctx.enable(moderngl.CULL_FACE)
        for kind in PRIMITIVES:
            models, colours, ids = scene.arrays(kind)
            if not len(ids):
                continue
            # Nearest first: what they hide then fails the depth test before it is shaded (the
            # subjects cover half the frame and shading, not geometry, is llvmpipe's cost).
            order = np.argsort(models[:, :3, 3] @ -w2c[2, :3].astype(np.float32))
            buf = self._instance_buffer(kind, len(ids))
            buf.write(self._instance_bytes(models[order], colours[order], ids[order]))
            self._vao(passes, kind).render(moderngl.TRIANGLES, vertices=self._vbos[kind][2], instances=len(ids))
        ctx.disable(moderngl.CULL_FACE)  # user meshes may be open or wound either way
        for mesh, model, rgb, ident in scene.meshes:
            self._mesh_instance.write(self._instance_bytes(model[None], np.array([rgb], "f4"), np.array([ident], "u4")))
            self._mesh_vao(passes, mesh).render(moderngl.TRIANGLES)
        eye = np.asarray(view.c2w, float)[:3, 3]
        floor = progs["floor"]
        for prog in (floor, progs["shadow"]):
            prog["u_view"].write(view_bytes)
            prog["u_proj"].write(proj_bytes)
            prog["u_eye"].value = tuple(float(v) for v in eye)
            prog["u_sky"].value = SKY_RGB
            prog["u_light"].value = light
        floor["u_offset"].value = (float(eye[0]), 0.0, float(eye[2]))
        floor["u_patch"].value = FLOOR_EXTENT
        self._vaos_floor[passes].render(moderngl.TRIANGLES)
        shadows = scene.shadows[:MAX_SHADOWS]
        if shadows:
            shadow = progs["shadow"]
            packed = np.zeros((MAX_SHADOWS, 3), "f4")
            packed[: len(shadows)] = shadows
            shadow["u_nshadows"].value = len(shadows)
            shadow["u_shadows"].write(packed.tobytes())
            for x, z, radius in shadows:
                shadow["u_offset"].value = (x, SHADOW_LIFT, z)
                shadow["u_patch"].value = 2.6 * radius
                self._vaos_patch[passes].render(moderngl.TRIANGLES)

        # The sky last, just inside the far plane: it fills only what nothing else covered.
        if all_passes:
            progs["sky"]["u_sky"].value = SKY_RGB
            self._vaos_sky[passes].render(moderngl.TRIANGLES)

    def read(self, names=("beauty",)) -> dict[str, np.ndarray]:
        """The drawn passes as new arrays, top row first: beauty (H,W,3) uint8, depth (H,W) float32,
        normal (H,W,3) float32, id (H,W) uint16; in the GL thread.

        The frame is drawn upside down (``draw``), so GL's bottom-up rows come back top row first and
        each pass is read straight into the array handed out: no flip, no second copy (on llvmpipe
        the flipped copy of an RGBA frame cost as much as drawing the floor)."""
        passes = "beauty" if tuple(names) == ("beauty",) else "all"
        target = self._targets[passes]
        h, w = self.height, self.width
        out = {}
        for name in names:
            if name == "beauty":
                out[name] = np.empty((h, w, 3), np.uint8)
                target.fbo.read_into(out[name], components=3, attachment=0)
            elif name == "depth":
                out[name] = np.empty((h, w), np.float32)
                target.textures[name].read_into(out[name])
            elif name == "normal":
                buf = np.empty((h, w, 3), np.uint8)
                target.fbo.read_into(buf, components=3, attachment=PASSES.index("normal"))
                out[name] = buf * np.float32(2.0 / 255.0) - np.float32(1.0)
            else:
                out[name] = np.empty((h, w), np.uint16)  # ids fit 16 bits (a project holds at most 10,000 subjects)
                target.textures[name].read_into(out[name])
        return out

    def render(self, scene: Scene, view: View, passes=("beauty",)) -> dict[str, np.ndarray]:
        """Draw and read the named passes (copies: the next frame reuses the read buffers)."""
        passes = tuple(passes)
        unknown = [p for p in passes if p not in PASSES]
        if unknown:
            raise ShotlineError(f"unknown pass {unknown[0]!r} (one of {', '.join(PASSES)})", "greybox", "pass")
        return run_gl(self._render, scene, view, passes)

    def _render(self, scene: Scene, view: View, passes: tuple) -> dict[str, np.ndarray]:
        self.draw(scene, view, all_passes=passes != ("beauty",))
        return self.read(passes)

    @property
    def _vaos_sky(self):
        if not hasattr(self, "_sky_vaos"):
            self._sky_vaos = {p: self.ctx.vertex_array(self.programs[p]["sky"], [(self._sky_vbo, "2f", "in_ndc")]) for p in ("beauty", "all")}
        return self._sky_vaos

    @property
    def _vaos_floor(self):
        if not hasattr(self, "_floor_vaos"):
            self._floor_vaos = {p: self.ctx.vertex_array(self.programs[p]["floor"], [(self._floor_vbo, "2f", "in_xz")]) for p in ("beauty", "all")}
        return self._floor_vaos

    @property
    def _vaos_patch(self):
        if not hasattr(self, "_patch_vaos"):
            self._patch_vaos = {p: self.ctx.vertex_array(self.programs[p]["shadow"], [(self._floor_vbo, "2f", "in_xz")]) for p in ("beauty", "all")}
        return self._patch_vaos


_shared = threading.local()


def shared_renderer(width: int, height: int) -> GreyboxRenderer:
    """This thread's renderer for a frame size (building one compiles six shaders: reuse it)."""
    cache = getattr(_shared, "renderers", None)
    if cache is None:
        cache = _shared.renderers = {}
    key = (int(width), int(height))
    ctx = gl_context()  # raises when there is no GL (any more): never hand out a dead renderer
    if key in cache and cache[key].ctx is not ctx:
        cache.clear()
    if key not in cache:
        if len(cache) >= 8:
            cache.pop(next(iter(cache)))
        cache[key] = GreyboxRenderer(*key)
    return cache[key]
