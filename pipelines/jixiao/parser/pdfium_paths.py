"""A page's ruling edges from PDFium's path objects, cut the way pdfminer and pdfplumber cut them.

pdfminer turns each painted subpath into a line (``m l``), a rectangle (an axis-aligned closed
``m l l l``, which is what ``re`` becomes) or a curve (anything else, through its segments'
end points); pdfplumber gives a line one edge, a rectangle four and a curve one per pair of
points. PDFium keeps each path object's segments with their own matrix (and a form XObject's
objects with the form's), so the segments are put in page space first and then cut the same
way. A white rectangle painted without a stroke (a cell's background) gives no edge.
"""

from __future__ import annotations

import itertools
import re
from ctypes import byref, c_float, c_int, c_uint

from . import pdfium_api as api
from .page_frame import Matrix, PageFrame, multiply
from .rawpage import RawEdge

Point = tuple[float, float]

_SUBPATH = re.compile(r"m[^m]*")


def page_edges(paths: list[tuple[int, Matrix]], frame: PageFrame) -> list[RawEdge]:
    """The visible edges of the page's path objects (each with its matrix to user space)."""
    edges: list[RawEdge] = []
    for obj, matrix in paths:
        edges.extend(_path_edges(obj, multiply(matrix, frame.to_page)))
    return edges


def _segments(obj: int, matrix: Matrix) -> list[tuple[str, Point]]:
    """The path as pdfminer's operators with their end points, in the page's frame: ``m``,
    ``l``, ``c`` (a Bézier's end point) and ``h`` (closing back to the subpath's start)."""
    a, b, c, d, e, f = matrix
    x, y = c_float(), c_float()
    ops: list[tuple[str, Point]] = []
    start: Point = (0.0, 0.0)
    bezier = 0
    for i in range(max(api.path_count_segments(obj), 0)):
        seg = api.path_segment(obj, i)
        if not seg or not api.segment_point(seg, byref(x), byref(y)):
            continue
        u, v = x.value, y.value
        pt = (a * u + c * v + e, b * u + d * v + f)
        kind = api.segment_type(seg)
        if kind == api.SEG_MOVETO:
            ops.append(("m", pt))
            start = pt
            bezier = 0
        elif kind == api.SEG_BEZIERTO:
            bezier += 1
            if bezier % 3:
                continue  # a control point: pdfminer keeps only where the curve ends
            ops.append(("c", pt))
        else:
            ops.append(("l", pt))
        if api.segment_close(seg):
            ops.append(("h", start))
    return ops


def _path_edges(obj: int, matrix: Matrix) -> list[RawEdge]:
    mode, stroke = c_int(), c_int()
    if not api.path_draw_mode(obj, byref(mode), byref(stroke)):
        return []
    ops = _segments(obj, matrix)
    shape = "".join(op for op, _ in ops)
    if not shape.startswith("m"):
        return []
    hidden = not stroke.value and mode.value != api.FILL_NONE and _white_fill(obj)
    edges: list[RawEdge] = []
    for sub in _SUBPATH.finditer(shape):
        edges.extend(_subpath_edges(sub.group(), [pt for _, pt in ops[sub.start() : sub.end()]], hidden))
    return edges


def _white_fill(obj: int) -> bool:
    r, g, b, alpha = c_uint(), c_uint(), c_uint(), c_uint()
    if not api.object_fill_color(obj, byref(r), byref(g), byref(b), byref(alpha)):
        return False
    return min(r.value, g.value, b.value) >= 250  # 0.98 of full intensity


def _subpath_edges(shape: str, pts: list[Point], hidden: bool) -> list[RawEdge]:
    # an "h" closes at the subpath's start (which _segments already gave it)
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"  # a redundant "l" back to the start
        pts = pts[:-1]
    if shape in ("ml", "mlh"):
        (x0, t0), (x1, t1) = pts[0], pts[1]
        top, bottom = min(t0, t1), max(t0, t1)
        return [RawEdge(min(x0, x1), max(x0, x1), top, bottom, "h" if top == bottom else "v")]
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), last = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if pts[0] == last and square:
            if hidden:
                return []
            left, right = min(x0, x2), max(x0, x2)
            top, bottom = min(y0, y2), max(y0, y2)
            return [
                RawEdge(left, right, top, top, "h"),
                RawEdge(left, right, bottom, bottom, "h"),
                RawEdge(left, left, top, bottom, "v"),
                RawEdge(right, right, top, bottom, "v"),
            ]
    return [
        RawEdge(
            min(p[0], q[0]),
            max(p[0], q[0]),
            min(p[1], q[1]),
            max(p[1], q[1]),
            "v" if p[0] == q[0] else ("h" if p[1] == q[1] else None),
        )
        for p, q in itertools.pairwise(pts)
    ]
