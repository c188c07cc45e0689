"""The PDFium floor of parsing one document: every page's characters with their boxes and
every path object (inside form XObjects too) read with pypdfium2, in one process — what any
parser reading the document with PDFium must at least do. Usage: _floor.py FILE"""

import ctypes
import sys

import pypdfium2 as pdfium
import pypdfium2.raw as c

left, right, bottom, top = (ctypes.c_double() for _ in range(4))
bounds = [ctypes.c_float() for _ in range(4)]


def objects(count, get, parent):  # type: ignore[no-untyped-def]
    for i in range(count(parent)):
        obj = get(parent, i)
        kind = c.FPDFPageObj_GetType(obj)
        if kind == c.FPDF_PAGEOBJ_PATH:
            c.FPDFPageObj_GetBounds(obj, *bounds)
        elif kind == c.FPDF_PAGEOBJ_FORM:
            objects(c.FPDFFormObj_CountObjects, c.FPDFFormObj_GetObject, obj)


doc = pdfium.PdfDocument(sys.argv[1])
for n in range(len(doc)):
    page = doc[n]
    textpage = page.get_textpage()
    for i in range(c.FPDFText_CountChars(textpage)):
        c.FPDFText_GetUnicode(textpage, i)
        c.FPDFText_GetCharBox(textpage, i, left, right, bottom, top)
    textpage.close()
    objects(c.FPDFPage_CountObjects, c.FPDFPage_GetObject, page)
    page.close()
doc.close()
