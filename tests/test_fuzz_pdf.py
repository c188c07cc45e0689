"""Fuzzing the PDF entry point with mutated corpus files: whatever the damage, only the
library's own typed errors come out (or a normal extraction)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.parser import ParseError, parse_pdf
from tests.conftest import CORPUS

SOURCES = {name: (CORPUS / name).read_bytes() for name in ("waiban_2025.pdf", "keji_2023.pdf", "wenguang_2025.pdf")}
N_CASES = int(os.environ.get("JIXIAO_FUZZ_CASES", "60"))


@st.composite
def mutated_pdfs(draw: st.DrawFn) -> bytes:
    data = bytearray(SOURCES[draw(st.sampled_from(sorted(SOURCES)))])
    op = draw(st.sampled_from(["flip", "delete", "duplicate", "zero", "cut"]))
    at = draw(st.integers(0, len(data) - 1))
    size = draw(st.integers(1, 2000))
    if op == "flip":
        for pos in draw(st.lists(st.integers(0, len(data) - 1), min_size=1, max_size=40)):
            data[pos] = draw(st.integers(0, 255))
    elif op == "delete":
        del data[at : at + size]
    elif op == "duplicate":
        data[at:at] = data[at : at + size]
    elif op == "zero":
        data[at : at + size] = bytes(len(data[at : at + size]))
    else:  # cut, but keep an end marker so that the parser reads on
        data = data[:at] + b"\n%%EOF\n"
    return bytes(data)


@settings(max_examples=N_CASES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_pdfs())
def test_mutated_files_give_only_typed_errors(pdf: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mutated_2025.pdf"
        path.write_bytes(pdf)
        try:
            extractions = parse_pdf(path)
        except ParseError as exc:
            assert exc.kind and str(path) in str(exc)
            return
        for ex in extractions:
            ex.to_dict()  # and the result serializes
