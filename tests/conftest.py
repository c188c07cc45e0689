"""Shared fixtures: the corpus copied into tests/fixtures, the scorer, synthetic documents."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.support import score as scorer

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus"
BAD = FIXTURES / "bad"
ROOT = Path(__file__).resolve().parents[1]


def corpus_entries() -> list[dict[str, Any]]:
    return json.loads((CORPUS / "index.json").read_text(encoding="utf-8"))


def bad_entries() -> list[dict[str, Any]]:
    return json.loads((BAD / "index.json").read_text(encoding="utf-8"))


def score(truth: dict[str, Any], pred: dict[str, Any]) -> float:
    """The scorer's overall figure for one extraction."""
    tally, has = scorer.score_pair(truth, pred)
    return scorer.report("test", tally, has, io.StringIO())


def score_report(truth: dict[str, Any], pred: dict[str, Any]) -> str:
    tally, has = scorer.score_pair(truth, pred)
    buf = io.StringIO()
    scorer.report("extraction", tally, has, buf)
    return buf.getvalue()


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("synth")


@pytest.fixture(scope="session")
def samples_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled samples loaded into a throwaway warehouse (once per test session)."""
    from jixiao.load.pipeline import run
    from jixiao.settings import load_settings

    settings = load_settings().with_paths(data_dir=tmp_path_factory.mktemp("samples") / "data")
    result = run([ROOT / "sources" / "samples.yaml"], settings)
    assert result.warehouse is not None and result.warehouse.status == "built"
    return settings.warehouse
