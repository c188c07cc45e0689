"""Choosing the page reader: ``jixiao parse --reader``, ``JIXIAO_READER`` for the loader, and the
loader's parser processes reading with the reader chosen (one page after another)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.load.worker import parse_isolated
from jixiao.parser import DEFAULT_READER, READERS
from jixiao.parser.errors import ParserCrashError
from jixiao.settings import SettingsError, load_settings

DOC = Path(__file__).parent / "fixtures" / "corpus" / "waiban_2025.pdf"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jixiao.cli", "parse", *args], capture_output=True, text=True)


def test_parse_takes_every_reader_and_gives_the_same_output() -> None:
    outputs = {reader: _cli(str(DOC), "--reader", reader, "--jobs", "1") for reader in READERS}
    assert all(out.returncode == 0 for out in outputs.values())
    first, *others = (json.loads(out.stdout) for out in outputs.values())
    assert first["document"]["department"] and all(other == first for other in others)


def test_parse_refuses_an_unknown_reader() -> None:
    out = _cli(str(DOC), "--reader", "ocr")
    assert out.returncode == 2 and "invalid choice: 'ocr'" in out.stderr


def test_parallel_reading_gives_the_same_output() -> None:
    serial, parallel = (_cli(str(DOC), "--jobs", jobs) for jobs in ("1", "2"))
    assert serial.returncode == parallel.returncode == 0
    assert json.loads(serial.stdout) == json.loads(parallel.stdout)


def test_the_loader_reads_with_the_reader_of_its_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JIXIAO_READER", raising=False)
    assert load_settings().reader == DEFAULT_READER
    monkeypatch.setenv("JIXIAO_READER", "pdfplumber")
    assert load_settings().reader == "pdfplumber"
    monkeypatch.setenv("JIXIAO_READER", "ocr")
    with pytest.raises(SettingsError, match="JIXIAO_READER"):
        load_settings()


def test_parser_processes_carry_the_reader() -> None:
    options = {"year": None, "seconds": 60.0, "max_pages": 100, "max_bytes": 10**8}
    by_reader = [parse_isolated(DOC, reader=reader, **options) for reader in READERS]  # type: ignore[arg-type]
    assert by_reader[0] == by_reader[1] and by_reader[0][0]["rows"]
    with pytest.raises(ParserCrashError, match="unknown page reader 'ocr'"):
        parse_isolated(DOC, reader="ocr", **options)  # type: ignore[arg-type]
