"""The naive way: pdfplumber's default extract_tables() on every page. Usage: _naive.py FILE"""

import sys

import pdfplumber

with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages:
        page.extract_tables()
