"""The floor of parsing one document: a pypdfium2 text scan of every page, plus
pdfplumber reading the characters of the table pages alone. Usage: _floor.py FILE FIRST LAST"""

import sys

import pdfplumber
import pypdfium2 as pdfium

path, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
doc = pdfium.PdfDocument(path)
for i in range(len(doc)):
    page = doc[i]
    textpage = page.get_textpage()
    textpage.get_text_range()
    textpage.close()
    page.close()
doc.close()
with pdfplumber.open(path) as pdf:
    for n in range(first, last + 1):
        page = pdf.pages[n - 1]
        len(page.chars)
        page.close()
