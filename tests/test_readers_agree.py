"""The two page readers give the same extractions: PDFium (the default) and pdfplumber (the
reference) on every real document, every fixture and a deterministic sample of the generated
documents the other tests build. Below the extractions, the page models they build are
compared glyph by glyph, and the places where PDFium's text layer differs from what the page
draws (collapsed spaces, text objects it leaves out, fonts it cannot measure) are checked to
be put back."""

from __future__ import annotations

import io
import itertools
import json
import random
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter

from jixiao.parser import READERS, ParseError, parse_pdf
from jixiao.parser.document import scan
from jixiao.parser.geometry import GRID
from jixiao.parser.locate import locate_tables
from jixiao.parser.reader import open_pages, read_page
from tests.support.synth import Knobs, generate
from tests.support.synth.forms import generate_forms, random_form_knobs
from tests.support.synth.variants import concatenate, forbid_copying, rotate_pages

FIXTURES = Path(__file__).parent / "fixtures"
REAL = sorted((FIXTURES / "real").glob("*.pdf"))
FIXTURE_FILES = sorted((FIXTURES / "corpus").glob("*.pdf")) + sorted((FIXTURES / "bad").glob("*.pdf"))


def extraction(path: Path, reader: str) -> Any:
    """What ``jixiao parse`` gives (the records, or the refusal)."""
    try:
        return [e.to_dict() for e in parse_pdf(path, reader=reader)]
    except ParseError as exc:
        return {"refused": exc.kind, "message": exc.message, "page": exc.page}


