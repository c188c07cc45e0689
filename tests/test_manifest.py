"""Manifests: valid entries load; a bad entry is refused naming the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.sources.manifest import ManifestError, load_manifest
from tests.conftest import ROOT


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "a.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_manifests_are_valid() -> None:
    for name in ("samples.yaml", "real.yaml"):
        m = load_manifest(ROOT / "sources" / name)
        assert m.entries and not m.problems, [str(p) for p in m.problems]
    # the template names no real document: loaded as it is, it loads nothing
    template = load_manifest(ROOT / "sources" / "template.yaml")
    assert not template.entries and len(template.problems) == 3
    samples = load_manifest(ROOT / "sources" / "samples.yaml")
    years = sorted(e.year for e in samples.entries if e.department == "中共广州市委外事工作委员会办公室")
    assert years == [2024, 2025, 2026]
    assert all(e.path and e.path.exists() and e.sha256 for e in samples.entries)


def test_entries_and_their_keys(tmp_path: Path) -> None:
    m = load_manifest(_write(tmp_path, """
documents:
  - department: 广州市教育局
    year: 2025
    url: https://www.gz.gov.cn/a/2025.pdf
    notes: 附件2
  - {department: 广州市科学技术局, year: 2024, path: docs/a.pdf}
"""))
    assert not m.problems
    a, b = m.entries
    assert (a.key, a.url, a.notes, a.line) == ("2025-广州市教育局", "https://www.gz.gov.cn/a/2025.pdf", "附件2", 3)
    assert b.path == (tmp_path / "docs" / "a.pdf").resolve() and b.line == 7


@pytest.mark.parametrize(
    ("entry", "line", "message"),
    [
        ("  - {department: 甲局, year: 2025, url: ftp://x.example/a.pdf}", 4, "scheme 'ftp' is not allowed"),
        ("  - {department: 甲局, year: 2025, url: file:///etc/passwd}", 4, "scheme 'file' is not allowed"),
        ("  - {department: 甲局, year: 2025, path: ../../etc/passwd}", 4, "leaves the sources folder"),
        ("  - {department: 甲局, year: 2025, path: /etc/passwd}", 4, "must be relative"),
        ("  - {department: 甲局, year: 25, path: docs/a.pdf}", 4, "'year' must be a year"),
        ("  - {year: 2025, path: docs/a.pdf}", 4, "'department' is missing"),
        ("  - {department: 甲局, year: 2025}", 4, "exactly one of 'url' or 'path'"),
        ("  - {department: 甲局, year: 2025, path: docs/a.pdf, sha256: abc}", 4, "64 hexadecimal"),
        ("  - {department: 甲局, year: 2025, path: docs/a.pdf, departmnet: x}", 4, "unknown field 'departmnet'"),
        ("  - just text", 4, "must be a mapping"),
    ],
)
def test_bad_entries_are_refused_with_file_and_line(tmp_path: Path, entry: str, line: int, message: str) -> None:
    path = _write(tmp_path, f"documents:\n  - {{department: 乙局, year: 2024, path: docs/a.pdf}}\n\n{entry}\n")
    m = load_manifest(path)
    assert [e.department for e in m.entries] == ["乙局"]  # the good entry still loads
    (problem,) = m.problems
    assert str(problem).startswith(f"{path}:{line}: ")
    assert message in str(problem)


def test_duplicates_are_refused(tmp_path: Path) -> None:
    m = load_manifest(_write(tmp_path, """documents:
  - {department: 甲局, year: 2025, path: docs/a.pdf}
  - {department: 甲局, year: 2025, url: https://x.example/b.pdf}
"""))
    assert len(m.entries) == 1
    assert "duplicate entry for 甲局 2025 (first at line 2)" in str(m.problems[0])


@pytest.mark.parametrize(
    ("text", "message"),
    [("documents: [unclosed", "not valid YAML"), ("departments: []", "expected a 'documents:' list"),
     ("documents: 12", "must be a list")],
)
def test_unreadable_manifests_are_refused_whole(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    assert str(path) in str(info.value) and message in str(info.value)


def test_a_long_manifest_is_not_taken_for_a_yaml_bomb(tmp_path: Path) -> None:
    """30,000 entries are 210,000 YAML nodes, over the alias-bomb limit, but written out, not
    expanded from aliases: they load (a country's documents may be one manifest)."""
    lines = ["documents:"]
    for i in range(30_000):
        lines += [f"  - department: 广州市第{i}局", "    year: 2025", f"    path: docs/d{i}.pdf"]
    manifest = tmp_path / "long.yaml"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded = load_manifest(manifest)
    assert len(loaded.entries) == 30_000 and not loaded.problems
    assert loaded.entries[-1].path == (tmp_path / "docs" / "d29999.pdf").resolve()


def test_paths_are_resolved_through_links_and_a_link_leading_out_is_refused(tmp_path: Path) -> None:
    sources, outside = tmp_path / "sources", tmp_path / "elsewhere"
    outside.mkdir()
    sources.mkdir()
    (outside / "secret.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    m0 = _write(sources, "documents: []\n")  # (makes sources/docs/a.pdf)
    (sources / "docs" / "b.pdf").symlink_to(sources / "docs" / "a.pdf")  # a file linked inside
    (sources / "linked").symlink_to(sources / "docs")  # a folder linked inside
    (sources / "docs" / "out.pdf").symlink_to(outside / "secret.pdf")  # a file linked out
    (sources / "away").symlink_to(outside)  # a folder linked out
    m0.write_text(
        """documents:
  - {department: 甲局, year: 2025, path: docs/b.pdf}
  - {department: 乙局, year: 2025, path: linked/a.pdf}
  - {department: 丙局, year: 2025, path: ./docs/../docs/a.pdf}
  - {department: 丁局, year: 2025, path: docs/out.pdf}
  - {department: 戊局, year: 2025, path: away/secret.pdf}
  - {department: 己局, year: 2025, path: linked/../../elsewhere/secret.pdf}
""",
        encoding="utf-8",
    )
    m = load_manifest(m0)
    real = (sources / "docs" / "a.pdf").resolve()
    assert [(e.department, e.path) for e in m.entries] == [("甲局", real), ("乙局", real), ("丙局", real)]
    assert [(p.department, p.line) for p in m.problems] == [("丁局", 5), ("戊局", 6), ("己局", 7)]
    assert all("leaves the sources folder" in str(p) for p in m.problems)
