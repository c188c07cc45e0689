"""The few PDFium functions the page reader calls per glyph and per path point, bound lean.

pypdfium2's bindings wrap every handle in a typed pointer object; called a million times
that wrapping costs more than PDFium's own work. These prototypes take and return plain
addresses (``c_void_p``) and are bound once, from the library pypdfium2 has loaded.
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, c_float, c_int, c_uint, c_ulong, c_void_p
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pypdfium2_raw.bindings as _bindings

_LIB = _bindings._libs["pdfium"]


def _bind(name: str, restype: Any, *argtypes: Any) -> Any:
    return ctypes.CFUNCTYPE(restype, *argtypes)((name, _LIB))


FS_MATRIX = pdfium_c.FS_MATRIX
FS_RECTF = pdfium_c.FS_RECTF

text_count_chars = _bind("FPDFText_CountChars", c_int, c_void_p)
text_unicode = _bind("FPDFText_GetUnicode", c_uint, c_void_p, c_int)
text_is_generated = _bind("FPDFText_IsGenerated", c_int, c_void_p, c_int)
text_is_hyphen = _bind("FPDFText_IsHyphen", c_int, c_void_p, c_int)
text_object = _bind("FPDFText_GetTextObject", c_void_p, c_void_p, c_int)
# out-parameters as plain addresses (ctypes.addressof of a buffer made once): ctypes converts
# an int faster than a byref()
text_origin = _bind("FPDFText_GetCharOrigin", c_int, c_void_p, c_int, c_void_p, c_void_p)
text_matrix = _bind("FPDFText_GetMatrix", c_int, c_void_p, c_int, c_void_p)
text_loose_box = _bind("FPDFText_GetLooseCharBox", c_int, c_void_p, c_int, c_void_p)

textobj_font = _bind("FPDFTextObj_GetFont", c_void_p, c_void_p)
textobj_font_size = _bind("FPDFTextObj_GetFontSize", c_int, c_void_p, c_void_p)
textobj_render_mode = _bind("FPDFTextObj_GetTextRenderMode", c_int, c_void_p)
font_descent = _bind("FPDFFont_GetDescent", c_int, c_void_p, c_float, c_void_p)
font_glyph_width = _bind("FPDFFont_GetGlyphWidth", c_int, c_void_p, c_uint, c_float, c_void_p)
font_base_name = _bind("FPDFFont_GetBaseFontName", c_ulong, c_void_p, ctypes.c_char_p, c_ulong)
font_is_embedded = _bind("FPDFFont_GetIsEmbedded", c_int, c_void_p)
font_flags = _bind("FPDFFont_GetFlags", c_int, c_void_p)
font_weight = _bind("FPDFFont_GetWeight", c_int, c_void_p)
text_font_size = _bind("FPDFText_GetFontSize", ctypes.c_double, c_void_p, c_int)

page_count_objects = _bind("FPDFPage_CountObjects", c_int, c_void_p)
page_object = _bind("FPDFPage_GetObject", c_void_p, c_void_p, c_int)
form_count_objects = _bind("FPDFFormObj_CountObjects", c_int, c_void_p)
form_object = _bind("FPDFFormObj_GetObject", c_void_p, c_void_p, c_ulong)
object_type = _bind("FPDFPageObj_GetType", c_int, c_void_p)
object_matrix = _bind("FPDFPageObj_GetMatrix", c_int, c_void_p, c_void_p)
object_bounds = _bind("FPDFPageObj_GetBounds", c_int, c_void_p, c_void_p, c_void_p, c_void_p, c_void_p)
object_fill_color = _bind(
    "FPDFPageObj_GetFillColor", c_int, c_void_p, POINTER(c_uint), POINTER(c_uint), POINTER(c_uint), POINTER(c_uint)
)
path_draw_mode = _bind("FPDFPath_GetDrawMode", c_int, c_void_p, POINTER(c_int), POINTER(c_int))
path_count_segments = _bind("FPDFPath_CountSegments", c_int, c_void_p)
path_segment = _bind("FPDFPath_GetPathSegment", c_void_p, c_void_p, c_int)
segment_point = _bind("FPDFPathSegment_GetPoint", c_int, c_void_p, POINTER(c_float), POINTER(c_float))
segment_type = _bind("FPDFPathSegment_GetType", c_int, c_void_p)
segment_close = _bind("FPDFPathSegment_GetClose", c_int, c_void_p)

OBJ_TEXT = pdfium_c.FPDF_PAGEOBJ_TEXT
OBJ_PATH = pdfium_c.FPDF_PAGEOBJ_PATH
OBJ_FORM = pdfium_c.FPDF_PAGEOBJ_FORM
SEG_MOVETO = pdfium_c.FPDF_SEGMENT_MOVETO
SEG_LINETO = pdfium_c.FPDF_SEGMENT_LINETO
SEG_BEZIERTO = pdfium_c.FPDF_SEGMENT_BEZIERTO
FILL_NONE = pdfium_c.FPDF_FILLMODE_NONE


def address(handle: Any) -> int:
    """The address behind a pypdfium2 helper (a page, a text page) or a raw handle."""
    raw = getattr(handle, "raw", handle)
    return int(ctypes.cast(raw, c_void_p).value or 0)


PdfDocument = pdfium.PdfDocument
PdfiumError = pdfium.PdfiumError