def first_difference(a: Any, b: Any, where: str = "") -> str:
    if type(a) is not type(b):
        return f"{where}: {a!r} != {b!r}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return first_difference(a.get(key), b.get(key), f"{where}.{key}")
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items != {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return first_difference(x, y, f"{where}[{i}]")
    return f"{where}: {json.dumps(a, ensure_ascii=False)[:300]} != {json.dumps(b, ensure_ascii=False)[:300]}"


def assert_same_extractions(path: Path) -> None:
    pdfium, plumber = (extraction(path, reader) for reader in READERS)
    assert pdfium == plumber, f"{path.name}: {first_difference(pdfium, plumber)}"


def test_the_readers_are_pdfium_then_pdfplumber() -> None:
    assert READERS == ("pdfium", "pdfplumber")


@pytest.mark.parametrize("path", REAL, ids=[p.stem for p in REAL])
def test_real_documents(path: Path) -> None:
    assert_same_extractions(path)


def test_fixture_documents() -> None:
    for path in FIXTURE_FILES:
        assert_same_extractions(path)


# ---------------------------------------------------------------- generated documents


def _sideways(pdf: bytes) -> bytes:
    """/Rotate 90 on pages whose content does not expect it (the text then runs down)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        page.rotation = 90
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _combo(seed: int) -> bytes:
    """``test_layout_combinations``'s document number ``seed``."""
    combos = list(
        itertools.product(["compact", "long"], ["ruled", "open"], ["middle", "top"], [True, False], [True, False])
    )
    layout, grid, valign, row_split, header_repeat = combos[seed]
    knobs = Knobs(
        layout=layout,
        grid=grid,
        valign=valign,
        row_split=row_split,
        header_repeat=header_repeat,
        rule_mode=["line", "rect", "fill"][seed % 3],
        orientation=["landscape", "portrait"][seed % 2],
        document=["full", "table_only"][(seed // 2) % 2],
        size=[7.0, 8.0, 9.0][seed % 3],
    )
    return generate(1000 + seed, knobs, year=2025, projects=(3, 7), units=3)[0]


def _generated() -> dict[str, Callable[[], bytes]]:
    """A deterministic sample of what the generated-document tests build: every fourth layout
    combination, every third random budget, named form and random form, and the awkward
    files (rotated pages, copying forbidden, two departments, sideways text, nested header)."""
    from tests.test_parse_forms_synthetic import CASES

    docs: dict[str, Callable[[], bytes]] = {}
    for seed in range(0, 32, 4):
        docs[f"combo{seed}"] = lambda s=seed: _combo(s)
    for seed in range(0, 24, 3):
        docs[f"random{seed}"] = lambda s=seed: generate(s)[0]
    docs["rotated"] = lambda: rotate_pages(generate(9, Knobs(orientation="landscape", row_split=True), year=2025)[0])
    docs["nocopy"] = lambda: forbid_copying(generate(10, Knobs(document="full"), year=2025)[0])
    docs["two"] = lambda: concatenate(generate(11, Knobs())[0], generate(12, Knobs(layout="long"))[0])
    docs["sideways"] = lambda: _sideways(generate(9, Knobs(orientation="landscape", document="table_only"))[0])
    docs["nested"] = lambda: generate(5, Knobs(nested=True, grid="ruled"), columns="extra", year=2024)[0]
    for case in CASES[::3]:
        docs[f"form_{case.name}"] = lambda c=case: c.draw()[0]
    for seed in range(100, 130, 3):
        docs[f"form_random{seed}"] = lambda s=seed: generate_forms(s, random_form_knobs(random.Random(s), None))[0]
    return docs


GENERATED = _generated()


def test_generated_documents(tmp_path: Path) -> None:
    for name, make in GENERATED.items():
        path = tmp_path / f"{name}_2025.pdf"
        path.write_bytes(make())
        assert_same_extractions(path)


# ---------------------------------------------------------------- page by page


@cache
def _table_pages(path: Path) -> tuple[int, ...]:
    """The first and last page of each located table (where the readers' work matters)."""
    doc = scan(path)
    return tuple(sorted({n for loc in locate_tables(doc) for n in (loc.pages[0], loc.pages[-1])}))


PAGES = [(p, n) for p in REAL for n in _table_pages(p)[:4]]


#: One step of the page model's grid: where an engine's number lies a few millionths from
#: the middle between two steps, the two engines' numbers may land on neighbouring steps.
STEP = 1.001 / GRID


@pytest.mark.parametrize(("path", "number"), PAGES, ids=[f"{p.stem}-p{n}" for p, n in PAGES])
def test_page_models_are_the_same(path: Path, number: int) -> None:
    """Glyph for glyph (text and order exactly, boxes to a step of the grid) and rule for rule.
    A space PDFium's text layer collapsed comes back one advance after the one before it,
    where the page may have drawn it a little closer or wider: blanks are placed within their
    own width."""
    a, b = (read_page(open_pages(reader, str(path)), number, str(path)) for reader in READERS)
    assert (a.width, a.height) == (b.width, b.height)
    assert [g.text for g in a.glyphs] == [g.text for g in b.glyphs]
    for g, h in zip(a.glyphs, b.glyphs, strict=True):
        slack = max(g.x1 - g.x0, h.x1 - h.x0) if g.blank else STEP
        assert abs(g.x0 - h.x0) <= slack and abs(g.x1 - h.x1) <= slack, (g, h)
        assert abs(g.top - h.top) <= STEP and abs(g.bottom - h.bottom) <= STEP, (g, h)
    for mine, theirs in ((a.hrules, b.hrules), (a.vrules, b.vrules)):
        assert len(mine) == len(theirs)
        for s, t in zip(mine, theirs, strict=True):
            assert max(abs(s.pos - t.pos), abs(s.start - t.start), abs(s.end - t.end)) <= STEP, (s, t)


def _raw(reader: str, path: Path, number: int) -> Any:
    pages = open_pages(reader, str(path))
    try:
        return pages.read(number)
    finally:
        pages.close()


def test_collapsed_spaces_are_drawn_again() -> None:
    """北京's 收    入 is drawn glyph by glyph; PDFium's text layer keeps one of the four
    spaces (and leaves the other text objects out): the reader puts them back, in place."""
    path = FIXTURES / "real" / "beijing_shenji_2026.pdf"
    plumber, pdfium = (_raw(reader, path, 1) for reader in ("pdfplumber", "pdfium"))
    spaces = [[(c.x0, c.top) for c in raw.chars if c.text == " "] for raw in (plumber, pdfium)]
    assert len(spaces[0]) == len(spaces[1]) == 17
    for (x, t), (y, u) in zip(*spaces, strict=True):
        assert (x, t) == pytest.approx((y, u), abs=0.001)


def test_a_page_pdfium_cannot_measure_is_read_by_pdfplumber(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text object PDFium's text layer leaves out, in a font it has no outlines for (an
    unembedded CJK font on a machine without CJK fonts), could be any glyph: the page is read
    by pdfplumber. Simulated on a page whose left-out objects are spaces: as if their fonts were
    not embedded and their glyphs had no box."""
    from jixiao.parser import pdfium_api, pdfium_dropped
    from jixiao.parser.pdfium_page import PdfiumPages

    path = FIXTURES / "real" / "beijing_shenji_2026.pdf"
    monkeypatch.setattr(pdfium_api, "font_is_embedded", lambda font: 0)
    monkeypatch.setattr(pdfium_dropped, "_raw_width", lambda obj: 0.0)
    pages = PdfiumPages(str(path))
    try:
        raw = pages.read(1)
    finally:
        pages.close()
    assert pages.fallbacks == [1]
    assert raw.chars == _raw("pdfplumber", path, 1).chars


def test_rotated_pages_land_in_the_same_frame() -> None:
    """烟台's /Rotate 90 pages: PDFium reports user space, pdfplumber the page as displayed."""
    path = FIXTURES / "real" / "yantai_sifa_2026.pdf"
    doc = scan(path)
    turned = [p.number for p in doc.pages if p.rotation == 90]
    assert turned
    plumber, pdfium = (_raw(reader, path, turned[0]) for reader in ("pdfplumber", "pdfium"))
    assert (plumber.width, plumber.height) == pytest.approx((pdfium.width, pdfium.height))
    assert [c.text for c in plumber.chars] == [c.text for c in pdfium.chars]
    for p, q in zip(plumber.chars, pdfium.chars, strict=True):
        assert (p.x0, p.x1, p.top, p.bottom) == pytest.approx((q.x0, q.x1, q.top, q.bottom), abs=0.01)
        assert (p.upright, p.way) == (q.upright, q.way)
