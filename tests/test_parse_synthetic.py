"""The parser on generated documents: every combination of the published conventions
the corpus does not show, and the awkward files (rotated pages, copy protection, two
departments in one file, totals that do not add up)."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.parser import parse_pdf
from tests.conftest import score, score_report
from tests.support.synth import Knobs, generate
from tests.support.synth.variants import concatenate, forbid_copying, rotate_pages


def _write(folder: Path, name: str, pdf: bytes) -> Path:
    path = folder / name
    path.write_bytes(pdf)
    return path


def _check(path: Path, truth: dict, floor: float = 0.99) -> dict:
    (ex,) = parse_pdf(path)
    pred = ex.to_dict()
    assert score(truth, pred) >= floor, score_report(truth, pred)
    return pred


# layout × grid × vertical alignment × rows broken across pages × header repeated
COMBOS = list(
    itertools.product(["compact", "long"], ["ruled", "open"], ["middle", "top"], [True, False], [True, False])
)


@pytest.mark.parametrize(("layout", "grid", "valign", "row_split", "header_repeat"), COMBOS)
def test_layout_combinations(
    synth_dir: Path, layout: str, grid: str, valign: str, row_split: bool, header_repeat: bool
) -> None:
    seed = COMBOS.index((layout, grid, valign, row_split, header_repeat))
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
    pdf, truth, _ = generate(1000 + seed, knobs, year=2025, projects=(3, 7), units=3)
    _check(_write(synth_dir, f"combo{seed}_2025.pdf", pdf), truth)


@pytest.mark.parametrize("seed", range(24))
def test_random_documents(synth_dir: Path, seed: int) -> None:
    pdf, truth, _ = generate(seed)
    _check(_write(synth_dir, f"random{seed}_{truth['document']['year']}.pdf", pdf), truth)


@pytest.mark.parametrize("columns", ["standard", "no_special", "extra", "carryover"])
@pytest.mark.parametrize("currency", ["万元", "元"])
def test_column_sets_and_currency(synth_dir: Path, columns: str, currency: str) -> None:
    pdf, truth, _ = generate(77, Knobs(currency=currency, thousands=True), columns=columns, year=2024)
    pred = _check(_write(synth_dir, f"cols_{columns}_{currency}_2024.pdf", pdf), truth)
    assert pred["document"]["currency_unit"] == currency
    keys = set(pred["rows"][0]["amounts"])
    expected = {"general_public_budget", "government_fund"} if columns == "extra" else set()
    expected |= {"prior_year_carryover"} if columns == "carryover" else set()
    assert expected <= keys
    if columns == "no_special":
        assert all(r["amounts"]["fiscal_special_account"] is None for r in pred["rows"])


def test_two_level_header(synth_dir: Path) -> None:
    pdf, truth, _ = generate(5, Knobs(nested=True, grid="ruled"), columns="extra", year=2024)
    pred = _check(_write(synth_dir, "nested_2024.pdf", pdf), truth)
    assert "fiscal_appropriation" not in pred["document"]["amount_columns"]
    assert {"general_public_budget", "government_fund"} <= set(pred["document"]["amount_columns"])


def test_rotated_pages(synth_dir: Path) -> None:
    pdf, truth, _ = generate(9, Knobs(orientation="landscape", row_split=True), year=2025, projects=(4, 6))
    _check(_write(synth_dir, "rotated_2025.pdf", rotate_pages(pdf)), truth)


def test_copying_forbidden_still_parses(synth_dir: Path) -> None:
    pdf, truth, _ = generate(10, Knobs(document="full"), year=2025)
    _check(_write(synth_dir, "nocopy_2025.pdf", forbid_copying(pdf)), truth)


def test_two_departments_in_one_file(synth_dir: Path) -> None:
    a, ta, _ = generate(11, Knobs(), department="广州市民政局", year=2025)
    b, tb, _ = generate(12, Knobs(layout="long"), department="广州市司法局", year=2025)
    path = _write(synth_dir, "two_2025.pdf", concatenate(a, b))
    first, second = parse_pdf(path)
    assert (first.document.department, second.document.department) == ("广州市民政局", "广州市司法局")
    assert score(ta, first.to_dict()) >= 0.99
    shift = ta["document"]["pages"][1]
    for row in tb["rows"] + tb["indicators"]:
        row["page"] += shift
    tb["document"]["pages"] = [p + shift for p in tb["document"]["pages"]]
    assert score(tb, second.to_dict()) >= 0.99

    cli = [sys.executable, "-m", "jixiao.cli", "parse", str(path)]
    out = subprocess.run(cli, capture_output=True, text=True, check=True)
    docs = json.loads(out.stdout)
    assert [d["document"]["department"] for d in docs] == ["广州市民政局", "广州市司法局"]
    single = subprocess.run([*cli, "--single"], capture_output=True, text=True)
    assert single.returncode == 2 and "2 departments' tables" in single.stderr


@pytest.mark.parametrize("layout", ["compact", "long"])
def test_totals_that_do_not_add_up_are_flagged_not_fatal(synth_dir: Path, layout: str) -> None:
    pdf, truth, _ = generate(13, Knobs(layout=layout, misprint=True, long_total=True), year=2025)
    path = _write(synth_dir, f"misprint_{layout}_2025.pdf", pdf)
    (ex,) = parse_pdf(path)
    assert score(truth, ex.to_dict()) >= 0.99
    assert not ex.reconciled
    failed = [c for c in ex.checks if not c.ok]
    assert failed and failed[0].check in ("total_equals_units", "total_equals_projects")
    assert failed[0].expected - failed[0].actual == Decimal("1.00")
    assert ex.rows[0].warnings and "does not equal" in ex.rows[0].warnings[0]


def test_clean_tables_reconcile(synth_dir: Path) -> None:
    pdf, _, _ = generate(14, Knobs(), year=2025)
    (ex,) = parse_pdf(_write(synth_dir, "clean_2025.pdf", pdf))
    assert ex.reconciled and ex.checks


def test_two_hundred_page_document(synth_dir: Path) -> None:
    pdf, truth, _ = generate(15, Knobs(document="full", filler_pages=190), year=2024)
    path = _write(synth_dir, "big_2024.pdf", pdf)
    pred = _check(path, truth)
    assert pred["document"]["page_count"] >= 200
