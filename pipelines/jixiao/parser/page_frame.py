"""From PDF user space to the reader's frame (pdfplumber's): the page's /Rotate and mediabox.

pdfminer first maps user space to its device space with a matrix chosen by the page's
rotation and mediabox; pdfplumber then measures ``top`` down from the mediabox's top and adds
the mediabox's left edge back to ``x``. :class:`PageFrame` does both in one affine map, so that
PDFium's user-space coordinates land exactly where pdfplumber puts the same object.
"""

from __future__ import annotations

from dataclasses import dataclass

Matrix = tuple[float, float, float, float, float, float]

IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def multiply(first: Matrix, then: Matrix) -> Matrix:
    """The matrix applying ``first``, then ``then`` (PDF's row-vector convention)."""
    a1, b1, c1, d1, e1, f1 = first
    a0, b0, c0, d0, e0, f0 = then
    return (
        a1 * a0 + b1 * c0,
        a1 * b0 + b1 * d0,
        c1 * a0 + d1 * c0,
        c1 * b0 + d1 * d0,
        e1 * a0 + f1 * c0 + e0,
        e1 * b0 + f1 * d0 + f0,
    )


def _device_matrix(rotation: int, mediabox: tuple[float, float, float, float]) -> Matrix:
    """pdfminer's initial CTM for a page (``PDFPageInterpreter.process_page``)."""
    x0, y0, x1, y1 = mediabox
    if rotation == 90:
        return (0.0, -1.0, 1.0, 0.0, -y0, x1)
    if rotation == 180:
        return (-1.0, 0.0, 0.0, -1.0, x1, y1)
    if rotation == 270:
        return (0.0, 1.0, -1.0, 0.0, y1, -x0)
    return (1.0, 0.0, 0.0, 1.0, -x0, -y0)


@dataclass(frozen=True, slots=True)
class PageFrame:
    width: float
    height: float
    #: user space → pdfminer's device space (upright tests and text direction are taken there)
    device: Matrix
    #: user space → (x, top): ``x = a·u + c·v + e``, ``top = b·u + d·v + f``
    to_page: Matrix

    @classmethod
    def of(cls, rotation: int, mediabox: tuple[float, float, float, float]) -> PageFrame:
        rotation %= 360
        device = _device_matrix(rotation, mediabox)
        x0, x1 = sorted((mediabox[0], mediabox[2]))
        y0, y1 = sorted((mediabox[1], mediabox[3]))
        box = (y0, x0, y1, x1) if rotation in (90, 270) else (x0, y0, x1, y1)
        width, height = box[2] - box[0], box[3] - box[1]
        left, top = box[0], -box[1]  # pdfplumber's mediabox[0] and mediabox[1]
        a, b, c, d, e, f = device
        return cls(width, height, device, (a, -b, c, -d, e + left, height + top - f))

    def point(self, u: float, v: float) -> tuple[float, float]:
        a, b, c, d, e, f = self.to_page
        return a * u + c * v + e, b * u + d * v + f
