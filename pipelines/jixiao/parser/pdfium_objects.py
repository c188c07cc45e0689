"""A page's text and path objects, with the matrix that takes each to user space.

PDFium keeps the objects of a form XObject in the form's own space, under a form object
whose matrix places the form; the walk composes those matrices on the way down.
"""

from __future__ import annotations

from ctypes import addressof
from dataclasses import dataclass, field

from . import pdfium_api as api
from .page_frame import IDENTITY, Matrix, multiply


@dataclass(slots=True)
class PageObjects:
    #: text objects in content order, with the matrix of their parent form (identity on the page)
    texts: list[tuple[int, Matrix]] = field(default_factory=list)
    #: path objects in content order, with the matrix from their points to user space
    paths: list[tuple[int, Matrix]] = field(default_factory=list)


def page_objects(page: int) -> PageObjects:
    out = PageObjects()
    m = api.FS_MATRIX()
    _walk(page, False, IDENTITY, out, m, 0)
    return out


#: pypdfium2's own limit on nested form XObjects
MAX_DEPTH = 15


def _walk(holder: int, is_form: bool, outer: Matrix, out: PageObjects, m: api.FS_MATRIX, depth: int) -> None:
    count = api.form_count_objects(holder) if is_form else api.page_count_objects(holder)
    for i in range(max(count, 0)):
        obj = api.form_object(holder, i) if is_form else api.page_object(holder, i)
        if not obj:
            continue
        kind = api.object_type(obj)
        if kind == api.OBJ_TEXT:
            out.texts.append((obj, outer))
        elif kind == api.OBJ_PATH or (kind == api.OBJ_FORM and depth < MAX_DEPTH):
            own = (m.a, m.b, m.c, m.d, m.e, m.f) if api.object_matrix(obj, addressof(m)) else IDENTITY
            if kind == api.OBJ_PATH:
                out.paths.append((obj, multiply(own, outer)))
            else:
                _walk(obj, True, multiply(own, outer), out, m, depth + 1)
