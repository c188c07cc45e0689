"""Bad input: one clear line naming the file and the problem, a non-zero exit, never a
traceback; the library raises its own typed errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.parser import ParseError, parse_pdf
from tests.conftest import BAD, CORPUS, bad_entries
from tests.support.pdfs import table_with_header

ENTRIES = bad_entries()


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jixiao.cli", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_library_raises_the_expected_kind(entry: dict) -> None:
    expected = entry["expected"].removeprefix("error:")
    with pytest.raises(ParseError) as info:
        parse_pdf(BAD / entry["file"])
    assert info.value.kind == expected
    assert entry["file"] in str(info.value)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_cli_prints_one_line_and_fails(entry: dict) -> None:
    r = run_cli("parse", str(BAD / entry["file"]))
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert entry["file"] in lines[0] and entry["expected"].removeprefix("error:") in lines[0]
    assert "Traceback" not in r.stderr


def test_unmappable_columns_are_reported_with_page(tmp_path: Path) -> None:
    pdf = table_with_header(tmp_path / "odd_header_2025.pdf", ["项目名称", "绩效指标", "备注", "说明"])
    with pytest.raises(ParseError) as info:
        parse_pdf(pdf)
    assert info.value.kind == "unmapped_columns"
    assert info.value.page == 1
    assert "odd_header_2025.pdf, page 1" in str(info.value)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n", "corrupt_pdf"),
        (b"PK\x03\x04" + b"\0" * 100, "not_pdf"),
        ("项目支出绩效目标表\n部门名称：x".encode(), "not_pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "not_pdf"),
    ],
    ids=["garbage-with-pdf-header", "zip", "text", "png"],
)
def test_other_damaged_files(tmp_path: Path, content: bytes, kind: str) -> None:
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(content)
    with pytest.raises(ParseError) as info:
        parse_pdf(pdf)
    assert info.value.kind == kind


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ParseError) as info:
        parse_pdf(tmp_path / "nope.pdf")
    assert info.value.kind == "missing_file"
    with pytest.raises(ParseError):
        parse_pdf(tmp_path)


def test_limits(tmp_path: Path) -> None:
    with pytest.raises(ParseError) as info:
        parse_pdf(CORPUS / "waiban_2025.pdf", max_pages=5)
    assert info.value.kind == "limit_exceeded" and "18 pages" in str(info.value)
    with pytest.raises(ParseError) as info:
        parse_pdf(CORPUS / "waiban_2025.pdf", max_bytes=1000)
    assert info.value.kind == "limit_exceeded"
