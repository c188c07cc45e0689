"""The parser on the real-world corpus: every file scored against its truth."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from jixiao.parser import parse_pdf
from tests.conftest import CORPUS, corpus_entries, score, score_report

ENTRIES = corpus_entries()


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_corpus_file_scores(entry: dict) -> None:
    truth = json.loads((CORPUS / entry["truth"]).read_text(encoding="utf-8"))
    (ex,) = parse_pdf(CORPUS / entry["file"])
    pred = ex.to_dict()
    s = score(truth, pred)
    floor = 1.0 if entry["file"] == "waiban_2025.pdf" else 0.99
    assert s >= floor, score_report(truth, pred)
    assert pred["document"]["pages"] == entry["pages"]
    assert len(pred["rows"]) == entry["rows"]
    assert len(pred["indicators"]) == entry["indicators"]


def test_seed_figures_exactly() -> None:
    """The faithful rendering of the real Guangzhou table gives the published figures."""
    (ex,) = parse_pdf(CORPUS / "waiban_2025.pdf")
    total = ex.rows[0]
    assert total.row_type == "total" and total.amounts["total"] == Decimal("2925.54")
    by_project = {r.project: r for r in ex.rows if r.row_type == "project"}
    assert by_project["因公出国（境）经费"].amounts["total"] == Decimal("260.00")
    assert by_project["13300101专项经费"].disclosed is False
    assert [r.unit for r in ex.rows if r.row_type == "unit"] == [
        "中共广州市委外事工作委员会办公室（本级）",
        "广州对外交流发展中心",
    ]
    assert ex.document.department == "中共广州市委外事工作委员会办公室"
    assert (ex.document.year, ex.document.currency_unit, ex.document.layout) == (2025, "万元", "compact")
    assert ex.reconciled, [c.to_dict() for c in ex.checks if not c.ok]


def test_rows_carry_their_page_and_the_document_its_range() -> None:
    (ex,) = parse_pdf(CORPUS / "weijian_2024.pdf")
    assert ex.document.pages == (16, 18)
    assert {r.page for r in ex.rows} <= {16, 17, 18}
    assert all(i.page in (16, 17, 18) for i in ex.indicators)


def test_manifest_year_overrides_the_document() -> None:
    (ex,) = parse_pdf(CORPUS / "keji_2023.pdf", year=2031)
    assert (ex.document.year, ex.document.year_source) == (2031, "manifest")


def test_year_from_file_name_when_the_text_has_none(tmp_path) -> None:  # type: ignore[no-untyped-def]
    copy = tmp_path / "table.pdf"
    copy.write_bytes((CORPUS / "keji_2023.pdf").read_bytes())
    (ex,) = parse_pdf(copy)
    assert ex.document.year is None
    (ex,) = parse_pdf(CORPUS / "keji_2023.pdf")
    assert (ex.document.year, ex.document.year_source) == (2023, "file_name")
